"""Stage 2 dispatch for `kubectl describe` output: one object's lines -> its typed object.

Describe prints no `Kind:` for built-in kinds (Part C #8): the kind is inferred from the
labels, then from the command line the person pasted, then (for a bare Events table) from
the components that wrote the events.
"""
from __future__ import annotations

import dataclasses
import re
from collections import Counter
from typing import Optional

from ..model import KubeObject, Pod, Val
from ..report import Warning_
from . import events as ev
from .fields import NODE_CONDITION_ROW, REFLOWED, conditions, top_map
from .node import build_node
from .pod import pod_fields
from .pvc import build_pvc
from .reindent import looks_flattened, reindent_pod
from .service import build_service
from .tree import DESCRIBE_LABELS, Node, build, match_label
from .workloads import BUILDERS

EVENTS = re.compile(r"^Events:\s*(?P<value>.*)$")
_CONTAINER_FIELD = re.compile(r"^\s*(?:State|Last State|Image|Restart Count|Ready|Exit Code|Reason|Container ID):\s")

EVENTS_EXPIRED = "Events: none shown \u2014 events expire after about an hour (kube-apiserver --event-ttl)"
EVENTS_ABSENT = "Events: not in the paste"

# Sections each describer prints that a diagnosis reads (reference A.2, A.5).
EXPECTED = {
    "Pod": ("Containers", "Conditions", "Volumes", "Events"),
    "Deployment": ("Replicas", "Pod Template", "Conditions", "Events"),
    "ReplicaSet": ("Replicas", "Pods Status", "Pod Template", "Events"),
    "ReplicationController": ("Replicas", "Pods Status", "Events"),
    "StatefulSet": ("Replicas", "Pods Status", "Pod Template", "Events"),
    "DaemonSet": ("Desired Number of Nodes Scheduled", "Pods Status", "Pod Template", "Events"),
    "Job": ("Pods Statuses", "Pod Template", "Events"),
    "CronJob": ("Schedule", "Last Schedule Time", "Active Jobs", "Events"),
    "Node": ("Taints", "Conditions", "Allocated resources", "Events"),
    "PersistentVolumeClaim": ("Status", "Used By", "Events"),
    "Service": ("Selector", "Endpoints", "Events"),
}
_SECTION_ALIASES = {"Pods Statuses": ("Pods Statuses", "Pods Status"), "Used By": ("Used By", "Mounted By"),
                    "Pods Status": ("Pods Status", "Pods Statuses")}

# The controllers that write an object's events name its kind (for a bare Events table).
_SOURCE_KINDS = {
    "replicaset-controller": "ReplicaSet", "deployment-controller": "Deployment", "job-controller": "Job",
    "cronjob-controller": "CronJob", "statefulset-controller": "StatefulSet", "statefulset": "StatefulSet",
    "daemonset-controller": "DaemonSet", "daemon-set": "DaemonSet", "persistentvolume-controller": "PersistentVolumeClaim",
    "node-controller": "Node", "service-controller": "Service", "endpoint-controller": "Service",
    "replication-controller": "ReplicationController", "kubelet": "Pod", "default-scheduler": "Pod",
}


