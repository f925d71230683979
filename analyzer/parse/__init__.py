"""Text -> typed objects, in two stages (lines -> blocks, tree and tables -> objects).

`parse(text)` finds every object in a paste, whatever surrounds it and however it was
printed (describe of any kind and era, `kubectl get pods`/`get events` tables, `-o json`,
`-o yaml`), and accounts for every line: a line that is neither output, nor known noise
(prompts, fences, klog, elisions), nor understood becomes a warning with its line number.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from ..model import KIND_CLASSES, KubeObject, Pod, Val, to_jsonable
from ..report import Warning_
from .describe import EVENTS, build_object
from .logs import klog_events, rollout_status
from .segment import Block, repair_start, segment
from .structured import JSONError, objects as structured_objects, read_json, read_yaml
from .tables import read_events, read_pods
from .text import Line, clean_lines, unescape_embedded

# ParseResult.format for each block kind that yields objects.
_FORMATS = {"describe": "describe", "partial": "describe", "get-pods": "get-pods", "get-events": "get-events",
            "json": "json", "yaml": "yaml"}


@dataclass
class ParseResult:
    format: str                      # describe | get-pods | get-events | json | yaml | mixed | empty | unrecognized
    lines: list                      # Line
    objects: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    formats: list = field(default_factory=list)   # every format found, in paste order
    blocks: list = field(default_factory=list)    # (kind, first line, last line), prose included
    unescaped: list = field(default_factory=list)  # text.unescape_embedded's notes: lines read from an escaped string

    def to_dict(self) -> dict:
        """The parsed model as JSON (deterministic), for parse goldens."""
        return {
            "format": self.format,
            "formats": list(self.formats),
            "lines": len(self.lines),
            "blocks": [{"kind": k, "lines": [a, b]} for k, a, b in self.blocks],
            "objects": [to_jsonable(o) for o in self.objects],
            "warnings": [w.to_dict() for w in sorted(self.warnings, key=lambda w: (w.line or 0, w.message))],
        }


def _span_text(first: int, last: int) -> str:
    return f"line {first}" if first == last else f"lines {first}\u2013{last}"


def _prose_warning(lines: list, warnings: list, what: str = "not kubectl output") -> None:
    run = [ln for ln in lines if not ln.noise and not ln.blank]
    if not run:
        return
    warnings.append(Warning_(run[0].no, f"{_span_text(run[0].no, run[-1].no)}: {what}; ignored"))


def _trim_trailing_prose(chunk: list, warnings: list) -> list:
    """Text a person typed after the output ("any ideas?") follows a blank line and does not look
    like describe output. (Inside Events, the events reader finds it itself.)"""
    # (From the end: the Events line, when there is one, is near it.)
    if any(ln.indent == 0 and ln.text.startswith("Events:") and EVENTS.match(ln.text)
           for ln in reversed(chunk) if not ln.noise):
        return chunk
    idx = len(chunk)
    for i in range(len(chunk) - 1, 0, -1):
        ln = chunk[i]
        if ln.blank:
            tail = [t for t in chunk[i + 1:] if not t.blank and not t.noise]
            if tail and all(t.indent == 0 and not re.match(r"^[A-Z][\w -]*:(\s|$)", t.text) for t in tail):
                idx = i
            break
    if idx < len(chunk):
        _prose_warning(chunk[idx:], warnings)
        return chunk[:idx]
    return chunk


def _same_ns(a, b) -> bool:
    return not a or not b or str(a) == str(b)


class _Named:
    """Where each (kind, name) sits in a list of objects, so finding an object by name does not scan
    the list (a paste of thousands of pods and as many event rows was rows x objects)."""

    def __init__(self, objs: list):
        self.objs = objs
        self.at: dict = {}
        for i, o in enumerate(objs):
            self.add(i)

    def add(self, i: int) -> None:
        """Index objs[i] (objects are only appended, or replaced by one of the same kind and name)."""
        o = self.objs[i]
        if o.name is not None:
            self.at.setdefault((o.kind, str(o.name)), []).append(i)

    def find(self, kind: str, name: str, ns: str):
        """-> the index of the first object of `kind` named `name` in namespace `ns` (either may
        be unknown), or None."""
        for i in self.at.get((kind, name), ()):
            if _same_ns(self.objs[i].namespace, ns):
                return i
        return None


def _with_events(obj, new_events: list):
    seen = {(e.type, e.reason, e.message) for e in obj.events}
    add = [e for e in new_events if (e.type, e.reason, e.message) not in seen]
    if not add:
        return obj
    sections = obj.sections if "Events" in obj.sections else tuple(obj.sections) + ("Events",)
    missing = tuple(m for m in obj.missing if not m.startswith("Events:"))
    return dataclasses.replace(obj, events=tuple(obj.events) + tuple(add), events_shown=True, sections=sections,
                               missing=missing)


def _attach_events(objs: list, events: list, source: str, ns_lines: dict) -> list:
    """Events naming their object (`kubectl get events`, an Event list) join that object when the
    paste holds it, else make a thin object of that kind holding only its events."""
    groups: dict = {}
    for e in events:
        groups.setdefault((e.object_kind, e.object_name, e.namespace), []).append(e)
    named = _Named(objs)
    for (kind, name, ns), evs in groups.items():
        at = named.find(kind, name, ns)
        if at is not None:
            objs[at] = _with_events(objs[at], evs)
            continue
        cls = KIND_CLASSES.get(kind, KubeObject)
        first = min(e.line for e in evs)
        last = max(e.end_line for e in evs)
        missing = []
        if kind == "Pod":
            missing.append("Containers: not in the paste \u2014 events alone do not show the containers' state")
        ns_line = ns_lines.get(ns) or next((e.line for e in evs if ns in e.raw or ns in e.object_name), first)
        objs.append(cls(kind=kind or "Unknown", name=Val(name, first) if name else None,
                        namespace=Val(ns, ns_line) if ns else None, lines=(first, last), events=tuple(evs),
                        events_shown=True, sections=("Events",), missing=tuple(missing), source=source))
        named.add(len(objs) - 1)
    return objs


def _merge_rows(objs: list) -> list:
    """A `kubectl get pods` row of a pod the paste also describes adds its STATUS column to it."""
    full_pods = [o for o in objs if isinstance(o, Pod) and o.source != "get-pods"]
    named = _Named(full_pods)
    out = []
    merged: dict = {}
    for o in objs:
        if isinstance(o, Pod) and o.source == "get-pods":
            at = named.find("Pod", str(o.name or ""), str(o.namespace or ""))
            if at is not None:
                full = full_pods[at]
                cur = merged.get(id(full), full)
                merged[id(full)] = dataclasses.replace(cur, table_status=o.table_status, table_ready=o.table_ready,
                                                       table_restarts=o.table_restarts, age=cur.age or o.age,
                                                       containers=_row_states(cur.containers, o.containers))
                continue
        out.append(o)
    return [merged.get(id(o), o) for o in out]


def _row_states(described: tuple, from_row: tuple) -> tuple:
    """A describe cut before its containers' states (`Containers:` / `  web:` and nothing more)
    says less than the pod's row: one container without State, Ready or Restart Count takes the
    row's (`0/1  CrashLoopBackOff  25`)."""
    if len(described) != 1 or len(from_row) != 1:
        return described
    c, r = described[0], from_row[0]
    if c.state is not None or c.last_state is not None or c.ready is not None or c.restart_count is not None \
            or r.state is None:
        return described
    return (dataclasses.replace(c, state=r.state, ready=r.ready, restart_count=r.restart_count),)


