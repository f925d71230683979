"""missing-configmap: the pod references a ConfigMap that does not exist in its namespace."""
from __future__ import annotations

from ..config_errors import current_errors, refs_to
from ..crashes import cname, label
from ..history import mark_explained
from ..report import Confidence, Severity
from ..volumes import spec_volume_name
from ..workload_edits import check_step
from .rule import RuleMeta

META = RuleMeta(
    id="missing-configmap", cls="missing-configmap", title="Referenced ConfigMap does not exist",
    severity=Severity.ERROR, rank=26,
    summary="A ConfigMap the pod reads (env, envFrom or a volume) does not exist in the pod's namespace, so the container cannot be created.",
    statuses=("CreateContainerConfigError", "ContainerCreating", "FailedMount", "Init:CreateContainerConfigError",
              'configmap "…" not found'),
    related=("missing-secret", "missing-config-key", "volume-mount-failure"),
    quiet_without_events=(),
)

_HINTS = {
    "kube-root-ca.crt": ("kube-root-ca.crt is published into every namespace by kube-controller-manager: it is missing when "
                         "the namespace was just created or the controller-manager is down."),
}


def _uses(refs) -> str:
    parts = []
    for r in refs:
        if r.via == "env":
            parts.append(f"env key {r.key}" if r.key else "env")
        elif r.via == "envFrom":
            parts.append("envFrom")
        elif r.volume:
            parts.append(f"volume {r.volume}")
    seen = []
    for p in parts:
        if p not in seen:
            seen.append(p)
    return ", ".join(seen)


def missing_object_finding(ctx, meta, ce, c, now):
    """The finding for a ConfigMap or Secret that does not exist (shared with missing-secret)."""
    ns = f"namespace {ctx.ns}" if ctx.ns else "the pod's namespace"
    kind, name = ce.kind, ce.name
    refs = [r for r in refs_to(ctx, kind, name) if c is None or r.container is None or r.container is c]
    if ce.via == "volume":
        refs = [r for r in refs if r.via == "volume"] or refs
        vol = spec_volume_name(ce.volume, ce.event.message if ce.event is not None else "") \
            or next((r.volume for r in refs if r.volume), None)
        who = f"the pod mounts it as volume {vol}" if vol else "the pod mounts it as a volume"
        blocked = "so the kubelet cannot mount it and the pod stays in ContainerCreating"
    else:
        use = _uses(refs)
        who = f"{label(c)} reads it" + (f" ({use})" if use else "") if c is not None else "a container reads it"
        blocked = "so the kubelet cannot create the container (CreateContainerConfigError)"
    cause = f"{kind} {name} does not exist in {ns}, and {who}, {blocked}."
    hint = _HINTS.get(name)
    if kind == "Secret" and "-token-" in name:
        hint = ("Service-account token Secrets are no longer created automatically (Kubernetes 1.24+): mount a projected "
                "token instead, or create the Secret with type kubernetes.io/service-account-token.")
    elif kind == "Secret" and name.endswith("-tls"):
        hint = (f"If cert-manager should issue {name}, its Certificate is not Ready yet: "
                f"`{ctx.kubectl('get', 'certificate')}` and describe the one whose secretName is {name}.")
    keys = sorted({r.key for r in refs if r.key})
    if kind == "ConfigMap":
        literal = [f"--from-literal={k}=<value>" for k in keys] or ["--from-file=<file>"]
        create = ctx.kubectl("create", "configmap", name, *literal)
        plural = "configmaps"
    else:
        literal = [f"--from-literal={k}=<value>" for k in keys] or ["--from-literal=<key>=<value>"]
        create = ctx.kubectl("create", "secret", "generic", name, *literal)
        plural = "secrets"
    listing = ctx.kubectl("get", plural)
    elsewhere = ctx.kubectl("get", plural, "-A", "--field-selector", f"metadata.name={name}", namespaced=False)
    fix = [f"Create {kind} {name} in {ns} (from the manifest, chart or operator that should have made it — an "
           f"install that failed half-way or ran out of order leaves it out): `{create}`.",
           f"Or, if the name is a typo, fix the reference in {ctx.workload_phrase}: `{listing}` lists what exists. "
           f"{kind}s are per namespace: one of that name in another namespace does not count (`{elsewhere}`).",
           "If the pod can run without it, mark the reference optional: true.",
           "The kubelet retries on its own: once the object exists, the container starts without a restart."]
    if hint:
        fix.insert(0, hint)
    check, check_cmd = check_step(ctx, "the pod leaves " + ("ContainerCreating" if ce.via == "volume"
                                                             else "CreateContainerConfigError") + " and starts.")
    fix.append(check)
    waiting = c.state.reason if c is not None and c.state is not None else None
    ev = ctx.evidence(ce.event, waiting, *[r.line for r in refs])
    mark_explained(ctx, [ce.event])
    return ctx.finding(
        meta, container=cname(c) if c is not None else None, cause=cause, evidence=ev, fix=fix,
        commands=[listing, elsewhere, create, check_cmd], confidence=Confidence.CONFIRMED, current=now,
        severity=None if now else Severity.INFO,
        details={k: v for k, v in (("object", f"{kind}/{name}"), ("namespace", ctx.ns), ("via", ce.via),
                                   ("volume", spec_volume_name(ce.volume, ce.event.message if ce.event is not None else "")), ("keys", keys or None)) if v},
    )


def check(ctx):
    for ce, c, now in current_errors(ctx, META.cls):
        if not now:
            mark_explained(ctx, [ce.event])
            continue
        yield missing_object_finding(ctx, META, ce, c, now)
