"""liveness-probe-failure: the liveness probe fails, and the kubelet kills and restarts the container."""
from __future__ import annotations

from ..crashes import (cname, events_about, is_crashlooping, is_trouble_now, label, last_exit, logs,
                       pod_containers, probe_kills, run_seconds)
from ..history import mark_explained
from ..probes import budget, diagnose, probe_events, probe_words, total_failures
from ..report import Confidence, Severity
from ..workload_edits import check_step
from .rule import RuleMeta

def _has_liveness_probe(pod) -> bool:
    """Without events the rule reads only the timing of a container's liveness probe (_timed_kill)."""
    return any(c.probes.get("liveness") is not None for c in pod.all_containers)


META = RuleMeta(
    id="liveness-probe-failure", cls="liveness-probe-failure", title="Liveness probe fails, the kubelet restarts the container",
    severity=Severity.ERROR, rank=54,
    summary="The container's liveness probe fails, so the kubelet kills and restarts it: the restarts come from the probe, not from the application exiting.",
    statuses=("Unhealthy", "Killing", "CrashLoopBackOff", "Liveness probe failed"),
    related=("startup-probe-failure", "readiness-probe-failure", "crashloop-app-error", "oomkilled"),
    quiet_without_events=_has_liveness_probe,
)

RECENT = 600      # seconds: a probe event younger than this is part of what is happening now


def _recent(events) -> bool:
    return any(e.last_seen_s is not None and e.last_seen_s < RECENT for e in events)


def check(ctx):
    for c in pod_containers(ctx):
        pevents = probe_events(ctx, c, "liveness")
        kills = [k for k in probe_kills(ctx, c) if "startup" not in k.message.lower()]
        if not pevents and not kills:
            f = _timed_kill(ctx, c)
            if f is not None:
                yield f
            continue
        mark_explained(ctx, [p.event for p in pevents] + kills)
        mark_explained(ctx, ctx.container_events(c, "BackOff"))
        ex = last_exit(c)
        # An Events-only paste shows no Restart Count: back-off rows say the container keeps restarting.
        backoff = events_about(ctx, c, "BackOff") if c.state is None else []
        p = c.probes.get("liveness")
        # Events-only: more failures than the probe's failureThreshold (3 unless the paste says otherwise) means
        # the kubelet has already killed it at least once, even if the Killing row is not in the paste.
        over = c.state is None and not kills and not backoff and \
            total_failures(pevents) >= 2 * ((p.failure if p is not None and p.failure else None) or 3)
        if not kills and c.restarts == 0 and not backoff and not over:
            continue                       # failing, but below the threshold: not restarted (yet)
        if ex is not None and not kills and (ex.reason == "OOMKilled" or ex.code not in (137, 143, 0, None)):
            continue                       # the app died on its own (OOM, an error exit): another rule explains it
        events = [p.event for p in pevents] + kills
        current = is_trouble_now(c) or (c.restarts >= 2 and _recent(events))
        if not current and c.restarts <= 1:
            continue                       # one restart long ago, Ready now: history
        ran = run_seconds(ex.state) if ex is not None else None
        if pevents:
            d = diagnose(ctx, c, "liveness", pevents, ran)
            why = d.cause
        else:
            d = None
            why = "the probe's own failure messages are not in the paste"
        n_kills = sum(max(k.count, 1) for k in kills)
        if c.state is None:
            loop = (f"{n_kills} kill{'s' if n_kills != 1 else ''} in the events" if kills else
                    "the events show it restarting in back-off" if backoff else
                    f"{total_failures(pevents)} failures in the events, enough for the kubelet to have killed it" if over else "")
        else:
            loop = f"{c.restarts} restarts" + (", now in CrashLoopBackOff" if is_crashlooping(c) else "")
        verb = "keeps killing" if max(n_kills, c.restarts) > 1 or backoff or over else "killed"
        probe = f" ({probe_words(p)})" if p is not None else ""
        cause = (f"The kubelet {verb} {label(c)}{f' ({loop})' if loop else ''} because its liveness probe fails"
                 f"{probe}: {why}. " + ("The restarts come from the probe, not from the app exiting." if kills else
                                         "The restarts most likely come from the probe; the paste shows no Killing row, "
                                         "so if the app exits by itself, its previous logs say why."))
        conf = Confidence.CONFIRMED if kills else Confidence.LIKELY
        if d is not None and d.confidence != "confirmed" and conf == Confidence.CONFIRMED:
            cause += " (The kill is certain; why the probe fails is inferred from its answer.)"
        details = {"probe": p.text if p is not None else None, "failures": total_failures(pevents) if pevents else None,
                   "restarts": c.restarts if c.state is not None else None, "sub_cause": d.sub if d else None,
                   "ran_seconds": int(ran) if ran is not None else None,
                   "alternative": d.competing if d is not None and d.competing else None}
        fix = list(d.fix) if d is not None else ["Look at the probe's failures: they say why it fails."]
        if d is not None and d.sub in ("unhealthy", "timeout-short", "slow"):
            fix.append("A liveness probe should only check that the process itself is alive: when it fails because of "
                       "something outside the container (a slow database), restarting the container does not help.")
        check_txt, check_cmd = check_step(ctx, "Restart Count stops growing and no new Unhealthy/Killing events appear.")
        fix.append(check_txt)
        newest = ctx.newest([x.event for x in pevents]) if pevents else None
        ev = ctx.evidence(p.line if p is not None else None, newest, *kills[-1:], *backoff[-1:],
                          ex.state.reason if ex is not None else None, ex.state.exit_code if ex is not None else None,
                          c.restart_count, c.state.reason if c.state is not None and c.state.state == "Waiting" else None)
        nxt = [] if pevents else [ctx.kubectl("get", "events", "--field-selector", f"involvedObject.name={ctx.name}")]
        yield ctx.finding(
            META, container=cname(c), cause=cause, evidence=ev, fix=fix, confidence=conf,
            commands=list(dict.fromkeys([*(d.commands if d else []), logs(ctx, c, previous=True), check_cmd])), next=nxt,
            current=current, severity=None if current else Severity.WARNING,
            details={k: v for k, v in details.items() if v is not None},
        )


