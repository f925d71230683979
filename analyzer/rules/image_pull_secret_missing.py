"""image-auth, finer: the pod names an imagePullSecret that does not exist in its namespace."""
from __future__ import annotations

from ..imageref import parse_image
from ..pull_errors import finding_for, missing_pull_secrets, pull_cases
from ..report import Confidence, Severity
from .image_auth import META as AUTH, secret_commands
from .rule import RuleMeta

META = RuleMeta(
    id="image-pull-secret-missing", cls="image-auth", title="Pull secret does not exist",
    severity=AUTH.severity, rank=AUTH.rank - 1, summary=AUTH.summary,
    statuses=("FailedToRetrieveImagePullSecret",), related=AUTH.related,
    quiet_without_events=(),
)


def check(ctx):
    ev, missing = missing_pull_secrets(ctx)
    if ev is None:
        return
    names = ", ".join(missing) or "(unnamed)"
    cases = pull_cases(ctx)
    if not cases:
        yield _no_pull_failure(ctx, ev, missing, names)
        return
    for case in cases:
        if case.cls not in ("image-auth", "image-not-found"):
            continue
        ref = parse_image(case.image)
        secret = missing[0] if missing else "regcred"
        in_ns = f"namespace {ctx.ns}" if ctx.ns else "the pod's namespace"
        yield finding_for(
            ctx, META, case, rule_id=META.id,
            cause=(f"The pod references the pull secret {names}, which does not exist in "
                   f"{in_ns}, so {ref.display} was pulled without credentials and refused."),
            fix=[f"Create the secret {secret} in {in_ns} (secrets are per namespace), or fix "
                 f"the name in imagePullSecrets of {ctx.workload_phrase}.",
                 "Then delete the failing pod, or wait for the next pull retry (back-off up to 5 minutes)."],
            commands=[ctx.kubectl("get", "secret", secret), secret_commands(ctx, ref, secret)[0]],
        )


def _no_pull_failure(ctx, ev, missing, names):
    """The pull secret is missing but no pull fails in the paste: the kubelet pulls without it, which works for a
    public image or one already on the node. A misconfiguration to clean up, not what stops the pod."""
    secret = missing[0] if missing else "<secret>"
    in_ns = f"namespace {ctx.ns}" if ctx.ns else "the pod's namespace"
    cs = ctx.pod.all_containers
    # Every container pulled and runs: the dangling reference is a note, not a problem.
    settled = bool(cs) and all(c.state is not None and c.state.state in ("Running", "Terminated") and
                               (c.init or c.is_ready) for c in cs)
    return ctx.finding(
        META, rule_id=META.id, severity=Severity.INFO if settled else Severity.WARNING, confidence=Confidence.CONFIRMED,
        current=not settled,
        cause=(f"The pod lists the pull secret {names} in imagePullSecrets, but it does not exist in {in_ns}. The "
               "kubelet then pulls without credentials: harmless for a public image or one already on the node, and the "
               "paste shows no pull failing; a private image would be refused."),
        evidence=ctx.evidence(ev),
        fix=[f"Create the secret {secret} in {in_ns} if the images are private (secrets are per namespace), or "
             f"remove it from imagePullSecrets of {ctx.workload_phrase} (or of its ServiceAccount) if they are not."],
        commands=[ctx.kubectl("get", "secret", secret), ctx.kubectl("get", "pod", ctx.name, "-o", "jsonpath={.spec.imagePullSecrets}")],
        next=[ctx.kubectl("get", "pod", ctx.name)] if not ctx.pod.all_containers else [],
        details={"secrets": list(missing)},
    )
