"""host-port-conflict: no node has the requested hostPort free."""
from __future__ import annotations

from ..report import Severity
from ..scheduling import finding_for, nodes_phrase, read
from .rule import RuleMeta

META = RuleMeta(
    id="host-port-conflict", cls="host-port-conflict", title="Host port already taken on every node",
    severity=Severity.ERROR, rank=26,
    summary="The pod asks for a hostPort that another pod already uses on every candidate node.",
    statuses=("Pending", "FailedScheduling", "NodePorts", "didn't have free ports for the requested pod ports"),
    related=("pod-anti-affinity", "insufficient-resources"),
    quiet_without_events=("NodePorts",),
)


def check(ctx):
    pod = ctx.obj
    reason = getattr(pod, "reason", None)
    if reason is not None and reason == "NodePorts":
        # Kubelet admission: a pod pinned with nodeName (or a static pod) bypassed the scheduler.
        node = str(getattr(pod, "node", "") or "").split("/")[0] or "<node>"
        on = f"node {node}" if node != "<node>" else "its node"
        yield ctx.finding(
            META, cause=(f"The kubelet on {on} rejected the pod (NodePorts): its hostPort is already used there, and "
                         "the pod bypassed the scheduler (spec.nodeName or a static pod), which would have checked it."),
            evidence=ctx.evidence(getattr(pod, "status", None), reason, getattr(pod, "message", None)),
            fix=[f"Remove the nodeName pinning from {ctx.workload_phrase} so the scheduler places it, or free the port on {on}.",
                 "Delete this Failed pod once the spec is fixed."],
            commands=[ctx.kubectl("get", "pods", "-A", "-o", "wide", "--field-selector", f"spec.nodeName={node}", namespaced=False),
                      ctx.kubectl("delete", "pod", ctx.name)],
        )
        return
    s = read(ctx)
    if s is None or not s.current or s.primary != META.cls:
        return
    ports = [m for m, _ in ctx.grep(r"^\s+Host Ports?:\s+(.*\d+/\w+.*)$")]
    port_lines = [n for _, n in ctx.grep(r"^\s+Host Ports?:\s+(?!0/)(\d+/\w+)")]
    used = ", ".join(sorted({p.strip() for m in ports for p in m.group(1).split(",") if not p.strip().startswith("0/")}))
    yield finding_for(
        ctx, META, s,
        cause=((f"The pod needs host port {used}, which is" if used else "The pod asks for a hostPort that is")
               + f" already taken on {nodes_phrase(s, META.cls)}: only one pod per node can hold a given hostPort."),
        fix=[f"Remove hostPort from {ctx.workload_phrase} and expose the pod through a Service instead, if nothing needs the node's port.",
             "Otherwise run at most one replica per node (a DaemonSet, or required pod anti-affinity) and make sure no other workload uses the same port."],
        commands=[ctx.kubectl("get", "pods", "-A", "-o", "wide", namespaced=False) + " | grep <node>"],
        extra_evidence=tuple(port_lines),
    )
