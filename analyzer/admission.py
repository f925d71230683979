"""Why a controller could not create its pods: the API server's answer inside `FailedCreate` events.

`Error creating: pods "web-7d9f5c-" is forbidden: <reason>` (ReplicaSet, Job, DaemonSet controllers) and
`create Pod web-0 in StatefulSet web failed error: <reason>` (StatefulSet controller), B.11.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

_QUOTA = re.compile(r"exceeded quota: ([\w.-]+), requested: (.*?), used: (.*?), limited: ([^\s,]+(?:,[^\s,]+)*)", re.I | re.S)
_QUOTA_MUST = re.compile(r"failed quota: ([\w.-]+): must specify ([^\n]*)", re.I)
# LimitRanger (plugin/pkg/admission/limitranger): per Container, Pod or PersistentVolumeClaim, min/max or the
# limit-to-request ratio; several at once come as `[a, b]`. Some releases end each with ".", very old ones print
# `Maximum memory usage per pod is 1Gi`.
_LR_TYPE = r"(?:Container|Pod|PersistentVolumeClaim)"
_LIMITRANGE = re.compile(
    r"(?:maximum|minimum) [\w./-]+ usage per " + _LR_TYPE + r" is [^\s,\]]+?(?:, but (?:limit|request) is [^\s,\]]+?|"
    r"\.\s+No (?:request|limit) is specified)?(?=\.?(?:[,\]]|\s|$))|"
    r"[\w./-]+ max limit to request ratio per " + _LR_TYPE + r" is [^\s,\]]+?, but (?:no request is specified or "
    r"request is 0|no limit is specified or limit is 0|provided ratio is [\d.]+?)(?=\.?(?:[,\]]|\s|$))", re.I)
_PSA = re.compile(r'violates PodSecurity "([\w-]+):([\w.]+)": (.*)$', re.S)
_PSP = re.compile(r"PodSecurityPolicy: unable to admit pod|unable to validate against any pod security policy", re.I)
_SCC = re.compile(r"unable to validate against any security context constraint", re.I)
_WEBHOOK_DENIED = re.compile(r'admission webhook "([^"]+)" denied the request:?\s*(.*)$', re.S)
_WEBHOOK_FAILED = re.compile(r'failed calling webhook "([^"]+)":?\s*(.*)$', re.S)
_SCDENY = re.compile(r"(?:pod\.Spec\.|spec\.)?(?:[Cc]ontainers\[\d+\]\.)?SecurityContext\.(\w+) is forbidden")
# The API server gave up on the create: an admission webhook (or, up to 1.13, an initializer) that does not answer,
# or an overloaded API server / etcd. The message names neither.
_TIMEOUT = re.compile(r"Timeout: request did not complete within (?:requested timeout|allowed duration)|"
                      r"The POST operation against Pod could not be completed at this time", re.I)
_SA = re.compile(r'serviceaccount "([^"]+)" not found', re.I)
_PRIORITY = re.compile(r"no PriorityClass with name ([\w.-]+) was found", re.I)


@dataclass(frozen=True)
class Rejection:
    cls: str                 # quota-exceeded | pod-security-violation | admission-webhook-denied | other
    sub: str
    detail: dict
    text: str
    event: object


def rejected_creations(ctx) -> list:
    """FailedCreate events whose pods were rejected at the API, newest first, one per class."""
    evs = [e for e in ctx.obj.events if e.reason in ("FailedCreate", "FailedCreatePod") and e.type == "Warning"]
    out = []
    seen = set()
    for e in sorted(evs, key=lambda e: (e.last_seen_s if e.last_seen_s is not None else 0, -e.line)):
        if _cleared(ctx, e):
            continue                  # the controller created pods after this refusal: it has cleared
        r = classify(e.message, e)
        if r is None or r.cls in seen:
            continue
        seen.add(r.cls)
        out.append(r)
    return out


def _cleared(ctx, refusal) -> bool:
    """A SuccessfulCreate newer than the refusal. In `kubectl get events` rows (object_kind set) the order of rows
    with the same age says nothing about which came first, so only a strictly newer creation clears it."""
    if not refusal.object_kind:
        return ctx.superseded(refusal, "SuccessfulCreate")
    for e in ctx.events("SuccessfulCreate"):
        if e.last_seen_s is not None and refusal.last_seen_s is not None:
            if e.last_seen_s < refusal.last_seen_s:
                return True
        elif e.line > refusal.line:
            return True
    return False


def classify(message: str, event=None) -> Optional[Rejection]:
    text = message
    m = _QUOTA.search(text)
    if m:
        return Rejection("quota-exceeded", "exceeded", {"quota": m.group(1), "requested": m.group(2).strip(),
                                                        "used": m.group(3).strip(), "limited": m.group(4).strip()}, text, event)
    m = _QUOTA_MUST.search(text)
    if m:
        return Rejection("quota-exceeded", "must-specify", {"quota": m.group(1), "missing": m.group(2).strip()}, text, event)
    if _LIMITRANGE.search(text):
        clauses = []
        for x in _LIMITRANGE.finditer(text):
            c = re.sub(r"\.\s+No (request|limit) is specified", r", but no \1 is specified", x.group(0))
            if c not in clauses:            # one clause per container that breaks it: say it once
                clauses.append(c)
        return Rejection("quota-exceeded", "limitrange", {"limits": "; ".join(clauses), "clauses": clauses}, text, event)
    m = _PSA.search(text)
    if m:
        clauses = [c.strip() for c in re.split(r",\s+(?=[a-zA-Z][\w ]*(?:\(|!=|=))", m.group(3)) if c.strip()]
        return Rejection("pod-security-violation", "podsecurity", {"level": m.group(1), "version": m.group(2),
                                                                   "checks": clauses}, text, event)
    m = _SCDENY.search(text)
    if m:
        return Rejection("pod-security-violation", "scdeny", {"field": m.group(1)}, text, event)
    if _PSP.search(text):
        return Rejection("pod-security-violation", "psp", {}, text, event)
    if _SCC.search(text):
        return Rejection("pod-security-violation", "scc", {}, text, event)
    m = _WEBHOOK_DENIED.search(text)
    if m:
        return Rejection("admission-webhook-denied", "denied", {"webhook": m.group(1), "reason": m.group(2).strip()}, text, event)
    m = _WEBHOOK_FAILED.search(text)
    if m:
        return Rejection("admission-webhook-denied", "unreachable", {"webhook": m.group(1), "reason": m.group(2).strip()},
                         text, event)
    if re.fullmatch(r"\s*Error creating:\s*", text):
        # Early (1.8) admission webhooks dropped their reason: only the apiserver knows (k/k #55924).
        return Rejection("admission-webhook-denied", "empty", {"webhook": "", "reason": ""}, text, event)
    m = _TIMEOUT.search(text)
    if m:
        return Rejection("admission-webhook-denied", "timeout", {"webhook": "", "reason": text[m.start():].strip()}, text, event)
    m = _SA.search(text)
    if m:
        return Rejection("other", "serviceaccount", {"serviceaccount": m.group(1)}, text, event)
    m = _PRIORITY.search(text)
    if m:
        return Rejection("other", "priorityclass", {"priorityclass": m.group(1)}, text, event)
    return None


OWNER_KINDS = ("ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet", "Job", "CronJob", "Deployment", "Pod")
