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
    else:
        cause = (f"The rollout of Deployment {name} timed out (ProgressDeadlineExceeded): the new ReplicaSet"
                 f"{' ' + rs_name if rs_name else ''}'s pods did not become available. The paste does not show why.")
        conf = Confidence.CONFIRMED
        nxt = [ctx.kubectl("describe", "pods", "-l", f"pod-template-hash={rs_name.rsplit('-', 1)[-1]}") if rs_name
               else ctx.kubectl("describe", "pods", "-l", "app=<label>")]
        if rs_name:
            nxt.append(ctx.kubectl("describe", "rs", rs_name))
    fix = ["Fix the pods' cause (see the pods' diagnosis), then the rollout resumes by itself; or roll back.",
           f"Check: `{ctx.kubectl('rollout', 'status', f'deployment/{name}')}` reports success."]
    cmds = [ctx.kubectl("rollout", "status", f"deployment/{name}"),
            ctx.kubectl("rollout", "undo", f"deployment/{name}") + "  # risky: returns to the previous pod template"]
    yield ctx.finding(META, cause=cause, evidence=ctx.evidence(cond.line, replicas, new_rs), fix=fix, commands=cmds,
                      next=nxt, confidence=conf)
