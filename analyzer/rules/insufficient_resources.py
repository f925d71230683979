"""insufficient-resources: no node has enough free cpu, memory, GPU, storage or pod slots for the requests."""
from __future__ import annotations

import re

from ..report import Severity
from ..scheduling import finding_for, nodes_phrase, pod_requests, read
from .rule import RuleMeta, objects_of_kind

def _kubelet_out_of(pod) -> bool:
    """Without events only the kubelet's `Reason: OutOf<resource>` rejection (FailedScheduling is an event)."""
    return str(pod.reason or "").startswith("OutOf")


META = RuleMeta(
    id="insufficient-resources", cls="insufficient-resources", title="Not enough room on any node",
    severity=Severity.ERROR, rank=22,
    summary="The scheduler found no node with enough unreserved cpu, memory, GPU, ephemeral storage or pod slots for the pod's requests.",
    statuses=("Pending", "FailedScheduling", "Insufficient cpu", "Insufficient memory", "Too many pods", "OutOfcpu"),
    related=("taint-not-tolerated", "node-selector-affinity-mismatch", "preempted"),
    quiet_without_events=_kubelet_out_of,
)


_OTHERS = {
    "taint-not-tolerated": "taints the pod does not tolerate",
    "node-selector-affinity-mismatch": "the pod's node selector/affinity",
    "pod-anti-affinity": "pod (anti-)affinity or topology spread",
    "node-unschedulable": "cordoning (unschedulable)",
    "node-not-ready": "not being ready",
    "node-pressure": "node pressure",
    "host-port-conflict": "a host port already in use",
    "volume-node-affinity-conflict": "the volume's node affinity",
    "pvc-unbound": "an unbound volume claim",
}
_REJECTED = re.compile(r"Node didn't have enough resource: ([\w./-]+), requested: (\d+), used: (\d+), capacity: (\d+)")
_PLACEMENT = re.compile(r"preemption: found a potential placement for pod on node ([^\s,.]+)")


def _amount(res: str, n: str) -> str:
    from ..quantity import human
    if res == "cpu":
        return f"{n}m"
    if res in ("memory", "ephemeral-storage") or res.startswith("hugepages-"):
        return human(float(n))
    return n


def _kubelet_rejection(ctx):
    """`Status: Failed / Reason: OutOfcpu / Message: Pod Node didn't have enough resource: cpu, requested: …` (or the
    `OutOfcpu` event): the kubelet's admission check refused a pod that was placed on a node already full."""
    pod = ctx.obj
    reason = str(getattr(pod, "reason", None) or "")
    msg_field = getattr(pod, "message", None)
    evs = [e for e in pod.events if re.fullmatch(r"OutOf\w+", e.reason or "") and _REJECTED.search(e.message)]
    ev = ctx.newest(evs)
    text = str(msg_field or "") if reason.startswith("OutOf") else ""
    m = _REJECTED.search(text) or (_REJECTED.search(ev.message) if ev is not None else None)
    if m is None:
        return None
    if not reason.startswith("OutOf") and ev is not None and ctx.superseded(ev, "Started", "Pulled", "Created"):
        return None
    res, req, used, cap = m.groups()
    node = str(getattr(pod, "node", "") or "").split("/")[0]
    if not node or node == "<none>":
        sched = ctx.newest(ctx.events("Scheduled"))
        mm = re.search(r" to (\S+)$", sched.message) if sched is not None else None
        node = mm.group(1) if mm else "its node"
    scheds = {e.source for e in ctx.events("Scheduled") if e.source and e.source != "default-scheduler"}
    who = (f"the scheduler {sorted(scheds)[0]}, whose accounting differs from the kubelet's" if scheds else
           "spec.nodeName set directly (which skips the scheduler), a second scheduler, or a race with pods that had just finished")
    cause = (f"The kubelet on {node} rejected the pod ({reason or ev.reason}): its pods already requested "
             f"{_amount(res, used)} of the node's {_amount(res, cap)} {res}, and this pod asks for {_amount(res, req)} more. The pod was placed on a full "
             f"node by {who}; a rejected pod never starts, and its controller creates a replacement.")
    fix = [f"If {ctx.workload_phrase} sets spec.nodeName, use a nodeSelector or node affinity instead, so the scheduler checks room.",
           f"Free {res} on {node} or lower the pod's request; then delete the Failed pods (they are not retried).",
           f"Check: `{ctx.kubectl('get', 'pods', '-o', 'wide')}` shows the replacement Running and no new {reason or 'OutOf'} pods."]
    cmds = [ctx.kubectl("describe", "node", node, namespaced=False) + " | grep -A 8 'Allocated resources'",
            ctx.kubectl("get", "pods", "--field-selector", "status.phase=Failed")]
    return ctx.finding(META, cause=cause, evidence=ctx.evidence(getattr(pod, "status", None) if reason else None,
                                                                 getattr(pod, "reason", None) if reason else None,
                                                                 msg_field if reason else None, ev),
                       fix=fix, commands=cmds,
                       details={"sub_cause": "kubelet-rejected", "resource": res, "requested": req, "used": used,
                                "capacity": cap, "node": node})


