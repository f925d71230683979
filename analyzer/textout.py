"""The report as text for a terminal: the root cause first, then evidence, fix, commands.

Severity is a symbol as well as a colour (✖ error, ▲ warning, ℹ info, ✔ healthy), so it
survives a pipe, NO_COLOR and colour blindness; `ascii=True` swaps every non-ASCII mark for an
ASCII one when the terminal's encoding cannot print them. With a `width`, prose wraps to it
(never inside a `code span`, never a command) and evidence wraps under its line number.
"""
from __future__ import annotations

import json
import os
import re
import textwrap

SITE = os.environ.get("KUBECLUE_SITE", "http://127.0.0.1:8000/")

SYMBOLS = {"error": "✖", "warning": "▲", "info": "ℹ", "healthy": "✔"}
_VERDICT = {"problem": ("error", "problem"), "healthy": ("healthy", "healthy"),
            "unknown": ("warning", "unknown"), "unrecognized": ("error", "unrecognized input")}
_COLORS = {"error": "31", "warning": "33", "info": "36", "healthy": "32", "dim": "2", "bold": "1"}
# Every non-ASCII mark the renderers print, and its ASCII stand-in.
ASCII = str.maketrans({"✖": "X", "▲": "!", "ℹ": "i", "✔": "OK", "│": "|", "•": "*", "—": "--", "–": "-",
                       "…": "...", "→": "->", "·": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "≥": ">=",
                       "≤": "<=", "×": "x"})
_MARKS = "✖▲ℹ✔│•—–…→·"
PROSE_MAX = 100          # prose is easier to read in a column than across a 200-column terminal
_EVIDENCE_MAX = 400      # a longer evidence line keeps its start and its end (where kubelet puts the reason)


def can_print_marks(encoding: str | None) -> bool:
    """Whether a stream with this encoding can print the symbols (None: a text buffer, yes)."""
    if not encoding:
        return True
    try:
        _MARKS.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def use_color(mode: str, isatty: bool, environ=None) -> bool:
    """--color always|never win; in auto: NO_COLOR (no-color.org: set and not empty) turns colour
    off, TERM=dumb too, FORCE_COLOR turns it on in a pipe, otherwise colour on a terminal only."""
    env = os.environ if environ is None else environ
    if mode == "always":
        return True
    if mode == "never" or env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR", "") not in ("", "0", "false"):
        return True
    return isatty and env.get("TERM") != "dumb"


def _painter(color: bool):
    def c(text: str, style: str) -> str:
        return f"\x1b[{_COLORS[style]}m{text}\x1b[0m" if color and text else text
    return c


_CODE_SPAN = re.compile(r"`[^`\n]*`")


def wrap(text: str, width: int, indent: str, hang: str | None = None) -> list:
    """Prose -> lines of at most `width` columns. A `code span` (a command, a path, a field) is
    never broken, and neither is a long word such as a URL: a line runs over instead."""
    hang = indent if hang is None else hang
    if width <= 0 or len(indent) + len(text) <= width:
        return [indent + text]
    glued = _CODE_SPAN.sub(lambda m: m.group(0).replace(" ", "\x00"), text)
    lines = textwrap.wrap(glued, width=max(width, len(hang) + 30), initial_indent=indent, subsequent_indent=hang,
                          break_long_words=False, break_on_hyphens=False)
    return [ln.replace("\x00", " ") for ln in lines] or [indent]


def clip(text: str, limit: int = _EVIDENCE_MAX) -> str:
    if len(text) <= limit:
        return text
    head = limit * 3 // 5
    return text[:head] + " … " + text[-(limit - head - 3):]


def verdict_line(report: dict, marks: bool = True) -> tuple:
    """-> (style, the one-line verdict), e.g. ("error", "✖ problem — The image ... not found")."""
    style, word = _VERDICT[report["verdict"]]
    head = f"{SYMBOLS[style]} {word}" if marks else word
    if report.get("message"):
        head += f" — {report['message']}"
    return style, head


def render_quiet(report: dict, color: bool = False, ascii: bool = False) -> str:
    style, head = verdict_line(report)
    out = _painter(color)(head, style) + "\n"
    return out.translate(ASCII) if ascii else out


def finding_key(f: dict) -> str:
    """Two findings that say the same thing, whatever lines they cite."""
    return json.dumps({k: v for k, v in f.items() if k != "evidence"}, sort_keys=True)


def render_text(report: dict, color: bool = False, width: int = 0, ascii: bool = False) -> str:
    c = _painter(color)
    prose = min(width, PROSE_MAX) if width > 0 else 0
    out = []
    style, head = verdict_line(report)
    out.extend(c(ln, style) for ln in wrap(head, prose, "", "  "))
    for nxt in report.get("next") or []:
        out.append(f"  paste next: {nxt}")
    if len(report["objects"]) > 1:
        out.extend(_summary(report, c, width))
    seen: dict = {}
    for obj in report["objects"]:
        ns = f"{obj['namespace']}/" if obj.get("namespace") else ""
        status = f"  ({obj['status']})" if obj.get("status") else ""
        ref = f"{obj['kind']} {ns}{obj.get('name') or '?'}"
        out.append("")
        out.append(c(f"{ref}{status}  lines {obj['lines'][0]}–{obj['lines'][1]}", "bold"))
        if not obj["findings"]:
            out.extend(wrap(obj["summary"], prose, "  "))
            for nxt in obj.get("next") or []:
                out.append(f"  paste next: {nxt}")
        for m in obj.get("missing") or []:
            out.extend(c(ln, "dim") for ln in wrap(f"note: {m}", prose, "  ", "    "))
        key = tuple(finding_key(f) for f in obj["findings"])
        if key and key in seen:
            # The same diagnosis as an object above (pods of one Deployment): say so, cite the lines.
            for f in obj["findings"]:
                lines = ", ".join(str(e["line"]) for e in f["evidence"]) or "none"
                out.append("")
                out.append(c(f"  {SYMBOLS[f['severity']]} {f['class']}", f["severity"]) +
                           c(f"  same as {seen[key]} above; evidence lines {lines}", "dim"))
            continue
        if key:
            seen[key] = ref
        for f in obj["findings"]:
            out.extend(_finding(f, c, prose, width))
    if report["warnings"]:
        out.append("")
        for w in report["warnings"][:20]:
            out.extend(c(ln, "dim") for ln in wrap(f"warning: line {w['line']}: {w['message']}", prose, "", "  "))
        if len(report["warnings"]) > 20:
            out.append(c(f"… and {len(report['warnings']) - 20} more warnings (see --format json)", "dim"))
    text = "\n".join(out) + "\n"
    return text.translate(ASCII) if ascii else text


