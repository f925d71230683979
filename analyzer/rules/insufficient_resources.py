"""insufficient-resources: no node has enough free cpu, memory, GPU, storage or pod slots for the requests."""
from __future__ import annotations

import re

from ..report import Severity
from ..scheduling import finding_for, nodes_phrase, pod_requests, read
from .rule import RuleMeta

META = RuleMeta(
    id="insufficient-resources", cls="insufficient-resources", title="Not enough room on any node",
    severity=Severity.ERROR, rank=22,
    summary="The scheduler found no node with enough unreserved cpu, memory, GPU, ephemeral storage or pod slots for the pod's requests.",
    statuses=("Pending", "FailedScheduling", "Insufficient cpu", "Insufficient memory", "Too many pods"),
    related=("taint-not-tolerated", "node-selector-affinity-mismatch", "preempted"),
)


def check(ctx):
    s = read(ctx)
    if s is None or not s.current or s.primary != META.cls:
        return
    wanting = sorted({m.group(1) for r in s.fit.reasons if r.cls == META.cls
                      for m in [re.search(r"Insufficient (\S+)", r.text)] if m})
    slots = any("Too many pods" in r.text for r in s.fit.reasons)
    per = []
    for r in s.fit.reasons:
        if r.cls != META.cls:
            continue
        m = re.search(r"Insufficient (\S+)", r.text)
        what = m.group(1) if m else ("free pod slots" if "Too many pods" in r.text else r.text)
        per.append((f"{r.count} {'lacks' if r.count == 1 else 'lack'} {what}") if r.count is not None else f"all lack {what}")
    total = s.fit.total
    cause = "No node has room for the pod: " + ", ".join(per)
    if total:
        cause += f" (of {total} nodes)"
    reqs = pod_requests(ctx.obj)
    shown = {k: v for k, v in reqs.items() if k in wanting} or reqs
    if shown:
        cause += "; it requests " + ", ".join(f"{k} {v}" for k, v in sorted(shown.items()))
    others = [r for r in s.fit.reasons if r.cls != META.cls and r.count]
    if others and total:
        rest = sum(r.count for r in others)
        rest = min(rest, total)
        cause += f"; {rest} other node{' is' if rest == 1 else 's are'} excluded by taints, selectors or affinity"
    cause += "."
    if s.autoscaler is not None and s.autoscaler.reason == "NotTriggerScaleUp":
        cause += f" The cluster autoscaler did not add a node: {s.autoscaler.message}"
    fix = ["Compare the requests with what the nodes have left: Allocated resources in `kubectl describe node` (requests count, not usage).",
           f"Lower the requests of {ctx.workload_phrase} if they are larger than the app needs, or add nodes / raise the autoscaler's maximum.",
           "A request bigger than any single node's allocatable never fits, whatever the autoscaler does."]
    if slots:
        fix.insert(0, "`Too many pods`: the nodes reached their pod capacity (kubelet maxPods, or the IP limit of the CNI): add nodes or raise maxPods.")
    if any("nvidia.com/gpu" in w or "gpu" in w for w in wanting):
        fix.insert(0, "If no node lists nvidia.com/gpu under Allocatable, the GPU device plugin is not running on the GPU nodes.")
    cmds = [ctx.kubectl("describe", "nodes", namespaced=False) + " | grep -A 8 'Allocated resources'",
            ctx.kubectl("top", "nodes", namespaced=False)]
    if ctx.workload:
        cmds.append(ctx.kubectl("set", "resources", ctx.workload, "--requests=" + ",".join(
            f"{k}=<less>" for k in (wanting or ["cpu"]))))
    yield finding_for(ctx, META, s, cause=cause, fix=fix, commands=cmds,
                      extra_evidence=tuple(v for c in ctx.obj.containers for k, v in c.requests.items() if k in wanting))
