"""preempted: the pod was preempted by a higher-priority pod."""
from __future__ import annotations

import re

from ..report import Severity
from .rule import RuleMeta

META = RuleMeta(
    id="preempted", cls="preempted", title="Preempted by a higher-priority pod",
    severity=Severity.ERROR, rank=14,
    summary="The scheduler (or the kubelet, for a critical pod) evicted this pod to make room for a pod with a higher priority.",
    statuses=("Preempted", "Preempting", "Preempted in order to admit critical pod"),
    related=("insufficient-resources", "evicted"),
    quiet_without_events=("Preempting",),
)


def check(ctx):
    pod = ctx.obj
    reason = getattr(pod, "reason", None)
    evs = ctx.events("Preempted")
    kubelet = reason is not None and reason == "Preempting"
    if not evs and not kubelet:
        return
    e = ctx.newest(evs)
    by = None
    if e is not None:
        m = re.search(r"Preempted by (?:pod )?([\w./-]+)(?: on node ([\w.-]+))?", e.message)
        if m:
            by = m.group(1)
    prio = ctx.grep(r"^Priority:\s+(-?\d+)")
    cls_ = ctx.grep(r"^Priority Class Name:\s+(\S+)")
    prio_txt = f" (its priority is {prio[0][0].group(1)}" + (f", class {cls_[0][0].group(1)})" if cls_ else ")") if prio else ""
    if kubelet:
        cause = "The kubelet preempted this pod to admit a critical pod on its node" + prio_txt + "."
    else:
        cause = f"The scheduler preempted this pod{prio_txt} to make room for a higher-priority pod" + (f" ({by})" if by and by not in ("a",) else "") + "."
    fix = ["Give the workload a PriorityClass that matches its importance, or a PodDisruptionBudget (the scheduler respects it where it can).",
           "Add capacity so high-priority pods do not need to preempt others.",
           f"Check: `{ctx.kubectl('get', 'pods', '-o', 'wide')}` shows the replacement Running."]
    yield ctx.finding(META, cause=cause, evidence=ctx.evidence(e, reason, getattr(pod, "message", None),
                                                                *[n for _, n in prio]),
                      fix=fix, commands=[ctx.kubectl("get", "priorityclass", namespaced=False)])
