"""Text -> typed objects, in two stages (lines -> tree/tables -> objects).

`parse(text)` finds every object in a paste, whatever surrounds it, and accounts for every
line: a line that is neither output, nor known noise (prompts, fences, klog), nor understood
becomes a warning with its line number.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Condition, KubeObject, Val
from ..report import Warning_
from . import events as ev
from .pod import build_pod
from .text import Line, clean_lines
from .tree import build

_NAME = re.compile(r"^Name:\s+\S")
_EVENTS = re.compile(r"^Events:\s*(?P<value>.*)$")
_CONTAINER_FIELD = re.compile(r"^\s*(?:State|Last State|Image|Restart Count|Ready|Exit Code|Reason):\s")


@dataclass
class ParseResult:
    format: str                      # describe | empty | unrecognized
    lines: list                      # Line
    objects: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


def detect_kind(labels: set, fields: dict) -> str:
    """Describe prints no `Kind:` for built-in kinds; infer it from the fields (Part C #8)."""
    if "Kind" in fields and "API Version" in fields:
        return str(fields["Kind"]).strip()
    replicas = str(fields.get("Replicas", ""))
    if "Containers" in labels and ("QoS Class" in labels or "Node" in labels or "QoS Tier" in labels
                                   or "Controlled By" in labels or "Controllers" in labels):
        return "Pod"
    if "StrategyType" in labels and "desired |" in replicas:
        return "Deployment"
    if "Desired Number of Nodes Scheduled" in labels or any(k.startswith("Desired Number of Nodes") for k in labels):
        return "DaemonSet"
    if "Update Strategy" in labels and ("Volume Claims" in labels or "Pods Status" in labels):
        return "StatefulSet"
    if "current /" in replicas and "Pods Status" in labels:
        return "ReplicaSet"
    if "Schedule" in labels and "Concurrency Policy" in labels:
        return "CronJob"
    if "Parallelism" in labels and "Completions" in labels:
        return "Job"
    if "System Info" in labels or "Allocated resources" in labels or ("Roles" in labels and "Taints" in labels):
        return "Node"
    if "StorageClass" in labels and ("Access Modes" in labels or "Used By" in labels or "Mounted By" in labels
                                     or "VolumeMode" in labels):
        return "PersistentVolumeClaim"
    if "Selector" in labels and ("Endpoints" in labels or "TargetPort" in labels) and "Type" in labels:
        return "Service"
    if "Containers" in labels:
        return "Pod"
    return "Unknown"


def _generic_conditions(node) -> tuple:
    """Rows of a `Conditions:` table with a `----` rule (Node, Deployment, ReplicaSet, PVC)."""
    if node is None:
        return ()
    out = []
    for item in node.items():
        parts = re.split(r"\s{2,}|\s(?=True\b|False\b|Unknown\b)", item.value.strip())
        parts = [p for p in parts if p]
        if not parts or parts[0] == "Type" or set(parts[0]) <= {"-"}:
            continue
        words = item.value.split()
        ctype = words[0]
        status = words[1] if len(words) > 1 else ""
        reason = ""
        message = ""
        rest = item.value.split(None, 2)[2] if len(words) > 2 else ""
        if rest:
            cells = re.split(r"\s{2,}", rest.strip())
            # Node conditions carry two timestamps before Reason and Message.
            cells = [c for c in cells if not re.match(r"^[A-Z][a-z]{2}, \d\d", c)]
            if cells:
                reason = cells[0]
                message = " ".join(cells[1:])
        out.append(Condition(ctype, status, reason, message, item.line.no))
    return tuple(out)


def _object(lines: list, warnings: list, partial: bool) -> KubeObject | None:
    content = [ln for ln in lines if not ln.noise and not ln.blank]
    if not content:
        return None
    # Events is always the last section of a describer.
    ev_idx = next((i for i, ln in enumerate(lines) if ln.indent == 0 and _EVENTS.match(ln.text)), None)
    if ev_idx is None:
        ev_idx = next((i for i, ln in enumerate(lines) if ev.is_header(ln.text)), None)
        if ev_idx is not None and partial:
            ev_idx -= 1           # the table itself, cut from its `Events:` line by `| grep` or `| tail`
    if ev_idx is None:
        # `| tail` can cut even the header: bare rows.
        ev_idx_rows = next((i for i, ln in enumerate(lines) if ev.is_row_start(ln.text)), None)
        if ev_idx_rows is not None and partial:
            ev_idx = ev_idx_rows - 1
    body = lines if ev_idx is None else lines[: max(ev_idx, 0)]
    events = ()
    events_shown = None
    if ev_idx is not None:
        first = lines[ev_idx] if ev_idx >= 0 else None
        m = _EVENTS.match(first.text) if first is not None else None
        rest = lines[ev_idx + 1:]
        if m and m.group("value").strip() in ("<none>",):
            events_shown = False
            rest_content = [ln for ln in rest if not ln.blank and not ln.noise]
            for ln in rest_content:
                warnings.append(Warning_(ln.no, "text after `Events: <none>` is not part of the describe output; ignored"))
        else:
            def warn(no, msg):
                warnings.append(Warning_(no, msg))
            events = ev.parse_events(rest, warn)
            events_shown = True
    no_events = next((ln for ln in body if ln.text.strip() == "No events."), None)
    if no_events is not None:
        events_shown = False          # kubectl 1.2-1.5

    root = build([ln for ln in body if ln is not no_events])
    fields = {c.label: Val(c.value, c.line.no) for c in reversed(root.labelled())}
    labels = set(fields)
    kind = detect_kind(labels, fields)
    span = (content[0].no, content[-1].no)
    if kind == "Pod" or (partial and kind == "Unknown"):
        if partial and kind == "Unknown" and not events and not any(_CONTAINER_FIELD.match(ln.text) for ln in body):
            return None
        return build_pod(root, events, span, events_shown, partial=partial or "Name" not in labels)
    top = {c.label: c for c in reversed(root.labelled())}
    sections = tuple(c.label for c in root.labelled() if not c.value and (c.children or c.more))
    if events_shown is not None:
        sections += ("Events",)
    missing = ()
    if events_shown is None:
        missing = ("Events: not in the paste",)
    elif events_shown is False:
        missing = ("Events: none shown — events expire after about an hour (kube-apiserver --event-ttl)",)
    return KubeObject(
        kind=kind, name=fields.get("Name"), namespace=fields.get("Namespace"), lines=span, fields=fields,
        events=events, events_shown=events_shown, conditions=_generic_conditions(top.get("Conditions")),
        sections=sections, missing=missing,
    )


def _prose_warnings(lines: list, warnings: list) -> None:
    run = [ln for ln in lines if not ln.noise and not ln.blank]
    if not run:
        return
    first, last = run[0].no, run[-1].no
    span = f"line {first}" if first == last else f"lines {first}–{last}"
    warnings.append(Warning_(first, f"{span}: not kubectl output; ignored"))


def parse(text: str) -> ParseResult:
    lines = clean_lines(text)
    if not any(not ln.blank for ln in lines):
        return ParseResult("empty", lines)

    starts = [i for i, ln in enumerate(lines) if not ln.noise and _NAME.match(ln.text)]
    result = ParseResult("describe", lines)
    pre = lines[: starts[0]] if starts else lines
    if pre:
        obj = _object(pre, result.warnings, partial=True)
        if obj is not None:
            result.objects.append(obj)
        else:
            _prose_warnings(pre, result.warnings)
    for n, s in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        chunk = lines[s:end]
        chunk = _trim_trailing_prose(chunk, result.warnings)
        obj = _object(chunk, result.warnings, partial=False)
        if obj is not None:
            result.objects.append(obj)
    if not result.objects:
        result.format = "unrecognized"
    return result


def _trim_trailing_prose(chunk: list, warnings: list) -> list:
    """Text a person typed after the output ("any ideas?") follows a blank line and does
    not look like describe output. Events handle their own trailing lines."""
    if any(_EVENTS.match(ln.text) for ln in chunk if ln.indent == 0):
        return chunk
    # Find the last blank line followed only by unindented non-label text.
    idx = len(chunk)
    for i in range(len(chunk) - 1, 0, -1):
        ln = chunk[i]
        if ln.blank:
            tail = [t for t in chunk[i + 1:] if not t.blank and not t.noise]
            if tail and all(t.indent == 0 and not re.match(r"^[A-Z][\w -]*:(\s|$)", t.text) for t in tail):
                idx = i
            break
    if idx < len(chunk):
        _prose_warnings(chunk[idx:], warnings)
        return chunk[:idx]
    return chunk
