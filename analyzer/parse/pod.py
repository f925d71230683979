"""Stage 2 for pods: indentation tree + events -> `Pod` (kubectl describePod, 1.2-1.36)."""
from __future__ import annotations

import re
from typing import Optional

from ..model import Condition, Container, ContainerState, EnvVar, Owner, Pod, Probe, Val, Volume
from .fields import REFLOWED, annotations, kv_values, top_map, val
from .tree import Node

# Val(text, line) made inline where a pod makes many (its fields, states, resources, volumes): str.__new__ and a
# slot store, without Val.__new__'s Python call, a third faster per value (tens of thousands per big paste).
_str_new = str.__new__

_PROBE = re.compile(
    r"^(?P<action>http-get|https?-get|tcp-socket|exec|grpc|unknown)\s*(?P<target>.*?)\s+"
    r"delay=(?P<delay>\d+)s\s+timeout=(?P<timeout>\d+)s\s+period=(?P<period>\d+)s\s+"
    r"(?:#success|successThreshold)=(?P<success>\d+)\s+(?:#failure|failureThreshold)=(?P<failure>\d+)"
)
# A ReplicaSet made by a Deployment is named <deployment>-<pod-template-hash>.
_RS_HASH = re.compile(r"^(?P<deploy>.+)-(?P<hash>[a-z0-9]{5,10})$")
# A Job made by a CronJob is named <cronjob>-<scheduled time in minutes since the epoch>.
_CRON_JOB = re.compile(r"^(?P<cron>.+)-(?P<ts>\d{8,10})$")


def owner_of(value: Optional[Val], labels: dict) -> Optional[Owner]:
    """`Controlled By: ReplicaSet/web-7d9f8c` -> Owner(..., top Deployment/web)."""
    if not value or "/" not in value:
        return None
    kind, _, name = str(value).partition("/")
    kind, name = kind.strip(), name.strip()
    top_kind, top_name = kind, name
    if kind == "ReplicaSet":
        m = _RS_HASH.match(name)
        tmpl = labels.get("pod-template-hash")
        if tmpl and name.endswith("-" + tmpl):
            top_kind, top_name = "Deployment", name[: -len(tmpl) - 1]
        elif m:
            # Only the Deployment controller sets pod-template-hash; kubectl 1.8-1.10 printed it
            # as a number while the ReplicaSet's suffix was its safe-encoded form.
            top_kind, top_name = "Deployment", m.group("deploy")
    elif kind == "Job":
        m = _CRON_JOB.match(name)
        if m:
            top_kind, top_name = "CronJob", m.group("cron")
    return Owner(kind, name, value.line, top_kind, top_name)


_STATE_LABELS = frozenset({"Reason", "Message", "Exit Code", "Signal", "Started", "Finished"})


def _state(node: Optional[Node]) -> Optional[ContainerState]:
    if node is None or not node.value:
        return None
    vals = {}
    for c in node.children:
        label = c.label
        if label in _STATE_LABELS:     # (the last of a label wins)
            v = vals[label] = _str_new(Val, c.full_value if label == "Message" else c.value)
            v.line = c.line.no
    get = vals.get
    return ContainerState(
        state=Val(node.value.split()[0], node.line.no), reason=get("Reason"), message=get("Message"),
        exit_code=get("Exit Code"), signal=get("Signal"), started=get("Started"), finished=get("Finished"),
        lines=(node.line.no, node.last_line),
    )


def _resources(node: Optional[Node]) -> dict:
    if node is None:
        return {}
    out = {}
    for c in node.children:
        if c.label is not None:
            v = out[c.label] = _str_new(Val, c.value)
            v.line = c.line.no
    return out


def _probe(kind: str, node: Optional[Node]) -> Optional[Probe]:
    if node is None or not node.value:
        return None
    text = node.value
    m = _PROBE.match(text)
    if not m:
        return Probe(kind, text.split()[0] if text.split() else "unknown", text, None, None, None, None, None,
                     node.line.no, text)
    g = m.groupdict()
    return Probe(kind, g["action"], g["target"].strip(), int(g["delay"]), int(g["timeout"]), int(g["period"]),
                 int(g["success"]), int(g["failure"]), node.line.no, text)


