"""evicted: the kubelet evicted the pod because its node ran low on memory, disk or PIDs."""
from __future__ import annotations

import re

from ..report import Severity
from .rule import RuleMeta, paste_cache

META = RuleMeta(
    id="evicted", cls="evicted", title="Evicted by the kubelet (node under pressure)",
    severity=Severity.ERROR, rank=10,
    summary="The node ran low on memory, disk (ephemeral storage) or PIDs, and the kubelet evicted the pod to protect itself.",
    statuses=("Evicted", "Failed", "The node was low on resource"),
    related=("node-pressure", "oomkilled"),
    quiet_without_events=("Evicted",),
)

_LOW = re.compile(r"low on resource: ([\w-]+)")
_NEW = re.compile(r"Container ([\w.-]+) was using (\S+), request is (\S+), has larger consumption of ([\w-]+)")
_OLD = re.compile(r"Container ([\w.-]+) was using (\S+), which exceeds its request of (\S+)")
_EPHEMERAL = re.compile(r'Container ([\w.-]+) exceeded its local ephemeral storage limit "([^"]+)"')
_EMPTYDIR = re.compile(r'Usage of EmptyDir volume "([^"]+)" exceeds the limit "([^"]+)"')
_CONDITION = re.compile(r"The node had condition: \[(\w+)\]")
_THRESHOLD = re.compile(r"Threshold quantity: ([^,]+), available: ([^.]+)\.")


def _h(q: str) -> str:
    """`9402820Ki` -> `9.0Gi`: the kubelet prints usage in odd units."""
    from ..quantity import human, to_bytes

    b = to_bytes(q.rstrip("."))
    bare = q.rstrip(".")
    return human(b) if b and b >= 2**20 and (bare.endswith("Ki") or bare.isdigit()) else bare


def check(ctx):
    pod = ctx.obj
    reason = getattr(pod, "reason", None)
    msg = str(getattr(pod, "message", "") or "")
    evs = ctx.events("Evicted")
    if not (reason is not None and reason == "Evicted") and not evs:
        return
    if not msg and evs:
        msg = ctx.newest(evs).message
    low = _LOW.search(msg)
    resource = low.group(1) if low else None
    hogs = [(m.group(1), m.group(2), m.group(3)) for m in _NEW.finditer(msg)] or \
           [(m.group(1), m.group(2), m.group(3)) for m in _OLD.finditer(msg)]
    parts = []
    if resource:
        parts.append(f"Node {str(getattr(pod, 'node', '') or '').split('/')[0] or ''} ran low on {resource}".replace("Node  ran", "The node ran"))
    eph = _EPHEMERAL.search(msg)
    ed = _EMPTYDIR.search(msg)
    if eph:
        parts.append(f"container {eph.group(1)} exceeded its ephemeral-storage limit of {eph.group(2)}")
    if ed:
        parts.append(f"emptyDir volume {ed.group(1)} exceeded its size limit {ed.group(2)}")
    for name, used, req in hogs:
        parts.append(f"container {name} was using {_h(used)} against a request of {_h(req)}")
    node = str(getattr(pod, "node", "") or "").split("/")[0]
    if not node or node == "<none>":
        sched = ctx.newest(ctx.events("Scheduled"))
        m = re.search(r" to (\S+)$", sched.message) if sched is not None else None
        node = m.group(1) if m else ""
    cond = _CONDITION.search(msg)
    if cond and not parts:
        # The kubelet's admission check, not an eviction of a running pod: the node was already under pressure.
        resource = {"MemoryPressure": "memory", "DiskPressure": "ephemeral-storage", "PIDPressure": "pids"}.get(cond.group(1))
        parts.append(f"the kubelet refused to start it because {('node ' + node) if node else 'its node'} already had "
                     f"{cond.group(1)} when the pod arrived (the node's pressure, not this pod's usage)")
    th = _THRESHOLD.search(msg)
    row = getattr(pod, "source", "") == "get-pods" and not msg.strip()
    if row:
        yield from _row(ctx, pod)
        return
    cause = "The pod was evicted: " + ("; ".join(parts) if parts else msg.strip() or "the node was under pressure")
    cause = cause.rstrip(". ") + "."
    if th:
        cause = cause[:-1] + f" (eviction threshold {th.group(1).strip()}, available {th.group(2).strip()})."
    fix = []
    if resource == "memory" or any(True for _ in hogs) and resource != "ephemeral-storage":
        fix.append("Set memory requests to what the containers really use (pods above their request are evicted first); "
                   "for critical pods set requests equal to limits (Guaranteed QoS).")
    if resource in ("ephemeral-storage", "nodefs", "imagefs") or eph or ed:
        fix.append("Give the containers ephemeral-storage requests/limits, rotate logs, and write scratch data to a volume; or enlarge the node disk.")
    if resource == "pids":
        fix.append("Find the process leak (a fork bomb or thread leak) or raise the node's PID limit.")
    fix.append("Evicted pods stay as Failed objects and are not restarted; the controller has created a replacement. Clean them up.")
    fix.append(f"Check: `{ctx.kubectl('get', 'pods', '--field-selector=status.phase==Failed')}` stops growing.")
    cmds = [ctx.kubectl("describe", "node", node or "<node>", namespaced=False),
            ctx.kubectl("delete", "pods", "--field-selector=status.phase==Failed") + "  # risky: deletes every Failed pod in the namespace"]
    yield ctx.finding(META, cause=cause, evidence=ctx.evidence(getattr(pod, "status", None), reason, getattr(pod, "message", None),
                                                                *evs[-1:]),
                      fix=fix, commands=cmds,
                      details={"resource": resource, "containers": [{"name": n, "using": u, "request": r} for n, u, r in hogs]})


