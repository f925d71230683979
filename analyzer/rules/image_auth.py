"""image-auth: the registry refused the pull for lack of (valid) credentials."""
from __future__ import annotations

from ..imageref import parse_image
from ..pull_errors import finding_for, missing_pull_secrets, pull_cases
from ..report import Severity
from .rule import RuleMeta

META = RuleMeta(
    id="image-auth", cls="image-auth", title="Registry refused the credentials",
    severity=Severity.ERROR, rank=33,
    summary="The registry needs credentials the node did not have: no pull secret, a wrong or expired one, or one in another namespace.",
    statuses=("ErrImagePull", "ImagePullBackOff", "FailedToRetrieveImagePullSecret"),
    related=("image-not-found", "image-rate-limit", "image-registry-unreachable"),
)


def secret_commands(ctx, ref, secret: str) -> list:
    server = "https://index.docker.io/v1/" if ref.is_docker_hub else ref.registry
    sa = "default"
    return [
        ctx.kubectl("create", "secret", "docker-registry", secret, f"--docker-server={server}",
                    "--docker-username=<user>", "--docker-password=<token>"),
        ctx.kubectl("patch", "serviceaccount", sa, "-p", f'{{"imagePullSecrets": [{{"name": "{secret}"}}]}}'),
    ]


def check(ctx):
    _, missing = missing_pull_secrets(ctx)
    if missing:
        return                        # image-pull-secret-missing says it more precisely
    for case in pull_cases(ctx):
        if case.cls != META.cls:
            continue
        ref = parse_image(case.image)
        c = case.container
        host = ref.registry if ref.explicit_registry else "Docker Hub"
        if case.confidence == "confirmed":
            if "anonymous token" in case.error or "no basic auth credentials" in case.error:
                why = "the node sent no credentials at all"
            else:
                why = "the credentials were missing, wrong or expired"
            cause = f"{host} refused to serve {ref.name}:{ref.version} to the node: {why}."
        else:
            cause = (f"{host} refused {ref.name}:{ref.version} with \"pull access denied\": most likely it is a private "
                     f"repository and the pod has no pull secret for it ({case.alternative}).")
        if ".dkr.ecr." in ref.registry:
            extra = "ECR tokens expire after 12 hours: refresh the secret, or let the node's IAM role pull (ecr:GetAuthorizationToken, ecr:BatchGetImage)."
        elif ref.registry.endswith("gcr.io") or ref.registry.endswith("pkg.dev"):
            extra = "Artifact Registry / GCR tokens live about an hour: grant the node's service account roles/artifactregistry.reader instead of a static token."
        else:
            extra = "The secret must be of type kubernetes.io/dockerconfigjson, live in the pod's namespace, and its server must match the image host exactly."
        yield finding_for(
            ctx, META, case, cause=cause,
            fix=[f"Create a docker-registry secret for {host} in namespace {ctx.ns or '<namespace>'} and reference it in "
                 f"imagePullSecrets of {ctx.workload_phrase} (or of its ServiceAccount).", extra,
                 "Check the name too: Docker Hub answers a misspelt repository with the same words."],
            commands=[f"docker pull {ref.name}:{ref.version}  # from a machine logged in to {host}: does the image exist?",
                      *secret_commands(ctx, ref, "regcred")],
        )
