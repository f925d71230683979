"""Stage 2 for pods: indentation tree + events -> `Pod` (kubectl describePod, 1.2-1.36)."""
from __future__ import annotations

import re
from typing import Optional

from ..model import Container, ContainerState, EnvVar, Owner, Pod, Probe, Val
from .tree import Node

_PROBE = re.compile(
    r"^(?P<action>http-get|https?-get|tcp-socket|exec|grpc|unknown)\s*(?P<target>.*?)\s+"
    r"delay=(?P<delay>\d+)s\s+timeout=(?P<timeout>\d+)s\s+period=(?P<period>\d+)s\s+"
    r"(?:#success|successThreshold)=(?P<success>\d+)\s+(?:#failure|failureThreshold)=(?P<failure>\d+)"
)
# A ReplicaSet made by a Deployment is named <deployment>-<pod-template-hash>.
_RS_HASH = re.compile(r"^(?P<deploy>.+)-(?P<hash>[a-z0-9]{5,10})$")
# A Job made by a CronJob is named <cronjob>-<scheduled time in minutes since the epoch>.
_CRON_JOB = re.compile(r"^(?P<cron>.+)-(?P<ts>\d{8,10})$")


def _val(node: Optional[Node]) -> Optional[Val]:
    if node is None:
        return None
    return Val(node.value, node.line.no)


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
        elif m and tmpl is None:
            top_kind, top_name = "Deployment", m.group("deploy")
    elif kind == "Job":
        m = _CRON_JOB.match(name)
        if m:
            top_kind, top_name = "CronJob", m.group("cron")
    return Owner(kind, name, value.line, top_kind, top_name)


def _state(node: Optional[Node]) -> Optional[ContainerState]:
    if node is None or not node.value:
        return None
    kids = {c.label: c for c in node.labelled()}

    def v(label):
        c = kids.get(label)
        if c is None:
            return None
        return Val(c.full_value if label == "Message" else c.value, c.line.no)

    return ContainerState(
        state=Val(node.value.split()[0], node.line.no), reason=v("Reason"), message=v("Message"),
        exit_code=v("Exit Code"), signal=v("Signal"), started=v("Started"), finished=v("Finished"),
        lines=(node.line.no, node.last_line),
    )


def _resources(node: Optional[Node]) -> dict:
    if node is None:
        return {}
    out = {}
    for c in node.labelled():
        out[c.label] = Val(c.value, c.line.no)
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
            env.append(EnvVar(c.label, c.full_value if c.more else c.value, c.line.no))
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
        name=Val(node.label, node.line.no), init=init, image=_val(f.get("Image")), image_id=_val(f.get("Image ID")),
        state=_state(f.get("State")), last_state=_state(f.get("Last State")), ready=_val(f.get("Ready")),
        restart_count=_val(f.get("Restart Count")), limits=_resources(f.get("Limits")),
        requests=_resources(f.get("Requests")),
        probes={k: p for k, p in (("liveness", _probe("liveness", f.get("Liveness"))),
                                  ("readiness", _probe("readiness", f.get("Readiness"))),
                                  ("startup", _probe("startup", f.get("Startup")))) if p},
        command=argv("Command"), args=argv("Args"), env=tuple(env), env_from=env_from, mounts=mounts,
        ports=_val(f.get("Ports") or f.get("Port")), lines=(node.line.no, node.last_line),
    )


def _kv_values(node: Optional[Node], sep: str = "=") -> dict:
    out = {}
    if node is None:
        return out
    for text, _line in node.values:
        if text in ("<none>",):
            continue
        k, s, v = text.partition(sep)
        if s:
            out[k.strip()] = v.strip()
    return out


def build_pod(root: Node, events: tuple, lines: tuple, events_shown: Optional[bool], partial: bool) -> Pod:
    top = {}
    for c in root.labelled():
        top.setdefault(c.label, c)

    labels = _kv_values(top.get("Labels"))
    status_node = top.get("Status")
    status = terminating = None
    if status_node is not None:
        text = status_node.value
        if text.startswith("Terminating"):
            terminating = Val(text, status_node.line.no)
            status = Val("Terminating", status_node.line.no)
        else:
            status = Val(text.split()[0] if text else "", status_node.line.no)

    ns = _val(top.get("Namespace"))
    owner_node = top.get("Controlled By") or top.get("Controllers")
    owner = owner_of(_val(owner_node), labels) if owner_node is not None else None

    conditions = {}
    cond_node = top.get("Conditions")
    if cond_node is not None:
        for item in cond_node.items():
            parts = item.value.split()
            if len(parts) >= 2 and parts[0] != "Type" and not parts[0].startswith("-"):
                conditions[parts[0]] = Val(parts[1], item.line.no)

    def block(label, init):
        n = top.get(label)
        if n is None:
            return ()
        return tuple(_container(c, init) for c in n.labelled())

    containers = block("Containers", False)
    if not containers and partial:
        # A paste cut to one container block (`| grep -A30 web:`): containers at indent 2 or 0.
        containers = tuple(_container(c, False) for c in root.labelled() if c.child("Image") or c.child("State"))

    sections = [c.label for c in root.labelled() if c.label in (
        "Init Containers", "Containers", "Conditions", "Volumes", "Events")]
    missing = []
    if events_shown is None:
        missing.append("Events: not in the paste")
    elif events_shown is False:
        missing.append("Events: none shown — events expire after about an hour (kube-apiserver --event-ttl)")

    name_node = top.get("Name")
    return Pod(
        kind="Pod", name=_val(name_node), namespace=ns, lines=lines,
        fields={k: Val(v.value, v.line.no) for k, v in top.items()},
        events=events, events_shown=events_shown, sections=tuple(sections), missing=tuple(missing),
        status=status, terminating=terminating, reason=_val(top.get("Reason")),
        message=Val(top["Message"].full_value, top["Message"].line.no) if "Message" in top else None,
        node=_val(top.get("Node")), owner=owner, labels=labels,
        init_containers=block("Init Containers", True), containers=containers,
        qos=_val(top.get("QoS Class") or top.get("QoS Tier")),
        node_selectors=tuple(Val(t, n) for t, n in top["Node-Selectors"].values) if "Node-Selectors" in top else (),
        tolerations=tuple(Val(t, n) for t, n in top["Tolerations"].values) if "Tolerations" in top else (),
        pod_conditions=conditions, partial=partial,
    )
