"""image-not-found: the registry answered, but the repository, tag or digest does not exist."""
from __future__ import annotations

from ..crashes import carg, known, label
from ..imageref import near_official, parse_image
from ..pull_errors import finding_for, pull_cases
from ..workload_edits import node_name
from .image_never_pull import load_commands
from ..report import Severity
from .rule import RuleMeta

META = RuleMeta(
    id="image-not-found", cls="image-not-found", title="Image or tag not found",
    severity=Severity.ERROR, rank=32,
    summary="The registry has no such repository, tag or digest, so the kubelet cannot pull the image.",
    statuses=("ErrImagePull", "ImagePullBackOff", "Init:ImagePullBackOff", "manifest unknown", "not found"),
    related=("image-auth", "invalid-image-name", "image-registry-unreachable"),
    quiet_without_events=(),
)


def _local_build(ref, node: str) -> bool:
    """A one-segment name with a build-hash or `local`/`dev` tag, or a desktop cluster's node: built locally."""
    if not ref.is_official:
        return False
    tag = ref.tag or ""
    hashy = len(tag) >= 12 and all(ch in "0123456789abcdef" for ch in tag)
    desktop = node in ("minikube", "docker-desktop") or node.startswith(("kind-", "k3d-"))
    return hashy or tag in ("local", "dev", "snapshot") or desktop


def check(ctx):
    cases = [c for c in pull_cases(ctx) if c.cls == META.cls]
    # An Events-only paste names no containers: each image is its own finding (the engine tells them apart by image).
    for case in cases:
        ref = parse_image(case.image)
        c = case.container
        who = label(c) if known(c) else "the container"
        ambiguous = case.confidence != "confirmed"
        if not ambiguous:
            what = "project" if case.sub == "project" else ("digest" if ref.digest else "tag")
            if case.sub == "project":
                project = ref.repository.split("/")[0]
                cause = (f"The registry {ref.registry} has no project {project} (the first part of the image path "
                         f"{ref.repository}): it answered that it does not exist, so the path of the image is wrong.")
            else:
                cause = f"{ref.name} has no {what} {ref.version}: the registry answered that it does not exist."
        else:
            base = ref.repository.split("/")[-1]
            near = near_official(base)
            guess = f" (did you mean {near}?)" if near else ""
            cause = (f"Docker Hub refused {ref.display} with \"pull access denied\": there is no official image named "
                     f"{base}{guess}, so the name is most likely wrong — a typo, a placeholder that was never replaced, an image "
                     "built on your own machine and never pushed (kind/minikube: load it into the node), or "
                     f"a missing registry or organisation prefix (a bare name means docker.io/library/{base}). Docker Hub "
                     "gives the same answer for a private repository pulled without credentials: if this repository is "
                     "yours, pull it from a machine logged in to Docker Hub to tell.")
        if c.init:
            cause += f" It is the image of {who}, so the pod cannot start."
        listing = (f"skopeo list-tags docker://{ref.registry}/{ref.repository}" if ref.explicit_registry or not ref.is_docker_hub
                   else f"skopeo list-tags docker://docker.io/{ref.repository}")
        if ambiguous:
            fix = [f"Write the full image reference, registry and organisation included (<registry>/<org>/{base}:<tag>), "
                   f"for {who} in {ctx.workload_phrase}.",
                   "If the name comes from kustomize, Helm or CI, check that the real image was substituted."]
            commands = [ctx.set_image(carg(c), "<registry>/<org>/" + base + ":<tag>")]
            node = node_name(ctx) or ""
            if _local_build(ref, node):
                fix.insert(0, f"If you built {ref.display} yourself, it exists only in your local image store, not on node "
                              f"{node or 'of the pod'}: load it into the node (or push it to a registry) and set "
                              "imagePullPolicy: IfNotPresent or Never, so the kubelet stops asking Docker Hub for it.")
                commands = load_commands(node or "<node>", ref.display) + commands
        else:
            fix = [f"List the tags that exist (`{listing}`, or the registry's web page) and point {who} of "
                   f"{ctx.workload_phrase} at one of them, or push {ref.display} to the registry.",
                   "If the tag was deleted after the image was built, rebuild and push it, then roll out again."]
            if case.sub == "project":
                fix[0] = (f"Correct the path of the image ({ref.name}) to a project that exists in {ref.registry}, or create "
                          "the project and push the image there.")
            commands = [listing, ctx.set_image(carg(c), f"{ref.name}:<existing-tag>")]
            if ref.tag and ref.tag != ref.tag.lower() and case.sub != "project":
                fix.insert(0, f"Tags are case-sensitive: {ref.tag} is not {ref.tag.lower()}.")
        yield finding_for(ctx, META, case, cause=cause, fix=fix, commands=commands)
