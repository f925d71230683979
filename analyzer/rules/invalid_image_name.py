"""invalid-image-name: the image reference cannot be parsed (InvalidImageName)."""
from __future__ import annotations

import re

from ..crashes import carg, label
from ..pull_errors import finding_for, pull_cases
from ..report import Confidence, Severity
from .rule import RuleMeta

def _waiting_unpullable(pod) -> bool:
    """Without events a pull case comes only from a Waiting InvalidImageName or ErrImageNeverPull state."""
    return any(c.state is not None and c.state.state == "Waiting" and c.state.reason is not None
               and c.state.reason in ("InvalidImageName", "ErrImageNeverPull") for c in pod.all_containers)


META = RuleMeta(
    id="invalid-image-name", cls="invalid-image-name", title="Invalid image reference",
    severity=Severity.ERROR, rank=30,
    summary="The image string is not a valid reference (uppercase letters, a scheme, a stray colon or space, an unrendered template), so the kubelet never tries to pull it.",
    statuses=("InvalidImageName", "InspectFailed", "invalid reference format"),
    related=("image-not-found",),
    quiet_without_events=_waiting_unpullable,
)


def _why(image: str) -> str:
    name = image.split("@")[0]
    last = name.rsplit("/", 1)[-1]
    if "://" in image:
        return "an image reference has no URL scheme"
    if "{{" in image or "}}" in image or "$" in image or "<" in image:
        return "it contains an unrendered template or variable"
    if re.search(r"(?:^|[/:])(?:None|null|undefined|nil)(?:$|[/:])", image):
        return "an unset value was rendered as the literal None/null (a Helm value or a config variable was missing)"
    if image.endswith(":") or ":@" in image or image == "":
        return "it has an empty tag: a tag variable was empty when the manifest was rendered"
    if " " in image:
        return "it contains a space"
    if last.count(":") > 1:
        return "it has two tags (repository:tag:tag): a tag was appended to an image string that already had one"
    if image.startswith("/") or "//" in name:
        return "it has an empty path component (a leading slash or a double slash): the registry or repository part was empty"
    if re.search(r"[A-Z]", name.rsplit(":", 1)[0] if ":" in last else name):
        return "repository names must be lowercase"
    return "the reference grammar rejects it"


def check(ctx):
    found = False
    for case in pull_cases(ctx):
        if case.cls != META.cls:
            continue
        found = True
        c = case.container
        image = case.image or "<image>"
        who = label(c)
        m = re.search(r"invalid reference format(?::\s*(.*))?$", case.error or "")
        detail = (m.group(1) or "").strip() if m else ""
        if re.search(r"(?:^|[/:])(?:None|null|undefined|nil)(?:$|[/:])", image):
            detail = _why(image)
        yield finding_for(
            ctx, META, case,
            cause=f"\"{image}\" is not a valid image reference ({detail or _why(image)}), so {who} cannot be created.",
            fix=[f"Fix the image string of {who} in {ctx.workload_phrase}: lowercase repository, no scheme, "
                 "registry/repository:tag or @sha256 digest.",
                 "If it comes from a Helm value or a CI variable, check that it was rendered (an empty tag gives `repo:`)."],
            commands=[ctx.set_image(carg(c), "<registry>/<repository>:<tag>")],
        )
    if not found:
        yield from _reason_only(ctx)


def _reason_only(ctx):
    """An Events-only paste whose only word is the kubelet's `Error: InvalidImageName` (the InspectFailed row with
    the image string expired or was cut off): the class is certain, the string is not in the paste."""
    if ctx.pod.all_containers:
        return
    evs = [e for e in ctx.events("Failed") if e.message.strip() == "Error: InvalidImageName"]
    if not evs:
        return
    newest = ctx.newest(evs)
    jsonpath = ctx.kubectl("get", "pod", ctx.name, "-o", "jsonpath={range .spec.containers[*]}{.name}{\"\\t\"}{.image}{\"\\n\"}{end}")
    yield ctx.finding(
        META, confidence=Confidence.CONFIRMED,
        cause=("The kubelet reports InvalidImageName: an image string of the pod cannot be parsed as a reference (an "
               "uppercase letter, a URL scheme, an empty or doubled tag, a space, an unrendered template), so the container "
               "is never created. The paste does not show the string itself."),
        evidence=ctx.evidence(newest),
        fix=[f"Read the image strings of the pod and fix the bad one in {ctx.workload_phrase}: lowercase repository, no "
             "scheme, registry/repository:tag or @sha256 digest.",
             "If it comes from a Helm value, quote it: an unquoted numeric tag (tag: 45980468) is rendered as a number "
             "such as 4.5980468e+07."],
        commands=[jsonpath],
        next=[jsonpath, ctx.kubectl("get", "events", "--field-selector", f"involvedObject.name={ctx.name},reason=InspectFailed")],
    )
