"""Commands that change a container's spec where it lives: on the pod's owner.

A running pod rejects most edits, so a fix patches the pod template of the Deployment,
StatefulSet, DaemonSet or CronJob. A Job's template is immutable, a static pod lives in a
manifest file on its node, and a bare pod has to be recreated.
"""
from __future__ import annotations

import json
import re
from typing import Optional

from .model import Container

# kubeadm's static control-plane pods are named <component>-<node>.
_STATIC = re.compile(r"^(kube-apiserver|kube-controller-manager|kube-scheduler|etcd)-(.+)$")


def static_manifest(ctx) -> Optional[str]:
    """/etc/kubernetes/manifests/<component>.yaml for a static pod (mirror pod of a node)."""
    owner = getattr(ctx.obj, "owner", None)
    m = _STATIC.match(ctx.name)
    if owner is not None and owner.kind == "Node":
        comp = m.group(1) if m else re.sub(rf"-{re.escape(owner.name)}$", "", ctx.name)
        return f"/etc/kubernetes/manifests/{comp}.yaml"
    if owner is None and m and (ctx.ns or "") == "kube-system":
        return f"/etc/kubernetes/manifests/{m.group(1)}.yaml"
    return None


def owner_kind(ctx) -> str:
    """deployment | statefulset | daemonset | cronjob | job | replicaset | replicationcontroller | static | pod."""
    if static_manifest(ctx):
        return "static"
    w = ctx.workload
    return w.split("/")[0] if w else "pod"


def patch_container(ctx, c: Container, fields: dict) -> Optional[str]:
    """`kubectl patch <owner> -p '<strategic merge patch>'` setting `fields` on container `c`
    (containers merge by name). None when the owner's template cannot be patched."""
    kind = owner_kind(ctx)
    key = "initContainers" if c.init else "containers"
    spec = {key: [dict({"name": str(c.name)}, **fields)]}
    if kind in ("deployment", "statefulset", "daemonset", "replicaset", "replicationcontroller"):
        body = {"spec": {"template": {"spec": spec}}}
    elif kind == "cronjob":
        body = {"spec": {"jobTemplate": {"spec": {"template": {"spec": spec}}}}}
    else:
        return None
    return ctx.kubectl("patch", ctx.workload, "-p", json.dumps(body, separators=(",", ":")))


def edit_owner(ctx) -> str:
    """How to change the pod spec, as one step of a fix."""
    kind = owner_kind(ctx)
    if kind == "static":
        return f"edit {static_manifest(ctx)} on the node (the kubelet recreates the pod when the file changes)"
    if kind == "job":
        return (f"a Job's pod template cannot be changed: `{ctx.kubectl('get', ctx.workload, '-o', 'yaml')} > job.yaml`, "
                "fix it, then `kubectl replace --force -f job.yaml`  # risky: deletes the Job and its pods")
    if kind == "pod":
        return (f"a running pod's spec cannot be changed: `{ctx.kubectl('get', 'pod', ctx.name, '-o', 'yaml')} > pod.yaml`, "
                "fix it, then `kubectl replace --force -f pod.yaml`  # risky: deletes the pod")
    return f"`{ctx.kubectl('edit', ctx.workload)}`"


def check_step(ctx, what: str) -> tuple:
    """-> (fix sentence, command) for the last step of a fix: how to see that it worked."""
    kind = owner_kind(ctx)
    if kind == "cronjob":
        cmd = ctx.kubectl("get", "jobs", "-w")
        return f"Check: `{cmd}` — the next run completes (COMPLETIONS 1/1); {what}", cmd
    if kind == "job":
        cmd = ctx.kubectl("wait", "--for=condition=complete", ctx.workload, "--timeout=30m")
        return f"Check: `{cmd}` — the Job completes; {what}", cmd
    cmd = ctx.rollout_status() or ctx.watch_pod()
    return f"Check: `{cmd}` — {what}", cmd


# Kinds `kubectl set resources/env/image` can change (polymorphichelpers.UpdatePodSpecForObject).
SETTABLE = ("deployment", "statefulset", "daemonset", "replicaset", "replicationcontroller", "cronjob")


def set_resources(ctx, c: Container, spec: str) -> Optional[str]:
    """`kubectl set resources deployment/web -c web --limits=memory=1Gi`, for owners that command can change."""
    if owner_kind(ctx) not in SETTABLE:
        return None
    args = ["set", "resources", ctx.workload, "-c", str(c.name), spec]
    return ctx.kubectl(*args)


def owner_note(ctx) -> str:
    """For an owner kubectl cannot edit generically (a custom resource), say where the spec lives."""
    owner = getattr(ctx.obj, "owner", None)
    if owner is None or owner_kind(ctx) in SETTABLE + ("job", "static", "pod"):
        return ""
    kind = owner.top_kind or owner.kind
    return (f"{kind} is not a built-in workload: change the container's spec where {kind} "
            f"{owner.top_name or owner.name} defines it (its operator creates the pods).")


def node_name(ctx) -> Optional[str]:
    """The pod's node: `Node: web-1/10.0.0.5`, or for a paste cut to its events, the Scheduled
    event (`Successfully assigned shop/web-1 to node-3`) or a 1.8-1.19 `kubelet, node-3` source."""
    node = getattr(ctx.obj, "node", None)
    if node and str(node) not in ("<none>", ""):
        return str(node).split("/")[0] or None
    for e in ctx.obj.events:
        m = re.search(r"Successfully assigned \S+ to (\S+)", e.message) if e.reason == "Scheduled" else None
        if m:
            return m.group(1)
    for e in ctx.obj.events:
        m = re.match(r"^\{?kubelet[, ]+([\w.-]+)\}?$", e.source or "")
        if m:
            return m.group(1)
    return None
