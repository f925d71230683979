"""The Events table of any describer, in every layout kubectl has printed.

Current (kubectl >= 1.8, PR #51748):    Type  Reason  Age  From  Message
Old (1.3-1.7):  FirstSeen  LastSeen  Count  From  SubObjectPath  Type  Reason  Message
Oldest (1.2):   FirstSeen  LastSeen  Count  From  SubobjectPath  Reason  Message

Events is always the last section of a describer, so inside it every line that does not
start a row continues the previous row's message: terminals and chat windows wrap long
messages, and some messages carry real newlines (mount-utils `Mounting command:` blocks,
CRI-O `errors:` lists, multi-line webhook denials).
"""
from __future__ import annotations

import re
from typing import Optional

from ..model import Event

_DUR = r"(?:<invalid>|<unknown>|\d+[smhdy](?:\d+[smhd])?)"
AGE = re.compile(rf"^(?P<last>{_DUR})(?: \(x(?P<count>\d+) over (?P<first>{_DUR})\))?$")
_ROW = re.compile(
    rf"^\s*(?P<type>Normal|Warning)\s+(?P<reason>[A-Za-z][\w-]*)\s+"
    rf"(?P<age>{_DUR}(?: \(x\d+ over {_DUR}\))?)\s+(?P<rest>.*)$"
)
_HEADER = re.compile(r"^\s*Type\s+Reason\s+Age\s+From\s+Message\s*$")
_OLD_HEADER = re.compile(r"^\s*FirstSeen\s+LastSeen\s+Count\s+From\s+Sub[oO]bject[pP]ath\s+(?:Type\s+)?Reason\s+Message\s*$")
_RULE = re.compile(r"^\s*[-─]{3,}(?:\s+[-─]{3,})+\s*$")
_RFC1123Z = r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [-+]\d{4}"
_OLD_ROW = re.compile(
    rf"^\s*(?P<first>{_DUR}|{_RFC1123Z})\s+(?P<last>{_DUR}|{_RFC1123Z})\s+(?P<count>\d+)\s+"
    r"(?P<from>\{[^}]*\}|[\w.-]+, [\w.-]+|[\w./-]+)\s+"
    r"(?:(?P<sub>[\w.]*\{[^}]*\}|spec\.[\w.{}-]+)\s+)?"
    r"(?:(?P<type>Normal|Warning)\s+)?(?P<reason>[A-Za-z][\w-]*)(?:\s+(?P<msg>.*))?$"
)  # (no message: a terminal wrapped the line in the gap before it, the message is on the next line)
# Known `From` values, for pastes whose column spacing collapsed to single spaces.
_FROM_VOCAB = re.compile(
    r"^(?:kubelet(?:, [\w.-]+)?|default-scheduler|[\w-]+-(?:controller|scheduler|provisioner|manager|autoscaler)"
    r"|cluster-autoscaler|node-problem-detector|kernel-monitor|multus|kube-proxy|taint-eviction-controller"
    r"|[\w.-]+_[\w.-]+_[\w-]+|[\w.-]+/[\w.-]+|[\w.-]+)\s+(?=\S)"
)
# No component is named like a count: a message that starts with one had no From before it.
_FRACTION = re.compile(r"^\d+/\d+\s")
# kubectl >= 1.35 prefixes per-container messages with the event's fieldPath.
_FIELDPATH = re.compile(r"^spec\.(?:containers|initContainers|ephemeralContainers)\{([^}]*)\}: ")
_COMBINED = "(combined from similar events): "
# Lines that continue a message after a blank line inside the table (real newlines).
_MULTILINE_CONT = re.compile(r"^\s*(?:Mounting (?:command|arguments):|Output:|body:|errors?:|denied:|unauthorized:)")
_DUR_PART = re.compile(r"(\d+)([smhdy])")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "y": 365 * 86400}


