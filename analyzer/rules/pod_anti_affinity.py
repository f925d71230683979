"""pod-anti-affinity: pod affinity / anti-affinity or topology spread rules cannot be met."""
from __future__ import annotations

from ..report import Severity
from ..scheduling import finding_for, nodes_phrase, other_reasons, read
from .rule import RuleMeta

META = RuleMeta(
    id="pod-anti-affinity", cls="pod-anti-affinity", title="Pod (anti-)affinity or topology spread cannot be met",
    severity=Severity.ERROR, rank=24,
    summary="Required pod affinity, anti-affinity or topology spread constraints leave no node the pod may use.",
    statuses=("Pending", "FailedScheduling", "didn't match pod anti-affinity rules",
              "didn't match pod topology spread constraints"),
    related=("insufficient-resources", "node-selector-affinity-mismatch"),
    quiet_without_events=(),
)


def check(ctx):
    s = read(ctx)
    if s is None or not s.current or s.primary != META.cls:
        return
    texts = [r.text for r in s.fit.reasons if r.cls == META.cls]
    spread = any("topology spread" in t or "PodTopologySpread" in t for t in texts)
    missing_label = any("missing required label" in t for t in texts)
    if missing_label:
        what = "the nodes lack the topology key label that the pod's topology spread constraint uses"
    elif spread:
        what = "placing the pod would exceed the max skew of its topology spread constraint"
    else:
        what = "the pod's required (anti-)affinity rules rule them out (e.g. one replica per node, more replicas than nodes)"
    cause = f"{nodes_phrase(s, META.cls, 'are').capitalize()} excluded because {what}."
    kinds = {}
    for r in s.fit.reasons:
        if r.cls != META.cls:
            continue
        k = ("missing" if "missing required label" in r.text else
             "spread" if ("topology spread" in r.text or "PodTopologySpread" in r.text) else "affinity")
        kinds[k] = kinds.get(k, 0) + (r.count or 0)
    if len(kinds) > 1:
        words = {"spread": "would exceed the max skew of its topology spread constraint",
                 "missing": "lack the topology key label its spread constraint uses",
                 "affinity": "are ruled out by its required pod (anti-)affinity rules"}
        total = s.fit.total
        cause = ("The pod's placement rules leave no node: " + ", ".join(f"{n} {words[k]}" for k, n in kinds.items())
                 + (f" (of {total} nodes)" if total else "") + ".")
    cause = cause[:-1] + other_reasons(s, META.cls) + "."
    fix = ["Compare the number of replicas with the number of eligible nodes (or zones).",
           f"Relax the rule in {ctx.workload_phrase}: preferredDuringScheduling instead of required, or whenUnsatisfiable: ScheduleAnyway.",
           "Or add nodes (in the missing zones)."]
    if missing_label:
        fix.insert(0, "Label the nodes with the topology key (e.g. topology.kubernetes.io/zone) or change the constraint's topologyKey.")
    cmds = [ctx.kubectl("get", "pods", "-o", "wide"),
            ctx.kubectl("get", "nodes", "-L", "topology.kubernetes.io/zone,kubernetes.io/hostname", namespaced=False)]
    spreads = ctx.grep(r"^Topology Spread Constraints:")
    yield finding_for(ctx, META, s, cause=cause, fix=fix, commands=cmds, extra_evidence=tuple(n for _, n in spreads))
