"""pvc-unbound: a PersistentVolumeClaim the pod needs is not bound."""
from __future__ import annotations

import re

from ..report import Confidence, Severity
from ..scheduling import finding_for, read
from .rule import RuleMeta

META = RuleMeta(
    id="pvc-unbound", cls="pvc-unbound", title="PersistentVolumeClaim is not bound",
    severity=Severity.ERROR, rank=19,
    summary="A PersistentVolumeClaim the pod needs is still Pending: no StorageClass or provisioner, no matching PV, or provisioning failed.",
    statuses=("Pending", "FailedScheduling", "FailedBinding", "ProvisioningFailed",
              "unbound immediate PersistentVolumeClaims"),
    related=("volume-node-affinity-conflict", "volume-mount-failure"),
    kinds=("Pod", "PersistentVolumeClaim"),
    quiet_without_events=(),
)


def _claim(ctx):
    """A PVC describe: Status Pending, and its events say why (B.7 PVC-side table)."""
    obj = ctx.obj
    status = obj.fields.get("Status")
    if status is None or not str(status).startswith("Pending"):
        return
    name = str(obj.name or "<claim>")
    sc = obj.fields.get("StorageClass")
    sc_txt = str(sc).strip() if sc is not None else ""
    failed = ctx.newest(ctx.events("ProvisioningFailed"))
    binding = ctx.newest(ctx.events("FailedBinding"))
    mismatch = ctx.newest(ctx.events("VolumeMismatch"))
    external = ctx.newest(ctx.events("ExternalProvisioning"))
    provisioning = ctx.events("Provisioning")
    waiting = ctx.newest(ctx.events("WaitForFirstConsumer", "WaitForPodScheduled"))
    ev = None
    confidence = Confidence.CONFIRMED
    if failed is not None:
        ev = failed
        if "storageclass" in failed.message.lower() and "not found" in failed.message:
            cause = f"PVC {name} asks for StorageClass {sc_txt or '?'}, which does not exist: {failed.message}"
            fix = ["Fix storageClassName (`kubectl get storageclass` lists the real names); a PVC's class cannot be changed, so re-create it."]
        else:
            cause = f"Provisioning a volume for PVC {name} failed: {failed.message}"
            fix = ["Fix what the provisioner reports (cloud quota, permissions/IAM, invalid StorageClass parameters, no capacity in the zone)."]
    elif binding is not None and "no storage class is set" in binding.message:
        ev = binding
        cause = f"PVC {name} has no StorageClass, the cluster has no default one, and no PersistentVolume matches it."
        fix = ["Install a provisioner and mark a default StorageClass, or create a matching PV, or set storageClassName."]
    elif mismatch is not None:
        ev = mismatch
        cause = f"PVC {name} names a PersistentVolume that does not fit it: {mismatch.message}"
        fix = ["Fix volumeName, or the PV's size, access mode or storageClassName."]
    elif binding is not None:
        ev = binding
        cause = f"PVC {name} cannot bind: {binding.message}"
        fix = ["Create a PV that matches the claim's size, access mode and StorageClass, or use dynamic provisioning."]
    elif external is not None and not provisioning and external_stuck(ctx):
        ev = external
        who = _provisioner(external.message)
        total = sum(e.count for e in ctx.events("ExternalProvisioning"))
        cause = (f"PVC {name} has waited for the external provisioner{' ' + who if who else ''} ({total} times"
                 f"{', for ' + _dur(external_span(ctx)) if external_span(ctx) else ''}) and the provisioner never started: "
                 "it is not running, or its name does not match the StorageClass.")
        if external_span(ctx) < 120:
            confidence = Confidence.LIKELY       # a slow provisioner can still answer
        fix = ["Check the CSI driver's controller pods and that the StorageClass's provisioner name is the driver's name."]
    elif waiting is not None:
        return                          # WaitForFirstConsumer: normal until a pod uses the claim
    else:
        return
    fix.append(f"Check: `{ctx.kubectl('get', 'pvc', name)}` shows Bound.")
    yield ctx.finding(META, cause=cause, evidence=ctx.evidence(status, sc, ev), fix=fix, confidence=confidence,
                      commands=[ctx.kubectl("describe", "pvc", name), ctx.kubectl("get", "storageclass", namespaced=False)])


_PROVISIONER = re.compile(r"""(?:external provisioner|find provisioner) ["']([^"']+)["']""")


def _provisioner(message: str) -> str:
    m = _PROVISIONER.search(message)
    return m.group(1) if m else ""


def external_span(ctx) -> int:
    """Seconds between the first ExternalProvisioning event and now (the FirstSeen / `over` part of the age)."""
    from ..parse.events import duration_seconds
    out = 0
    for e in ctx.events("ExternalProvisioning"):
        for text in (e.first_seen, e.age.split("over ")[-1].rstrip(")") if "over " in e.age else e.age):
            n = duration_seconds(text.strip()) if text else None
            if n:
                out = max(out, n)
    return out


def external_stuck(ctx) -> bool:
    """Waiting for an external provisioner long enough that a working one would have answered (a `Provisioning`
    event within seconds): five waits or two minutes."""
    total = sum(e.count for e in ctx.events("ExternalProvisioning"))
    return total >= 5 or external_span(ctx) >= 120


def _dur(sec: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if sec >= size:
            return f"{sec // size}{unit}"
    return f"{sec}s"


def _pasted_claim_cause(ctx, names: list):
    """When the paste also holds the describe of the pod's Pending claim, what that claim's events say."""
    from .rule import Context, objects_of_kind
    for other in objects_of_kind(ctx.others, "PersistentVolumeClaim"):
        if str(other.name or "") in names or not names:
            sub = Context(other, ctx.lines, others=ctx.others, peers=ctx.peers)
            found = list(_claim(sub))
            if found:
                return found[0].cause
    return None


def check(ctx):
    if ctx.obj.kind == "PersistentVolumeClaim":
        yield from _claim(ctx)
        return
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
    pasted = _pasted_claim_cause(ctx, [c for c, _ in claims])
    if pasted is not None:
        cause = f"The pod waits for its claim, which cannot bind. {pasted}"
    yield finding_for(
        ctx, META, s, cause=cause,
        fix=[f"Describe the claim: its events say why it is Pending (`kubectl describe pvc {claim}`).",
             "No StorageClass: install a provisioner or mark a default StorageClass, or create a matching PV.",
             "ProvisioningFailed: fix what the provisioner reports (quota, permissions, parameters)."],
        commands=[ctx.kubectl("describe", "pvc", claim), ctx.kubectl("get", "storageclass", namespaced=False)],
        next=[ctx.kubectl("describe", "pvc", claim)],
        extra_evidence=tuple(n for _, n in claims),
    )