def _drop_repeated_starts(objs: list, warnings: list) -> list:
    """A copy that repeated an object's first lines (`Name:`, `Namespace:`...) right before the
    whole object: the fragment holds nothing the object does not, so it is dropped."""
    out = []
    for i, o in enumerate(objs):
        nxt = objs[i + 1] if i + 1 < len(objs) else None
        if (o.source == "describe" and nxt is not None and nxt.source == "describe" and not o.events
                and not o.sections and o.name is not None and nxt.name is not None and str(o.name) == str(nxt.name)
                and o.lines[1] - o.lines[0] < 6):
            warnings.append(Warning_(o.lines[0], f"{_span_text(*o.lines)}: the first lines of {o.name} are repeated "
                                                 "before it; ignored"))
            continue
        out.append(o)
    return out


def _drop_pasted_twice(objs: list, lines: list, warnings: list) -> list:
    """The same describe pasted twice (a double Ctrl+V) is one object: a later copy whose lines
    read exactly as an earlier object of the same kind and name is dropped, with a warning."""
    def key(o):
        return (o.kind, str(o.name), str(o.namespace or "")) if o.name is not None and o.source == "describe" else None

    counts: dict = {}
    for o in objs:
        k = key(o)
        if k is not None:
            counts[k] = counts.get(k, 0) + 1
    if all(n == 1 for n in counts.values()):
        return objs                    # (the usual case: no name twice, nothing to compare)
    seen: dict = {}
    out = []
    for o in objs:
        k = key(o)
        if k is None or counts[k] == 1:
            out.append(o)
            continue
        first, last = o.lines
        text = [ln.text for ln in lines[first - 1:last] if not ln.noise]
        earlier = next((e for e, t in seen.get(k, ()) if t == text), None)
        if earlier is not None:
            warnings.append(Warning_(first, f"{_span_text(first, last)}: the same {o.kind} as "
                                            f"{_span_text(*earlier.lines)}, pasted twice; ignored"))
            continue
        seen.setdefault(k, []).append((o, text))
        out.append(o)
    return out