def _container(node: Node, init: bool) -> Container:
    f = {c.label: c for c in node.labelled()}
    env = []
    env_node = f.get("Environment") or f.get("Environment Variables")
    if env_node is not None:
        for c in env_node.labelled():
            value = "\n".join([c.value] + [m.text.strip() for m in c.more]) if c.more else c.value
            env.append(EnvVar(c.label, value, c.line.no))
    env_from_node = f.get("Environment Variables from")
    env_from = tuple(Val(i.value, i.line.no) for i in env_from_node.children) if env_from_node else ()
    mounts_node = f.get("Mounts")
    mounts = tuple(Val(i.value, i.line.no) for i in mounts_node.items()) if mounts_node else ()

    def argv(label):
        n = f.get(label)
        if n is None:
            return ()
        out = [Val(n.value, n.line.no)] if n.value else []
        out += [Val(i.value, i.line.no) for i in n.children]
        return tuple(out)

    return Container(
        name=Val(node.label, node.line.no), init=init, image=val(f.get("Image")), image_id=val(f.get("Image ID")),
        state=_state(f.get("State")), last_state=_state(f.get("Last State")), ready=val(f.get("Ready")),
        restart_count=val(f.get("Restart Count")), limits=_resources(f.get("Limits")),
        requests=_resources(f.get("Requests")),
        probes={k: p for k, p in (("liveness", _probe("liveness", f.get("Liveness"))),
                                  ("readiness", _probe("readiness", f.get("Readiness"))),
                                  ("startup", _probe("startup", f.get("Startup")))) if p},
        command=argv("Command"), args=argv("Args"), env=tuple(env), env_from=env_from, mounts=mounts,
        ports=val(f.get("Ports") or f.get("Port")), lines=(node.line.no, node.last_line),
    )


def volumes(node: Optional[Node]) -> tuple:
    """`Volumes:` -> Volume per `  <name>:` block with its `Type:` and kind-specific fields."""
    if node is None:
        return ()
    out = []
    for v in node.labelled():
        f = {}
        for c in v.children:
            if c.label is not None:
                x = f[c.label] = _str_new(Val, c.value)
                x.line = c.line.no
        vtype = str(f.get("Type", "")).split(" (")[0]
        out.append(Volume(v.label, vtype, f, v.line.no))
    return tuple(out)


_CONTAINER_FIELDS = {"Container ID", "Image", "Image ID", "Port", "Ports", "Host Port", "Host Ports", "Command", "Args",
                     "State", "Last State", "Ready", "Restart Count", "Limits", "Requests", "Liveness", "Readiness",
                     "Startup", "Environment", "Environment Variables", "Mounts"}


def containers(node: Optional[Node], init: bool) -> tuple:
    """`Containers:` -> Container per `  <name>:` block. A paste whose container name lines were cut
    (fields right under `Containers:`) holds one container whose name the paste does not show."""
    if node is None:
        return ()
    kids = node.labelled()
    if kids and all(c.label in _CONTAINER_FIELDS for c in kids):
        anon = Node("<container>", "", node.line, node.indent, node.value_col, node.children, node.more)
        return (_container(anon, init),)
    return tuple(_container(c, init) for c in kids)


def multi(node: Optional[Node]) -> tuple:
    """A multi-line value (Tolerations, Node-Selectors, Taints) -> Val per line, `<none>` left out."""
    if node is None:
        return ()
    return tuple(Val(t, n) for t, n in node.values if t != "<none>")


_CREATED_BY = re.compile(r'"reference":\{"kind":"(?P<kind>\w+)","namespace":"[^"]*","name":"(?P<name>[^"]+)"')


_STATE_FIELDS = {"Reason", "Message", "Exit Code", "Signal", "Started", "Finished"}


def _regroup_flat_states(root: Node) -> None:
    """A `State:` block pasted at column 0 (`State:  Terminated` / `Reason:  StartError` /
    `Message:  ...` one under the other): the fields after it are the state's, not the pod's."""
    out = []
    owner = None
    for c in root.children:
        if c.label in ("State", "Last State") and c.value and not c.children:
            owner = c
        elif owner is not None and c.label in _STATE_FIELDS and c.indent == owner.indent:
            owner.children.append(c)
            continue
        else:
            owner = None
        out.append(c)
    root.children = out


def build_pod(root: Node, events: tuple, lines: tuple, events_shown: Optional[bool], partial: bool) -> Pod:
    return Pod(**pod_fields(root, events, lines, events_shown, partial))