def duration_seconds(text: str) -> Optional[int]:
    """`3m12s` -> 192 (HumanDuration / ShortHumanDuration); None for <unknown>/<invalid>."""
    if not text or text.startswith("<"):
        return None
    total = 0
    for num, unit in _DUR_PART.findall(text):
        total += int(num) * _UNIT[unit]
    return total


_AGES: dict = {}


def _age(age: str) -> tuple:
    """An Age cell (`10m (x4 over 12m)`) -> (count, last seen in seconds, first seen as printed); the same
    few cells recur on every row of a big paste, so each is read once."""
    got = _AGES.get(age)
    if got is None:
        am = AGE.match(age)
        got = (int(am.group("count") or 1), duration_seconds(am.group("last")), am.group("first") or "")
        if len(_AGES) > 4096:
            _AGES.clear()
        _AGES[age] = got
    return got


def is_header(text: str) -> bool:
    return bool(_HEADER.match(text) or _OLD_HEADER.match(text))


def is_row_start(text: str) -> bool:
    return bool(_ROW.match(text) or _old_row(text))


def _old_row(text: str):
    """A row of the old Events table. Its message may be on the next line (a wrap in the gap
    before it) only when the row ends with Type and Reason, as only a describe's row does."""
    m = _OLD_ROW.match(text)
    return m if m and (m.group("msg") is not None or m.group("type")) else None


def _split_from(rest: str, header_cols: Optional[tuple], line_text: str) -> tuple:
    """Split `From  Message` (the part after Age) into its two cells."""
    if header_cols:
        from_col, msg_col = header_cols
        if (len(line_text) > msg_col and line_text[msg_col - 1] == " " and line_text[msg_col] != " "
                and line_text[from_col - 1] == " " and line_text[from_col] != " "):
            source = line_text[from_col:msg_col].strip()
            # (Rows that do not sit under the header, TABs expanded at other stops: the cut would
            # fall inside the Age, so the From cell must be where the row's part after Age starts.)
            if rest.lstrip().startswith(source):
                return source, line_text[msg_col:].strip()
    if _FRACTION.match(rest):
        return "", rest.strip()       # an empty From (kubectl 1.18, `<unknown>` age): `0/4 nodes are available`
    m = re.match(r"^(\S(?:.*?\S)?)\s{2,}(\S.*)$", rest)
    if m and (", " not in m.group(1) or re.match(r"^kubelet, \S+$", m.group(1)) or len(m.group(1)) < 40):
        return m.group(1), m.group(2)
    m = _FROM_VOCAB.match(rest)
    if m:
        return m.group(0).strip(), rest[m.end():].strip()
    return "", rest.strip()


def normalise(message: str) -> tuple:
    """-> (message, container). Strip the 1.35+ fieldPath prefix and the aggregator prefix."""
    if not message.startswith(("spec.", "(")):
        return message, None           # (most messages: neither prefix)
    container = None
    m = _FIELDPATH.match(message)
    if m:
        container = m.group(1)
        message = message[m.end():]
    if message.startswith(_COMBINED):
        message = message[len(_COMBINED):]
        m = _FIELDPATH.match(message)
        if m:
            container = container or m.group(1)
            message = message[m.end():]
    return message, container


