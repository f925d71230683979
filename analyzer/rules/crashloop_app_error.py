"""crashloop-app-error: the application exits with an error and is restarted in a loop."""
from __future__ import annotations

from ..crashes import START_FAILURE_REASONS, first_line, is_crashlooping, is_trouble_now, last_exit, probe_kills
from ..exit_codes import meaning
from ..report import Confidence, Severity
from .rule import RuleMeta

META = RuleMeta(
    id="crashloop-app-error", cls="crashloop-app-error", title="Application exits with an error",
    severity=Severity.ERROR, rank=58,
    summary="The container's own process exits with a non-zero code (not an OOM kill, not a probe kill), and Kubernetes keeps restarting it.",
    statuses=("CrashLoopBackOff", "Error", "BackOff"),
    related=("oomkilled", "liveness-probe-failure", "crashloop-completed", "command-not-found"),
)


def check(ctx):
    for c in ctx.pod.containers:
        ex = last_exit(c)
        if ex is None or ex.code in (None, 0):
            continue
        if ex.reason in {"OOMKilled", "Completed", "ContainerStatusUnknown", "Unknown"} | START_FAILURE_REASONS:
            continue
        msg = ex.state.message or ""
        if "exec format error" in msg:
            continue                                   # image-arch-mismatch
        kills = probe_kills(ctx, c)
        if kills and ex.code in (137, 143, 0):
            continue                                   # the kubelet killed it: a probe rule explains it
        current = is_trouble_now(c)
        if not current and c.restarts <= 1:
            continue                                   # one restart long ago on a Ready container: healthy
        code = ex.code
        loop = f" and is restarted in a loop ({c.restarts} restarts, CrashLoopBackOff)" if is_crashlooping(c) else (
            f" ({c.restarts} restarts)" if c.restarts else "")
        said = first_line(msg)
        cause = f"Container {c.name} exits with code {code} — {meaning(code)}{loop}."
        if said:
            cause += f" Its last words: \"{said}\"."
        confidence = Confidence.CONFIRMED
        nxt = [ctx.logs_previous(str(c.name))]
        if code == 137:
            confidence = Confidence.POSSIBLE
            cause = (f"Container {c.name} was killed with SIGKILL (exit 137) but not marked OOMKilled{loop}: a kill by "
                     "the kubelet after a probe failure or deletion, an OOM outside the container's cgroup, or kill -9. "
                     "The paste does not show which.")
            nxt.append(ctx.kubectl("get", "events", "--field-selector", f"involvedObject.name={ctx.name}"))
        ev = ctx.evidence(ex.state.state, ex.state.reason, ex.state.exit_code, ex.state.message, c.restart_count,
                          c.state.reason if c.state is not None and c.state.state == "Waiting" else None,
                          *ctx.container_events(c, "BackOff")[-1:])
        fix = ["Read the crash in the previous container's logs (the current one may not have started yet).",
               f"Fix the cause in the application or its configuration in {ctx.workload_phrase}, then roll out.",
               "Common start-up causes: a missing environment variable or config file, a database not reachable at start, bad arguments."]
        if code == 2:
            fix.insert(1, "Exit 2 usually means bad command-line arguments: compare `args:` with the program's usage text.")
        check_cmd = ctx.rollout_status() or ctx.watch_pod()
        fix.append(f"Check: `{check_cmd}`, and Restart Count stops growing.")
        yield ctx.finding(
            META, container=str(c.name), cause=cause, evidence=ev, fix=fix, confidence=confidence,
            commands=[ctx.logs_previous(str(c.name)), check_cmd], next=nxt, current=current,
            severity=None if current else Severity.WARNING,
            details={"exit_code": code, "exit_meaning": meaning(code), "restarts": c.restarts},
        )
