"""crashloop-app-error: the application exits with an error and is restarted in a loop."""
from __future__ import annotations

import re

from ..crashes import (START_FAILURE_REASONS, cname, exit_meaning, human_seconds, is_crashlooping,
                       is_trouble_now, known, last_exit, last_words, logs, probe_kills, run_seconds, said_line,
                       shell_complaint, start_failure)
from ..history import init_done, mark_explained
from ..probes import probe_events
from ..report import Confidence, Severity
from ..workload_edits import check_step
from ..crashes import last_exit as _last_exit
from .rule import RuleMeta

def _exited_nonzero(pod) -> bool:
    """The rule reads only containers whose last exit has a non-zero code."""
    return any((ex := _last_exit(c)) is not None and ex.code not in (None, 0) for c in pod.all_containers)


META = RuleMeta(
    id="crashloop-app-error", cls="crashloop-app-error", title="Application exits with an error",
    severity=Severity.ERROR, rank=58,
    summary="The container's own process exits with a non-zero code (not an OOM kill, not a probe kill), and Kubernetes keeps restarting it.",
    statuses=("CrashLoopBackOff", "Error", "BackOff"),
    related=("oomkilled", "liveness-probe-failure", "crashloop-completed", "command-not-found"),
    quiet_without_events=_exited_nonzero,
)

# A process that ran this long before exiting was not crash-looping (the kubelet resets its back-off after 10 minutes).
LONG_RUN = 600
_NOT_APP = {"OOMKilled", "Completed", "ContainerStatusUnknown", "Unknown"} | START_FAILURE_REASONS
# What the last words of a crashed process often say (termination message / FallbackToLogsOnError).
_LAST_WORDS = (
    (re.compile(r"java\.lang\.OutOfMemoryError|JavaScript heap out of memory|MemoryError\b"),
     "The process ran out of its own heap (a runtime limit such as -Xmx or --max-old-space-size), not the container's memory limit."),
    (re.compile(r"connection refused|ECONNREFUSED|could not connect to server|no such host|getaddrinfo|"
                r"could not translate host name|Name or service not known|Temporary failure in name resolution", re.I),
     "It could not reach a service it needs at start-up (database, cache, API): check that service and the address in its configuration."),
    (re.compile(r"permission denied|EACCES|read-only file system", re.I),
     "It was refused access to a file or directory: check the securityContext user, fsGroup and readOnlyRootFilesystem."),
    (re.compile(r"no such file or directory|ENOENT|FileNotFoundError|cannot find module", re.I),
     "A file it expects is missing: a config file, a mount path, or a module not in the image."),
)


def sidecar(pod, c) -> bool:
    """An init container with restartPolicy Always (1.28+) runs beside the app: describe shows it
    started while the main containers run."""
    return c.init and any(m.state is not None and m.state.state in ("Running", "Terminated") for m in pod.containers)


def check(ctx):
    pod = ctx.pod
    for c in list(pod.containers) + [i for i in pod.init_containers if sidecar(pod, i) and not init_done(i)]:
        ex = last_exit(c)
        if ex is None or ex.code in (None, 0):
            continue
        if ex.reason in _NOT_APP:
            continue
        msg = ex.state.message or ""
        if "exec format error" in msg:
            continue                                   # image-arch-mismatch
        if start_failure(ctx, c) is not None:
            continue                                   # command-not-found
        kills = probe_kills(ctx, c)
        if ex.code in (137, 143) and (kills or probe_events(ctx, c, "liveness") or probe_events(ctx, c, "startup")):
            continue                                   # the kubelet killed it: a probe rule explains it
        if ex.code == 137:
            continue                                   # SIGKILL without OOMKilled: triage asks for what the paste lacks
        current = is_trouble_now(c)
        backoff = ctx.container_events(c, "BackOff")
        ran = run_seconds(ex.state)
        if not current and (c.restarts <= 1 or (ran is not None and ran >= LONG_RUN)):
            mark_explained(ctx, backoff)
            continue                                   # Ready now, and the last crash ended a long run: history
        code = ex.code
        loop = f" and is restarted in a loop ({c.restarts} restarts, CrashLoopBackOff)" if is_crashlooping(c) else (
            f" ({c.restarts} restarts)" if c.restarts else "")
        row = str(getattr(ctx.obj, "table_status", None) or "")
        if not loop and row == "CrashLoopBackOff" and len(ctx.obj.all_containers) == 1:
            # A describe fragment without its State: block, under the pod's `get pods` row.
            n = str(getattr(ctx.obj, "table_restarts", None) or "").split()[0:1]
            loop = (f" and is restarted in a loop ({n[0]} restarts, CrashLoopBackOff in the get pods row)" if n and
                    n[0].isdigit() else " and is restarted in a loop (CrashLoopBackOff in the get pods row)")
        when = ""
        shell = shell_complaint(code, msg, c)
        if ran is not None:
            when = f" after running {human_seconds(ran)}" + (" (it fails during start-up)" if ran < 10 else "")
        said = last_words(msg)
        who = "Sidecar (init container with restartPolicy Always)" if c.init else "Container"
        who = f"{who} {c.name}" if known(c) else f"The {who[0].lower()}{who[1:]}"
        cause = f"{who} exits with code {code}{when}{loop}."
        meaning = exit_meaning(code, c)
        cause += " " + (shell or f"Exit {code} means {meaning}.")
        if said:
            cause += f" Its last words: \"{said}\"."
        hints = [h for rx, h in _LAST_WORDS if msg and rx.search(msg)]
        ev = ctx.evidence(ex.state.state, ex.state.reason, ex.state.exit_code, ex.state.message, ex.state.started,
                          ex.state.finished, c.restart_count,
                          c.state.reason if c.state is not None and c.state.state == "Waiting" else None, *backoff[-1:],
                          said_line(ctx, ex.state, said), *((list(c.command) + list(c.args))[:4] if shell else ()))
        mark_explained(ctx, backoff)
        prev_logs = logs(ctx, c, previous=True)
        fix = [f"Read why it exits in the previous container's logs: `{prev_logs}`.",
               *hints[:1],
               f"Fix the cause in the application or its configuration in {ctx.workload_phrase}, then roll out."]
        if (ran is None or ran < 10) and code not in (126, 127) and code < 128:
            fix.append("Common start-up causes: a missing environment variable or config file, a database not reachable "
                       "at start, bad arguments.")
        if code == 2:
            fix.insert(1, "Exit 2 usually means bad command-line arguments: compare `args:` with the program's usage text.")
        check_txt, check_cmd = check_step(ctx, "the new pods stay Running and Restart Count stops growing.")
        fix.append(check_txt)
        yield ctx.finding(
            META, container=cname(c), cause=cause, evidence=ev, fix=fix, confidence=Confidence.CONFIRMED,
            commands=[prev_logs, check_cmd], next=[prev_logs] if not said else [],
            current=current, severity=None if current else Severity.WARNING,
            details={k: v for k, v in (("exit_code", code), ("exit_meaning", meaning), ("restarts", c.restarts),
                                       ("ran_seconds", int(ran) if ran is not None else None)) if v is not None},
        )
