"""Stage 1a: cut a paste into blocks, each one kind of output (or the prose around it).

A paste can hold any mix: several describes, a `kubectl get pods` table, a `get events`
table, a `-o yaml` document, and the commands and prose between them. Blocks end at a
prompt line, a Markdown fence, or where the next block starts:
- describe: a `Name:` line at column 0 (after a blank line, or followed by a field every
  describer prints next: Namespace, Roles, Selector, Labels...);
- tables: their upper-case header (`NAME  READY  STATUS ...`, `LAST SEEN  TYPE ...`);
- JSON: `{`/`[` at column 0 that reads as a Kubernetes object;
- YAML: `apiVersion:`/`kind:`/`items:` (or `status:`/`spec:`/`metadata:` with an indented
  body) at column 0, through the lines a YAML document can hold.
The lines between blocks are either a partial describe (cut by `| grep`, `| tail`, `sed`)
or prose; prose paragraphs are reported, never parsed.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any, Optional

from . import events as ev
from .command import Command, parse_command
from .fields import NODE_CONDITION_ROW
from .tables import EVENTS_HEADER, OTHER_HEADER, PODS_HEADER, is_headerless_pod_row, is_headerless_row, is_row
from .tree import DESCRIBE_LABELS, match_label

_NAME = re.compile(r"^Name:\s*\S")
_NEXT_AFTER_NAME = re.compile(r"^(?:Namespace|Roles|Selector|Labels|Priority|Image\(s\)|Node|Annotations|"
                              r"CreationTimestamp|StorageClass|Kind|API Version|Service Account):")
_YAML_START = re.compile(r"^(?:apiVersion|kind|items):(?:\s|$)|^---\s*$")
_YAML_PARTIAL_START = re.compile(r"^(?:status|spec|metadata):\s*$")
_YAML_LINE = re.compile(r"^(?:[a-z][\w.-]*:(?:\s|$)|- |-$|---|\.\.\.|#)")
_HEADER_STARTS = ("NAME", "LAST", "FIRSTSEEN")       # PODS_HEADER, EVENTS_HEADER, OTHER_HEADER
_JSON_K8S = re.compile(r'^\s*"(?:apiVersion|kind|items|metadata|spec|status)"\s*:')


@dataclass
class Block:
    kind: str                    # describe | partial | get-pods | get-events | get-table | json | yaml | prose
    lines: list
    cmd: Optional[Command] = None
    data: Any = None
    notes: list = field(default_factory=list)


def _is_name_start(lines: list, i: int, prev_blank: bool) -> bool:
    ln = lines[i]
    if ln.noise or ln.indent != 0 or not _NAME.match(ln.text):
        return False
    if i and lines[i - 1].text.rstrip() == "Volume Claims:":
        return False                   # a StatefulSet's claim template, flattened to column 0
    if prev_blank:
        return True
    for j in range(i + 1, min(i + 4, len(lines))):
        nxt = lines[j]
        if nxt.blank or nxt.noise:
            continue
        return bool(_NEXT_AFTER_NAME.match(nxt.text))
    return False


def _json_extent(lines: list, i: int) -> Optional[int]:
    """End (exclusive) of a JSON document starting at line i, or None. kubectl pretty-prints with
    the closing brace at column 0; a minified object is one line."""
    t = lines[i].text.strip()
    if t.startswith(("{", "[")) and t.endswith(("}", "]")) and len(t) > 2:
        return i + 1 if re.search(r'"(?:apiVersion|kind|items)"\s*:', t) else None
    if t not in ("{", "["):
        return None
    close = "}" if t == "{" else "]"
    looks = False
    for j in range(i + 1, len(lines)):
        s = lines[j].text
        if j < i + 6 and _JSON_K8S.match(s):
            looks = True
        if s.rstrip() == close and lines[j].indent == 0:
            return j + 1 if looks else None
        if j > i + 6 and not looks:
            return None
    return len(lines) if looks else None


def _yaml_extent(lines: list, i: int) -> int:
    j = i + 1
    last = i
    while j < len(lines):
        ln = lines[j]
        if ln.noise in ("prompt", "fence"):
            break
        if ln.blank or ln.noise:
            j += 1
            continue
        if ln.indent > 0 or _YAML_LINE.match(ln.text):
            if _NAME.match(ln.text) or PODS_HEADER.match(ln.text) or EVENTS_HEADER.match(ln.text):
                break
            last = j
            j += 1
            continue
        break
    return last + 1


def _kubectl_like(ln) -> bool:
    """A line that reads as describe output (a known field, an event row or header, a rule)."""
    t = ln.text
    if ev.is_row_start(t) or ev.is_header(t):
        return True
    lab = match_label(t)
    if lab is not None and lab[1] in DESCRIBE_LABELS:
        return True
    if NODE_CONDITION_ROW.match(t):
        return True
    s = t.strip()
    return bool(s) and set(s) <= set("-─ ")


def _paragraphs(lines: list) -> list:
    out, cur = [], []
    for ln in lines:
        if ln.blank:
            if cur:
                cur.append(ln)
            continue
        if cur and cur[-1].blank:
            out.append(cur)
            cur = []
        cur.append(ln)
    if cur:
        out.append(cur)
    return out


def _score(content: list) -> int:
    """How many lines of a paragraph read as describe output. Lines indented under a section
    label (`Conditions:` rows, `Mounts:` items, argv) count with it."""
    hits = 0
    section = None                   # indent of the last section label seen
    in_events = False                # after an event row, every line continues a message
    for ln in content:
        if in_events:
            hits += 1
            continue
        if ev.is_row_start(ln.text):
            in_events = True
        if _kubectl_like(ln):
            hits += 1
            lab = match_label(ln.text)
            section = ln.indent if lab is not None and not lab[2] else section
            continue
        if section is not None and ln.indent > section:
            hits += 1
        else:
            section = None
    return hits


def _split_loose(block: Block) -> list:
    """Lines outside any block: a partial describe where they read as kubectl output, else prose."""
    out: list = []
    for para in _paragraphs(block.lines):
        content = [ln for ln in para if not ln.blank and not ln.noise]
        if not content:
            continue
        if is_headerless_row(content[0].text):
            kind = "get-events"          # rows of `kubectl get events` whose header was cut
        elif all(is_headerless_pod_row(ln.text) for ln in content):
            kind = "get-pods"            # rows of `kubectl get pods` whose header was not pasted
        else:
            hits = _score(content)
            kind = "partial" if hits and hits >= 0.5 * len(content) else "prose"
        if out and out[-1].kind == kind:
            out[-1].lines.extend(para)
        else:
            out.append(Block(kind, list(para), block.cmd))
    return out


# The first characters of a paste can be lost in the copy (`ame:` for `Name:`).
_LOST_START = re.compile(r"^(?:ame|me):(\s+\S.*)$")


def repair_start(lines: list, warnings: list) -> None:
    """`ame:  web-1` as the first output line, followed by `Namespace:`: read it as `Name:`."""
    from ..report import Warning_

    for i, ln in enumerate(lines):
        if ln.noise or ln.blank:
            continue
        m = _LOST_START.match(ln.text)
        nxt = next((x for x in lines[i + 1:i + 4] if not x.blank and not x.noise), None)
        if m and nxt is not None and _NEXT_AFTER_NAME.match(nxt.text):
            lines[i] = dataclasses.replace(ln, text="Name:" + m.group(1))
            warnings.append(Warning_(ln.no, f"line {ln.no}: `{ln.text.split(':')[0]}:` read as `Name:` "
                                            "(the start of the line was lost in the copy)"))
        return


def segment(lines: list) -> list:
    blocks: list = []
    cur: Optional[Block] = None
    cmd: Optional[Command] = None
    prev_blank = True

    def close():
        nonlocal cur
        if cur is not None:
            if cur.kind == "loose":
                blocks.extend(_split_loose(cur))
            else:
                blocks.append(cur)
        cur = None

    i = 0
    n = len(lines)
    while i < n:
        ln = lines[i]
        if ln.indent and cur is not None and not ln.noise and not ln.cmd and not ln.blank:
            cur.lines.append(ln)         # an indented line inside a block (most lines): nothing starts there
            prev_blank = False
            i += 1
            continue
        if ln.noise in ("prompt", "fence"):
            close()
            if ln.cmd:
                cmd = parse_command(ln.cmd)
                if cmd is not None:
                    cmd = dataclasses.replace(cmd, line=ln.no)
            prev_blank = True
            i += 1
            continue
        if ln.cmd:                       # a command joined with its first output line
            close()
            cmd = parse_command(ln.cmd)
            if cmd is not None:
                cmd = dataclasses.replace(cmd, line=ln.no)
            prev_blank = True
        if ln.blank or ln.noise:
            if cur is not None:
                cur.lines.append(ln)
            prev_blank = prev_blank or ln.blank
            i += 1
            continue
        t = ln.text
        if ln.indent == 0:
            first = t[:1]
            if first in "{[":
                end = _json_extent(lines, i)
                if end is not None:
                    close()
                    blocks.append(Block("json", lines[i:end], cmd))
                    i = end
                    prev_blank = True
                    continue
            if first in "aki-sm" and (_YAML_START.match(t) or (_YAML_PARTIAL_START.match(t) and i + 1 < n
                                                               and lines[i + 1].indent > 0)):
                end = _yaml_extent(lines, i)
                close()
                blocks.append(Block("yaml", lines[i:end], cmd))
                i = end
                prev_blank = True
                continue
            if first.isupper():
                kind = None
                if not t.startswith(_HEADER_STARTS):
                    pass                 # no table header starts otherwise
                elif PODS_HEADER.match(t):
                    kind = "get-pods"
                elif EVENTS_HEADER.match(t):
                    kind = "get-events"
                elif OTHER_HEADER.match(t):
                    kind = "get-table"
                if kind is not None:
                    close()
                    j = i + 1
                    while j < n and lines[j].noise not in ("prompt", "fence"):
                        if lines[j].blank:
                            # A blank line ends the table, unless a row of it follows (a message
                            # with an empty line in it, a row pasted apart).
                            k = j
                            while k < n and lines[k].blank:
                                k += 1
                            if k < n and kind != "get-table" and not lines[k].noise and \
                                    is_row(kind, t, lines[k].text):
                                j = k
                                continue
                            break
                        nt = lines[j].text
                        if nt.startswith(_HEADER_STARTS) and (PODS_HEADER.match(nt) or EVENTS_HEADER.match(nt) or
                                                              OTHER_HEADER.match(nt)) or _NAME.match(nt):
                            break            # the next table (`kubectl get pod,svc,rc`) or a describe
                        j += 1
                    blocks.append(Block(kind, lines[i:j], cmd))
                    i = j
                    prev_blank = False
                    continue
                if t.startswith("Name:") and _is_name_start(lines, i, prev_blank):   # (_NAME needs it)
                    close()
                    cur = Block("describe", [ln], cmd)
                    i += 1
                    prev_blank = False
                    continue
        if cur is None:
            cur = Block("loose", [], cmd)
        cur.lines.append(ln)
        prev_blank = False
        i += 1
    close()
    return blocks
