"""job-backoff-limit: a Job failed more times than its backoffLimit."""
from __future__ import annotations

import re

from ..report import Severity
from .rule import RuleMeta

META = RuleMeta(
    id="job-backoff-limit", cls="job-backoff-limit", title="Job gave up after too many failed pods",
    severity=Severity.ERROR, rank=60, kinds=("Job", "CronJob", "Pod"),
    summary="The Job's pods failed more times than backoffLimit (default 6), so the Job is marked Failed; the cause is in the failed pods.",
    statuses=("BackoffLimitExceeded", "Failed", "Job has reached the specified backoff limit"),
    related=("crashloop-app-error", "oomkilled", "job-deadline-exceeded"),
    quiet_without_events=(),
)


def check(ctx):
    evs = ctx.events("BackoffLimitExceeded")
    e = ctx.newest(evs)
    if e is None:
        return
    name = str(ctx.obj.name or "<job>")
    statuses = ctx.grep(r"^Pods Statuses:\s+(.*)$")
    limit = ctx.grep(r"^Backoff Limit:\s+(\d+)")
    failed = re.search(r"(\d+) Failed", statuses[0][0].group(1)) if statuses else None
    cause = f"Job {name} reached its backoff limit" + (f" ({limit[0][0].group(1)})" if limit else "") + \
            (f" after {failed.group(1)} failed pod{'' if failed.group(1) == '1' else 's'}" if failed else "") + "; the reason is in those pods."
    pods = ctx.related_pods()
    peer = [f for p in pods for f in ctx.peer_findings(p)]
    if peer:
        cause += f" Its pods in this paste fail with {peer[0].cls}: {peer[0].cause}"
    fix = ["Find why the pods failed: their exit code and logs (Job pods with restartPolicy: Never stay as Failed pods unless a TTL removed them).",
           "Fix that cause, then re-run the Job (a failed Job does not restart by itself: delete and re-create it)."]
    cmds = [ctx.kubectl("get", "pods", "-l", f"job-name={name}"),
            ctx.kubectl("logs", f"job/{name}")]
    yield ctx.finding(META, cause=cause, evidence=ctx.evidence(e, *[n for _, n in statuses + limit]), fix=fix, commands=cmds,
                      next=[] if pods else [ctx.kubectl("describe", "pods", "-l", f"job-name={name}")])
