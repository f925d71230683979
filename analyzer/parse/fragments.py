"""Pieces of a pod's status pasted alone, not as a whole object:

- a fragment of `-o json` cut out of its object: `"lastState": { "terminated": { "exitCode": 137, … } },`
  (a key and its value, deep indentation, a trailing comma), or `"containerStatuses": [ … ]`;
- what a go-template or jsonpath prints for a map: Go's `fmt` syntax,
  `map[terminated:map[containerID:docker://… exitCode:137 … reason:OOMKilled …]]` (one per container, run together
  by `{{range}}`), or a list of them `[map[… lastState:map[…] name:app … state:map[waiting:map[…]]]]`.

Both are read as the container statuses of a pod the paste does not name.
"""
from __future__ import annotations

import re
from typing import Optional

from ..model import Val
from .structured import LDict, LList

# The keys a container status (or a pod status) fragment starts with.
_JSON_FRAGMENT = re.compile(r'^\s*"(?:lastState|state|containerStatuses|initContainerStatuses|lastTerminationState)"'
                            r'\s*:\s*[\[{]')
_STATUS_KEYS = ("lastState", "state", "containerStatuses", "initContainerStatuses")
_STATES = ("terminated", "waiting", "running")


def json_fragment_text(lines: list) -> Optional[str]:
    """The block's text made a JSON document (`{` + fragment + `}`), keeping every line where it was; None when the
    block does not start like a status fragment."""
    first = next((ln for ln in lines if not ln.noise and not ln.blank), None)
    if first is None or not first.text.lstrip().startswith('"') or not _JSON_FRAGMENT.match(first.text):
        return None
    texts = ["" if ln.noise else ln.text for ln in lines]
    body = "\n".join(texts).rstrip()
    if body.endswith(","):
        body = body[:-1]
    return "{" + body + "}"


def as_status(data, cmd: str = "") -> Optional[dict]:
    """A decoded fragment -> a pod document `{"status": {"containerStatuses": [...]}}` read as any other; None when
    it holds no container state."""
    if not isinstance(data, dict):
        return None
    if cmd and "initContainerStatuses" in cmd and "name" in data and ("state" in data or "lastState" in data):
        # One status of `{{.status.initContainerStatuses}}`: an init container's.
        st = LDict(initContainerStatuses=LList([data]))
        st.line, st.end = getattr(data, "line", 0), getattr(data, "end", 0)
        return _wrap(st, data)
    if "containerStatuses" in data or "initContainerStatuses" in data:
        st = LDict((k, v) for k, v in data.items() if k in ("containerStatuses", "initContainerStatuses"))
        st.line, st.end = getattr(data, "line", 0), getattr(data, "end", 0)
        return _wrap(st, data)
    if "lastTerminationState" in data and "lastState" not in data:      # (the Go field's name, in some dumps)
        data = LDict(data, lastState=data["lastTerminationState"])
    if any(k in data for k in ("lastState", "state")):
        status = data
    elif any(k in data for k in _STATES):
        # A state alone: which one the template printed, else a termination is the last state's, a wait the state's.
        which = "lastState" if (".lastState" in cmd or (".state" not in cmd and "terminated" in data)) else "state"
        status = LDict({which: data})
        status.line, status.end = getattr(data, "line", 0), getattr(data, "end", 0)
    else:
        return None
    if not any(isinstance(status.get(k), dict) and any(s in status[k] for s in _STATES) for k in ("lastState", "state")):
        return None
    if status.get("name") is None:
        status = LDict(status, name=Val("<container>", getattr(status, "line", 0)))
        status.line, status.end = getattr(data, "line", 0), getattr(data, "end", 0)
    statuses = LList([status])
    statuses.line, statuses.end = getattr(status, "line", 0), getattr(status, "end", 0)
    st = LDict(containerStatuses=statuses)
    st.line, st.end = statuses.line, statuses.end
    return _wrap(st, data)


