"""Reading the values of describe fields: multi-line maps, counts, tables under a header."""
from __future__ import annotations

import re
from typing import Optional

from ..model import Condition, Val
from .tree import Node

_COUNT = re.compile(r"(\d+)\s+([A-Za-z][\w-]*)")
_RULE = re.compile(r"^\s*[-─]{2,}(?:\s+[-─]{2,})*\s*$")
_RFC1123Z = re.compile(r"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [-+]\d{4}")
# A row of `kubectl describe node`'s Conditions table: Type, Status, LastHeartbeatTime and
# LastTransitionTime (describe.go describeNode), then Reason and Message. Only a node's
# conditions carry a heartbeat, so such a row, even pasted alone, is a node's.
_TIME = r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [-+]\d{4}"
NODE_CONDITION_ROW = re.compile(
    rf"^\s*(?P<type>Ready|MemoryPressure|DiskPressure|PIDPressure|NetworkUnavailable|OutOfDisk)\s+"
    rf"(?:True|False|Unknown)\s+{_TIME}\s+{_TIME}(?:\s|$)"
)

# A Name value that goes on with the next fields: a describe reflowed onto one line by a web page's copy.
REFLOWED = re.compile(r"^\S+\s+(?:Namespace|Priority|Node|Labels|Status|Roles|Selector|CreationTimestamp):\s")


def val(node: Optional[Node]) -> Optional[Val]:
    """A field's value; None when the field is absent or printed empty (`IP:`, `Reason:`)."""
    if node is None or not node.value:
        return None
    return Val(node.value, node.line.no)


def full(node: Optional[Node]) -> Optional[Val]:
    """The value with its continuation lines joined by a space (a wrapped Message)."""
    if node is None:
        return None
    parts = [node.value] + [m.text.strip() for m in node.more]
    return Val(" ".join(p for p in parts if p).strip(), node.line.no)


def top_map(root: Node) -> dict:
    """Label -> first Node at the top level."""
    top = {}
    for c in root.labelled():
        top.setdefault(c.label, c)
    return top


def kv_values(node: Optional[Node], sep: str = "=") -> dict:
    """`Labels:  app=web` + continuation lines -> {"app": "web", ...}."""
    out = {}
    if node is None:
        return out
    for text, _line in node.values:
        if text in ("<none>",):
            continue
        # kubectl <= 1.2 joined labels with commas on one line: `pod-template-hash=1981,run=web`.
        parts = text.split(",") if sep == "=" and "," in text and all(sep in p for p in text.split(",")) else [text]
        for part in parts:
            k, s, v = part.partition(sep)
            if s:
                out[k.strip()] = v.strip()
    return out


_ANNOTATION_COLON = re.compile(r"^([\w.-]+(?:/[\w.-]+)?):(?:\s+(.*))?$")
_ANNOTATION_EQUALS = re.compile(r"^([\w.-]+(?:/[\w.-]+)?)=(.*)$")


def annotations(node: Optional[Node]) -> dict:
    """`Annotations:` in both forms: `k=v` (<= 1.15) and `k: v` with long values on the following
    lines (>= 1.16, truncated by kubectl at 140 characters with `...`). -> key -> Val."""
    out: dict = {}
    if node is None:
        return out
    values = node.values
    key = None
    for text, line in values:
        if text == "<none>":
            continue
        m = _ANNOTATION_COLON.match(text)
        if m and (m.group(2) is not None or text.endswith(":")):
            key = m.group(1)
            out[key] = Val((m.group(2) or "").strip(), line)
            continue
        m = _ANNOTATION_EQUALS.match(text)
        if m:
            key = m.group(1)
            out[key] = Val(m.group(2), line)
            continue
        if key is not None:
            prev = out[key]
            # A long value starts on the line after its key (>= 1.16): it points there.
            out[key] = Val(str(prev) + " " + text, prev.line) if prev else Val(text, line)
    return out


def counts(text: str) -> dict:
    """`3 desired | 1 updated | 3 total` / `0 current / 3 desired` / `1 Running / 0 Waiting` /
    `0 Active (0 Ready) / 0 Succeeded / 7 Failed` -> {"desired": 3, ...} (lower-case words)."""
    out = {}
    for num, word in _COUNT.findall(text.replace("(", " ").replace(")", " ")):
        out.setdefault(word.lower(), int(num))
    return out


