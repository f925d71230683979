"""missing-secret: the pod references a Secret that does not exist in its namespace."""
from __future__ import annotations

from ..config_errors import current_errors
from ..history import mark_explained
from ..report import Severity
from .missing_configmap import missing_object_finding
from .rule import RuleMeta

META = RuleMeta(
    id="missing-secret", cls="missing-secret", title="Referenced Secret does not exist",
    severity=Severity.ERROR, rank=26,
    summary="A Secret the pod reads (env, envFrom or a volume) does not exist in the pod's namespace, so the container cannot be created.",
    statuses=("CreateContainerConfigError", "ContainerCreating", "FailedMount", "Init:CreateContainerConfigError",
              'secret "…" not found'),
    related=("missing-configmap", "missing-config-key", "image-auth", "volume-mount-failure"),
    quiet_without_events=(),
)


def check(ctx):
    for ce, c, now in current_errors(ctx, META.cls):
        if not now:
            mark_explained(ctx, [ce.event])
            continue
        yield missing_object_finding(ctx, META, ce, c, now)