_RUNNING: list = paste_cache(lambda: [None, {}])     # [the paste's objects, their index]


def _running_by_prefix(others: tuple) -> dict:
    """Pods whose table STATUS is Running, under every name prefix that ends before a '-' of their name
    (`web-7d4b9-x2x9k` under `web` and `web-7d4b9`): built once per paste, so a table of many Evicted rows
    is not rescanned for each of them."""
    if _RUNNING[0] is not others:
        index: dict = {}
        for o in others:
            if o.kind == "Pod" and str(getattr(o, "table_status", "") or "") == "Running":
                n = str(o.name or "")
                for i, ch in enumerate(n):
                    if ch == "-":
                        index.setdefault(n[:i], []).append(o)
        _RUNNING[:] = [others, index]
    return _RUNNING[1]


def _row(ctx, pod):
    """A `kubectl get pods` row with STATUS Evicted: the class is certain, the resource is not (node memory or disk
    pressure, or the pod over its own ephemeral-storage limit): the pod's describe Message says which. When another
    pod of the same controller runs in the table, the eviction is history: the replacement is up."""
    name = str(pod.name or "")
    prefix = name.rsplit("-", 1)[0] if "-" in name else name
    replaced = any(o is not pod for o in _running_by_prefix(ctx.others).get(prefix, ()))
    cause = ("The kubelet evicted the pod (STATUS Evicted); a table row does not say for which resource (node memory or "
             "disk pressure, or the pod over its ephemeral-storage limit): its describe's Message does."
             + (" Another pod of the same controller is Running: the eviction is history, the replacement is up."
                if replaced else ""))
    describe = ctx.kubectl("describe", "pod", name)
    yield ctx.finding(META, cause=cause, evidence=ctx.evidence(getattr(pod, "table_status", None)),
                      fix=["Read the eviction Message in the pod's describe: it names the resource and the container "
                           "that used the most.",
                           "Evicted pods stay as Failed objects and are not restarted; the controller has created a "
                           "replacement. Clean them up."],
                      commands=[describe], next=[describe], current=not replaced)
