"""taint-not-tolerated: the nodes carry taints the pod does not tolerate."""
from __future__ import annotations

from ..report import Severity
from ..scheduling import finding_for, nodes_phrase, read
from .rule import RuleMeta

META = RuleMeta(
    id="taint-not-tolerated", cls="taint-not-tolerated", title="Nodes have taints the pod does not tolerate",
    severity=Severity.ERROR, rank=23,
    summary="The nodes the pod could run on carry taints (control-plane, not-ready, a dedicated pool) that the pod has no toleration for.",
    statuses=("Pending", "FailedScheduling", "untolerated taint", "had taints that the pod didn't tolerate"),
    related=("node-selector-affinity-mismatch", "node-not-ready", "insufficient-resources"),
    quiet_without_events=(),
)

_MEANING = {
    "node.kubernetes.io/not-ready": "the node is not Ready (often no CNI plugin installed yet)",
    "node.kubernetes.io/unreachable": "the node stopped reporting to the control plane",
    "node.kubernetes.io/disk-pressure": "the node is low on disk",
    "node.kubernetes.io/memory-pressure": "the node is low on memory",
    "node.kubernetes.io/pid-pressure": "the node is low on process IDs",
    "node.kubernetes.io/network-unavailable": "the node's network is not configured",
    "node.kubernetes.io/unschedulable": "the node is cordoned",
    "node.cloudprovider.kubernetes.io/uninitialized": "the cloud controller manager has not initialised the node",
    "node-role.kubernetes.io/control-plane": "it is a control-plane node",
    "node-role.kubernetes.io/master": "it is a control-plane (master) node",
}


def check(ctx):
    s = read(ctx)
    if s is None or not s.current or s.primary != META.cls:
        return
    taints = [r for r in s.fit.reasons if r.cls == META.cls]
    keyed = [r for r in taints if r.taint_key]
    where = nodes_phrase(s, META.cls)
    if keyed:
        parts = []
        for r in keyed:
            t = f"{r.taint_key}" + (f"={r.taint_value}" if r.taint_value else " (no value)")
            why = _MEANING.get(r.taint_key)
            parts.append(f"{t} on {r.count} node{'s' if (r.count or 0) != 1 else ''}" + (f" ({why})" if why else ""))
        cause = f"{nodes_phrase(s, META.cls, 'carry').capitalize()} taints the pod does not tolerate: " + "; ".join(parts) + "."
        key = keyed[0].taint_key
        value = keyed[0].taint_value
    else:
        cause = (f"{nodes_phrase(s, META.cls, 'carry').capitalize()} taints the pod does not tolerate; this scheduler version does not print "
                 "which, `kubectl describe node` shows them.")
        key, value = "<key>", ""
    fix = []
    if key.startswith("node.kubernetes.io/") or key.startswith("node.cloudprovider"):
        fix.append(f"The taint {key} reports a node problem: fix the node (see `kubectl describe node`) rather than tolerating it.")
    elif key.startswith("node-role.kubernetes.io/"):
        fix.append("Control-plane nodes are tainted on purpose. On a single-node cluster remove the taint "
                   f"(`kubectl taint nodes --all {key}-`); otherwise add worker nodes.")
    op = f'operator: "Equal", value: "{value}"' if value else 'operator: "Exists"'
    fix.append(f"If the pod belongs on those nodes, add a toleration to {ctx.workload_phrase}: "
               f'`tolerations: [{{key: "{key}", {op}, effect: "NoSchedule"}}]`.')
    cmds = [ctx.kubectl("get", "nodes", "-o", "custom-columns=NAME:.metadata.name,TAINTS:.spec.taints", namespaced=False)]
    if key.startswith("node-role.kubernetes.io/"):
        cmds.append(ctx.kubectl("taint", "nodes", "--all", f"{key}-", namespaced=False) + "  # risky: lets any pod run on control-plane nodes")
    yield finding_for(ctx, META, s, cause=cause, fix=fix, commands=cmds,
                      next=[] if keyed else [ctx.kubectl("describe", "nodes", namespaced=False) + " | grep -A3 Taints"])