def header_columns(header: str, names: list) -> Optional[list]:
    """Start columns of `names` in a header line, left to right, or None if one is missing."""
    cols = []
    pos = 0
    for name in names:
        i = header.find(name, pos)
        if i < 0:
            return None
        cols.append(i)
        pos = i + len(name)
    return cols


def header_cells(header: str) -> list:
    """A tabwriter header -> [(start, name)], cells separated by two or more spaces."""
    out = []
    for m in re.finditer(r"\S+(?: \S+)*", header):
        out.append((m.start(), m.group(0)))
    return out


def split_at(text: str, cols: list) -> Optional[list]:
    """Cut a row at the header's columns when the row is aligned with it (each cell starts at its
    column after a space); None when it is not (spaces collapsed, a tab-expanded header)."""
    cells = []
    for i, c in enumerate(cols):
        if i > 0 and len(text) > c and text[c - 1] != " ":
            return None
        end = cols[i + 1] if i + 1 < len(cols) else len(text)
        cells.append(text[c:end].strip() if len(text) > c else "")
    return cells


_WRAPPED_NODE_ROW = re.compile(rf"^ (?P<rest>\S.*?)\s{{2,}}(?P<row>(?:Ready|MemoryPressure|DiskPressure|PIDPressure|"
                               rf"NetworkUnavailable|OutOfDisk)\s+(?:True|False|Unknown)\s+{_TIME}.*)$")


def _unreflow(items: list):
    """-> (item, row text, continuation texts) per row. A node's Conditions table reflowed by an
    issue tracker, each message's end moved to the start of the next line with one space before
    it (` has sufficient memory available  DiskPressure  False  <time> ...`): the piece before the
    next row goes back to its message."""
    rows = []
    for item in items:
        text = item.line.text
        if item.indent == 1 and rows and item.label is None:
            m = _WRAPPED_NODE_ROW.match(text)
            if m:
                rows[-1][2].append(m.group("rest").strip())
                rows.append((item, "  " + m.group("row"), []))
                continue
            if not NODE_CONDITION_ROW.match(text) and NODE_CONDITION_ROW.match(rows[-1][1]):
                rows[-1][2].append(text.strip())
                continue
        rows.append((item, text, [m.text.strip() for m in item.more]))
    return rows


def conditions(node: Optional[Node]) -> tuple:
    """A `Conditions:` table (Deployment, ReplicaSet, Node, PVC, pod): by the header's columns
    when aligned; else by the token grammar Type Status [times] Reason Message."""
    if node is None:
        return ()
    out = []
    cols = None
    names = None
    for item, text, more in _unreflow(node.children):
        stripped = text.strip()
        if not stripped or _RULE.match(stripped):
            continue
        if stripped.startswith("Type") and "Status" in stripped:
            cells = header_cells(text)
            names = [n for _, n in cells]
            cols = [c for c, _ in cells]
            continue
        row = split_at(text, cols) if cols else None
        if row is not None and names is not None and len(row) == len(names) >= 2 and row[0] and " " not in row[0] \
                and row[1] in ("True", "False", "Unknown", ""):
            d = dict(zip(names, row))
            more = " ".join(more)
            msg = (d.get("Message", "") + (" " + more if more else "")).strip()
            out.append(Condition(d.get("Type", ""), d.get("Status", ""), d.get("Reason", ""), msg, item.line.no,
                                 d.get("LastTransitionTime", "")))
            continue
        words = stripped.split()
        if not words:
            continue
        ctype = words[0]
        status = words[1] if len(words) > 1 else ""
        rest = stripped.split(None, 2)[2] if len(words) > 2 else ""
        transition = ""
        # Node and PVC conditions carry timestamps before Reason and Message.
        times = []
        while True:
            m = _RFC1123Z.match(rest)
            if not m:
                break
            times.append(m.group(0))
            rest = rest[m.end():].strip()
        if times:
            transition = times[-1]
        cells = re.split(r"\s{2,}", rest.strip()) if rest else []
        if len(cells) == 1 and " " in cells[0]:
            reason, _, message = cells[0].partition(" ")
        else:
            reason = cells[0] if cells else ""
            message = " ".join(cells[1:])
        more = " ".join(more)
        if more:
            message = (message + " " + more).strip()
        out.append(Condition(ctype, status, reason, message, item.line.no, transition))
    return tuple(out)


def is_rule(text: str) -> bool:
    return bool(_RULE.match(text))
