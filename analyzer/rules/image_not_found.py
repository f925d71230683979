"""image-not-found: the registry answered, but the repository, tag or digest does not exist."""
from __future__ import annotations

from ..imageref import parse_image
from ..pull_errors import finding_for, pull_cases
from ..report import Severity
from .rule import RuleMeta, kind_word

META = RuleMeta(
    id="image-not-found", cls="image-not-found", title="Image or tag not found",
    severity=Severity.ERROR, rank=32,
    summary="The registry has no such repository, tag or digest, so the kubelet cannot pull the image.",
    statuses=("ErrImagePull", "ImagePullBackOff", "Init:ImagePullBackOff"),
    related=("image-auth", "invalid-image-name", "image-registry-unreachable"),
)


def check(ctx):
    for case in pull_cases(ctx):
        if case.cls != META.cls:
            continue
        ref = parse_image(case.image)
        c = case.container
        if case.confidence == "confirmed":
            cause = f"{ref.name} has no {'digest' if ref.digest else 'tag'} {ref.version}: the registry answered that it does not exist."
        else:
            cause = (f"Docker Hub refused {case.image} with \"pull access denied\": most likely the name is wrong "
                     f"({case.alternative}).")
        if c.init:
            cause += f" It is the image of init container {c.name}, so the pod cannot start."
        listing = (f"skopeo list-tags docker://{ref.registry}/{ref.repository}" if ref.explicit_registry or not ref.is_docker_hub
                   else f"skopeo list-tags docker://docker.io/{ref.repository}")
        yield finding_for(
            ctx, META, case, cause=cause,
            fix=[f"List the tags that exist (`{listing}`, or the registry's web page) and point {kind_word(c)} {c.name or '<container>'} "
                 f"of {ctx.workload_phrase} at one of them, or push {ref.name}:{ref.version} to the registry.",
                 "If the tag was deleted after the image was built, rebuild and push it, then roll out again."],
            commands=[listing, ctx.set_image(str(c.name) or "<container>", f"{ref.name}:<existing-tag>")],
        )
