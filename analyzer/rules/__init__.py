"""The one list of rules. Add a class: write rules/<slug>.py (META + check) and
rules/<slug>.md beside it, add fixtures under tests/fixtures/rules/<class>/, and list the
module here. tests/unit/test_registry.py fails when a piece is missing."""
from __future__ import annotations

from types import ModuleType

from . import (
    admission_webhook_denied,
    command_not_found,
    crashloop_app_error,
    crashloop_completed,
    init_container_failure,
    liveness_probe_failure,
    missing_config_key,
    missing_configmap,
    missing_secret,
    readiness_probe_failure,
    run_as_non_root,
    startup_probe_failure,
    job_backoff_limit,
    job_deadline_exceeded,
    node_pressure,
    pod_security_violation,
    progress_deadline_exceeded,
    quota_exceeded,
    service_no_endpoints,
    evicted,
    multi_attach,
    node_not_ready,
    preempted,
    sandbox_network_failure,
    volume_mount_failure,
    host_port_conflict,
    insufficient_resources,
    node_selector_affinity_mismatch,
    node_unschedulable,
    pod_anti_affinity,
    pvc_unbound,
    taint_not_tolerated,
    volume_node_affinity_conflict,
    image_arch_mismatch,
    image_auth,
    image_never_pull,
    image_not_found,
    image_pull_secret_missing,
    image_rate_limit,
    image_registry_unreachable,
    invalid_image_name,
    oomkilled,
)
from .rule import Rule, RuleMeta

_MODULES: tuple = (
    # --- image pulls ---
    invalid_image_name,
    image_never_pull,
    image_not_found,
    image_pull_secret_missing,
    image_auth,
    image_rate_limit,
    image_registry_unreachable,
    image_arch_mismatch,
    # --- container crashes ---
    command_not_found,
    oomkilled,
    crashloop_completed,
    init_container_failure,
    crashloop_app_error,
    # --- probes and configuration ---
    missing_configmap,
    missing_secret,
    missing_config_key,
    run_as_non_root,
    startup_probe_failure,
    liveness_probe_failure,
    readiness_probe_failure,
    # --- scheduling ---
    pvc_unbound,
    volume_node_affinity_conflict,
    node_selector_affinity_mismatch,
    insufficient_resources,
    taint_not_tolerated,
    pod_anti_affinity,
    node_unschedulable,
    host_port_conflict,
    # --- storage, sandbox, nodes ---
    evicted,
    node_not_ready,
    preempted,
    sandbox_network_failure,
    multi_attach,
    volume_mount_failure,
    node_pressure,
    # --- workloads and admission ---
    quota_exceeded,
    pod_security_violation,
    admission_webhook_denied,
    job_deadline_exceeded,
    job_backoff_limit,
    progress_deadline_exceeded,
    service_no_endpoints,
)


def _rule(mod: ModuleType) -> Rule:
    return Rule(mod.META, mod.check, mod.__file__ or "")


RULES: tuple = tuple(_rule(m) for m in _MODULES)
CLASS_PAGES: dict = {r.meta.cls: r for r in RULES if r.meta.id == r.meta.cls}

__all__ = ["RULES", "CLASS_PAGES", "Rule", "RuleMeta"]
