"""volume-node-affinity-conflict: the pod's volume lives in a zone / on a node the pod cannot go to."""
from __future__ import annotations

from ..report import Severity
from ..scheduling import finding_for, nodes_phrase, read
from .rule import RuleMeta

META = RuleMeta(
    id="volume-node-affinity-conflict", cls="volume-node-affinity-conflict", title="Volume is in another zone or on another node",
    severity=Severity.ERROR, rank=20,
    summary="The PersistentVolume the pod needs can only be attached in a zone (or on a node) where the pod cannot be scheduled.",
    statuses=("Pending", "FailedScheduling", "volume node affinity conflict"),
    related=("pvc-unbound", "insufficient-resources", "node-selector-affinity-mismatch"),
    quiet_without_events=(),
)


def check(ctx):
    s = read(ctx)
    if s is None or not s.current or s.primary != META.cls:
        return
    claims = [(m.group(1), n) for m, n in ctx.grep(r"^\s+ClaimName:\s+(\S+)")]
    names = ", ".join(c for c, _ in claims) or "its claim"
    others = ", ".join(f"{r.count} {r.text}" for r in s.fit.reasons if r.cls != META.cls and r.count)
    yield finding_for(
        ctx, META, s,
        cause=(f"The volume behind {names} can only be used in one zone or on one node (its PV's node affinity): "
               f"{nodes_phrase(s, META.cls, 'conflict')} with it" + (
                   f", and the others cannot take the pod ({others})" if others else "") + "."),
        fix=["Look at the PV's node affinity (zone label) and at which nodes exist in that zone with free room.",
             "Add capacity in that zone, or (for a new volume) use a StorageClass with volumeBindingMode: WaitForFirstConsumer so the volume is created where the pod lands.",
             "A local PV on a node that is gone must be deleted and recreated (its data is lost)."],
        commands=[ctx.kubectl("get", "pvc", claims[0][0] if claims else "<claim>", "-o", "jsonpath={.spec.volumeName}"),
                  ctx.kubectl("get", "pv", "<pv>", "-o", "jsonpath={.spec.nodeAffinity}", namespaced=False),
                  ctx.kubectl("get", "nodes", "-L", "topology.kubernetes.io/zone", namespaced=False)],
        extra_evidence=tuple(n for _, n in claims),
    )