def detect_kind(labels: set, fields: dict) -> str:
    """Kind from the top-level labels of a describe (Part C #8)."""
    if "Kind" in fields and "API Version" in fields:
        return str(fields["Kind"]).strip()
    replicas = str(fields.get("Replicas", ""))
    # A pod cut before its Containers (`| head`, a paste that stops in Init Containers) is still a pod.
    containers = "Containers" in labels or "Init Containers" in labels
    if containers and labels & {"QoS Class", "QoS Tier", "Node", "Controlled By", "Controllers", "Start Time", "IP",
                                "Status"}:
        return "Pod"
    if "Latest Version" in labels and "Triggers" in labels:
        return "DeploymentConfig"
    if "StrategyType" in labels or "NewReplicaSet" in labels or "OldReplicaSets" in labels or \
            ("desired |" in replicas and "updated" in replicas):
        return "Deployment"
    if any(k.startswith("Desired Number of Nodes") for k in labels) or "Number of Nodes Misscheduled" in labels:
        return "DaemonSet"
    if "Volume Claims" in labels or ("Update Strategy" in labels and "Pods Status" in labels) or \
            ("desired |" in replicas and "total" in replicas):
        return "StatefulSet"
    if "Schedule" in labels and ("Concurrency Policy" in labels or "Last Schedule Time" in labels):
        return "CronJob"
    if "current /" in replicas:
        return "ReplicaSet"
    if "Pods Statuses" in labels or "Backoff Limit" in labels or "Completions" in labels and "Parallelism" in labels:
        return "Job"
    if labels & {"System Info", "Allocated resources", "Non-terminated Pods", "Unschedulable", "Allocatable"} or \
            ("Roles" in labels and "Taints" in labels):
        return "Node"
    if "StorageClass" in labels and labels & {"Access Modes", "Used By", "Mounted By", "VolumeMode", "Volume"}:
        return "PersistentVolumeClaim"
    if labels & {"Endpoints", "TargetPort", "NodePort", "LoadBalancer Ingress", "Session Affinity"}:
        return "Service"
    if containers:
        return "Pod"
    if "Image(s)" in labels and labels & {"Node", "Start Time", "IP", "Replication Controllers"}:
        return "Pod"                  # kubectl <= 1.1 printed a pod's images as Image(s) too
    if "Node" in labels and labels & {"Start Time", "IP", "Controlled By", "Controllers", "QoS Class", "Status"}:
        return "Pod"                  # a pod cut before its containers: only a pod names its Node
    if labels & {"Image(s)"} and "current /" not in replicas:
        return "ReplicationController"
    return "Unknown"


def _kind_from_events(events: tuple) -> str:
    votes = Counter()
    for e in events:
        comp = e.source.split(",")[0].strip()
        kind = _SOURCE_KINDS.get(comp)
        if kind is None and ("provisioner" in comp or "_" in comp):
            kind = "PersistentVolumeClaim"
        if kind:
            votes[kind] += 1
    return votes.most_common(1)[0][0] if votes else ""


_JOINABLE = sorted((lab for lab in DESCRIBE_LABELS if lab[:1].isupper() and len(lab) > 3), key=len, reverse=True)
_GAP_AFTER_COLON = re.compile(r":\s{2,}\S")
_JOINED = re.compile(r"(?<=\S)(" + "|".join(re.escape(lab) for lab in _JOINABLE) + r"):\s{2,}\S")


def split_joined(lines: list) -> list:
    """A lost line break joins two fields: `Namespace:  defaultLabels:   <none>`. Split them
    (both halves keep the pasted line number)."""
    out = None                        # a copy only once a line is split
    for i, ln in enumerate(lines):
        m = None
        # (A second `label:  value` needs a colon after the first label's: most lines hold one colon.)
        if ln.indent == 0 and not ln.noise and not ln.blank and ":  " in ln.text and ln.text.count(":") > 1:
            lab = match_label(ln.text)
            if lab is not None and lab[2] and lab[1] in DESCRIBE_LABELS:
                start = lab[3]
                # The long alternation runs only where a second `label:  value` can start.
                if _GAP_AFTER_COLON.search(ln.text, start + 1):
                    m = _JOINED.search(ln.text, start + 1)
        if m is None:
            if out is not None:
                out.append(ln)
            continue
        if out is None:
            out = list(lines[:i])
        out.append(dataclasses.replace(ln, text=ln.text[: m.start()].rstrip()))
        out.append(dataclasses.replace(ln, text=ln.text[m.start():]))
    return lines if out is None else out