def as_pod(items: list, cmd: str = "") -> Optional[dict]:
    """Several statuses printed by one template (`{{range .status.containerStatuses}}…{{end}}`, a list of them): the
    containers of one pod."""
    docs = [d for d in (as_status(i, cmd) for i in items) if d is not None]
    if len(docs) <= 1:
        return docs[0] if docs else None
    merged: dict = {}
    for d in docs:
        for key, statuses in d["status"].items():
            merged.setdefault(key, LList()).extend(statuses)
    first, last = min(d.line for d in docs), max(d.end for d in docs)
    st = LDict()
    for key, statuses in merged.items():
        statuses.line, statuses.end = first, last
        st[key] = statuses
    st.line, st.end = first, last
    doc = LDict(kind=Val("Pod", first), status=st)
    doc.line, doc.end = first, last
    return doc


def _wrap(st, data) -> dict:
    doc = LDict(kind=Val("Pod", getattr(data, "line", 0)), status=st)
    doc.line, doc.end = getattr(data, "line", 0), getattr(data, "end", 0)
    return doc


# ---- Go's fmt printing of maps and slices ----------------------------------------------------------------------
_GO_START = re.compile(r"^\s*\[?map\[\w+:")
_KEY = re.compile(r"(?:(?<=[\s\[])|^)([A-Za-z_][\w.-]*):")


# The fields of a container status and its states: a value ends where one of them starts (a message's own
# `error: …` does not end it).
_FIELDS = frozenset((
    "containerID", "exitCode", "finishedAt", "reason", "startedAt", "message", "signal", "terminated", "waiting",
    "running", "image", "imageID", "lastState", "name", "ready", "restartCount", "started", "state",
    "allocatedResources", "resources", "user", "volumeMounts", "stopSignal"))


def go_maps(lines: list) -> list:
    """The maps a block of go-template output prints (`map[a:b c:map[d:e]]map[]`, `[map[…] map[…]]`), or []."""
    out = []
    for ln in lines:
        t = ln.text.strip()
        if ln.noise or not t or not _GO_START.match(t):
            continue
        pos = 0
        try:
            while pos < len(t):
                if t.startswith("[map[", pos) or t.startswith("[", pos) and t.startswith("map[", pos + 1):
                    items, pos = _go_list(t, pos + 1, ln.no)
                    out.extend(i for i in items if isinstance(i, dict))
                elif t.startswith("map[", pos):
                    m, pos = _go_map(t, pos + 4, ln.no)
                    if m:
                        out.append(m)
                elif t[pos] == " ":
                    pos += 1
                else:
                    break
        except (ValueError, IndexError):
            continue
    return out


def _go_list(t: str, pos: int, no: int) -> tuple:
    items = LList()
    items.line = items.end = no
    while True:
        while t[pos] == " ":
            pos += 1
        if t[pos] == "]":
            return items, pos + 1
        if t.startswith("map[", pos):
            m, pos = _go_map(t, pos + 4, no)
            items.append(m)
        else:
            end = t.find("]", pos)
            if end < 0:
                raise ValueError("open list")
            items.extend(Val(w, no) for w in t[pos:end].split())
            pos = end
            continue


def _go_map(t: str, pos: int, no: int) -> tuple:
    """`key:value key:map[…]…]` from `pos` (after `map[`) -> (LDict, the position after its `]`). A plain value runs
    to the next ` key:` or the map's `]` (Go does not quote strings: a message with spaces stays whole)."""
    d = LDict()
    d.line = d.end = no
    while True:
        while t[pos] == " ":
            pos += 1
        if t[pos] == "]":
            return d, pos + 1
        m = _KEY.match(t, pos)
        if not m:
            raise ValueError("no key")
        key = m.group(1)
        pos = m.end()
        if t.startswith("map[", pos):
            d[key], pos = _go_map(t, pos + 4, no)
            d[key].line = d[key].end = no
        elif t.startswith("[map[", pos):
            d[key], pos = _go_list(t, pos + 1, no)
        else:
            # The value ends at the next ` key:` (a key-value of this map) or at this map's `]`.
            depth = 0
            i = pos
            while i < len(t):
                c = t[i]
                if c == "[":
                    depth += 1
                elif c == "]":
                    if depth == 0:
                        break
                    depth -= 1
                elif c == " " and depth == 0:
                    k = _KEY.match(t, i + 1)
                    if k and k.group(1) in _FIELDS:
                        break
                i += 1
            if i >= len(t):
                raise ValueError("open map")
            value = t[pos:i]
            d[key] = None if value == "<nil>" else Val(value, no)
            pos = i