def _merge_formats(objs: list, warnings: list) -> list:
    """One object pasted as its describe and as `-o yaml`/`-o json` (same kind, name and namespace)
    is one object: the describe is kept (it has the events), the other reported. Events read from
    the other (a waiting pull error) are kept when the describe shows none."""
    described = {}
    for o in objs:
        if o.source == "describe" and o.name is not None:
            described.setdefault((o.kind, str(o.name)), []).append(o)
    if not described:
        return objs
    out = []
    replaced: dict = {}
    for o in objs:
        if o.source in ("json", "yaml") and o.name is not None:
            same = [d for d in described.get((o.kind, str(o.name)), ()) if _same_ns(d.namespace, o.namespace)]
            if len(same) == 1:
                d = same[0]
                if o.events and not d.events:
                    replaced[id(d)] = dataclasses.replace(replaced.get(id(d), d), events=o.events)
                warnings.append(Warning_(o.lines[0], f"{_span_text(*o.lines)}: the same {o.kind} as "
                                                     f"{_span_text(*d.lines)} (its describe), as -o {o.source}; "
                                                     "read once, from the describe"))
                continue
        out.append(o)
    return [replaced.get(id(o), o) for o in out]


_JSON_TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|[{}\[\]]')


def _read_json_block(text: str, first: int, warnings: list) -> list:
    """A JSON document; one cut by `| head` or a screen is closed where it stops and read."""
    try:
        data, end = read_json(text, first)
    except JSONError as exc:
        if text[exc.pos:].strip():
            raise
        # The text ends inside the document: drop the cut last line, close what is open.
        cut = text[: text.rfind("\n")] if "\n" in text else text
        stack = []
        for m in _JSON_TOKEN.finditer(cut):
            tok = m.group(0)
            if tok in "{[":
                stack.append("}" if tok == "{" else "]")
            elif tok in "}]" and stack:
                stack.pop()
        closed = cut.rstrip().rstrip(",") + "".join(reversed(stack))
        data, end = read_json(closed, first)
        line = first + text.count("\n")
        warnings.append(Warning_(line, f"line {line}: the JSON stops here (cut by `| head` or the screen); "
                                       "read what comes before"))
        return [data]
    rest = text[end:].strip()
    if rest:
        line = first + text.count("\n", 0, end)
        warnings.append(Warning_(line, f"line {line}: text after the JSON document; ignored"))
    return [data]


def _read_yaml_block(text: str, first: int, warnings: list) -> list:
    """YAML documents; one cut mid-value is read up to the last line that parses (a few tries)."""
    try:
        return read_yaml(text, first)
    except Exception as exc:
        mark = getattr(exc, "problem_mark", None)
        lines = text.split("\n")
        if mark is None or mark.line < len(lines) - 1 - 3:
            raise                   # broken in the middle: not a cut
        for keep in range(len(lines) - 1, max(len(lines) - 12, 0), -1):
            try:
                docs = read_yaml("\n".join(lines[:keep]), first)
            except Exception:
                continue
            line = first + keep
            warnings.append(Warning_(line, f"line {line}: the YAML stops inside a value (cut by `| head` or the "
                                           "screen); read what comes before"))
            return docs
        raise


