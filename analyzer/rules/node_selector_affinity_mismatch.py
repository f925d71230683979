"""node-selector-affinity-mismatch: no node matches the pod's nodeSelector or required node affinity."""
from __future__ import annotations

from ..report import Severity
from ..scheduling import finding_for, nodes_phrase, read
from .rule import RuleMeta

META = RuleMeta(
    id="node-selector-affinity-mismatch", cls="node-selector-affinity-mismatch", title="No node matches the pod's node selector",
    severity=Severity.ERROR, rank=21,
    summary="The pod's nodeSelector or required node affinity matches no (available) node label.",
    statuses=("Pending", "FailedScheduling", "NodeAffinity", "MatchNodeSelector",
              "didn't match Pod's node affinity/selector", "didn't match node selector"),
    related=("taint-not-tolerated", "insufficient-resources", "pod-anti-affinity"),
    quiet_without_events=("NodeAffinity", "MatchNodeSelector"),
)


def check(ctx):
    pod = ctx.obj
    reason = getattr(pod, "reason", None)
    if reason is not None and reason in ("NodeAffinity", "MatchNodeSelector"):
        # Kubelet admission: the pod was bound, then its node's labels no longer matched (k/k #93338).
        node = str(getattr(pod, "node", "") or "").split("/")[0] or "<node>"
        yield ctx.finding(
            META, cause=(f"The kubelet on {'node ' + node if node != '<node>' else 'its node'} rejected the pod ({reason}): the node's labels did not match the pod's "
                         "selector when it was admitted, typically after the node restarted or re-registered."),
            evidence=ctx.evidence(getattr(pod, "status", None), reason, getattr(pod, "message", None)),
            fix=["This pod is a dead Failed object; its controller has made a replacement. Delete it.",
                 "Make sure the node gets its labels at registration (kubelet --node-labels), not later."],
            commands=[ctx.kubectl("delete", "pod", ctx.name), ctx.kubectl("get", "node", node, "--show-labels", namespaced=False)],
        )
        return
    s = read(ctx)
    if s is None or not s.current or s.primary != META.cls:
        return
    sels = [v for v in getattr(pod, "node_selectors", ()) if v != "<none>"]
    sel_txt = ", ".join(str(v) for v in sels)
    cause = (f"{nodes_phrase(s, META.cls, 'do').capitalize()} not match the pod's node selector"
             + (f" ({sel_txt})" if sel_txt else " or required node affinity") + ".")
    if s.primary != META.cls:
        cause = cause[:-1] + " (those nodes are excluded by design)."
    label = str(sels[0]) if sels else "<key>=<value>"
    key = label.split("=")[0]
    fix = [f"Check which nodes carry the label: `kubectl get nodes -L {key}`; labels are case-sensitive and the value must match exactly.",
           f"Either label the node(s) the pod should run on, or fix the selector/affinity in {ctx.workload_phrase}."]
    cmds = [ctx.kubectl("get", "nodes", "--show-labels", namespaced=False),
            ctx.kubectl("label", "node", "<node>", label, namespaced=False)]
    yield finding_for(ctx, META, s, cause=cause, fix=fix, commands=cmds, extra_evidence=tuple(sels))
