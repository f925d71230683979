"""init-container-failure: an init container's own process fails, so the pod never starts."""
from __future__ import annotations

import re

from ..crashes import (cname, exit_meaning, human_seconds, is_crashlooping, known, label, last_exit, last_words, logs,
                       nm, run_seconds, said_line, shell_complaint, start_failure)
from ..history import init_done, mark_explained
from ..report import Confidence, Severity
from ..workload_edits import check_step
from .crashloop_app_error import sidecar
from ..crashes import last_exit as _last_exit
from .rule import RuleMeta

def _exited_nonzero(pod) -> bool:
    """The rule reads only containers whose last exit has a non-zero code."""
    return any((ex := _last_exit(c)) is not None and ex.code not in (None, 0) for c in pod.all_containers)


META = RuleMeta(
    id="init-container-failure", cls="init-container-failure", title="Init container fails",
    severity=Severity.ERROR, rank=57,
    summary="An init container's own process exits with an error, so the pod's main containers never start (Init:Error, Init:CrashLoopBackOff).",
    statuses=("Init:Error", "Init:CrashLoopBackOff", "Init:ExitCode", "PodInitializing"),
    related=("crashloop-app-error", "command-not-found", "oomkilled"),
    quiet_without_events=_exited_nonzero,
)

# What an init container's script is usually doing, from its command line.
_PURPOSE = (
    (re.compile(r"\b(?:nslookup|nc|wait-for|wait_for|dig|until|pg_isready|mysqladmin|curl|wget)\b"),
     "its command waits for or checks another service; that service (or its DNS name) is not reachable"),
    (re.compile(r"\b(?:migrat\w*|alembic|flyway|liquibase|rake db|manage\.py)\b", re.I),
     "it runs a database migration; the migration or the database connection fails"),
    (re.compile(r"\b(?:chown|chmod|mkdir|cp|mv|tar|git clone)\b"),
     "it prepares files; a path, permission or volume is not as it expects"),
)


def check(ctx):
    pod = ctx.pod
    for c in pod.init_containers:
        if init_done(c) or sidecar(pod, c):
            continue
        ex = last_exit(c)
        if ex is None or ex.code in (None, 0):
            continue
        if ex.reason in ("OOMKilled", "StartError", "ContainerCannotRun", "ContainerStatusUnknown", "Unknown"):
            continue                           # oomkilled / command-not-found say it for this init container
        msg = str(ex.state.message or "")
        if "exec format error" in msg or start_failure(ctx, c) is not None:
            continue
        failing_now = is_crashlooping(c) or ex.current or (c.state is not None and c.state.state == "Waiting")
        if not failing_now:
            continue
        code = ex.code
        ran = run_seconds(ex.state)
        took = f" after {human_seconds(ran)}" if ran is not None else ""
        loop = (f", restarted {c.restarts} times (Init:CrashLoopBackOff)" if is_crashlooping(c)
                else (f", {c.restarts} restarts" if c.restarts else ""))
        waiting = [m for m in pod.containers if m.state is not None and m.state.reason == "PodInitializing"]
        never = "so the pod's containers never start" + (f" ({', '.join(str(m.name) for m in waiting if known(m)) or 'they'} wait in PodInitializing)"
                                                          if waiting else "")
        if str(pod.status or "") == "Failed":
            never = "so the pod failed without starting its containers (restartPolicy Never)"
        cause = f"{label(c, True)} exits with code {code}{took}{loop}, {never}."
        shell = shell_complaint(code, msg, c)
        cause += " " + (shell or f"Exit {code} means {exit_meaning(code, c)}.")
        said = last_words(msg)
        if said:
            cause += f" Its last words: \"{said}\"."
        argv = list(c.command) + list(c.args)
        text = " ".join(str(a) for a in argv)
        purpose = next((p for rx, p in _PURPOSE if rx.search(text)), None)
        fix = [f"Read why it fails: `{logs(ctx, c, previous=True)}` (or without --previous while it is being retried).",
               f"Fix what {label(c)} needs (its command, configuration, or the service it depends on) in "
               f"{ctx.workload_phrase}; the main containers start only after every init container exits 0."]
        if purpose:
            fix.insert(1, f"From its command line, {purpose}.")
        check_txt, check_cmd = check_step(ctx, f"the pod leaves Init:… and {nm(c)} shows Terminated / Completed (exit 0).")
        fix.append(check_txt)
        backoff = ctx.container_events(c, "BackOff")
        mark_explained(ctx, backoff)
        init_cond = pod.pod_conditions.get("Initialized")
        ev = ctx.evidence(ex.state.state, ex.state.reason, ex.state.exit_code, ex.state.message, c.restart_count,
                          c.state.reason if c.state is not None and c.state.state == "Waiting" else None,
                          init_cond if init_cond is not None and init_cond == "False" else None,
                          *(argv[:4] if purpose or shell else ()), *backoff[-1:], said_line(ctx, ex.state, said))
        yield ctx.finding(
            META, container=cname(c), cause=cause, evidence=ev, fix=fix, confidence=Confidence.CONFIRMED,
            commands=[logs(ctx, c, previous=True), check_cmd],
            next=[] if said else [logs(ctx, c, previous=True)],
            details={k: v for k, v in (("exit_code", code), ("exit_meaning", exit_meaning(code, c)), ("restarts", c.restarts))
                     if v is not None},
        )
