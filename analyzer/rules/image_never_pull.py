"""image-never-pull: imagePullPolicy Never, and the image is not on the node."""
from __future__ import annotations

from ..crashes import known, label
from ..imageref import parse_image
from ..pull_errors import finding_for, pull_cases
from ..report import Severity
from ..workload_edits import node_name, patch_container
from .rule import RuleMeta

def _waiting_unpullable(pod) -> bool:
    """Without events a pull case comes only from a Waiting InvalidImageName or ErrImageNeverPull state."""
    return any(c.state is not None and c.state.state == "Waiting" and c.state.reason is not None
               and c.state.reason in ("InvalidImageName", "ErrImageNeverPull") for c in pod.all_containers)


META = RuleMeta(
    id="image-never-pull", cls="image-never-pull", title="Image not on the node (pull policy Never)",
    severity=Severity.ERROR, rank=31,
    summary="imagePullPolicy is Never, so the kubelet only uses images already on the node, and this one is not there.",
    statuses=("ErrImageNeverPull", "is not present with pull policy of Never"),
    related=("image-not-found",),
    quiet_without_events=_waiting_unpullable,
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
        node = node_name(ctx)
        image = case.image or "<image>"
        where = f"on node {node}" if node else "on the pod's node"
        ref = parse_image(image) if case.image else None
        load = ("Load the image into every node that can run the pod (kind `kind load docker-image`, minikube "
                "`minikube image load`, containerd `ctr -n k8s.io images import`): an image built with Docker on your "
                "machine is not in the node's runtime, and on a multi-node cluster each node needs it.")
        pull = (f"Or push it to a registry and set imagePullPolicy: IfNotPresent on {label(c)} in "
                f"{ctx.workload_phrase}.")
        commands = load_commands(node or "<node>", image)
        cause = f"{image} is not in the container runtime's image store {where}, and imagePullPolicy: Never forbids pulling it."
        if ref is not None and ref.explicit_registry and ref.registry not in ("localhost", "docker.io") \
                and not ref.registry.startswith(("localhost:", "127.0.0.1")):
            # The image names a registry: Never is only right for an image loaded into the node by hand.
            cause += (f" The image names the registry {ref.registry}: if it is pushed there, imagePullPolicy: IfNotPresent "
                      "lets the kubelet pull it; if it is built locally, it has to be loaded into the node.")
            pull = (f"If {image} is pushed to {ref.registry}, set imagePullPolicy: IfNotPresent on "
                    f"{label(c)} in {ctx.workload_phrase} (with an imagePullSecret if it is private).")
            patch = patch_container(ctx, c, {"imagePullPolicy": "IfNotPresent"}) if known(c) else None
            if patch:
                commands = commands + [patch]
        fix = [load, pull]
        yield finding_for(ctx, META, case, cause=cause, fix=fix, commands=commands)