def pod_fields(root: Node, events: tuple, lines: tuple, events_shown: Optional[bool], partial: bool,
               top: Optional[dict] = None) -> dict:
    """build_pod's fields, for a caller that adds its own before making the Pod (one construction
    instead of a dataclasses.replace per pod). `top`: top_map(root), when the caller has it."""
    if top is None:
        top = top_map(root)
    if partial and "Containers" not in top and ("State" in top or "Last State" in top):
        _regroup_flat_states(root)
        top = top_map(root)
    # Every top-level field's value; a field read below is the same Val (None when printed empty, as val() says).
    fields = {}
    for k, n in top.items():
        v = fields[k] = _str_new(Val, n.value)
        v.line = n.line.no
    name = fields.get("Name")
    if name and " " in name and REFLOWED.search(name):
        fields["Name"] = Val(name.split()[0], name.line)     # (one line: describe.build_object warns)
    get = fields.get

    def val(label):
        v = get(label)
        return v if v else None

    labels = kv_values(top.get("Labels"))
    annots = annotations(top.get("Annotations"))
    status_node = top.get("Status")
    status = terminating = None
    if status_node is not None:
        text = status_node.value
        if text.startswith("Terminating"):
            terminating = Val(text, status_node.line.no)
            status = Val("Terminating", status_node.line.no)
        else:
            status = Val(text.split()[0] if text else "", status_node.line.no)

    ns = val("Namespace")
    # The owner: `Controlled By:` (>= 1.8), `Controllers:` (1.5-1.7), `Created By:` (1.6-1.8), or
    # the kubernetes.io/created-by annotation (<= 1.7) that holds a serialized reference.
    owner_label = next((k for k in ("Controlled By", "Controllers", "Created By") if k in top), None)
    owner = owner_of(val(owner_label), labels) if owner_label is not None else None
    if owner is None and "kubernetes.io/created-by" in annots:
        m = _CREATED_BY.search(str(annots["kubernetes.io/created-by"]))
        if m:
            owner = owner_of(Val(f"{m.group('kind')}/{m.group('name')}", annots["kubernetes.io/created-by"].line),
                             labels)

    conds = {}
    cond_rows = []
    cond_node = top.get("Conditions")
    if cond_node is not None:
        for item in cond_node.children:
            parts = item.line.text.split()
            if len(parts) >= 2 and parts[0] != "Type" and not parts[0].startswith("-"):
                conds[parts[0]] = Val(parts[1], item.line.no)
                cond_rows.append(Condition(parts[0], parts[1], "", "", item.line.no))

    main = containers(top.get("Containers"), False)
    if not main and partial:
        # A paste cut to one container block (`| grep -A30 web:`): containers at indent 2 or 0,
        # or only the fields of one (`State:`, `Last State:` dedented), whose name is not shown.
        # A header has no value (`web:`); a field with one (` ID:   registry…@sha256:…`, the end of
        # `Image ID:` where a drag-selection started) holds the container's other fields: unnamed.
        main = tuple(_container(c if not c.value else Node("<container>", "", c.line, 0, 0, c.children, []), False)
                     for c in root.labelled() if c.child("Image") or c.child("State"))
        if not main and ("State" in top or "Last State" in top) and "Containers" not in top:
            anon = Node("<container>", "", top.get("State", top.get("Last State")).line, 0, 0, root.children, [])
            main = (_container(anon, False),)

    message = top.get("Message")
    return dict(
        kind="Pod", name=val("Name"), namespace=ns, lines=lines,
        fields=fields,
        events=events, events_shown=events_shown, conditions=tuple(cond_rows),
        labels=labels, annotations=annots,
        status=status, terminating=terminating, reason=val("Reason"),
        message=Val(message.full_value, message.line.no) if message is not None else None,
        node=val("Node"), owner=owner,
        init_containers=containers(top.get("Init Containers"), True), containers=main,
        volumes=volumes(top.get("Volumes")),
        qos=val("QoS Class" if "QoS Class" in top else "QoS Tier"),
        node_selectors=multi(top.get("Node-Selectors")), tolerations=multi(top.get("Tolerations")),
        pod_conditions=conds, partial=partial, ip=val("IP"), start_time=val("Start Time"),
        priority=val("Priority"),
        priority_class=val("Priority Class Name" if "Priority Class Name" in top else "PriorityClassName"),
        service_account=val("Service Account"), nominated_node=val("NominatedNodeName"),
    )
