"""service-no-endpoints: a Service selects no ready pods."""
from __future__ import annotations

from ..report import Severity
from .rule import RuleMeta

META = RuleMeta(
    id="service-no-endpoints", cls="service-no-endpoints", title="Service has no endpoints",
    severity=Severity.ERROR, rank=90, kinds=("Service",),
    summary="The Service's selector matches no Ready pod (a label mismatch, or the pods are not Ready), so traffic to it goes nowhere.",
    statuses=("Endpoints: <none>",),
    related=("readiness-probe-failure",),
)


def _selector(text: str) -> dict:
    out = {}
    for part in text.split(","):
        k, s, v = part.strip().partition("=")
        if s:
            out[k.strip()] = v.strip()
    return out


def check(ctx):
    obj = ctx.obj
    ep = obj.fields.get("Endpoints")
    sel = obj.fields.get("Selector")
    if ep is None or str(ep).strip() not in ("<none>", ""):
        return
    if sel is None or str(sel).strip() in ("<none>", ""):
        return                          # a Service without selector is managed by hand (or ExternalName)
    name = str(obj.name or "<service>")
    want = _selector(str(sel))
    pods = [o for o in ctx.others if o.kind == "Pod" and (not obj.namespace or not o.namespace or str(o.namespace) == str(obj.namespace))]
    matching = [p for p in pods if all(p.labels.get(k) == v for k, v in want.items())]
    if pods and not matching:
        near = pods[0]
        diff = [f"{k}={v} (pod has {k}={near.labels.get(k, '<missing>')})" for k, v in want.items() if near.labels.get(k) != v]
        cause = (f"Service {name} selects {sel} but none of the {len(pods)} pods in this paste carries those labels: "
                 + "; ".join(diff) + ".")
    elif matching:
        unready = [p for p in matching if not all(c.is_ready for c in p.containers)]
        cause = (f"Service {name} selects {len(matching)} pod(s) in this paste, but "
                 f"{'they are' if len(unready) == len(matching) else 'some are'} not Ready, so none is an endpoint.")
    else:
        cause = f"Service {name} selects {sel}, and no Ready pod in namespace {ctx.ns or '<namespace>'} matches it."
    fix = ["Compare the selector with the pods' labels: a typo or a changed label leaves the Service empty.",
           "If pods match but are not Ready, fix their readiness (their describe shows why).",
           f"Check: `{ctx.kubectl('get', 'endpoints', name)}` lists addresses."]
    yield ctx.finding(META, cause=cause, evidence=ctx.evidence(ep, sel), fix=fix,
                      commands=[ctx.kubectl("get", "pods", "-l", str(sel), "-o", "wide"), ctx.kubectl("get", "pods", "--show-labels")],
                      next=[] if pods else [ctx.kubectl("get", "pods", "--show-labels")])
