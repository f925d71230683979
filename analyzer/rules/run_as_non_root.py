"""run-as-non-root: runAsNonRoot is set, but the image would run as root (or as a user the kubelet cannot verify)."""
from __future__ import annotations

from ..config_errors import current_errors
from ..crashes import cname, label, nm
from ..history import mark_explained
from ..imageref import parse_image
from ..report import Confidence, Severity
from ..workload_edits import check_step, edit_owner, patch_container
from .rule import RuleMeta

META = RuleMeta(
    id="run-as-non-root", cls="run-as-non-root", title="Image runs as root but runAsNonRoot is set",
    severity=Severity.ERROR, rank=43,
    summary="The pod's securityContext demands a non-root user (runAsNonRoot: true), but the image would run as root or as a named user the kubelet cannot verify, so the container is not started.",
    statuses=("CreateContainerConfigError", "Init:CreateContainerConfigError",
              "runAsNonRoot and image will run as root", "runAsNonRoot and image has non-numeric user",
              "breaks non-root policy"),
    related=("pod-security-violation", "command-not-found"),
    quiet_without_events=(),
)

# Well-known named users and their UIDs: distroless `nonroot`, the classic `nobody`, the node image's `node`.
_KNOWN_UIDS = {"nonroot": 65532, "nobody": 65534, "node": 1000}
_KNOWN_WHERE = {"nonroot": "distroless images", "nobody": "most base images", "node": "the official node images"}
# Images with a well-known unprivileged variant.
_UNPRIVILEGED = {"nginx": "nginxinc/nginx-unprivileged", "httpd": "bitnami/apache", "redis": "bitnami/redis",
                 "postgres": "bitnami/postgresql", "mysql": "bitnami/mysql"}


def check(ctx):
    for ce, c, now in current_errors(ctx, META.cls):
        mark_explained(ctx, [ce.event])
        if not now or c is None:
            continue
        image = str(c.image or "the image")
        its = f"its image {image}" if c.image else "its image"
        uid = 10001
        if ce.sub == "non-numeric":
            why = (f"{its} runs as the user named \"{ce.user}\", and the kubelet can only verify a numeric "
                   "user ID")
            known = _KNOWN_UIDS.get(ce.user)
            if known is not None:
                uid = known
                uid_hint = f"{known}, the UID of {ce.user} in {_KNOWN_WHERE[ce.user]}"
            else:
                uid_hint = f"the numeric UID of {ce.user} in the image (`docker run --rm --entrypoint id {image} -u {ce.user}`)"
        elif ce.sub == "uid-0":
            why = "its securityContext also sets runAsUser: 0 (root), which contradicts runAsNonRoot: true"
            uid_hint = "a non-zero UID the image's files allow"
        else:
            why = f"{its} runs as root (USER root or none in the image) and no runAsUser is set"
            uid_hint = "a non-zero UID (for example 10001) that can read the image's files"
        cause = (f"{label(c, True)} must run as non-root (runAsNonRoot: true), but {why}, so the "
                 "kubelet refuses to start it.")
        patch = patch_container(ctx, c, {"securityContext": {"runAsUser": uid, "runAsGroup": uid}})
        example = " (10001 is an example)" if uid == 10001 else ""
        fix = [f"Set securityContext.runAsUser of {nm(c)} to {uid_hint} in {ctx.workload_phrase}"
               + (f": `{patch}`{example}." if patch else f" — {edit_owner(ctx)}.")]
        ref = parse_image(image) if c.image else None
        base = ref.repository.split("/")[-1] if ref is not None else ""
        if ref is not None and ref.is_official and base in _UNPRIVILEGED:
            fix.append(f"Or use an image built to run unprivileged, such as {_UNPRIVILEGED[base]} (root images often "
                       "also bind ports below 1024 or write to root-owned paths).")
        else:
            fix.append("Or build the image with a numeric `USER 10001` (and files it can read); a root image run as "
                       "another UID can fail later on file permissions or ports below 1024.")
        fix.append("Do not drop runAsNonRoot if a Pod Security level (restricted) requires it: the pod would be rejected instead.")
        check_txt, check_cmd = check_step(ctx, f"{nm(c)} starts and becomes Ready.")
        fix.append(check_txt)
        yield ctx.finding(
            META, container=cname(c), cause=cause,
            evidence=ctx.evidence(ce.event, c.state.reason if c.state else None, c.image),
            fix=fix, commands=[patch, check_cmd] if patch else [check_cmd], confidence=Confidence.CONFIRMED,
            details={k: v for k, v in (("image", str(c.image) if c.image else None), ("sub_cause", ce.sub),
                                       ("image_user", ce.user or None)) if v},
        )
