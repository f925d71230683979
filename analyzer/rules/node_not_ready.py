"""node-not-ready: the pod's node is NotReady, lost or shut down (pod side; a Node describe too)."""
from __future__ import annotations

import re

from ..report import Severity
from .rule import RuleMeta

META = RuleMeta(
    id="node-not-ready", cls="node-not-ready", title="The node is not ready (lost or shut down)",
    severity=Severity.ERROR, rank=12,
    summary="The pod's node stopped reporting or is NotReady (kubelet, runtime, network or the machine itself), or shut down.",
    statuses=("NodeNotReady", "NodeLost", "Unknown", "Terminating", "Shutdown", "NodeShutdown",
              "Kubelet stopped posting node status"),
    related=("node-pressure", "sandbox-network-failure", "multi-attach"),
    kinds=("Pod", "Node"),
    quiet_without_events=("NodeLost", "Shutdown", "NodeShutdown", "Terminated"),
)


def _node_check(ctx):
    obj = ctx.obj
    ready = next((c for c in obj.conditions if c.type == "Ready"), None)
    if ready is None:
        yield from _node_events(ctx)
        return
    if ready.status == "True":
        return
    name = str(obj.name or "<node>")
    why = f"{ready.reason}: {ready.message}".strip(": ") if ready.reason or ready.message else ready.status
    msg = f"{ready.reason} {ready.message}"
    taints = " ".join(str(t) for t in getattr(obj, "taints", ()) or ()) or str(obj.fields.get("Taints", "") or "")
    if "node.cloudprovider.kubernetes.io/shutdown" in taints:
        hint = "the cloud provider reports its machine is shut down (taint node.cloudprovider.kubernetes.io/shutdown)"
        fix = ["Start the machine again (cloud console), or delete the Node if it was removed on purpose; pods of "
               "StatefulSets and pods with attached disks stay stuck until one of the two happens."]
    elif "cni" in msg.lower() or "NetworkPluginNotReady" in msg:
        hint = "the network (CNI) plugin is not ready on it"
        fix = ["Install or repair the cluster's CNI plugin; check its DaemonSet pod on this node."]
    elif "PLEG" in msg or "runtime" in msg.lower():
        hint = "the container runtime is hung or down"
        fix = ["Restart the container runtime on the node (systemctl restart containerd) and look at its logs and disk I/O."]
    elif ready.status == "Unknown":
        hint = "its kubelet stopped reporting (machine down, kubelet stopped, or network cut)"
        fix = ["Check the machine: is it running, is the kubelet running (systemctl status kubelet), can it reach the API server?"]
    else:
        hint = "the kubelet reports it not ready"
        fix = ["Read the kubelet's log on the node (journalctl -u kubelet)."]
    fix.append(f"Check: `{ctx.kubectl('get', 'node', name, namespaced=False)}` shows Ready.")
    who = f"Node {name}" if obj.name else "The node"          # a paste of the condition row alone names no node
    yield ctx.finding(META, cause=f"{who} is not Ready ({why}): {hint}.", evidence=ctx.evidence(ready.line),
                      fix=fix, commands=[ctx.kubectl("describe", "node", name, namespaced=False)],
                      details={"node": name, "reason": ready.reason, "status": ready.status})


def _node_events(ctx):
    """A node known only from events (`kubectl get events` rows): NodeNotReady that no NodeReady followed."""
    e = ctx.newest(ctx.events("NodeNotReady"))
    if e is None or ctx.superseded(e, "NodeReady"):
        return
    name = str(ctx.obj.name or "")
    who = f"Node {name}" if name else "The node"
    yield ctx.finding(META, cause=f"{who} went NotReady ({e.message.strip()}) and no NodeReady event follows: its kubelet "
                                  "stopped reporting (machine down, kubelet or runtime stopped, or network cut).",
                      evidence=ctx.evidence(e),
                      fix=["Check the machine and its kubelet (systemctl status kubelet, journalctl -u kubelet).",
                           f"Check: `{ctx.kubectl('get', 'node', name or '<node>', namespaced=False)}` shows Ready."],
                      commands=[ctx.kubectl("describe", "node", name or "<node>", namespaced=False)],
                      next=[ctx.kubectl("describe", "node", name or "<node>", namespaced=False)])


def check(ctx):
    obj = ctx.obj
    if obj.kind == "Node":
        yield from _node_check(ctx)
        return
    pod = obj
    reason = str(getattr(pod, "reason", "") or "")
    msg = getattr(pod, "message", None)
    evs = ctx.events("NodeNotReady", "TaintManagerEviction", "NodeControllerEviction")
    lost = reason in ("NodeLost",)
    shutdown = reason in ("Shutdown", "NodeShutdown", "Terminated") and msg is not None and "shut" in str(msg)
    stuck = getattr(pod, "terminating", None) is not None and bool(evs)
    if not (lost or shutdown or stuck or (evs and pod.status not in ("Running",))):
        return
    node = str(getattr(pod, "node", "") or "").split("/")[0] or "<node>"
    node_word = f"node {node}" if node != "<node>" else "its node"
    if shutdown:
        cause = f"The pod was stopped because {node_word} shut down ({reason}); it stays as a Failed object."
        fix = ["These pods are harmless leftovers once the node is back: delete them. The controller has made replacements."]
    elif stuck:
        cause = (f"The pod is stuck Terminating ({pod.terminating}) because {node_word.replace('node', 'its node', 1) if node != '<node>' else node_word} is not ready: the kubelet "
                 "cannot confirm the deletion.")
        fix = ["Find out whether the node is really gone (cloud console, `kubectl get node`).",
               "Once the node is confirmed dead, delete the Node object or force-delete the pod so a StatefulSet can replace it."]
    else:
        cause = (f"The pod's node{' ' + node if node != '<node>' else ''} is not ready (NodeNotReady / NodeLost): the pod "
                 "cannot run there until it comes back.")
        fix = ["Investigate the node (kubelet, runtime, network, the machine itself)."]
    fix.append(f"Check: `{ctx.kubectl('get', 'node', node, namespaced=False)}` shows Ready, or the pod is rescheduled elsewhere.")
    cmds = [ctx.kubectl("describe", "node", node, namespaced=False)]
    if stuck or lost:
        cmds.append(ctx.kubectl("delete", "pod", ctx.name, "--grace-period=0", "--force") +
                    "  # risky: only once the node is confirmed dead; the container may still run there")
    yield ctx.finding(META, cause=cause, evidence=ctx.evidence(getattr(pod, "status", None), getattr(pod, "reason", None),
                                                                msg, *evs[-2:]),
                      fix=fix, commands=cmds, next=[ctx.kubectl("describe", "node", node, namespaced=False)])
