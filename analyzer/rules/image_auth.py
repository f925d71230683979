"""image-auth: the registry refused the pull for lack of (valid) credentials."""
from __future__ import annotations

from ..imageref import parse_image
from ..pull_errors import finding_for, missing_pull_secrets, pull_cases
from ..report import Severity
from ..workload_edits import node_name
from .rule import RuleMeta

META = RuleMeta(
    id="image-auth", cls="image-auth", title="Registry refused the credentials",
    severity=Severity.ERROR, rank=33,
    summary="The registry needs credentials the node did not have: no pull secret, a wrong or expired one, or one in another namespace.",
    statuses=("ErrImagePull", "ImagePullBackOff", "FailedToRetrieveImagePullSecret", "Init:ImagePullBackOff",
              "pull access denied", "401 Unauthorized", "no basic auth credentials"),
    related=("image-not-found", "image-rate-limit", "image-registry-unreachable"),
    quiet_without_events=(),
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
        google_registry = ref.registry.endswith("gcr.io") or ref.registry.endswith("pkg.dev")
        # A GKE node (its name says so) pulls from Google registries with its own service account.
        google = google_registry and (node_name(ctx) or "").startswith("gke-")
        if case.confidence == "confirmed":
            if "anonymous token" in case.error or "no basic auth credentials" in case.error:
                why = "the node sent no credentials at all"
            elif google:
                why = ("the node's Google service account has no read permission on the repository (Artifact Registry "
                       "answers the same for a repository that does not exist)")
            else:
                why = "the credentials were missing, wrong or expired"
            cause = f"{host} refused to serve {ref.display} to the node: {why}."
        elif google_registry and case.sub == "unauthorized":
            said = "unauthorized: authentication required" if "authentication required" in case.error else "unauthorized"
            cause = (f"{host} refused {ref.display} with \"{said}\", which it says both when the node's credentials "
                     "are missing, wrong or expired and when the repository or the tag does not exist. "
                     + ("The pod names a pull secret that does not exist, so missing credentials are the more likely. "
                        if case.secret_event is not None else "The paste cannot tell which. ")
                     + f"To tell: pull it from a machine logged in to {host} with an account that can read the "
                     "repository — if that works, the pod lacks the credentials; if it still fails, the name or tag "
                     "is wrong.")
        else:
            why = ("the pod names a pull secret that does not exist" if case.secret_event is not None else
                   f"{ref.name} is an organisation/repository name")
            cause = (f"{host} refused {ref.display} with \"pull access denied\", which it says both for a private "
                     "repository pulled without credentials and for a repository that does not exist. As "
                     f"{why}, a private repository without a pull secret is the more likely. To tell: pull it from a "
                     f"machine logged in to {host} with an account that has access — if that works, the pod lacks the "
                     "credentials; if it still fails, the name is wrong.")
        secret = (f"Create a docker-registry secret for {host} in {('namespace ' + ctx.ns) if ctx.ns else 'the pod' + chr(39) + 's namespace'} and reference it in "
                  f"imagePullSecrets of {ctx.workload_phrase} (or of its ServiceAccount).")
        if ".dkr.ecr." in ref.registry:
            fix = ["Let the nodes pull with their IAM role (the node role needs ecr:GetAuthorizationToken and "
                   "ecr:BatchGetImage, e.g. AmazonEC2ContainerRegistryReadOnly); `no basic auth credentials` means the "
                   "kubelet had no ECR credentials at all (role, credential provider, or a cross-account repository).",
                   "Or use a pull secret — ECR tokens expire after 12 hours, so it has to be refreshed."]
        elif google:
            fix = ["Grant the nodes' Google service account roles/artifactregistry.reader on the repository (GKE nodes pull "
                   "from gcr.io and pkg.dev with it; no pull secret is needed). A repository in another project needs the "
                   "grant there.",
                   "Check the path too: Artifact Registry gives the same answer for a repository that does not exist."]
        elif google_registry:
            fix = [secret, "Artifact Registry / GCR tokens live about an hour: grant the node's service account "
                           "roles/artifactregistry.reader instead of a static token."]
            if case.confidence != "confirmed":
                fix.insert(0, f"Check the name and the tag first: list the tags that exist with `gcloud container "
                              f"images list-tags {ref.registry}/{ref.repository}`.")
        else:
            fix = [secret, "The secret must be of type kubernetes.io/dockerconfigjson, live in the pod's namespace, and its "
                           "server must match the image host exactly."]
        if case.confidence == "confirmed" and ".dkr.ecr." not in ref.registry:
            fix.append(f"Check the name too: {host} may answer a repository that does not exist with the same words.")
        commands = [f"docker pull {ref.display}  # from a machine logged in to {host}: does the image exist?",
                    *secret_commands(ctx, ref, "regcred")]
        if ".dkr.ecr." in ref.registry:
            # EKS nodes pull from ECR with their instance role: the fix is IAM, a pull secret is the stopgap.
            region = ref.registry.split(".dkr.ecr.")[1].split(".")[0]
            commands = ["aws iam attach-role-policy --role-name <node-instance-role> "
                        "--policy-arn arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
                        ctx.kubectl("create", "secret", "docker-registry", "regcred", f"--docker-server={ref.registry}",
                                    "--docker-username=AWS")
                        + f' --docker-password="$(aws ecr get-login-password --region {region})"  # expires after 12 hours',
                        secret_commands(ctx, ref, "regcred")[1]]
        if google_registry:
            # GKE nodes pull with their own Google service account: the fix is IAM, not a pull secret.
            parts = ref.repository.split("/")
            project = parts[0] if parts and parts[0] else "<project>"
            if ref.registry.endswith("pkg.dev") and len(parts) >= 2:
                location = ref.registry.split("-docker.pkg.dev")[0]
                commands = [f"gcloud artifacts repositories add-iam-policy-binding {parts[1]} --project={project} "
                            f"--location={location} --member=serviceAccount:<node-service-account> "
                            "--role=roles/artifactregistry.reader"]
            else:
                commands = [f"gcloud projects add-iam-policy-binding {project} --member=serviceAccount:<node-service-account> "
                            "--role=roles/artifactregistry.reader  # gcr.io is served by Artifact Registry (or "
                            "roles/storage.objectViewer on the legacy Container Registry bucket)"]
            commands.append("gcloud container node-pools describe <pool> --cluster=<cluster> "
                            "--format='value(config.serviceAccount)'  # the nodes' service account")
            if not google:
                commands = [*secret_commands(ctx, ref, "regcred"), *(f"{c}  # on GKE" for c in commands)]
        yield finding_for(
            ctx, META, case, cause=cause,
            fix=fix,
            commands=commands,
        )