# Kubernetes' default terminationGracePeriodSeconds: a process that ignores SIGTERM is killed this long after.
_GRACE = 30


def _timed_kill(ctx, c):
    """A describe without events (they expired): the container was SIGKILLed (exit 137, not OOMKilled) after running
    just as long as its liveness probe allows (delay + failureThreshold x period, plus the grace period). That is
    the probe's timing, though the events that would confirm it are gone."""
    pod = ctx.pod
    if pod.events_shown or c.state is None or c.restarts == 0 or not is_trouble_now(c):
        return None
    ex = last_exit(c)
    p = c.probes.get("liveness")
    bud = budget(p)
    if ex is None or ex.code != 137 or ex.reason == "OOMKilled" or bud is None:
        return None
    ran = run_seconds(ex.state)
    if ran is None or not (bud - (p.period or 10) <= ran <= bud + _GRACE + (p.period or 10) + 15):
        return None
    cause = (f"{label(c, True)} was killed with SIGKILL (exit 137, not OOMKilled) after running {int(ran)}s, which is "
             f"what its liveness probe allows ({probe_words(p)}: about {bud}s, plus up to {_GRACE}s of grace when the app "
             f"ignores SIGTERM), {c.restarts} restarts so far: most likely the kubelet restarts it because the probe fails. "
             "The paste has no events to confirm it; the node's OOM killer or a kill -9 at that moment would look the same.")
    check_txt, check_cmd = check_step(ctx, "Restart Count stops growing and no new Unhealthy/Killing events appear.")
    events_cmd = ctx.kubectl("get", "events", "--field-selector", f"involvedObject.name={ctx.name}")
    return ctx.finding(
        META, container=cname(c), cause=cause, confidence=Confidence.POSSIBLE,
        evidence=ctx.evidence(p.line, ex.state.reason, ex.state.exit_code, ex.state.started, ex.state.finished,
                              c.restart_count),
        fix=["Read the probe's failures in the events (`Liveness probe failed: …`) to see why it fails, then fix the "
             "app or the probe (port, path, timeout, initialDelaySeconds).",
             "If the app is only slow to answer or to start, give it more time: a startupProbe for the start, a larger "
             "timeoutSeconds or failureThreshold for slow answers.", check_txt],
        commands=[events_cmd, logs(ctx, c, previous=True), check_cmd],
        next=[events_cmd, logs(ctx, c, previous=True)],
        details={"probe": p.text, "ran_seconds": int(ran), "budget_seconds": bud, "restarts": c.restarts},
    )
