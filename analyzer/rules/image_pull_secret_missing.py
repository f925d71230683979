"""image-auth, finer: the pod names an imagePullSecret that does not exist in its namespace."""
from __future__ import annotations

from ..imageref import parse_image
from ..pull_errors import finding_for, missing_pull_secrets, pull_cases
from .image_auth import META as AUTH, secret_commands
from .rule import RuleMeta

META = RuleMeta(
    id="image-pull-secret-missing", cls="image-auth", title="Pull secret does not exist",
    severity=AUTH.severity, rank=AUTH.rank - 1, summary=AUTH.summary,
    statuses=("FailedToRetrieveImagePullSecret",), related=AUTH.related,
)


def check(ctx):
    ev, missing = missing_pull_secrets(ctx)
    if ev is None:
        return
    names = ", ".join(missing) or "(unnamed)"
    for case in pull_cases(ctx):
        if case.cls not in ("image-auth", "image-not-found"):
            continue
        ref = parse_image(case.image)
        secret = missing[0] if missing else "regcred"
        yield finding_for(
            ctx, META, case, rule_id=META.id,
            cause=(f"The pod references the pull secret {names}, which does not exist in namespace "
                   f"{ctx.ns or '<namespace>'}, so {ref.display} was pulled without credentials and refused."),
            fix=[f"Create the secret {secret} in namespace {ctx.ns or '<namespace>'} (secrets are per namespace), or fix "
                 f"the name in imagePullSecrets of {ctx.workload_phrase}.",
                 "Then delete the failing pod, or wait for the next pull retry (back-off up to 5 minutes)."],
            commands=[ctx.kubectl("get", "secret", secret), secret_commands(ctx, ref, secret)[0]],
        )
