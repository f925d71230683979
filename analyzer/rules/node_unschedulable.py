"""node-unschedulable: the candidate nodes are cordoned."""
from __future__ import annotations

from ..report import Confidence, Severity
from ..scheduling import finding_for, nodes_phrase, other_reasons, read
from .rule import RuleMeta

META = RuleMeta(
    id="node-unschedulable", cls="node-unschedulable", title="Nodes are cordoned",
    severity=Severity.ERROR, rank=25,
    summary="The nodes the pod could use are marked unschedulable (cordoned), usually during a drain or an upgrade.",
    statuses=("Pending", "FailedScheduling", "SchedulingDisabled", "node(s) were unschedulable"),
    related=("taint-not-tolerated", "insufficient-resources"),
    kinds=("Pod", "Node"),
    quiet_without_events=(),
)


def check(ctx):
    if ctx.obj.kind == "Node":
        flag = ctx.obj.fields.get("Unschedulable")
        if flag is None or str(flag).strip() != "true":
            return
        name = str(ctx.obj.name or "<node>")
        yield ctx.finding(
            META, cause=f"{'Node ' + name if ctx.obj.name else 'The node'} is cordoned (Unschedulable: true): no new pods are placed on it.",
            evidence=ctx.evidence(flag, ctx.obj.fields.get("Taints")),
            fix=["If the drain or maintenance is over, uncordon it.", f"Check: `{ctx.kubectl('get', 'node', name, namespaced=False)}` no longer shows SchedulingDisabled."],
            commands=[ctx.kubectl("uncordon", name, namespaced=False)])
        return
    s = read(ctx)
    if s is None or not s.current or s.primary != META.cls:
        return
    if s.fit.form == "no-nodes":
        yield finding_for(
            ctx, META, s, confidence=Confidence.LIKELY,
            cause=("The scheduler sees no schedulable node at all (no nodes available to schedule pods): every node is "
                   "cordoned, or none is registered and Ready."),
            fix=["List the nodes: SchedulingDisabled means cordoned (uncordon it once its drain or upgrade is done); NotReady means the kubelet is not reporting."],
            commands=[ctx.kubectl("get", "nodes", namespaced=False), ctx.kubectl("uncordon", "<node>", namespaced=False)],
            next=[ctx.kubectl("get", "nodes", namespaced=False)])
        return
    yield finding_for(
        ctx, META, s,
        cause=(f"{nodes_phrase(s, META.cls, 'are').capitalize()} cordoned ({next((r.text for r in s.fit.reasons if r.cls == META.cls), 'unschedulable')}), so the scheduler will "
               f"not place new pods there{other_reasons(s, META.cls)}."),
        fix=["Find the cordoned nodes (STATUS shows SchedulingDisabled). If a drain or upgrade is finished, uncordon them.",
             "If they stay cordoned on purpose, add capacity elsewhere."],
        commands=[ctx.kubectl("get", "nodes", namespaced=False), ctx.kubectl("uncordon", "<node>", namespaced=False)],
    )
