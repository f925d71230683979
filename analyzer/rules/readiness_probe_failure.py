"""readiness-probe-failure: the readiness probe fails; the pod runs but receives no traffic."""
from __future__ import annotations

from ..crashes import cname, is_trouble_now, label, last_exit, nm, pod_containers
from ..history import mark_explained
from ..probes import diagnose, probe_events, probe_words, total_failures
from ..report import Confidence, Severity
from ..workload_edits import check_step
from .rule import RuleMeta

META = RuleMeta(
    id="readiness-probe-failure", cls="readiness-probe-failure", title="Readiness probe fails, the pod gets no traffic",
    severity=Severity.ERROR, rank=70,
    summary="The container runs but its readiness probe fails, so it is not Ready and Services send it no traffic.",
    statuses=("Unhealthy", "Running", "0/1", "Readiness probe failed", "Endpoints: <none>"),
    related=("liveness-probe-failure", "startup-probe-failure", "service-no-endpoints"),
)


def check(ctx):
    for c in pod_containers(ctx):
        pevents = probe_events(ctx, c, "readiness")
        if not pevents:
            continue
        mark_explained(ctx, [p.event for p in pevents])
        running = c.state is not None and c.state.state == "Running"
        if c.is_ready or (c.state is not None and not running):
            continue                   # Ready now (the failures are history), or not running: another rule says why
        p = c.probes.get("readiness")
        d = diagnose(ctx, c, "readiness", pevents)
        probe = f" ({probe_words(p)})" if p is not None else ""
        ex = last_exit(c)
        restarting = c.restarts > 0 and ex is not None and is_trouble_now(c) and (ex.reason == "OOMKilled" or (ex.code or 0) != 0)
        if c.state is None:
            cause = (f"The readiness probe of {label(c)} fails{probe}: {d.cause}. While it fails, the pod is not "
                     "Ready and Services send it no traffic. The paste shows only events: check the pod is still not Ready.")
        else:
            cause = (f"{label(c, True)} runs but is not Ready because its readiness probe fails{probe}: "
                     f"{d.cause}. Services send the pod no traffic until it passes.")
        if restarting:
            cause += f" It also restarts ({c.restarts} restarts, last {ex.reason or 'exit ' + str(ex.code)}): that is the deeper problem."
        fix = list(d.fix)
        check_txt, check_cmd = check_step(ctx, f"{nm(c)} shows Ready True (READY column full).")
        fix.append(check_txt)
        newest = ctx.newest([x.event for x in pevents])
        ev = ctx.evidence(p.line if p is not None else None, newest, c.ready, c.state.state if c.state else None)
        yield ctx.finding(
            META, container=cname(c), cause=cause, evidence=ev, fix=fix,
            confidence=Confidence(d.confidence), severity=Severity.WARNING if restarting else None,
            commands=list(dict.fromkeys([*d.commands, check_cmd])),
            next=[ctx.kubectl("get", "pod", ctx.name, "-o", "wide")] if c.state is None else [],
            details={k: v for k, v in (("probe", p.text if p is not None else None),
                                       ("failures", total_failures(pevents)), ("sub_cause", d.sub),
                                       ("alternative", d.competing or None)) if v is not None},
        )
