"""startup-probe-failure: the startup probe never succeeds, so the container is killed before it is up."""
from __future__ import annotations

from ..crashes import (cname, events_about, is_crashlooping, label, last_exit, logs, nm, pod_containers, probe_kills,
                       run_seconds)
from ..history import mark_explained
from ..probes import budget, diagnose, probe_events, probe_words, total_failures
from ..report import Confidence, Severity
from ..workload_edits import check_step, patch_container
from .rule import RuleMeta

META = RuleMeta(
    id="startup-probe-failure", cls="startup-probe-failure", title="Startup probe never succeeds",
    severity=Severity.ERROR, rank=52,
    summary="The container's startup probe does not succeed within failureThreshold × periodSeconds, so the kubelet kills it before the app is up (and liveness/readiness never start).",
    statuses=("Unhealthy", "Killing", "CrashLoopBackOff", "Startup probe failed"),
    related=("liveness-probe-failure", "readiness-probe-failure", "crashloop-app-error"),
    quiet_without_events=(),
)


def _passed_since(ctx, c, pevents) -> bool:
    """Readiness or liveness failures newer than the last startup failure: those probes only run once
    the startup probe has succeeded, so the start-up is over."""
    last = ctx.newest([p.event for p in pevents])
    later = [p.event for k in ("readiness", "liveness") for p in probe_events(ctx, c, k)]
    if last is None or not later:
        return False
    newest_other = ctx.newest(later + [last])
    return newest_other is not last


def check(ctx):
    for c in pod_containers(ctx):
        pevents = probe_events(ctx, c, "startup")
        kills = [k for k in probe_kills(ctx, c) if "startup" in k.message.lower()]
        if not pevents and not kills:
            continue
        mark_explained(ctx, [p.event for p in pevents] + kills)
        if c.is_ready or (c.state is not None and c.state.state == "Running" and c.ready is None):
            continue                       # it did start: the failures were part of a slow start
        if not kills and _passed_since(ctx, c, pevents):
            continue                       # liveness/readiness run only after the startup probe succeeded
        ex = last_exit(c)
        if ex is not None and not kills and (ex.reason == "OOMKilled" or ex.code not in (137, 143, 0, None)):
            continue                       # the app died on its own during start-up
        p = c.probes.get("startup")
        bud = budget(p)
        ran = run_seconds(ex.state) if ex is not None else None
        d = diagnose(ctx, c, "startup", pevents, ran) if pevents else None
        # An Events-only paste: `Created container x (x30 over 12h)` counts the restarts the kubelet made
        # (startup-probe kills often leave no Killing row: kubernetes/kubernetes#99697).
        created = max([e.count for e in events_about(ctx, c, "Created", "Started")], default=0) if c.state is None else 0
        killed = bool(kills) or c.restarts > 0 or created > 1
        window = f" within {bud}s" if bud is not None else ""
        why = d.cause if d is not None else "the probe's own failure messages are not in the paste"
        if d is not None and d.sub == "unhealthy":
            why += (" — during start-up an app often answers 5xx until it has finished initialising (loading or replaying "
                    "data), so the probe may simply allow too little time")
        if killed:
            loop = (f"{c.restarts} restarts" if c.restarts or created <= 1 else f"started {created} times") + \
                (", now in CrashLoopBackOff" if is_crashlooping(c) else "")
            probe = f" ({probe_words(p)})" if p is not None else ""
            cause = (f"The kubelet kills {label(c)} ({loop}) because its startup probe never succeeds{window}{probe}: "
                     f"{why}.")
        else:
            probe = f" ({probe_words(p)})" if p is not None else ""
            cause = (f"{label(c, True)} has not passed its startup probe yet{probe}: {why}. If it does not "
                     f"succeed{window}, the kubelet will kill it.")
        fix = list(d.fix) if d is not None else []
        if p is not None and p.failure and d is not None and d.sub in ("too-early", "not-listening", "timeout-short", "slow"):
            more = max(p.failure * 2, 30)
            patch = patch_container(ctx, c, {"startupProbe": {"failureThreshold": more}})
            fix.insert(0, f"If the app is just slow to start, give it longer: failureThreshold {p.failure} → {more} "
                          f"(= {(p.delay or 0) + more * (p.period or 10)}s)" + (f": `{patch}`." if patch else "."))
        if d is not None and d.sub == "unhealthy" and killed:
            fix.insert(0, "If the logs show the app still initialising when it is killed, raise the startup probe's "
                          "failureThreshold (failureThreshold × periodSeconds must cover the slowest start).")
        fix.append("The app's own logs show how far its start-up gets before the kill.")
        check_txt, check_cmd = check_step(ctx, f"{nm(c)} becomes Ready and Restart Count stops growing.")
        fix.append(check_txt)
        newest = ctx.newest([x.event for x in pevents]) if pevents else None
        ev = ctx.evidence(p.line if p is not None else None, newest, *kills[-1:],
                          ex.state.reason if ex is not None else None, c.restart_count,
                          c.state.reason if c.state is not None and c.state.state == "Waiting" else None)
        yield ctx.finding(
            META, container=cname(c), cause=cause, evidence=ev, fix=fix,
            confidence=Confidence.CONFIRMED if kills else (Confidence.LIKELY if killed else Confidence.CONFIRMED),
            severity=None if killed else Severity.WARNING,
            commands=list(dict.fromkeys([*(d.commands if d else []), logs(ctx, c, previous=True) if killed else
                                         logs(ctx, c), check_cmd])),
            details={k: v for k, v in (("probe", p.text if p is not None else None), ("budget_seconds", bud),
                                       ("failures", total_failures(pevents) if pevents else None),
                                       ("restarts", c.restarts), ("sub_cause", d.sub if d else None)) if v is not None},
        )