def _structured(block: Block, result: ParseResult, events: list) -> bool:
    lines = block.lines
    first = lines[0].no
    # Noise inside the block (an elision) becomes an empty line, so offsets keep their lines.
    text = "\n".join("" if ln.noise else ln.text for ln in lines)
    try:
        if block.kind == "json":
            docs = _read_json_block(text, first, result.warnings)
        else:
            docs = _read_yaml_block(text, first, result.warnings)
    except JSONError as exc:
        line = first + text.count("\n", 0, exc.pos)
        result.warnings.append(Warning_(line, f"line {line}: the JSON cannot be read ({exc}); ignored"))
        return False
    except Exception as exc:  # yaml.YAMLError and friends: a mangled document
        mark = getattr(exc, "problem_mark", None)
        line = first + (mark.line if mark is not None else 0)
        problem = getattr(exc, "problem", None) or type(exc).__name__
        result.warnings.append(Warning_(line, f"line {line}: the YAML cannot be read ({problem}); ignored"))
        return False
    found = False
    for d in docs:
        objs, evs = structured_objects(d, block.kind)
        result.objects.extend(objs)
        events.extend(evs)
        found = found or bool(objs or evs)
    if not found:
        _prose_warning(lines, result.warnings, f"a {block.kind.upper()} document that is not a Kubernetes object")
    return found


_SPAN = re.compile(r"^lines? (\d+)(?:\u2013(\d+))?: not kubectl output; ignored$")


def _covers(w, used: set) -> bool:
    """A "not kubectl output" warning over lines of which some were read after all."""
    m = _SPAN.match(w.message)
    return m is not None and any(n in used for n in range(int(m.group(1)), int(m.group(2) or m.group(1)) + 1))


def _status_fragment(block: Block, result: ParseResult, first_ln) -> bool:
    """A piece of a pod's status pasted alone (a `"lastState": {…}` fragment of -o json, go-template `map[…]`
    output) -> a pod the paste does not name, holding those container states."""
    from .fragments import as_pod, as_status, go_maps, json_fragment_text

    t = first_ln.text.lstrip()
    if not t.startswith(('"', "map[", "[map[")):
        return False
    cmd = next((ln.cmd for ln in reversed(result.lines[:first_ln.no - 1]) if ln.cmd), "")
    docs = []
    how = ""
    text = json_fragment_text(block.lines)
    if text is not None:
        try:
            data, _ = read_json(text, block.lines[0].no)
        except JSONError:
            return False
        docs = [as_status(data, cmd)]
        how = "a fragment of `-o json`"
    else:
        docs = [as_pod(go_maps(block.lines), cmd)]
        how = "go-template output (Go's `map[…]`)"
    docs = [d for d in docs if d is not None]
    if not docs:
        return False
    from .command import parse_command

    named = parse_command(cmd) if cmd else None
    pods = [n for k, n in named.targets if k in ("Pod", "") and not n.startswith("{")] \
        if named is not None and named.verb == "get" else []
    for d in docs:
        objs, _ = structured_objects(d, "json")
        for o in objs:
            if len(pods) == 1 and o.name is None:     # `kubectl get pod web-1 -o go-template=…`
                o = dataclasses.replace(o, name=Val(pods[0], named.line or first_ln.no),
                                        namespace=Val(named.namespace, first_ln.no) if named.namespace else None)
            result.objects.append(dataclasses.replace(
                o, partial=True, source="fragment",
                missing=(f"Pod: only its container status was pasted ({how}): the pod's describe shows more",
                         "Events: not in the paste")))
    return True