def _split_events(lines: list, partial: bool) -> tuple:
    """-> (body lines, events lines or None, the `Events:` line or None)."""
    ev_idx = None
    for i, ln in enumerate(lines):
        if not ln.noise and ln.indent == 0 and ln.text.startswith("Events:") and EVENTS.match(ln.text):
            ev_idx = i
            break
    if ev_idx is not None:
        return lines[:ev_idx], lines[ev_idx + 1:], lines[ev_idx]
    if partial:
        # `| grep -A20 Events` or `| tail` can cut the `Events:` line, even the header: bare rows.
        for i, ln in enumerate(lines):
            if not ln.noise and (ev.is_header(ln.text) or ev.is_row_start(ln.text)):
                return lines[:i], lines[i:], None
    return lines, None, None


_CONDITIONS_HEADER = re.compile(r"^\s*Type\s+Status\b")


def _adopt_headless_tables(root) -> None:
    """A conditions table whose `Conditions:` line was cut (`| grep`, an excerpt) hangs under the
    field before it: give it back its section."""
    if "Conditions" not in {c.label for c in root.children}:
        _adopt_walk(root, root)


def _adopt_walk(node, root) -> bool:
    # (A module-level function, not a closure: a nested function that calls itself is a reference
    # cycle that held each object's whole tree, and its Lines, until the cycle collector ran.)
    for i, c in enumerate(node.children):
        if c.label is None and _CONDITIONS_HEADER.match(c.line.text) and node.label != "Conditions":
            rows = node.children[i:]
            j = next((k for k, r in enumerate(rows) if r.label is not None and k > 0), len(rows))
            adopted = Node("Conditions", "", c.line, -1, 0, rows[:j], [])
            del node.children[i:i + j]
            root.children.append(adopted)
            return True
        if c.children and _adopt_walk(c, root):
            return True
    return False


# Fields only a workload's describe prints (a flattened one is not rebuilt as a pod).
_WORKLOAD_FIELDS = {"Pod Template", "StrategyType", "NewReplicaSet", "OldReplicaSets", "Replicas", "Pods Status",
                    "Pods Statuses", "Desired Number of Nodes Scheduled", "Update Strategy", "Concurrency Policy"}


def _workload_fields(lines: list) -> bool:
    for ln in lines:
        if not ln.noise and not ln.blank and ln.indent == 0:
            lab = match_label(ln.text)
            if lab is not None and lab[1] in _WORKLOAD_FIELDS:
                return True
    return False


def _node_conditions(node) -> bool:
    """A Conditions table with a LastHeartbeatTime column or a node's condition rows."""
    if node is None:
        return False
    return any("LastHeartbeatTime" in c.line.text or NODE_CONDITION_ROW.match(c.line.text) for c in node.children)


_NODE_COND_HEADER = re.compile(r"^\s*Type\s+Status\s+LastHeartbeatTime\b")
_RULE_LINE = re.compile(r"^\s*-{4}\s+-{6}\s")


def _adopt_node_condition_rows(root) -> bool:
    """Rows of a node's Conditions table pasted without `Conditions:` and without their header
    (one `Ready  False  <time>  <time>  KubeletNotReady  PLEG is not healthy` row) hang at the
    top: give them their section. -> True when there were such rows."""
    if root.child("Conditions") is not None:
        return False
    rows = [c for c in root.children if c.label is None and NODE_CONDITION_ROW.match(c.line.text)]
    if not rows:
        # Flattened to column 0, the table reads as more lines of the field before it (`Roles:`).
        for f in root.labelled():
            at = next((k for k, m in enumerate(f.more) if NODE_CONDITION_ROW.match(m.text)), None)
            if at is None:
                continue
            start = at
            while start > 0 and (_NODE_COND_HEADER.match(f.more[start - 1].text) or
                                 _RULE_LINE.match(f.more[start - 1].text)):
                start -= 1
            moved = [Node(None, m.text.strip(), m, 0, 0, [], []) for m in f.more[start:]]
            f.more = f.more[:start]
            root.children.append(Node("Conditions", "", moved[0].line, -1, 0, moved, []))
            return True
        return False
    # Its header and rule lines, when the copy kept them (single-spaced at column 0).
    at = root.children.index(rows[0])
    head = [c for c in root.children[max(0, at - 2):at]
            if c.label is None and (_NODE_COND_HEADER.match(c.line.text) or _RULE_LINE.match(c.line.text))]
    rows = head + rows
    root.children = [c for c in root.children if c not in rows]
    root.children.append(Node("Conditions", "", rows[0].line, -1, 0, rows, []))
    return True


