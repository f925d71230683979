"""image-never-pull: imagePullPolicy Never, and the image is not on the node."""
from __future__ import annotations

from ..pull_errors import finding_for, pull_cases
from ..report import Severity
from ..workload_edits import node_name
from .rule import RuleMeta

META = RuleMeta(
    id="image-never-pull", cls="image-never-pull", title="Image not on the node (pull policy Never)",
    severity=Severity.ERROR, rank=31,
    summary="imagePullPolicy is Never, so the kubelet only uses images already on the node, and this one is not there.",
    statuses=("ErrImageNeverPull", "is not present with pull policy of Never"),
    related=("image-not-found",),
)


def load_commands(node: str, image: str) -> list:
    """How to put a locally built image into the node's runtime, for the kind of cluster the node name suggests."""
    n = node.lower()
    if n == "minikube" or n.startswith("minikube-"):
        return [f"minikube image load {image}"]
    if n.startswith("kind-") or n.endswith("-control-plane") or "-worker" in n and n.startswith("kind"):
        return [f"kind load docker-image {image}"]
    if n.startswith("k3d-"):
        return [f"k3d image import {image}"]
    if "k3s" in n:
        return [f"docker save {image} | sudo k3s ctr images import -  # on node {node}"]
    if n == "docker-desktop":
        return [f"docker build -t {image} .  # Docker Desktop's node shares the local Docker image store"]
    return [f"kind load docker-image {image}  # kind clusters",
            f"minikube image load {image}  # minikube",
            f"docker save {image} | sudo ctr -n k8s.io images import -  # on a containerd node"]


def check(ctx):
    for case in pull_cases(ctx):
        if case.cls != META.cls:
            continue
        c = case.container
        node = node_name(ctx) or "<node>"
        image = case.image or "<image>"
        yield finding_for(
            ctx, META, case,
            cause=f"{image} is not in the container runtime's image store on node {node}, and imagePullPolicy: Never forbids pulling it.",
            fix=["Load the image into every node that can run the pod (kind `kind load docker-image`, minikube "
                 "`minikube image load`, containerd `ctr -n k8s.io images import`): an image built with Docker on your "
                 "machine is not in the node's runtime, and on a multi-node cluster each node needs it.",
                 f"Or push it to a registry and set imagePullPolicy: IfNotPresent on {c.name or 'the container'} in "
                 f"{ctx.workload_phrase}."],
            commands=load_commands(node, image),
        )
