"""node-pressure: a Node describe shows MemoryPressure, DiskPressure or PIDPressure."""
from __future__ import annotations

from ..report import Severity
from .rule import RuleMeta

META = RuleMeta(
    id="node-pressure", cls="node-pressure", title="Node under memory, disk or PID pressure",
    severity=Severity.ERROR, rank=9, kinds=("Node",),
    summary="The node reports MemoryPressure, DiskPressure or PIDPressure: new pods are kept off it (a taint the control plane adds) and the kubelet starts evicting pods.",
    statuses=("MemoryPressure", "DiskPressure", "PIDPressure", "EvictionThresholdMet"),
    related=("evicted", "node-not-ready"),
)

_FIX = {
    "DiskPressure": "Free disk on the node: remove unused images (`crictl rmi --prune`), old logs, and large emptyDir data; or enlarge the disk. Give containers ephemeral-storage limits.",
    "MemoryPressure": "Set memory requests to real usage so the node is not overcommitted; move or shrink heavy pods; add nodes.",
    "PIDPressure": "Find the process or thread leak on the node; set pod PID limits.",
}


def check(ctx):
    obj = ctx.obj
    hot = [c for c in obj.conditions if c.type in _FIX and c.status == "True"]
    if not hot:
        return
    name = str(obj.name or "<node>")
    taints = obj.fields.get("Taints")
    names = ", ".join(c.type for c in hot)
    evs = ctx.events("EvictionThresholdMet", "FreeDiskSpaceFailed", "ImageGCFailed")
    cause = f"{'Node ' + name if obj.name else 'The node'} reports {names}" + (f" ({hot[0].message})" if hot[0].message else "") + \
            ": new pods are kept off it and the kubelet evicts pods until it recovers."
    fix = [_FIX[c.type] for c in hot] + [f"Check: `{ctx.kubectl('describe', 'node', name, namespaced=False)}` shows the condition False."]
    yield ctx.finding(META, cause=cause, evidence=ctx.evidence(*[c.line for c in hot], taints, *evs[-2:]), fix=fix,
                      commands=[ctx.kubectl("describe", "node", name, namespaced=False),
                                ctx.kubectl("get", "pods", "-A", "--field-selector", f"spec.nodeName={name}", namespaced=False)],
                      details={"conditions": [c.type for c in hot]})
