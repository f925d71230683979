"""pod-security-violation: Pod Security admission (or PSP / OpenShift SCC) rejected the pod."""
from __future__ import annotations

import re

from ..admission import OWNER_KINDS, rejected_creations
from ..history import mark_explained
from ..report import Severity
from .rule import RuleMeta, created_since

META = RuleMeta(
    id="pod-security-violation", cls="pod-security-violation", title="Rejected by Pod Security admission",
    severity=Severity.ERROR, rank=7, kinds=OWNER_KINDS,
    summary="The namespace enforces a Pod Security level (restricted or baseline) that the pod spec violates, so the pod is never created.",
    statuses=("FailedCreate", "violates PodSecurity", "ReplicaFailure"),
    related=("quota-exceeded", "admission-webhook-denied", "run-as-non-root"),
    quiet_without_events=(),
)


def check(ctx):
    for r in rejected_creations(ctx):
        if r.cls != META.cls:
            continue
        if created_since(ctx, r.event) is not None:
            mark_explained(ctx, [r.event])
            continue                   # the pod it could not create is in the paste: created since, history
        d = r.detail
        ns = ctx.ns or "<namespace>"
        if r.sub == "podsecurity":
            checks = d["checks"]
            musts = [m.group(1) for c in checks for m in re.finditer(r"must (?:set|not set) ([^)]+)", c)]
            cause = ((f"Namespace {ns}" if ctx.ns else "The namespace") + f" enforces Pod Security \"{d['level']}\" and the pod violates it: "
                     + "; ".join(checks[:6]) + ("…" if len(checks) > 6 else "") + ".")
            fix = [f"Change the pod template of the owner so it sets: {', '.join(musts) or 'the fields the message lists'}."]
            fix.append("Only if the workload truly needs it: relabel the namespace to a looser level "
                       f"(`kubectl label ns {ns} pod-security.kubernetes.io/enforce=baseline --overwrite`).")
            cmds = [ctx.kubectl("get", "ns", ns, "--show-labels", namespaced=False)]
        elif r.sub == "scdeny":
            cause = (f"The API server forbids the pod's securityContext.{d['field']} (the SecurityContextDeny admission "
                     "plugin, or a policy that rejects that field): the pod template sets it.")
            fix = [f"Remove securityContext.{d['field']} from the pod template of the owner, or ask the cluster admin "
                   "to allow it (SecurityContextDeny is deprecated; Pod Security admission replaces it)."]
            cmds = [ctx.kubectl("get", "pods", "-o", "yaml") + f" | grep -n -i '{d['field']}'"]
        elif r.sub == "psp":
            said = _policy_reasons(r.text)
            cause = ("No PodSecurityPolicy admits the pod (or its ServiceAccount may not use one)"
                     + (": " + "; ".join(said) if said else "") + ".")
            fix = ["Grant the ServiceAccount `use` on a suitable PSP, or change the pod spec to fit one (PSP was removed in 1.25)."]
            cmds = [ctx.kubectl("get", "psp", namespaced=False)]
        else:
            said = _policy_reasons(r.text)
            cause = ("No OpenShift SecurityContextConstraint admits the pod (it wants root, a fixed UID or host access)"
                     + (": " + "; ".join(said) if said else "") + ".").replace("access).:", "access):")
            fix = ["Use an image that runs as an arbitrary UID, or grant the ServiceAccount a suitable SCC (`oc adm policy add-scc-to-user`)."]
            cmds = [ctx.kubectl("get", "scc", namespaced=False)]
        fix.append("Check: the FailedCreate events stop and the new pods appear.")
        yield ctx.finding(META, cause=cause, evidence=ctx.evidence(r.event), fix=fix, commands=cmds, details=dict(d))


def _policy_reasons(text: str) -> list:
    """The field errors a PSP/SCC refusal lists in `[...]`: `spec.volumes[0]: Invalid value: "hostPath": hostPath
    volumes are not allowed to be used` -> `spec.volumes[0]: hostPath volumes are not allowed to be used`; each once."""
    m = re.search(r"(?:security policy|security context constraint)(?: with [^:]*)?:\s*\[(.*)\]\s*$", text, re.S)
    if not m:
        return []
    out = []
    # Items are joined by ", " (newer) or a bare space (older kubectl) before the next field path.
    parts = re.split(r",?\s+(?=(?:\.?spec|metadata|provider\s)[\w.\[\]]*[:\s])", m.group(1))
    merged: list = []
    for part in parts:                       # `provider restricted:` introduces the item that follows it
        if merged and merged[-1].rstrip().endswith(":"):
            merged[-1] = merged[-1].rstrip() + " " + part
        else:
            merged.append(part)
    for part in merged:
        part = re.sub(r':\s*Invalid value:\s*(?:"[^"]*"|\S+):', ":", part.strip()).strip().rstrip(".")
        if part and part not in out:
            out.append(part)
    return out[:5]
