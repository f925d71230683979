"""readiness-probe-failure: the readiness probe fails; the pod runs but receives no traffic."""
from __future__ import annotations

import re

from ..crashes import cname, events_about, human_seconds, is_trouble_now, label, last_exit, nm, pod_containers
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
    quiet_without_events=(),
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
        if c.state is None:
            # An Events-only paste: the container's state is unknown, so read the events' clock.
            if any(_CRASH_BACKOFF.search(e.message) for e in events_about(ctx, c, "BackOff")):
                continue               # it crashes and is restarted: not being Ready is a symptom of that
            last = ctx.newest([x.event for x in pevents])
            if last is not None and last.last_seen_s is not None and last.last_seen_s >= _STALE_S:
                yield _history(ctx, c, pevents, last)
                continue
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


_CRASH_BACKOFF = re.compile(r"Back-off restarting failed", re.I)
# The kubelet probes every few seconds and its events are rate-limited to about one per object every
# 5 minutes once a burst is spent: a failure still going on shows a last-seen age well under this.
_STALE_S = 1200


def _history(ctx, c, pevents, last):
    """Readiness failures that stopped long ago (the probe passed since: a slow start), in an Events-only paste."""
    n = total_failures(pevents)
    ago = human_seconds(last.last_seen_s)
    return ctx.finding(
        META, container=cname(c), severity=Severity.INFO, current=False, confidence=Confidence.LIKELY,
        cause=(f"The readiness probe of {label(c)} failed {n} time{'s' if n != 1 else ''}, the last {ago} ago, and not "
               "since: the kubelet probes every few seconds, so it has passed since then (typically while the app was "
               "starting). Nothing in the paste fails now."),
        evidence=ctx.evidence(last), fix=["Nothing to fix if the pod shows READY now; if it does not, paste "
                                          "`kubectl describe pod` in full."],
        next=[ctx.kubectl("get", "pod", ctx.name, "-o", "wide")],
        details={"failures": n},
    )