def _orphans(root, warnings: list) -> None:
    """Top-level lines that are neither a field nor the continuation of one."""
    for item in root.items():
        text = item.line.text.strip()
        if text in ("No volumes.", "No events.", "<none>"):
            continue
        warnings.append(Warning_(item.line.no, f"line {item.line.no}: not understood as part of the describe "
                                               "output; ignored"))


def _sections_and_missing(kind: str, top: dict, events_shown: Optional[bool], partial: bool,
                          extra_missing: tuple = ()) -> tuple:
    expected = EXPECTED.get(kind, ("Events",))
    found = []
    missing = []
    for sec in expected:
        if sec == "Events":
            if events_shown is not None:
                found.append("Events")
            continue
        names = _SECTION_ALIASES.get(sec, (sec,))
        present = next((n for n in names if n in top), None)
        if present:
            found.append(present)
        else:
            missing.append(f"{sec}: not in the paste")
    if kind == "Pod":
        for sec in ("Init Containers", "Ephemeral Containers"):
            if sec in top:
                found.insert(0 if sec == "Init Containers" else len(found), sec)
    if events_shown is None:
        missing.append(EVENTS_ABSENT)
    elif events_shown is False:
        missing.append(EVENTS_EXPIRED)
    if partial:
        missing.insert(0, "Name: not in the paste (it starts inside the object)")
    missing.extend(extra_missing)
    return tuple(found), tuple(missing)


