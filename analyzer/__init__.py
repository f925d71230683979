"""kubeclue's analyzer: `kubectl describe` output in, root cause and fix out.

Pure Python (stdlib, plus PyYAML's pure-Python package for YAML input); the same code runs
in CPython for the CLI and in Pyodide inside the web page.
"""
from __future__ import annotations

from .report import Report, Verdict

__version__ = "0.1.0"

# Past this size a paste is refused with a message instead of freezing a tab.
MAX_BYTES = 20 * 1024 * 1024

WHAT_WE_READ = (
    "kubeclue reads what kubectl prints: `kubectl describe` of pods (any kubectl version) and of Deployments, "
    "ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs, Nodes, PVCs and Services; `kubectl get pods` and "
    "`kubectl get events` tables; `kubectl get pod -o yaml` or `-o json`. "
    "Try: `kubectl describe pod <pod> -n <namespace>`."
)


def analyze(text: str) -> Report:
    """Analyze pasted text and return the report. Never raises on bad input."""
    from .report import collector_paused

    with collector_paused():
        return _analyze(text)


def _analyze(text: str) -> Report:
    from .engine import run
    from .parse import ParseResult, parse
    from .parse.text import looks_binary

    if not isinstance(text, str):
        text = str(text)
    if len(text) > MAX_BYTES:
        return _refuse(text, f"The paste is {len(text) / 2**20:.1f} MB; kubeclue reads up to {MAX_BYTES // 2**20} MB. "
                             "Describe one pod or one Deployment at a time.")
    if looks_binary(text):
        return _refuse(text, "This looks like a binary file, not text. " + WHAT_WE_READ)
    parsed = parse(text)
    if parsed.format == "empty":
        return _refuse(text, "The paste is empty. " + WHAT_WE_READ, fmt="empty")
    if parsed.format == "unrecognized":
        from .loose import read_messages

        pod = read_messages(parsed.lines)
        if pod is not None:
            return run(ParseResult("message", parsed.lines, [pod], []), __version__)
        r = run(ParseResult("unrecognized", parsed.lines, [], []), __version__)
        r.verdict = Verdict.UNRECOGNIZED
        r.message = "This does not look like kubectl output. " + WHAT_WE_READ
        return r
    return run(parsed, __version__)


def _refuse(text: str, message: str, fmt: str = "unrecognized") -> Report:
    lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    return Report(version=__version__, format=fmt, lines=lines, objects=[], warnings=[],
                  verdict=Verdict.UNRECOGNIZED, message=message)


__all__ = ["analyze", "Report", "__version__"]
