"""admission-webhook-denied: an admission webhook rejected the pod, or failed to answer."""
from __future__ import annotations

from ..admission import OWNER_KINDS, rejected_creations
from ..history import mark_explained
from ..report import Confidence, Severity
from .rule import RuleMeta, created_since

META = RuleMeta(
    id="admission-webhook-denied", cls="admission-webhook-denied", title="Rejected by an admission webhook",
    severity=Severity.ERROR, rank=8, kinds=OWNER_KINDS,
    summary="A validating/mutating admission webhook (Gatekeeper, Kyverno, a service mesh...) denied the pod, or could not be reached and its failurePolicy is Fail.",
    statuses=("FailedCreate", 'admission webhook "…" denied the request', "failed calling webhook", "ReplicaFailure"),
    related=("pod-security-violation", "quota-exceeded"),
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
        hook = d["webhook"]
        if r.sub == "empty":
            yield ctx.finding(
                META, confidence=Confidence.POSSIBLE,
                cause=("The API server refused to create the pods without giving a reason (`Error creating: ` and nothing "
                       "after it): early admission webhooks dropped their message, so a webhook is the likely cause."),
                evidence=ctx.evidence(r.event),
                fix=["Read the API server's log around the event time, and the webhook's own logs.",
                     "List the admission webhooks and check which ones match pods in this namespace."],
                commands=[ctx.kubectl("get", "validatingwebhookconfigurations,mutatingwebhookconfigurations", namespaced=False)],
                next=[ctx.kubectl("logs", "-n", "kube-system", "-l", "component=kube-apiserver", "--tail=200", namespaced=False)])
            continue
        if r.sub == "timeout":
            yield ctx.finding(
                META, confidence=Confidence.POSSIBLE,
                cause=("The API server timed out creating the pods and did not say why "
                       f"(\"{' '.join(d['reason'].split())[:160]}\"): usually an admission webhook with failurePolicy "
                       "Fail that does not answer (before 1.14 also an initializer); an overloaded API server or etcd "
                       "does the same."),
                evidence=ctx.evidence(r.event),
                fix=["List the admission webhooks that match pods here and check that their backends (Service, pods) answer.",
                     "If a webhook's backend is down, fix it or set its failurePolicy to Ignore for now.",
                     "Check: the FailedCreate events stop and the new pods appear."],
                commands=[ctx.kubectl("get", "validatingwebhookconfigurations,mutatingwebhookconfigurations", namespaced=False)],
                next=[ctx.kubectl("logs", "-n", "kube-system", "-l", "component=kube-apiserver", "--tail=200", namespaced=False)],
                details=dict(d))
            continue
        if r.sub == "denied":
            cause = f"Admission webhook {hook} denied the pod: {d['reason'][:300]}"
            fix = ["Change the pod template so it complies with the policy the webhook enforces (the message says which)."]
        else:
            cause = (f"Admission webhook {hook} could not be called ({d['reason'][:200]}), and its failurePolicy is Fail, "
                     "so every pod creation it covers is refused.")
            fix = ["Fix the webhook's backend (its pods, Service, NetworkPolicy, or CA bundle).",
                   "In an emergency set its failurePolicy to Ignore or delete its configuration; it can block its own pods too."]
        fix.append("Check: the FailedCreate events stop and the new pods appear.")
        yield ctx.finding(META, cause=cause, evidence=ctx.evidence(r.event), fix=fix,
                          commands=[ctx.kubectl("get", "validatingwebhookconfigurations,mutatingwebhookconfigurations",
                                                namespaced=False)],
                          details=dict(d))
