"""image-rate-limit: the registry throttled pulls (Docker Hub toomanyrequests, HTTP 429)."""
from __future__ import annotations

from ..imageref import parse_image
from ..pull_errors import finding_for, pull_cases
from ..report import Severity
from .image_auth import secret_commands
from .rule import RuleMeta

META = RuleMeta(
    id="image-rate-limit", cls="image-rate-limit", title="Registry rate limit reached",
    severity=Severity.ERROR, rank=34,
    summary="The registry refused the pull because too many pulls came from the node's address (Docker Hub: toomanyrequests).",
    statuses=("ErrImagePull", "ImagePullBackOff", "toomanyrequests", "429 Too Many Requests"),
    related=("image-auth", "image-registry-unreachable"),
    quiet_without_events=(),
)


def check(ctx):
    for case in pull_cases(ctx):
        if case.cls != META.cls:
            continue
        ref = parse_image(case.image)
        host = "Docker Hub" if ref.is_docker_hub else ref.registry
        yield finding_for(
            ctx, META, case,
            cause=(f"{host} is rate-limiting pulls of {ref.display}: the limit counts pulls per source IP, "
                   "and nodes behind one NAT share it."),
            fix=["Authenticate the pulls (a pull secret for a paid or at least logged-in account raises the limit).",
                 "Use a pull-through cache or a mirror, or copy the image to your own registry.",
                 "Set imagePullPolicy: IfNotPresent so running nodes stop re-pulling the same tag.",
                 "The kubelet retries with back-off (up to 5 minutes); the limit window resets within hours."],
            commands=[*secret_commands(ctx, ref, "dockerhub")],
        )
