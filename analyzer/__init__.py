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
    from .parse import parse
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
    report = _report(parsed)
    if parsed.unescaped:
        _to_pasted_lines(report, parsed.unescaped, text)
    return report


def _report(parsed) -> Report:
    from .engine import run
    from .parse import ParseResult

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


def _to_pasted_lines(report: Report, notes: list, text: str) -> None:
    """Line numbers of the report in the text as pasted. The parser read a line that carried
    kubectl output as an escaped string (`\n` line ends) as that output's lines; everything
    found in them points at the pasted line (the page highlights the person's own lines).
    notes: [(first line it became, how many, the pasted line)], in order."""
    def pasted(n):
        if not n:
            return n
        shift = 0
        for at, count, line in notes:
            if n < at:
                break
            if n < at + count:
                return line
            shift += count - 1
        return n - shift

    import dataclasses

    done: dict = {}                    # id(finding) -> the finding with its lines moved (a finding may be shared)
    for obj in report.objects:
        obj.lines = tuple(pasted(n) for n in obj.lines)
        moved = []
        for f in obj.findings:
            if id(f) not in done:
                evidence = [dataclasses.replace(e, line=pasted(e.line)) for e in f.evidence]
                done[id(f)] = dataclasses.replace(f, evidence=evidence)
            moved.append(done[id(f)])
        obj.findings = moved
    for w in report.warnings:
        w.line = pasted(w.line)
    report.lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def _refuse(text: str, message: str, fmt: str = "unrecognized") -> Report:
    lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    return Report(version=__version__, format=fmt, lines=lines, objects=[], warnings=[],
                  verdict=Verdict.UNRECOGNIZED, message=message)


__all__ = ["analyze", "Report", "__version__"]