def parse(text: str) -> ParseResult:
    text, unescaped = unescape_embedded(text)
    lines = clean_lines(text)
    if not any(not ln.blank for ln in lines):
        return ParseResult("empty", lines)

    result = ParseResult("describe", lines, unescaped=unescaped)
    warnings = result.warnings
    for at, count, pasted in unescaped:
        warnings.append(Warning_(at, f"pasted line {pasted} holds kubectl output as an escaped string (`\\n` line "
                                     f"ends): read as its {count} lines; what is found in them points at line {pasted}"))
    table_events: list = []
    structured_events: dict = {}
    formats: list = []
    ns_lines: dict = {}                # namespace -> the command line that named it (`-n shop`)

    def warn(no, msg):
        warnings.append(Warning_(no, msg))

    repair_start(lines, warnings)
    table = None                       # (pods, command) of the block just before, a `get pods` table
    for b in segment(lines):
        first_ln = next((ln for ln in b.lines if not ln.noise and not ln.blank), None)
        if first_ln is None:
            continue
        continue_table = False
        last_ln = next(ln for ln in reversed(b.lines) if not ln.noise and not ln.blank)
        span = (first_ln.no, last_ln.no)
        produced = False
        if b.cmd is not None and b.cmd.namespace:
            ns_lines.setdefault(b.cmd.namespace, b.cmd.line)
        if b.kind == "describe":
            chunk = _trim_trailing_prose(b.lines, warnings)
            obj = build_object(chunk, warnings, partial=False, cmd=b.cmd)
            if obj is not None:
                result.objects.append(obj)
                produced = True
        elif b.kind == "partial":
            obj = build_object(b.lines, warnings, partial=True, cmd=b.cmd)
            if obj is not None:
                if isinstance(obj, Pod) and obj.name is None and table is not None and len(table[0]) == 1 \
                        and table[1] is b.cmd:
                    # A fragment of a describe right under a `get pods` table of one pod is that pod's.
                    row = table[0][0]
                    obj = dataclasses.replace(obj, name=row.name, namespace=obj.namespace or row.namespace)
                result.objects.append(obj)
                produced = True
            else:
                _prose_warning(b.lines, warnings)
        elif b.kind == "get-pods":
            pods = read_pods(b.lines, warn, b.cmd)
            result.objects.extend(pods)
            produced = bool(pods)
            table = (pods, b.cmd)
            continue_table = True
        elif b.kind == "get-events":
            evs = read_events(b.lines, warn, b.cmd)
            table_events.extend(evs)
            produced = bool(evs)
        elif b.kind in ("json", "yaml"):
            evs: list = []
            produced = _structured(b, result, evs)
            structured_events.setdefault(b.kind, []).extend(evs)
        elif b.kind == "get-table":
            header = first_ln.text.split()
            what = b.cmd.kind if b.cmd is not None and b.cmd.verb == "get" and b.cmd.kind else "other resources"
            if what == "Pod":
                what = "other resources"     # `kubectl get pod,svc,rc`: the tables after the pods
            _prose_warning(b.lines, warnings, f"a `kubectl get` table of {what} (columns {', '.join(header[:4])}...): "
                                              "kubeclue reads `get pods` and `get events` tables")
        elif not _status_fragment(b, result, first_ln):
            _prose_warning(b.lines, warnings)
        if not continue_table:
            table = None
        fmt = _FORMATS.get(b.kind)
        if produced and fmt:
            formats.append(fmt)
        result.blocks.append((b.kind if produced or b.kind in ("prose", "get-table") else "prose", span[0], span[1]))

    log_events = klog_events(text, lines)
    if log_events:
        formats.append("events")
        read = {n for e in log_events for n in range(e.line, e.end_line + 1)}
        warnings[:] = [w for w in warnings if not _covers(w, read)]
    rollouts, used = rollout_status(text, lines)
    if rollouts:
        # (Its lines were read: the warnings that called them prose go.)
        warnings[:] = [w for w in warnings if not _covers(w, used)]
        named = _Named(result.objects)
        for d in rollouts:
            if named.find(d.kind, str(d.name), str(d.namespace or "")) is None:
                result.objects.append(d)
        formats.append("rollout-status")

    objs = _drop_repeated_starts(result.objects, warnings)
    objs = _drop_pasted_twice(objs, lines, warnings)
    objs = _merge_rows(objs)
    objs = _merge_formats(objs, warnings)
    for source, evs in structured_events.items():
        objs = _attach_events(objs, evs, source, ns_lines)
    objs = _attach_events(objs, table_events, "get-events", ns_lines)
    if log_events:
        objs = _attach_events(objs, log_events, "events", ns_lines)
    objs.sort(key=lambda o: (o.lines[0], o.lines[1]))
    result.objects = objs
    result.formats = list(dict.fromkeys(formats))
    if not result.objects:
        result.format = "unrecognized"
    elif len(result.formats) == 1:
        result.format = result.formats[0]
    else:
        result.format = "mixed"
    result.warnings.sort(key=lambda w: (w.line or 0, w.message))
    return result


__all__ = ["ParseResult", "parse", "Line"]
