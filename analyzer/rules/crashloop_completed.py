"""crashloop-completed: the main process exits 0, but the pod's restartPolicy Always restarts it."""
from __future__ import annotations

import re

from ..crashes import (cname, human_seconds, is_crashlooping, label, last_exit, logs, nm, probe_kills,
                       run_seconds)
from ..history import mark_explained
from ..imageref import parse_image
from ..probes import probe_events
from ..report import Confidence, Severity
from ..workload_edits import check_step, owner_kind
from .crashloop_app_error import LONG_RUN
from .rule import RuleMeta

def _exited_zero(pod) -> bool:
    """The rule reads only main containers whose last exit has code 0."""
    return any((ex := last_exit(c)) is not None and ex.code == 0 for c in pod.containers)


META = RuleMeta(
    id="crashloop-completed", cls="crashloop-completed", title="Command finishes, but the pod restarts it",
    severity=Severity.ERROR, rank=56,
    summary="The container's main process exits successfully (exit 0), but the pod's restartPolicy Always restarts it, so a one-shot command in a Deployment loops in CrashLoopBackOff.",
    statuses=("CrashLoopBackOff", "Completed", "BackOff"),
    related=("crashloop-app-error", "command-not-found", "liveness-probe-failure"),
    quiet_without_events=_exited_zero,
)

# Base images whose default CMD is a shell or nothing long-running.
_SHELL_IMAGES = ("busybox", "alpine", "ubuntu", "debian", "centos", "fedora", "rockylinux", "almalinux", "amazonlinux",
                 "python", "node", "golang", "ruby", "perl", "bash", "curlimages/curl", "bitnami/kubectl",
                 "openjdk", "eclipse-temurin")
_BACKGROUND = re.compile(r"(?:^|[\s;])(?:nohup\b|[^&]&\s*$|[^&]&\s*;|service \S+ start|systemctl start|--daemon\b|daemonize)")
_ONE_SHOT = re.compile(r"(?:^|[\s;&|/])(?:echo|printf|printenv|true|date|env|ls|cat|curl|wget|touch|cp|mkdir|"
                       r"migrat\w*|alembic|flyway|liquibase|rake db:\S+|manage\.py (?:migrate|collectstatic)|"
                       r"npm run build|yarn build|sleep \d{1,3})(?:\s|$|;)")


def _why(c) -> tuple:
    """-> (kind, sentence, Val) naming what in the paste makes the process finish.
    kind: background | one-shot | returns | shell-image | unknown."""
    argv = list(c.command) + list(c.args)
    text = " ".join(str(a) for a in argv)
    shown = text if len(text) <= 90 else text[:89] + "…"
    if argv:
        for a in argv:
            if _BACKGROUND.search(str(a)):
                return ("background", f"Its command (`{shown}`) starts something in the background (&, nohup, a daemon "
                        "or `service … start`) and then returns, so the container's main process ends.", a)
        if _ONE_SHOT.search(text):
            return ("one-shot", f"Its command (`{shown}`) is a one-shot task that finishes.", argv[0])
        return ("returns", f"Its command (`{shown}`) returns instead of running in the foreground.", argv[0])
    ref = parse_image(str(c.image)) if c.image else None
    if ref is not None and any(ref.repository.endswith(s) or ref.repository == f"library/{s}" for s in _SHELL_IMAGES):
        return ("shell-image", f"It sets no command, and the default command of {ref.name} is a shell that exits at once "
                "when nothing keeps it busy (no terminal is attached).", c.image)
    return ("unknown", "Its program finishes successfully instead of running in the foreground.", None)


def check(ctx):
    pod = ctx.pod
    kind = owner_kind(ctx)
    if kind in ("job", "cronjob") or str(pod.status or "") == "Succeeded":
        return                                 # a Job's pods are meant to finish
    for c in pod.containers:
        ex = last_exit(c)
        if ex is None or ex.code != 0:
            continue
        if probe_kills(ctx, c) or probe_events(ctx, c, "liveness") or probe_events(ctx, c, "startup"):
            continue                           # exited cleanly on the kubelet's SIGTERM after a probe failure
        if ex.current and c.restarts == 0:
            continue                           # finished once, not restarted: restartPolicy Never/OnFailure
        backoff = ctx.container_events(c, "BackOff")
        looping = is_crashlooping(c) or (ex.current and c.restarts > 0)
        ran = run_seconds(ex.state)
        if not looping and (c.restarts <= 1 or (ran is not None and ran >= LONG_RUN)):
            mark_explained(ctx, backoff)
            continue                           # Ready now, and the last run was long: not a loop
        current = looping or not c.is_ready
        took = f" after {human_seconds(ran)}" if ran is not None else ""
        kind_, why, why_val = _why(c)
        owner = ctx.workload_phrase
        cause = (f"{label(c, True)} finishes successfully (exit 0{took}), but {owner} restarts every container that "
                 f"stops (restartPolicy Always), so it loops ({c.restarts} restarts"
                 f"{', CrashLoopBackOff' if is_crashlooping(c) else ''}). {why}")
        foreground = (f"If {nm(c)} should keep running, make its main process stay in the foreground (`exec myserver` "
                      "instead of `myserver &`; `nginx -g 'daemon off;'`): the container lives exactly as long as that "
                      "process.")
        oneshot = ("If it is one-shot work (a migration, a script, a batch job), run it as a Job or CronJob, or as an init "
                   f"container of {owner}, instead of as a long-running container.")
        fix = [oneshot, foreground] if kind_ == "one-shot" else [foreground, oneshot]
        if kind_ == "shell-image":
            fix.append("For a debugging pod that must just stay up, give it a command such as `sleep infinity`.")
        check_txt, check_cmd = check_step(ctx, "the container stays Running and Restart Count stops growing.")
        fix.append(check_txt)
        ev = ctx.evidence(ex.state.state, ex.state.reason, ex.state.exit_code, ex.state.started, ex.state.finished,
                          c.restart_count, c.state.reason if c.state is not None and c.state.state == "Waiting" else None,
                          why_val, *backoff[-1:])
        mark_explained(ctx, backoff)
        yield ctx.finding(
            META, container=cname(c), cause=cause, evidence=ev, fix=fix, confidence=Confidence.CONFIRMED,
            commands=[logs(ctx, c, previous=True), check_cmd], current=current,
            severity=None if current else Severity.WARNING,
            details={k: v for k, v in (("exit_code", 0), ("restarts", c.restarts),
                                       ("ran_seconds", int(ran) if ran is not None else None)) if v is not None},
        )
