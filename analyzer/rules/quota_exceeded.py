"""quota-exceeded: a ResourceQuota or LimitRange rejected the pod at the API."""
from __future__ import annotations

from ..admission import OWNER_KINDS, rejected_creations
from ..history import mark_explained
from ..report import Severity
from .rule import RuleMeta, created_since

META = RuleMeta(
    id="quota-exceeded", cls="quota-exceeded", title="Rejected by a ResourceQuota or LimitRange",
    severity=Severity.ERROR, rank=6, kinds=OWNER_KINDS,
    summary="The namespace's ResourceQuota (or a LimitRange) refused the pod, so the controller cannot create it; no pod exists to describe.",
    statuses=("FailedCreate", "exceeded quota", "ReplicaFailure", "must specify limits"),
    related=("pod-security-violation", "admission-webhook-denied", "insufficient-resources"),
    quiet_without_events=(),
)


def check(ctx):
    for r in rejected_creations(ctx):
        if r.cls != META.cls:
            continue
        if created_since(ctx, r.event) is not None:
            mark_explained(ctx, [r.event])
            continue                   # the pod it could not create is in the paste: created since, history
        d = r.detail
        ns = ctx.ns
        in_ns = f" in namespace {ns}" if ns else ""
        if r.sub == "exceeded":
            cause = (f"ResourceQuota {d['quota']}{in_ns} is used up: the new pod requests {d['requested']}, "
                     f"{d['used']} is already used, the limit is {d['limited']}.")
            fix = [f"Raise the quota {d['quota']}, lower the pod's requests/limits, or delete what uses the quota{in_ns}."]
            cmds = [ctx.kubectl("describe", "resourcequota", d["quota"])]
        elif r.sub == "must-specify":
            cause = (f"ResourceQuota {d['quota']} covers cpu/memory, so every container must declare them, and the pod "
                     f"does not ({d['missing']}).")
            fix = ["Add resources.requests and resources.limits to every container of the pod template, or create a "
                   "LimitRange that sets defaults."]
            cmds = [ctx.kubectl("describe", "resourcequota", d["quota"]), ctx.kubectl("get", "limitrange")]
        else:
            cause = f"A LimitRange{in_ns} rejected the pod's resources: {d['limits']}."
            fix = _limitrange_fix(d.get("clauses") or [d["limits"]])
            cmds = [ctx.kubectl("describe", "limitrange")]
        fix.append(f"Check: the controller's FailedCreate events stop and `{ctx.kubectl('get', 'pods')}` shows the new pods.")
        yield ctx.finding(META, cause=cause, evidence=ctx.evidence(r.event), fix=fix, commands=cmds,
                          details={k: v for k, v in d.items()})


def _limitrange_fix(clauses: list) -> list:
    """What to change, by the kind of LimitRange constraint the API server names."""
    fix = []
    text = " ".join(clauses).lower()
    missing_req = sorted({c.split()[0] for c in clauses if "no request is specified" in c.lower() and " ratio " in c})
    missing_lim = sorted({c.split()[0] for c in clauses if "no limit is specified" in c.lower() and " ratio " in c})
    if missing_req or missing_lim:
        what = " and ".join(x for x in (f"{' and '.join(missing_req)} requests" if missing_req else "",
                                        f"{' and '.join(missing_lim)} limits" if missing_lim else "") if x)
        fix.append(f"Set non-zero {what} on every container: the LimitRange's maxLimitRequestRatio compares limit to "
                   "request, so both must be set and limit ÷ request must stay within the ratio.")
    if "provided ratio is" in text:
        fix.append("Raise the requests (or lower the limits) so limit ÷ request stays within the LimitRange's "
                   "maxLimitRequestRatio.")
    if "usage per" in text:
        fix.append("Bring the requests/limits inside the LimitRange's min/max" + (
            " (a PersistentVolumeClaim's storage request counts)" if "persistentvolumeclaim" in text else "") +
                   "; a missing request or limit counts as breaking it.")
    fix.append("Or change the LimitRange itself (`max`, `min`, `maxLimitRequestRatio`).")
    return fix