def parse_events(lines: list, warn) -> tuple:
    """Read the rows of an Events table. `lines` start after the `Events:` label line.

    Returns the events. Unreadable lines are reported through warn(line, msg); text a person
    wrote after the table (after a blank line, not a row) becomes one warning for its span.
    """
    rows = []          # dicts being built
    header_cols = None
    old = False
    seen_blank = False
    prose = []         # Lines after the table that are not part of it
    for ln in lines:
        if ln.noise:
            continue
        text = ln.text
        if ln.blank:
            seen_blank = True
            continue
        m = _ROW.match(text) if not old else None
        if m is None:                 # (a row is never a header or a rule: rows are most lines)
            if _HEADER.match(text):
                # Column offsets cut rows only when the header kept kubectl's padding.
                header_cols = (text.index("From"), text.index("Message")) if "  " in text.strip() else None
                old = False
                continue
            if _OLD_HEADER.match(text):
                old = True
                continue
            if _RULE.match(text):
                continue
        if (m or (old and _old_row(text))) and prose and rows:
            # Text between two rows, after a blank line: a message with blank lines in it
            # (webhook policy reports, Part C #1), not prose after the table.
            _absorb(rows[-1], prose)
            prose = []
        if m:
            typ, reason, age, rest = m.group("type", "reason", "age", "rest")
            source, msg = _split_from(rest, header_cols, text)
            count, last, first = _age(age)
            rows.append({
                "type": typ, "reason": reason, "age": age,
                "count": count, "last": last,
                "source": source, "msg": [msg], "line": ln.no, "end": ln.last or ln.no, "sub": None, "first": first,
            })
            seen_blank = False
            continue
        m = _old_row(text)
        if m and (old or not rows):
            rows.append({
                "type": m.group("type") or ("Warning" if m.group("reason") in _OLD_WARNING_REASONS else "Normal"),
                "reason": m.group("reason"), "age": f"{m.group('last')} (x{m.group('count')} over {m.group('first')})"
                if m.group("count") != "1" else m.group("last"),
                "count": int(m.group("count")), "last": duration_seconds(m.group("last")),
                "source": _old_source(m.group("from")),
                "msg": [(m.group("msg") or "").strip()], "line": ln.no, "end": ln.last or ln.no,
                "sub": _container_of_subpath(m.group("sub")), "first": m.group("first"),
            })
            old = True
            seen_blank = False
            continue
        if prose:
            prose.append(ln)
            continue
        if rows and (not seen_blank or _MULTILINE_CONT.match(text)):
            rows[-1]["msg"].append(text.strip())
            rows[-1]["end"] = ln.last or ln.no
            continue
        if rows and seen_blank:
            prose.append(ln)
            continue
        warn(ln.no, "not part of the Events table; ignored")
    if prose and rows and rows[-1]["msg"][-1].rstrip().endswith(":"):
        _absorb(rows[-1], prose)           # the last message announced more ("...the request: ")
        prose = []
    if prose:
        first, last = prose[0].no, prose[-1].no
        span = f"line {first}" if first == last else f"lines {first}\u2013{last}"
        warn(first, f"{span}: not kubectl output; ignored")

    events = []
    for r in rows:
        parts = r["msg"]
        raw = parts[0] if len(parts) == 1 else " ".join(p for p in parts if p)    # (most rows: one line)
        msg, container = normalise(raw)
        events.append(Event(
            type=r["type"], reason=r["reason"], message=msg, source=r["source"], age=r["age"],
            count=r["count"], last_seen_s=r["last"], container=container or r["sub"],
            line=r["line"], end_line=r["end"], raw=raw, first_seen=r.get("first", ""),
        ))
    return tuple(events)


def _absorb(row: dict, lines: list) -> None:
    row["msg"].extend(ln.text.strip() for ln in lines)
    row["end"] = lines[-1].last or lines[-1].no


# kubectl <= 1.2 printed no Type column: these reasons were the warnings.
_OLD_WARNING_REASONS = OLD_WARNING_REASONS = {"Failed", "FailedSync", "BackOff", "Backoff", "FailedScheduling", "FailedMount", "Unhealthy",
                        "FailedCreate", "FailedKillPod", "FailedValidation", "InspectFailed", "ErrImageNeverPull",
                        "FailedAttachVolume", "NodeNotReady", "HostPortConflict", "OutOfDisk"}


def _old_source(text: str) -> str:
    """`{kubelet node-1}` (<= 1.5, a Go struct print) -> `kubelet, node-1`; `{default-scheduler }` -> `default-scheduler`."""
    if text.startswith("{"):
        inner = text.strip("{} ")
        comp, _, host = inner.partition(" ")
        return f"{comp}, {host.strip()}" if host.strip() else comp
    return text


def _container_of_subpath(sub: Optional[str]) -> Optional[str]:
    if not sub:
        return None
    m = re.search(r"\{([^}]*)\}", sub)
    return m.group(1) if m else None
