"""job-deadline-exceeded: a Job or pod ran past activeDeadlineSeconds."""
from __future__ import annotations

from ..report import Severity
from .rule import RuleMeta

META = RuleMeta(
    id="job-deadline-exceeded", cls="job-deadline-exceeded", title="Job ran past its deadline",
    severity=Severity.ERROR, rank=16, kinds=("Job", "CronJob", "Pod"),
    summary="The Job (or pod) was active longer than activeDeadlineSeconds, so Kubernetes stopped it.",
    statuses=("DeadlineExceeded", "Job was active longer than specified deadline"),
    related=("job-backoff-limit",),
    quiet_without_events=("DeadlineExceeded",),
)


def check(ctx):
    obj = ctx.obj
    evs = [e for e in ctx.events("DeadlineExceeded") if "deadline" in e.message.lower()]
    reason = getattr(obj, "reason", None)
    pod_level = reason is not None and reason == "DeadlineExceeded"
    if not evs and not pod_level:
        return
    e = ctx.newest(evs)
    deadline = ctx.grep(r"^Active Deadline Seconds:\s+(\S+)")
    what = (f"{obj.kind} {obj.name}" if obj.name else f"The {obj.kind.lower()}") if obj.kind in ("Job", "Pod") else f"Pod {obj.name}"
    cause = f"{what} was active longer than its deadline" + (f" ({deadline[0][0].group(1)})" if deadline else "") + \
            " (activeDeadlineSeconds), so its pods were stopped."
    yield ctx.finding(
        META, cause=cause, evidence=ctx.evidence(e, reason, getattr(obj, "message", None), *[n for _, n in deadline]),
        fix=["Find out why it ran so long (its logs, slow dependencies), or raise activeDeadlineSeconds if the work legitimately takes longer.",
             "Note: activeDeadlineSeconds takes precedence over backoffLimit."],
        commands=[ctx.kubectl("get", "pods", "-l", f"job-name={obj.name}")] if obj.kind == "Job" else [],
    )
