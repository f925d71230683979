"""progress-deadline-exceeded: a Deployment rollout stopped progressing."""
from __future__ import annotations

from ..report import Confidence, Severity
from .rule import RuleMeta

META = RuleMeta(
    id="progress-deadline-exceeded", cls="progress-deadline-exceeded", title="Rollout stopped progressing",
    severity=Severity.ERROR, rank=80, kinds=("Deployment",),
    summary="The Deployment's new pods did not become available within progressDeadlineSeconds (default 600 s); the cause is on the new ReplicaSet's pods.",
    statuses=("ProgressDeadlineExceeded",),
    related=("crashloop-app-error", "image-auth", "insufficient-resources", "quota-exceeded"),
)


def check(ctx):
    obj = ctx.obj
    cond = next((c for c in obj.conditions if c.type == "Progressing" and c.status == "False"
                 and "ProgressDeadlineExceeded" in c.reason), None)
    if cond is None:
        return
    name = str(obj.name or "<deployment>")
    new_rs = obj.fields.get("NewReplicaSet")
    replicas = obj.fields.get("Replicas")
    rs_name = str(new_rs).split()[0] if new_rs and str(new_rs) != "<none>" else None
    pods = ctx.related_pods()
    peer = [f for p in pods for f in ctx.peer_findings(p)]
    if peer:
        top = peer[0]
        cause = (f"The rollout of Deployment {name} timed out because its new pods never became available: "
                 f"{len([p for p in pods if ctx.peer_findings(p)])} of {len(pods)} pods in this paste fail with {top.cls} — {top.cause}")
        conf = Confidence.CONFIRMED
        nxt = []
    elif _creation_failed(obj, new_rs):
        failure = next((c for c in obj.conditions if c.type == "ReplicaFailure" and c.status == "True"), None)
        cause = (f"The rollout of Deployment {name} timed out (ProgressDeadlineExceeded) because the new ReplicaSet"
                 f"{' ' + rs_name if rs_name else ''} could not create its pods"
                 f"{' (ReplicaFailure: ' + failure.reason + ')' if failure is not None else ''}: the API server refused "
                 "them (a ResourceQuota, Pod Security, an admission webhook, a missing ServiceAccount…). The "
                 "ReplicaSet's FailedCreate events say which; no pod exists to describe.")
        conf = Confidence.CONFIRMED
        nxt = [ctx.kubectl("describe", "rs", rs_name) if rs_name else ctx.kubectl("get", "events", "--field-selector",
                                                                                  "reason=FailedCreate")]
        if failure is not None:
            replicas = failure.line
    elif rs_name:
        cause = (f"The rollout of Deployment {name} timed out (ProgressDeadlineExceeded): the new ReplicaSet "
                 f"{rs_name}'s pods did not become available. The paste does not show why.")
        conf = Confidence.CONFIRMED
        nxt = [ctx.kubectl("describe", "pods", "-l", f"pod-template-hash={rs_name.rsplit('-', 1)[-1]}"),
               ctx.kubectl("describe", "rs", rs_name)]
    else:
        # No new ReplicaSet in the paste: `kubectl rollout status`'s error line alone, or a describe that prints
        # `NewReplicaSet: <none>`. The Deployment's describe names the new ReplicaSet (its pod-template-hash selects
        # the failing pods) and shows the conditions and events; with the Deployment's selector, all its pods.
        sel = str(obj.fields.get("Selector", "") or "").strip()
        sel = sel if sel and sel != "<none>" else ""
        if new_rs is not None:
            cause = (f"The rollout of Deployment {name} timed out (ProgressDeadlineExceeded) and its describe names no "
                     "new ReplicaSet (NewReplicaSet: <none>): the controller has not created the ReplicaSet of the "
                     "current template, or kubectl could not match it. The Deployment's ReplicaSets and their events "
                     "say which; if the new one exists, its pods say why they are not available.")
            nxt = [ctx.kubectl("get", "rs", "-l", sel) if sel else ctx.kubectl("get", "rs")]
        else:
            cause = (f"The rollout of Deployment {name} timed out (ProgressDeadlineExceeded): the new ReplicaSet's "
                     "pods did not become available. The paste does not show why: the Deployment's describe names "
                     "the new ReplicaSet and its conditions and events, and the new pods' describe says why.")
            nxt = [ctx.kubectl("describe", "deployment", name)]
        nxt.append(ctx.kubectl("describe", "pods", "-l", sel) if sel else ctx.kubectl("get", "pods"))
        conf = Confidence.CONFIRMED
    first = ("Fix what the ReplicaSet's FailedCreate events name; it retries creating the pods by itself, and the rollout resumes."
             if not peer and _creation_failed(obj, new_rs) else
             "Fix the pods' cause (see the pods' diagnosis), then the rollout resumes by itself; or roll back.")
    fix = [first,
           f"Check: `{ctx.kubectl('rollout', 'status', f'deployment/{name}')}` reports success."]
    cmds = [ctx.kubectl("rollout", "status", f"deployment/{name}"),
            ctx.kubectl("rollout", "undo", f"deployment/{name}") + "  # risky: returns to the previous pod template"]
    yield ctx.finding(META, cause=cause, evidence=ctx.evidence(cond.line, replicas, new_rs), fix=fix, commands=cmds,
                      next=nxt, confidence=conf)


def _creation_failed(obj, new_rs) -> bool:
    """`ReplicaFailure True FailedCreate`, or `NewReplicaSet: web-7d9f (0/1 replicas created)`: no pod was created."""
    import re
    if any(c.type == "ReplicaFailure" and c.status == "True" for c in obj.conditions):
        return True
    m = re.search(r"\((\d+)/(\d+) replicas created\)", str(new_rs or ""))
    return bool(m) and m.group(1) == "0" and m.group(2) != "0"
