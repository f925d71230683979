"""The browser boundary: one string in, one string out (called from the Web Worker)."""
from __future__ import annotations

import json

from . import analyze
from .report import collector_paused


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=False)


def analyze_json(text: str) -> str:
    # One pause over the analysis, the report's dict and its JSON: the collector resumes when all of them are
    # freed. (analyze() and to_dict() each pause it too; between them it resumed with the report live, and its
    # first pass walked all of it.)
    with collector_paused():
        return _json(analyze(text).to_dict())


def analyze_for_page(text: str, over: int, cards: int, rows: int) -> str:
    """For the page: `<view>\n<report>`: the report as analyze_json returns it and, when it is longer than `over`
    characters, the part of it the page shows (page_view) as JSON, else `null`. (A report of thousands of objects is
    megabytes of JSON: parsed in the worker or on the page it cost ~0.1 s more than picking the part here, where the
    report is still a dict. JSON has no raw line break: the first one ends the view.)"""
    with collector_paused():
        report = analyze(text).to_dict()
        out = _json(report)
        return _json(page_view(report, cards, rows) if len(out) > over else None) + "\n" + out


def page_view(report: dict, cards: int, rows: int) -> dict:
    """The report with every object, but in full only those the page can show: the one holding the root cause,
    those holding the first `cards` findings, the first `rows` objects in trouble and the first `cards` objects
    without a finding; the others keep their kind, names, verdict and their findings' id, class and severity (the
    page counts them)."""
    objects = report.get("objects") or []
    primary = report.get("primary") or {}

    def ref(o):                        # app.js objectRef()
        return f"{o.get('kind')}/{o.get('namespace') or '?'}/{o.get('name') or '?'}"

    def root_of(o):
        return any(f.get("id") == primary.get("id") and f.get("class") == primary.get("class")
                   for f in o.get("findings") or ())

    root = -1
    if primary:
        root = next((i for i, o in enumerate(objects) if ref(o) == primary.get("object") and root_of(o)), -1)
        if root < 0:
            root = next((i for i, o in enumerate(objects) if root_of(o)), -1)
    findings = trouble = notes = 0
    shown = []
    for i, o in enumerate(objects):
        found = o.get("findings") or []
        verdict = o.get("verdict")
        full = (i == root or findings < cards or (verdict != "healthy" and trouble < rows)
                or (verdict == "unknown" and not found and notes < cards))
        findings += len(found)
        trouble += verdict != "healthy"
        notes += verdict == "unknown" and not found
        shown.append(o if full else {
            "kind": o.get("kind"), "namespace": o.get("namespace"), "name": o.get("name"), "verdict": verdict,
            "findings": [{"id": f.get("id"), "class": f.get("class"), "severity": f.get("severity")} for f in found]})
    return {**report, "objects": shown}


def redact_json(text: str, names: bool = False) -> str:
    """For "Copy redacted paste": {"text": the paste with secrets and identifying values
    replaced, "replacements": {kind: number of distinct values}}. The same value gets the same
    placeholder everywhere and the text keeps its line count, so evidence line numbers still
    match. Kinds: secret, value, user, email, ip, host, account, and with `names` name."""
    from .redact import redact

    r = redact(text, names=bool(names))
    return _json({"text": r.text, "replacements": r.replacements})


def report_markdown(report_json: str, site: str = "") -> str:
    """A report from analyze_json, as the Markdown `kubeclue --format markdown` prints (for a
    "Copy as Markdown" button). `site`: the base URL docs links start with (the page's origin)."""
    from .markdown_out import render_markdown
    from .textout import SITE

    return render_markdown(json.loads(report_json), site=site or SITE)