def check(ctx):
    rejected = _kubelet_rejection(ctx)
    if rejected is not None:
        yield rejected
        return
    s = read(ctx)
    if s is None or not s.current or s.primary != META.cls:
        return
    wanting = sorted({m.group(1) for r in s.fit.reasons if r.cls == META.cls
                      for m in [re.search(r"Insufficient (\S+)", r.text)] if m})
    slots = any("Too many pods" in r.text or r.text == "Insufficient pods" for r in s.fit.reasons)
    per = []
    for r in s.fit.reasons:
        if r.cls != META.cls:
            continue
        m = re.search(r"Insufficient (\S+)", r.text)
        what = m.group(1) if m else ("free pod slots" if "Too many pods" in r.text else r.text)
        if what == "pods":
            what = "free pod slots"
        elif what in ("PodFitsResources", "NodeResourcesFit"):
            what = "room for its cpu/memory requests (PodFitsResources)"
        per.append((f"{r.count} {'lacks' if r.count == 1 else 'lack'} {what}") if r.count is not None else f"all lack {what}")
    total = s.fit.total
    cause = "No node has room for the pod: " + ", ".join(per)
    if total:
        cause += f" (of {total} node{'s' if total != 1 else ''})"
    reqs = pod_requests(ctx.obj)
    wanted = {"pods" if w == "pods" else w for w in wanting}
    shown = {k: v for k, v in reqs.items() if k in wanted} or reqs
    if shown:
        cause += "; it requests " + ", ".join(f"{k} {v}" for k, v in sorted(shown.items()))
    others: dict = {}
    for r in s.fit.reasons:
        if r.cls != META.cls and r.count:
            label = _OTHERS.get(r.cls, r.text)
            others[label] = others.get(label, 0) + r.count
    if others:
        full = dict(s.ranking).get(META.cls, 0)
        rest = max(total - full, 0) if total else sum(others.values())
        if rest:
            parts = sorted(others.items(), key=lambda kv: -kv[1])
            cause += (("; the other node is" if rest == 1 else f"; the other {rest} nodes are") + " ruled out by "
                      + (parts[0][0] if len(parts) == 1 else ", ".join(f"{k} ({n})" for k, n in parts)))
    cause += "."
    room = _room_on_pasted_nodes(ctx, wanting, shown)
    if room:
        cause += " " + room
    placement = _PLACEMENT.search(s.fit.text)
    if placement:
        cause += (f" The scheduler is preempting lower-priority pods on {placement.group(1)} to make room: the pod should "
                  "be placed once they have terminated.")
    elif "preemptionPolicy=Never" in s.fit.text:
        cause += " The pod may not preempt others (preemptionPolicy: Never)."
    if s.autoscaler is not None and s.autoscaler.reason == "NotTriggerScaleUp":
        cause += f" The cluster autoscaler did not add a node: {s.autoscaler.message}"
        if "wouldn't fit if a new node is added" in s.autoscaler.message:
            cause = cause.rstrip(". ") + (". Even a new node of the existing node groups could not hold the pod: its "
                                          "request is larger than what such a node offers.")
    fix = ["Compare the requests with what the nodes have left: Allocated resources in `kubectl describe node` (requests count, not usage).",
           f"Lower the requests of {ctx.workload_phrase} if they are larger than the app needs, or add nodes / raise the autoscaler's maximum.",
           "A request bigger than any single node's allocatable never fits, whatever the autoscaler does."]
    if slots:
        fix.insert(0, "No free pod slots: the nodes reached their pod capacity (kubelet maxPods, or the IP limit of the CNI): add nodes or raise maxPods.")
    if any("nvidia.com/gpu" in w or "gpu" in w for w in wanting):
        fix.insert(0, "If no node lists nvidia.com/gpu under Allocatable, the GPU device plugin is not running on the GPU nodes.")
    cmds = [ctx.kubectl("describe", "nodes", namespaced=False) + " | grep -A 8 'Allocated resources'",
            ctx.kubectl("top", "nodes", namespaced=False)]
    if ctx.workload and [w for w in wanting if w != "pods"] or (ctx.workload and not wanting):
        cmds.append(ctx.kubectl("set", "resources", ctx.workload, "--requests=" + ",".join(
            f"{k}=<less>" for k in ([w for w in wanting if w != "pods"] or ["cpu"]))))
    yield finding_for(ctx, META, s, cause=cause, fix=fix, commands=cmds,
                      extra_evidence=tuple(v for c in ctx.obj.containers for k, v in c.requests.items() if k in wanting))


def _room_on_pasted_nodes(ctx, wanting, reqs: dict) -> str:
    """When the paste also describes nodes: what their requests leave free of the resources the pod lacks (Allocated
    resources counts requests, not usage), e.g. `node minikube has 250m of 2 cpu unreserved`."""
    from ..quantity import human, to_bytes

    parts = []
    for node in objects_of_kind(ctx.others, "Node")[:3]:
        alloc = getattr(node, "allocatable", None) or {}
        used = getattr(node, "allocated", None) or {}
        for res in wanting:
            if res not in ("cpu", "memory", "ephemeral-storage") or res not in alloc or res not in used:
                continue
            a, u = to_bytes(str(alloc[res])), to_bytes(str(used[res].requests))
            if a is None or u is None:
                continue
            free = max(a - u, 0)
            fmt = (lambda v: f"{v * 1000:.0f}m" if v < 1 or v != int(v) else f"{v:.0f}") if res == "cpu" else human
            want = reqs.get(res)
            parts.append(f"node {node.name} has {fmt(free)} of {fmt(a)} {res} unreserved"
                         + (f" (the pod asks {want})" if want else ""))
    return ("In this paste, " + "; ".join(parts) + ".") if parts else ""
