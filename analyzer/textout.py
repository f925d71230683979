"""The report as text for a terminal: the root cause first, then evidence, fix, commands."""
from __future__ import annotations

import os

SITE = os.environ.get("KUBECLUE_SITE", "http://127.0.0.1:8000/")
_SYMBOL = {"error": "✖", "warning": "▲", "info": "ℹ"}
_VERDICT = {"problem": "✖ problem", "healthy": "✔ healthy", "unknown": "? unknown", "unrecognized": "✖ unrecognized input"}
_COLORS = {"error": "31", "warning": "33", "info": "36", "healthy": "32", "dim": "2", "bold": "1"}


def render_text(report: dict, color: bool = False) -> str:
    def c(text: str, style: str) -> str:
        return f"\x1b[{_COLORS[style]}m{text}\x1b[0m" if color else text

    out = []
    verdict = report["verdict"]
    style = {"problem": "error", "healthy": "healthy", "unknown": "warning", "unrecognized": "error"}[verdict]
    head = _VERDICT[verdict]
    if report.get("message"):
        head += f" — {report['message']}"
    out.append(c(head, style))
    for nxt in report.get("next") or []:
        out.append(f"  paste next: {nxt}")
    if len(report["objects"]) > 1:
        out.extend(_summary(report, c))
    for obj in report["objects"]:
        ns = f"{obj['namespace']}/" if obj.get("namespace") else ""
        status = f"  ({obj['status']})" if obj.get("status") else ""
        out.append("")
        out.append(c(f"{obj['kind']} {ns}{obj.get('name') or '?'}{status}  lines {obj['lines'][0]}–{obj['lines'][1]}", "bold"))
        if not obj["findings"]:
            out.append(f"  {obj['summary']}")
            for nxt in obj.get("next") or []:
                out.append(f"  paste next: {nxt}")
        for m in obj.get("missing") or []:
            out.append(c(f"  note: {m}", "dim"))
        for f in obj["findings"]:
            out.append("")
            sev = f["severity"]
            where = f"  container {f['container']}" if f.get("container") else ""
            out.append(c(f"  {_SYMBOL[sev]} {f['class']} · {f['title']}", sev) + c(f"  [{f['confidence']}]{where}", "dim"))
            out.append(f"    {f['cause']}")
            if f["evidence"]:
                out.append(c("    Evidence", "bold"))
                width = len(str(f["evidence"][-1]["line"]))
                for e in f["evidence"]:
                    text = e["text"] if len(e["text"]) <= 220 else e["text"][:219] + "…"
                    out.append(f"      {str(e['line']).rjust(width)} │ {text}")
            table = (f.get("details") or {}).get("table")
            if table:
                total = f["details"].get("nodes_total")
                out.append(c("    Why the nodes were rejected" + (f" ({total} nodes)" if total else ""), "bold"))
                for row in table:
                    count = "all" if row["count"] is None else str(row["count"])
                    out.append(f"      {count.rjust(5)}  {row['reason']}" + c(f"  → {row['class'] or '?'}", "dim"))
            if f["fix"]:
                out.append(c("    Fix", "bold"))
                out.extend(f"      • {x}" for x in f["fix"])
            if f["commands"]:
                out.append(c("    Commands", "bold"))
                out.extend(f"      $ {x}" for x in f["commands"])
            for nxt in f.get("next") or []:
                out.append(f"    paste next: {nxt}")
            out.append(c(f"    docs: {SITE}{f['doc']}", "dim"))
    if report["warnings"]:
        out.append("")
        for w in report["warnings"][:20]:
            out.append(c(f"warning: line {w['line']}: {w['message']}", "dim"))
        if len(report["warnings"]) > 20:
            out.append(c(f"… and {len(report['warnings']) - 20} more warnings (see --json)", "dim"))
    return "\n".join(out) + "\n"


def _summary(report: dict, c) -> list:
    """Several objects: the groups of identical causes, then one row per object, before the details."""
    out = [""]
    for g in report.get("groups") or []:
        out.append(c(f"  {g['summary']}", "bold"))
    rows = []
    for o in report["objects"]:
        f = o["findings"][0] if o["findings"] else None
        name = f"{o['kind']}/{o.get('name') or '?'}"
        rows.append((name, o.get("status") or "", f["class"] if f else o["verdict"],
                     (f["cause"] if f else o.get("summary") or "")))
    w0 = min(max(len(r[0]) for r in rows), 60)
    w1 = min(max(len(r[1]) for r in rows), 28)
    w2 = max(len(r[2]) for r in rows)
    out.append("")
    out.append(c(f"  {'OBJECT'.ljust(w0)}  {'STATUS'.ljust(w1)}  {'DIAGNOSIS'.ljust(w2)}  WHY", "dim"))
    for name, status, cls, why in rows:
        why = why if len(why) <= 90 else why[:89] + "…"
        out.append(f"  {name[:w0].ljust(w0)}  {status[:w1].ljust(w1)}  {cls.ljust(w2)}  {why}")
    return out