def build_object(lines: list, warnings: list, *, partial: bool, cmd=None, source: str = "describe"):
    """One object's lines (from its `Name:` to the next object) -> KubeObject, or None when the
    lines hold nothing an object is made of."""
    # One pass up to `Events:` finds the first line of output, the Events line and a kubectl 1.2-1.5
    # `No events.` line (before: three passes over the object's lines).
    first_no = ev_idx = no_events_at = None
    for i, ln in enumerate(lines):
        t = ln.text
        if no_events_at is None and t.endswith("No events.") and t.strip() == "No events.":
            no_events_at = i
        if ln.noise:
            continue
        if first_no is None and not ln.blank:
            first_no = ln.no
        if ln.indent == 0 and t.startswith("Events:") and EVENTS.match(t):
            ev_idx = i
            break
    if first_no is None:
        return None
    if ev_idx is not None:
        body, ev_lines, ev_line = lines[:ev_idx], lines[ev_idx + 1:], lines[ev_idx]
    else:
        body, ev_lines, ev_line = _split_events(lines, partial)

    events: tuple = ()
    events_shown = None
    if ev_lines is not None:
        value = EVENTS.match(ev_line.text).group("value").strip() if ev_line is not None else ""
        if value == "<none>":
            events_shown = False
            rest = [ln for ln in ev_lines if not ln.blank and not ln.noise]
            if rest:
                first, last = rest[0].no, rest[-1].no
                span = f"line {first}" if first == last else f"lines {first}\u2013{last}"
                warnings.append(Warning_(first, f"{span}: not kubectl output; ignored"))
        else:
            if value and ev.is_header(value):
                ev_lines = [dataclasses.replace(ev_line, text=value)] + list(ev_lines)
            events = ev.parse_events(ev_lines, lambda no, msg: warnings.append(Warning_(no, msg)))
            events_shown = True
    if no_events_at is not None and no_events_at < len(body):
        events_shown = False          # kubectl 1.2-1.5

    body = split_joined(body)
    if looks_flattened(body) and not _workload_fields(body):
        body = reindent_pod(body)
    root = build(body)
    _adopt_headless_tables(root)
    # (Also in a whole describe flattened to column 0, whose `Conditions:` line a copy lost.)
    node_rows = _adopt_node_condition_rows(root) and partial
    top = top_map(root)               # label -> its first node
    labels = set(top)
    kind = detect_kind(labels, {k: top[k].value for k in ("Kind", "API Version", "Replicas") if k in top})
    hint_kind, hint_name, hint_ns = _hints(cmd)
    if kind == "Unknown" and hint_kind:
        kind = hint_kind
    if kind == "ReplicaSet" and hint_kind == "ReplicationController":
        kind = hint_kind
    if kind == "Unknown" and _node_conditions(top.get("Conditions")):
        kind = "Node"                 # a node's Conditions table (or rows of it), a node cut short
    if kind == "Unknown" and partial:
        kind = _kind_from_events(events) or ("Pod" if any(_CONTAINER_FIELD.match(ln.text) for ln in body) else "")
        if not kind:
            if not events:
                return None
            kind = "Pod"
    if partial and not events and not node_rows and not any(lab in DESCRIBE_LABELS for lab in labels):
        return None
    _orphans(root, warnings)

    # The object ends at its last field or event row; text after it was reported as prose.
    last_body = next((ln.no for ln in reversed(body) if not ln.noise and not ln.blank), None)
    last = max(([last_body] if last_body is not None else []) + [e.end_line for e in events] +
               ([ev_line.no] if ev_line is not None else []))
    span = (first_no, last)
    name = Val(top["Name"].value, top["Name"].line.no) if "Name" in top else None
    if name is not None and REFLOWED.search(name):
        # A describe whose line breaks a web page turned into spaces: `Name: web-1 Namespace: default Node: …` on one
        # line. An object's name has no space: it is the first word.
        warnings.append(Warning_(name.line, f"line {name.line}: the describe's line breaks are lost (a web page's "
                                            "copy): only its name is read; paste it from the terminal"))
        name = Val(name.split()[0], name.line)
    namespace = Val(top["Namespace"].value, top["Namespace"].line.no) if "Namespace" in top else None
    cmd_line = cmd.line if cmd is not None else 0
    if name is None and hint_name and (not hint_kind or hint_kind == kind):
        name = Val(hint_name, cmd_line)
    if namespace is None and hint_ns:
        namespace = Val(hint_ns, cmd_line)
    extra = ()
    if cmd is not None and cmd.cut in ("head",) :
        extra = (f"the output was cut by `| {cmd.cut}`: later sections may be missing",)
    sections, missing = _sections_and_missing(kind, top, events_shown, partial or "Name" not in labels, extra)

    if kind == "Pod":
        # `| grep` keeps some lines of every section: a pod whose container lines sit without
        # their `Containers:` is read like any partial paste.
        cut = cmd is not None and cmd.cut == "grep"
        pod = pod_fields(root, events, span, events_shown, partial=partial or "Name" not in labels or cut, top=top)
        if pod["name"] is None:
            found, found_ns = pod_named_by_events(events)
            if name is None or (found is not None and str(found) == str(name)):
                name = name or found
                namespace = namespace or found_ns
        pod.update(name=pod["name"] or name, namespace=pod["namespace"] or namespace, sections=sections,
                   missing=missing, source=source)
        return Pod(**pod)
    if name is None and partial:
        name = _named_by_events(kind, events)
    # Every field's first value, in the order of each label's last appearance (pods keep their own).
    fields = {c.label: Val(c.value, c.line.no) for c in reversed(root.labelled())}
    fields = dict(reversed(list(fields.items())))
    base = dict(name=name, namespace=namespace, lines=span, fields=fields, events=events, events_shown=events_shown,
                sections=sections, missing=missing, source=source)
    if kind in BUILDERS:
        return BUILDERS[kind](root, base)
    if kind == "Node":
        return build_node(root, base)
    if kind == "PersistentVolumeClaim":
        return build_pvc(root, base)
    if kind == "Service":
        return build_service(root, base)
    conds = conditions(top.get("Conditions"))
    if not conds and top.get("Status") is not None:
        conds = _generic_conditions(top["Status"].child("Conditions"))
    return KubeObject(kind=kind, conditions=conds, **base)


