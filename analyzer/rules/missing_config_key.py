"""missing-config-key: the ConfigMap or Secret exists but lacks the key the pod reads."""
from __future__ import annotations

import json
import re

from ..config_errors import current_errors, references
from ..crashes import cname, label
from ..history import mark_explained
from ..report import Confidence, Severity
from ..volumes import spec_volume_name
from ..workload_edits import check_step
from .rule import RuleMeta

META = RuleMeta(
    id="missing-config-key", cls="missing-config-key", title="Key missing from a ConfigMap or Secret",
    severity=Severity.ERROR, rank=26,
    summary="The ConfigMap or Secret exists, but not the key the pod reads from it (keys are case-sensitive), so the container cannot be created.",
    statuses=("CreateContainerConfigError", "ContainerCreating", "FailedMount", "couldn't find key"),
    related=("missing-configmap", "missing-secret"),
    quiet_without_events=(),
)


def check(ctx):
    for ce, c, now in current_errors(ctx, META.cls):
        mark_explained(ctx, [ce.event])
        if not now:
            continue
        kind, name, key = ce.kind, ce.name, ce.key
        refs = [r for r in references(ctx) if r.kind == kind and (r.key == key or r.via == "volume")
                and (not name or r.name == name) and (ce.via != "volume" or r.via == "volume")]
        volume = spec_volume_name(ce.volume, ce.event.message if ce.event is not None else "")
        if ce.via == "volume" and volume:
            refs = [r for r in refs if r.volume == volume] or refs
        if not name:
            name = next((r.name for r in refs if r.name), "")
        ns = f"namespace {ctx.ns}" if ctx.ns else "the pod's namespace"
        obj = f"{kind} {name}" if name else f"the {kind} of volume {volume}"
        env_names = [ev.name for ev in (c.env if c is not None else ()) if f"'{key}'" in ev.value and name in ev.value]
        if ce.via == "volume":
            who = f"the pod's volume {volume} lists it in items" if volume else "a volume lists it in items"
            blocked = "so the volume cannot be mounted and the pod stays in ContainerCreating"
        else:
            into = f" into env {', '.join(env_names)}" if env_names else ""
            who = f"{label(c)} reads it{into}" if c is not None else "a container reads it"
            blocked = "so the kubelet cannot create the container (CreateContainerConfigError)"
        cause = f"{obj} exists in {ns} but has no key {key}, and {who}, {blocked}."
        cause = cause[0].upper() + cause[1:]
        if kind == "ConfigMap":
            show = ctx.kubectl("get", "configmap", name or "<name>", "-o", "jsonpath={.data}")
            add = ctx.kubectl("patch", "configmap", name or "<name>", "--type", "merge", "-p",
                              json.dumps({"data": {key: "<value>"}}))
        else:
            show = ctx.kubectl("describe", "secret", name or "<name>")
            add = ctx.kubectl("patch", "secret", name or "<name>", "--type", "merge", "-p",
                              json.dumps({"stringData": {key: "<value>"}}))
        fix = [f"See which keys {obj} has: `{show}` (keys are case-sensitive: `{key}` is not `{key.upper() if key != key.upper() else key.lower()}`).",
               f"Add the key (`{add}`), or correct the key name in {ctx.workload_phrase} to one that exists.",
               "If the value can be absent, mark the reference optional: true.",
               "The kubelet retries on its own once the key exists; no restart is needed."]
        if not ctx.ns and ce.ns:           # a paste cut to its events: the kubelet's message names the namespace
            show, add = (x.replace("-n <namespace>", f"-n {ce.ns}", 1) for x in (show, add))
            fix[0:2] = [f"See which keys {obj} has: `{show}` (keys are case-sensitive).",
                        f"Add the key (`{add}`), or correct the key name in {ctx.workload_phrase} to one that exists."]
        check_txt, check_cmd = check_step(ctx, "the pod leaves " + ("ContainerCreating" if ce.via == "volume"
                                                                     else "CreateContainerConfigError") + " and starts.")
        fix.append(check_txt)
        waiting = c.state.reason if c is not None and c.state is not None else None
        ev = ctx.evidence(ce.event, waiting, *[r.line for r in refs])
        yield ctx.finding(
            META, container=cname(c) if c is not None else None, cause=cause, evidence=ev, fix=fix,
            commands=[show, add, check_cmd], confidence=Confidence.CONFIRMED,
            details={k: v for k, v in (("object", f"{kind}/{name}" if name else None), ("key", key),
                                       ("namespace", ctx.ns), ("via", ce.via)) if v},
        )
    yield from _skipped_keys(ctx)


# `Keys [1st-run, import.batch-size] from the EnvFrom configMap imports/importer-settings were skipped since they
# are considered invalid environment variable names.` (kubelet_pods.go; rare since 1.34 relaxed the names).
_SKIPPED = re.compile(r"Keys \[([^\]]*)\] from the EnvFrom (configMap|secret) (?:(\S+?)/)?(\S+) were skipped")


def _skipped_keys(ctx):
    """The container started, but without some envFrom keys: worth a note, not an error."""
    for e in ctx.events("InvalidEnvironmentVariableNames"):
        m = _SKIPPED.search(e.message)
        if not m:
            continue
        mark_explained(ctx, [e])
        keys, kind, name = m.group(1), "ConfigMap" if m.group(2) == "configMap" else "Secret", m.group(4)
        yield ctx.finding(
            META, rule_id="env-keys-skipped", severity=Severity.INFO, current=False,
            cause=(f"The container started, but without the keys {keys} of {kind} {name}: envFrom skips keys that are not "
                   "valid environment variable names. If the app needs them, rename the keys or mount the "
                   f"{kind} as a volume instead."),
            evidence=ctx.evidence(e), fix=[f"Rename the keys in {kind} {name} to valid names (letters, digits, `_`, not "
                                          "starting with a digit), or read them from a mounted file."],
            details={"object": f"{kind}/{name}", "keys": keys},
        )
