"""oomkilled: the container was killed for exceeding its memory limit."""
from __future__ import annotations

import re

from ..crashes import cname, is_trouble_now, label, nm
from ..history import mark_explained
from ..quantity import human, jvm_bytes, to_bytes
from ..report import Severity
from ..workload_edits import check_step, owner_kind, owner_note, set_resources
from .rule import RuleMeta

def _oom_marked(pod) -> bool:
    """Without events the rule reads only containers whose state or last state is Terminated/OOMKilled."""
    return any(s is not None and s.state == "Terminated" and s.reason is not None and s.reason == "OOMKilled"
               for c in pod.all_containers for s in (c.state, c.last_state))


META = RuleMeta(
    id="oomkilled", cls="oomkilled", title="Killed for using too much memory (OOMKilled)",
    severity=Severity.ERROR, rank=50,
    summary="The kernel's OOM killer stopped the container because it reached its memory limit (exit code 137, reason OOMKilled).",
    statuses=("OOMKilled", "CrashLoopBackOff", "Init:OOMKilled"),
    related=("crashloop-app-error", "evicted", "liveness-probe-failure"),
    quiet_without_events=_oom_marked,
)

_XMX = re.compile(r"-Xmx(\d+[kKmMgGtT]?)\b")
_RAM_PCT = re.compile(r"-XX:MaxRAMPercentage=(\d+(?:\.\d+)?)")
_NODE_HEAP = re.compile(r"--max-old-space-size=(\d+)")


def _runtime_hint(c, limit_b):
    """A runtime memory setting visible in the paste that explains the kill -> (sentence, Val)."""
    sources = list(c.command) + list(c.args) + [e for e in c.env]
    for src in sources:
        text = src.value if hasattr(src, "value") and not isinstance(src, str) else str(src)
        line = src.line
        m = _XMX.search(text)
        if m:
            heap = jvm_bytes(m.group(1))
            if heap and limit_b and heap >= 0.75 * limit_b:
                return (f"The JVM heap alone (-Xmx{m.group(1)}) is {'over' if heap >= limit_b else 'close to'} the "
                        f"{human(limit_b)} limit, and the JVM needs memory beyond its heap (metaspace, threads, buffers).", line)
            if heap:
                return (f"The JVM is started with -Xmx{m.group(1)}; its off-heap memory (metaspace, threads, direct "
                        f"buffers) comes on top of that.", line)
        m = _NODE_HEAP.search(text)
        if m and limit_b:
            heap = int(m.group(1)) * 2**20
            if heap >= 0.75 * limit_b:
                return (f"Node.js may grow its heap to {m.group(1)}Mi (--max-old-space-size), "
                        f"{'over' if heap >= limit_b else 'close to'} the {human(limit_b)} limit.", line)
        m = _RAM_PCT.search(text)
        if m and float(m.group(1)) > 80:
            return (f"-XX:MaxRAMPercentage={m.group(1)} leaves the JVM too little room outside its heap.", line)
    return None


def check(ctx):
    for c in ctx.pod.all_containers:
        states = [s for s in (c.state, c.last_state) if s is not None and s.state == "Terminated"
                  and s.reason is not None and s.reason == "OOMKilled"]
        if not states:
            continue
        st = states[0]
        current = is_trouble_now(c)
        mark_explained(ctx, ctx.container_events(c, "BackOff"))
        if not current and c.restarts <= 1:
            continue                       # one OOM kill, restarted and Ready since: history
        limit = c.limits.get("memory")
        request = c.requests.get("memory")
        limit_b = to_bytes(str(limit)) if limit else None
        # A full container block always prints Ready and Restart Count; without them the paste was cut
        # and may simply not show the limits.
        # A block cut out of a describe (no `Image:` line, which kubectl always prints) may not show them either.
        cut = (c.ready is None and c.restart_count is None) or getattr(ctx.obj, "source", "describe") != "describe" \
            or c.image is None
        who = label(c, True)
        code = st.code
        # The runtime marks OOMKilled when the kernel killed any process of the container's cgroup; the exit
        # code is the main process's own, so a killed child with a main process that exited 0 says `Exit Code: 0`.
        exit_txt = "exit 137" if code in (137, None) else f"exit code {code}"
        if limit:
            req = f" (request {request})" if request else ""
            cause = f"{who} reached its memory limit of {limit}{req} and was OOMKilled ({exit_txt})"
        elif cut:
            cause = f"{who} was OOMKilled ({exit_txt}): it used more memory than it may (the paste does not show its limits)"
        else:
            cause = (f"{who} was OOMKilled ({exit_txt}) with no memory limit of its own: the node (or the pod's own limit) "
                     "ran out of memory and the kernel chose this process")
        if code not in (137, None):
            cause += (f"; the kernel killed a process in it (often a child process), and the main process then exited with "
                      f"code {code}")
        cause += f", {c.restarts} restarts so far." if c.restarts else "."
        hint = _runtime_hint(c, limit_b)
        if hint:
            cause += " " + hint[0]
        req_txt = f" (request {request})" if request else ""
        new_limit = human(limit_b * 2) if limit_b else "512Mi"
        fix = [f"Raise the memory limit of {nm(c)}{req_txt} in {ctx.workload_phrase}, to what it really uses at peak plus "
               "headroom; set the request close to it so the scheduler reserves that memory.",
               "If usage keeps growing until the kill, look for a leak: memory should level off under steady load."]
        if hint:
            fix.insert(0, "Size the runtime to the container: for the JVM, -XX:MaxRAMPercentage=75 instead of a fixed -Xmx; "
                          "for Node.js, --max-old-space-size below the limit.")
        note = owner_note(ctx)
        if note:
            fix.insert(1, note)
        cmds = [ctx.kubectl("top", "pod", ctx.name, "--containers")] if c.state is not None and c.state.state == "Running" else []
        setcmd = set_resources(ctx, c, f"--limits=memory={new_limit}")
        if setcmd:
            cmds.append(setcmd)
        check_txt, check_cmd = check_step(ctx, "its pods are no longer OOMKilled." if owner_kind(ctx) in ("job", "cronjob")
                                          else "Last State no longer shows OOMKilled and Restart Count stops growing.")
        cmds.append(check_cmd)
        fix.append(check_txt)
        nxt = []
        if cut and not limit:
            field = "initContainers" if c.init else "containers"
            nxt.append(ctx.kubectl("get", "pod", ctx.name, "-o",
                                   f"jsonpath={{.spec.{field}[?(@.name==\"{c.name}\")].resources}}"))
        ev = ctx.evidence(st.state, st.reason, st.exit_code, limit, request, c.restart_count, hint[1] if hint else None)
        yield ctx.finding(
            META, container=cname(c), cause=cause, evidence=ev, fix=fix, commands=cmds, current=current, next=nxt,
            severity=None if current else Severity.WARNING,
            details={k: v for k, v in (("limit", str(limit) if limit else None),
                                       ("request", str(request) if request else None),
                                       ("restarts", c.restarts)) if v is not None},
        )