# Event messages that name their pod: the kubelet's back-off (>= 1.26), its errors that end with
# `(pod: "<name>_<namespace>(<uid>)", container: <name>)` (format.Pod), the scheduler's assignment.
_BACKOFF_POD = re.compile(r'(?: in pod |\(pod: ")(?P<name>[a-z0-9][-a-z0-9.]*)_(?P<ns>[a-z0-9][-a-z0-9]*)\(')
_ASSIGNED = re.compile(r"^Successfully assigned (?:(?P<ns>[a-z0-9][-a-z0-9]*)/)?(?P<name>[a-z0-9][-a-z0-9.]*) to ")


def pod_named_by_events(events: tuple) -> tuple:
    """-> (name, namespace) Vals for a pod pasted without its `Name:` line, from its own events."""
    for e in events:
        m = _ASSIGNED.match(e.message) or _BACKOFF_POD.search(e.message)
        if m:
            ns = m.group("ns")
            return Val(m.group("name"), e.line), (Val(ns, e.line) if ns else None)
    return None, None


# Controller events that name the object they are about (for a pasted Events table alone).
_OWNER_EVENTS = {
    "ReplicaSet": re.compile(r"^(?:Created pod: |Deleted pod: |Error creating: pods \")(?P<name>[a-z0-9][-a-z0-9.]*)-[a-z0-9]{5}\b"),
    "ReplicationController": re.compile(r"^(?:Created pod: |Deleted pod: )(?P<name>[a-z0-9][-a-z0-9.]*)-[a-z0-9]{5}\b"),
    "DaemonSet": re.compile(r"^(?:Created pod: |Deleted pod: )(?P<name>[a-z0-9][-a-z0-9.]*)-[a-z0-9]{5}\b"),
    "Job": re.compile(r"^(?:Created pod: |Deleted pod: )(?P<name>[a-z0-9][-a-z0-9.]*)-[a-z0-9]{5}\b"),
    "StatefulSet": re.compile(r" in StatefulSet (?P<name>[a-z0-9][-a-z0-9.]*) "),
    "CronJob": re.compile(r"^(?:Created job |Saw completed job: |Deleted job )(?P<name>[a-z0-9][-a-z0-9.]*)-\d{8,10}\b"),
    "Deployment": re.compile(r"^Scaled (?:up|down) replica set (?P<name>[a-z0-9][-a-z0-9.]*)-[a-z0-9]{5,10} "),
}


def _named_by_events(kind: str, events: tuple):
    rx = _OWNER_EVENTS.get(kind)
    if rx is None:
        return None
    for e in events:
        m = rx.search(e.message)
        if m:
            return Val(m.group("name"), e.line)
    return None


def _generic_conditions(node) -> tuple:
    """The generic describer (custom resources) prints `Status:` / `Conditions:` as groups of
    `Type:`, `Status:`, `Reason:`, `Message:` fields, one group per condition."""
    from ..model import Condition

    if node is None:
        return ()
    groups, cur = [], {}
    for c in node.labelled():
        if c.label in cur:
            groups.append(cur)
            cur = {}
        cur[c.label] = c
    if cur:
        groups.append(cur)
    out = []
    for g in groups:
        t = g.get("Type")
        if t is None:
            continue
        def f(label):
            n = g.get(label)
            return (n.full_value.replace("\n", " ") if label == "Message" else n.value) if n is not None else ""
        out.append(Condition(t.value, f("Status"), f("Reason"), f("Message"), t.line.no,
                             f("Last Transition Time")))
    return tuple(out)


def _hints(cmd) -> tuple:
    """-> (kind, name, namespace) the command line names, when it names one object."""
    if cmd is None or cmd.verb != "describe":
        return "", "", ""
    kind = cmd.kind if cmd.kind and cmd.kind[:1].isupper() else ""
    name = cmd.names[0] if len(cmd.names) == 1 else ""
    return kind, name, cmd.namespace
