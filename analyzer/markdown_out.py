"""The report as Markdown, for pasting into a ticket, a pull request or a chat.

GitHub-flavoured: a heading with the verdict, a table when there are several objects, then per
finding the cause, the evidence lines in a fenced block with their line numbers, the fix as
bullets, the commands in a ```sh block and the docs link. Text from the paste only ever goes
into fenced blocks or code spans, or is escaped, so a paste cannot inject Markdown or HTML.
"""
from __future__ import annotations

import re

from .textout import SITE, SYMBOLS, clip, finding_key, summary_rows, verdict_line

_CODE_SPAN = re.compile(r"(`[^`\n]+`)")
# `<namespace>` would be read as an HTML tag (and dropped), `[x](y)` as a link, `*`, `_` and `\` as
# emphasis or escapes.
_SPECIAL = re.compile(r"([\\*<>[]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")


def escape(text: str) -> str:
    """Prose for Markdown: code spans kept as they are, the rest escaped."""
    parts = _CODE_SPAN.split(text)
    return "".join(p if i % 2 else _SPECIAL.sub(r"\\\1", p) for i, p in enumerate(parts))


def _cell(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return escape(text).replace("|", "\\|")


def _code(text: str) -> str:
    """An inline code span that holds any text, backticks included."""
    run = max((len(m) for m in re.findall(r"`+", text)), default=0)
    tick = "`" * (run + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{tick}{pad}{text}{pad}{tick}"


def _fence(lines: list, lang: str) -> list:
    body = "\n".join(lines)
    run = max((len(m) for m in re.findall(r"`{3,}", body)), default=0)
    fence = "`" * max(3, run + 1)
    return [fence + lang, *lines, fence]


def _ref(obj: dict) -> str:
    ns = f"{obj['namespace']}/" if obj.get("namespace") else ""
    return f"{obj['kind']} {ns}{obj.get('name') or '?'}"


def render_markdown(report: dict, source: str | None = None, site: str = SITE) -> str:
    """The report as GitHub-flavoured Markdown. `source`: the command the paste came from."""
    out = []
    style, _ = verdict_line(report)
    primary = _primary(report)
    word = {"problem": "Problem", "healthy": "Healthy", "unknown": "Unknown",
            "unrecognized": "Unrecognized input"}[report["verdict"]]
    heading = f"### {SYMBOLS[style]} {word}"
    if primary:
        heading += f": {escape(primary['title'])} ({_code(primary['class'])})"
    out.append(heading)
    out.append("")
    if source:
        out.append(f"From {_code(source)}.")
        out.append("")
    single = len(report["objects"]) == 1
    if report.get("message") and not (single and primary and primary["cause"] == report["message"]):
        out.append(escape(report["message"]))
        out.append("")
    out.extend(_paste_next(report.get("next")))

    objects = report["objects"]
    if len(objects) > 1:
        for g in report.get("groups") or []:
            out.append(f"- **{escape(g['summary'])}**")
        if report.get("groups"):
            out.append("")
        out.append("| Object | Status | Diagnosis | Why |")
        out.append("|---|---|---|---|")
        for name, status, cls, why in summary_rows(report):
            out.append(f"| {_cell(name)} | {_cell(status) or '—'} | {_code(cls)} | {_cell(why)} |")
        out.append("")

    seen: dict = {}
    for obj in objects:
        if not obj["findings"]:
            if obj["verdict"] == "unknown" and len(objects) > 1:
                out.append(f"#### {SYMBOLS['warning']} {escape(_ref(obj))}")
                out.append("")
                out.append(escape(obj["summary"]))
                out.append("")
                out.extend(_paste_next(obj.get("next")))
            continue
        key = tuple(finding_key(f) for f in obj["findings"])
        if key in seen:
            lines = ", ".join(str(e["line"]) for f in obj["findings"] for e in f["evidence"])
            out.append(f"- {escape(_ref(obj))}: the same diagnosis as {escape(seen[key])}"
                       + (f" (evidence: lines {lines})." if lines else "."))
            out.append("")
            continue
        seen[key] = _ref(obj)
        for f in obj["findings"]:
            # One object: the heading already names its primary finding.
            out.extend(_finding(obj, f, site, heading=not (single and f is primary)))
    return "\n".join(out).rstrip() + "\n"


def _primary(report: dict) -> dict | None:
    p = report.get("primary")
    if not p:
        return None
    for o in report["objects"]:
        for f in o["findings"]:
            if f["class"] == p["class"] and f["id"] == p["id"]:
                return f
    return None


def _finding(obj: dict, f: dict, site: str, heading: bool = True) -> list:
    out = [f"#### {SYMBOLS[f['severity']]} {escape(f['title'])} ({_code(f['class'])})", ""] if heading else []
    where = [escape(_ref(obj))]
    if obj.get("status"):
        where.append(escape(obj["status"]))
    if f.get("container"):
        where.append(f"container {_code(f['container'])}")
    where.append(f"{f['confidence']}")
    out.append(" · ".join(where))
    out.append("")
    out.append(escape(f["cause"]))
    out.append("")
    if f["evidence"]:
        digits = len(str(f["evidence"][-1]["line"]))
        out.append("Evidence (line numbers of the paste):")
        out.append("")
        out.extend(_fence([f"{str(e['line']).rjust(digits)} │ {clip(e['text'].expandtabs(8))}" for e in f["evidence"]],
                          "text"))
        out.append("")
    table = (f.get("details") or {}).get("table")
    if table:
        out.append("| Nodes | Rejected because | Class |")
        out.append("|---|---|---|")
        for row in table:
            count = "all" if row["count"] is None else str(row["count"])
            out.append(f"| {count} | {_cell(row['reason'])} | {_code(row['class']) if row['class'] else '?'} |")
        out.append("")
    if f["fix"]:
        out.append("**Fix**")
        out.append("")
        out.extend(f"- {escape(x)}" for x in f["fix"])
        out.append("")
    if f["commands"]:
        out.extend(_fence(list(f["commands"]), "sh"))
        out.append("")
    out.extend(_paste_next(f.get("next")))
    out.append(f"Docs: [{escape(f['title'])}]({site}{f['doc']})")
    out.append("")
    return out


def _paste_next(cmds) -> list:
    """One `Paste next:` heading and one sh block for all the commands to paste next."""
    cmds = list(cmds or [])
    if not cmds:
        return []
    return ["Paste next:", "", *_fence(cmds, "sh"), ""]