def _finding(f: dict, c, prose: int, width: int) -> list:
    out = [""]
    sev = f["severity"]
    where = f"  container {f['container']}" if f.get("container") else ""
    title = f"  {SYMBOLS[sev]} {f['class']} · {f['title']}"
    tail = f"  [{f['confidence']}]{where}"
    if prose and len(title) + len(tail) > prose:
        out.append(c(title, sev))
        out.append(c("   " + tail, "dim"))
    else:
        out.append(c(title, sev) + c(tail, "dim"))
    out.extend(wrap(f["cause"], prose, "    "))
    if f["evidence"]:
        out.append(c("    Evidence", "bold"))
        digits = len(str(f["evidence"][-1]["line"]))
        for e in f["evidence"]:
            gutter = f"      {str(e['line']).rjust(digits)} │ "
            text = clip(e["text"].expandtabs(8))
            if width > 0 and len(gutter) + len(text) > width:
                hang = " " * (len(gutter) - 2) + "│ "
                # The paste's own indentation stays; a long word (a URL, an image) is cut, never a line lost.
                out.extend(textwrap.wrap(text, width=max(width, len(gutter) + 30), initial_indent=gutter,
                                         subsequent_indent=hang, break_on_hyphens=False))
            else:
                out.append(gutter + text)
    table = (f.get("details") or {}).get("table")
    if table:
        total = f["details"].get("nodes_total")
        out.append(c("    Why the nodes were rejected" + (f" ({total} nodes)" if total else ""), "bold"))
        for row in table:
            count = "all" if row["count"] is None else str(row["count"])
            out.append(f"      {count.rjust(5)}  {row['reason']}" + c(f"  → {row['class'] or '?'}", "dim"))
    if f["fix"]:
        out.append(c("    Fix", "bold"))
        for x in f["fix"]:
            out.extend(wrap(x, prose, "      • ", "        "))
    if f["commands"]:
        # Commands are never wrapped: a copied command must run as printed.
        out.append(c("    Commands", "bold"))
        out.extend(f"      $ {x}" for x in f["commands"])
    for nxt in f.get("next") or []:
        out.append(f"    paste next: {nxt}")
    out.append(c(f"    docs: {SITE}{f['doc']}", "dim"))
    return out


def summary_rows(report: dict) -> list:
    """One row per object: (object, status, diagnosis, why)."""
    rows = []
    for o in report["objects"]:
        f = o["findings"][0] if o["findings"] else None
        rows.append((f"{o['kind']}/{o.get('name') or '?'}", o.get("status") or "",
                     f["class"] if f else o["verdict"], (f["cause"] if f else o.get("summary") or "")))
    return rows


def _summary(report: dict, c, width: int) -> list:
    """Several objects: the groups of identical causes, then one row per object, before the details."""
    out = [""]
    for g in report.get("groups") or []:
        out.extend(c(ln, "bold") for ln in wrap(g["summary"], min(width, PROSE_MAX) if width > 0 else 0, "  ", "    "))
    rows = summary_rows(report)
    w0 = min(max(len(r[0]) for r in rows), 60)
    w1 = min(max(len(r[1]) for r in rows), 28)
    w2 = max(len(r[2]) for r in rows)
    lead = 2 + w0 + 2 + w1 + 2 + w2 + 2
    room = width - lead if width > 0 else 0
    out.append("")
    if 0 < width < lead:
        # A narrow terminal: one object per block, the reason under it.
        room = max(width - 6, 20)
        for name, status, cls, why in rows:
            out.append("  " + "  ".join(x for x in (name, status, cls) if x))
            out.append("      " + (why if len(why) <= room else why[: room - 1].rstrip() + "…"))
        return out
    why_col = "WHY" if width <= 0 or room >= 30 else ""
    out.append(c(f"  {'OBJECT'.ljust(w0)}  {'STATUS'.ljust(w1)}  {'DIAGNOSIS'.ljust(w2)}  {why_col}".rstrip(), "dim"))
    for name, status, cls, why in rows:
        cells = f"  {name[:w0].ljust(w0)}  {status[:w1].ljust(w1)}  {cls.ljust(w2)}  "
        if width <= 0:
            out.append(cells + why)                 # a pipe: whole lines, for grep
        elif room >= 30:
            # One line per object, so the table scans; the details below say the rest.
            out.append(cells + (why if len(why) <= room else why[: room - 1].rstrip() + "…"))
        else:
            # Too narrow for a fourth column: the reason goes under the row.
            out.append(cells.rstrip())
            room = max(width - 6, 20)
            out.append("      " + (why if len(why) <= room else why[: room - 1].rstrip() + "…"))
    return out
