"""pvc-unbound: a PersistentVolumeClaim the pod needs is not bound."""
from __future__ import annotations

from ..report import Severity
from ..scheduling import finding_for, read
from .rule import RuleMeta

META = RuleMeta(
    id="pvc-unbound", cls="pvc-unbound", title="PersistentVolumeClaim is not bound",
    severity=Severity.ERROR, rank=19,
    summary="A PersistentVolumeClaim the pod needs is still Pending: no StorageClass or provisioner, no matching PV, or provisioning failed.",
    statuses=("Pending", "FailedScheduling", "FailedBinding", "ProvisioningFailed"),
    related=("volume-node-affinity-conflict", "volume-mount-failure"),
)


def check(ctx):
    s = read(ctx)
    if s is None or not s.current or s.primary != META.cls:
        return
    claims = [(m.group(1), n) for m, n in ctx.grep(r"^\s+ClaimName:\s+(\S+)")]
    text = " ".join(r.text for r in s.fit.reasons if r.cls == META.cls)
    names = ", ".join(c for c, _ in claims)
    if "not found" in text:
        cause = f"The pod uses a PersistentVolumeClaim that does not exist ({text})."
    elif "available persistent volumes to bind" in text:
        cause = f"No available PersistentVolume matches the claim{'s ' + names if names else ''} (size, StorageClass, access mode or node)."
    elif "timed out" in text:
        cause = f"Provisioning or binding the volume for {names or 'the claim'} did not finish in time."
    else:
        cause = f"The PersistentVolumeClaim{' ' + names if names else ''} is not bound yet, so the pod cannot be placed."
    claim = claims[0][0] if claims else "<claim>"
    yield finding_for(
        ctx, META, s, cause=cause,
        fix=[f"Describe the claim: its events say why it is Pending (`kubectl describe pvc {claim}`).",
             "No StorageClass: install a provisioner or mark a default StorageClass, or create a matching PV.",
             "ProvisioningFailed: fix what the provisioner reports (quota, permissions, parameters)."],
        commands=[ctx.kubectl("describe", "pvc", claim), ctx.kubectl("get", "storageclass", namespaced=False)],
        next=[ctx.kubectl("describe", "pvc", claim)],
        extra_evidence=tuple(n for _, n in claims),
    )
