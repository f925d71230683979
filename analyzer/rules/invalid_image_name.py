"""invalid-image-name: the image reference cannot be parsed (InvalidImageName)."""
from __future__ import annotations

import re

from ..pull_errors import finding_for, pull_cases
from ..report import Severity
from .rule import RuleMeta

META = RuleMeta(
    id="invalid-image-name", cls="invalid-image-name", title="Invalid image reference",
    severity=Severity.ERROR, rank=30,
    summary="The image string is not a valid reference (uppercase letters, a scheme, a stray colon or space, an unrendered template), so the kubelet never tries to pull it.",
    statuses=("InvalidImageName", "InspectFailed"),
    related=("image-not-found",),
)


def _why(image: str) -> str:
    if re.search(r"[A-Z]", image.split("@")[0].rsplit(":", 1)[0]):
        return "repository names must be lowercase"
    if "://" in image:
        return "an image reference has no URL scheme"
    if "{{" in image or "}}" in image or "$" in image:
        return "it contains an unrendered template or variable"
    if image.endswith(":") or ":@" in image or " " in image or image == "":
        return "it has an empty tag or a space"
    return "the reference grammar rejects it"


def check(ctx):
    for case in pull_cases(ctx):
        if case.cls != META.cls:
            continue
        c = case.container
        image = case.image or "<image>"
        m = re.search(r"invalid reference format(?::\s*(.*))?$", case.error or "")
        detail = (m.group(1) or "").strip() if m else ""
        yield finding_for(
            ctx, META, case,
            cause=f"\"{image}\" is not a valid image reference ({detail or _why(image)}), so {c.name} cannot be created.",
            fix=[f"Fix the image string of {c.name} in {ctx.workload_phrase}: lowercase repository, no scheme, "
                 "registry/repository:tag or @sha256 digest.",
                 "If it comes from a Helm value or a CI variable, check that it was rendered (an empty tag gives `repo:`)."],
            commands=[ctx.set_image(str(c.name), "<registry>/<repository>:<tag>")],
        )
