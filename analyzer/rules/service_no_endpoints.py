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
    svc = f"Service {obj.name}" if obj.name else "The Service"
    want = _selector(str(sel))
    pods = [o for o in ctx.others if o.kind == "Pod" and (not obj.namespace or not o.namespace or str(o.namespace) == str(obj.namespace))]
    # A `kubectl get pods` row without --show-labels says nothing about labels: only pods whose labels the paste
    # shows can be said to match or not.
    known = [p for p in pods if p.labels or "Labels" in p.fields or "LABELS" in p.fields]
    unlabelled = [p for p in pods if p not in known]
    labels = {id(p): _labels(p) for p in known}
    listed = _listed_by_selector(ctx, str(sel))
    if listed:                       # `kubectl get pods -l <the Service's selector>`: those rows match it
        known, unlabelled = known + unlabelled, []
        labels.update({id(p): dict(want) for p in known if id(p) not in labels})
    matching = [p for p in known if all(labels[id(p)].get(k) == v for k, v in want.items())]
    where = f"in namespace {ctx.ns}" if ctx.ns else "in its namespace"
    if matching:
        unready = [p for p in matching if _ready(p) is False]
        if unready:
            cause = (f"{svc} selects {len(matching)} pod{'s' if len(matching) != 1 else ''} in this paste, but "
                     f"{'they are' if len(unready) == len(matching) else f'{len(unready)} of them are'} not Ready, so "
                     f"{'none is' if len(unready) == len(matching) else 'those are not'} an endpoint.")
        elif all(_ready(p) is True for p in matching):
            n = len(matching)
            cause = (f"{svc} has no endpoints although {n} pod{'s' if n != 1 else ''} in this paste carr"
                     + ("y" if n != 1 else "ies") + f" its selector {sel} and {'are' if n != 1 else 'is'} Ready: the "
                     "endpoints controller (kube-controller-manager) has not listed them, the pods have no IP yet, or the "
                     "Service was just created; `kubectl get endpointslices` shows what the controller sees.")
        else:
            cause = (f"{svc} has no endpoints although {len(matching)} pod{'s' if len(matching) != 1 else ''} in "
                     "this paste carr" + ("y" if len(matching) != 1 else "ies") + f" its selector {sel}; the paste does "
                     f"not show {'them' if len(matching) != 1 else 'it'} Ready (only Ready pods with an IP become "
                     "endpoints).")
    elif known:
        near = known[0]
        diff = [f"{k}={v} (pod has {k}={labels[id(near)].get(k, '<missing>')})" for k, v in want.items()
                if labels[id(near)].get(k) != v]
        who = "the pod in this paste does not carry" if len(known) == 1 else f"none of the {len(known)} pods in this paste carries"
        cause = f"{svc} selects {sel} but {who} those labels: " + "; ".join(diff) + "."
    elif unlabelled and any(_ready(p) is False for p in unlabelled):
        bad = [p for p in unlabelled if _ready(p) is False]
        cause = (f"{svc} selects {sel} and has no endpoints; {len(bad)} of the {len(unlabelled)} pods in this "
                 f"paste {'are' if len(bad) != 1 else 'is'} not Ready ({', '.join(str(p.name) for p in bad[:3])}). If "
                 "the selector matches them, their readiness is why; the paste does not show their labels.")
    else:
        cause = f"{svc} selects {sel}, and no Ready pod {where} matches it."
    fix = ["Compare the selector with the pods' labels: a typo or a changed label leaves the Service empty.",
           "If pods match but are not Ready, fix their readiness (their describe shows why).",
           f"Check: `{ctx.kubectl('get', 'endpoints', name)}` lists addresses."]
    yield ctx.finding(META, cause=cause, evidence=ctx.evidence(ep, sel), fix=fix,
                      commands=[ctx.kubectl("get", "pods", "-l", str(sel), "-o", "wide"), ctx.kubectl("get", "pods", "--show-labels")],
                      next=[] if pods else [ctx.kubectl("get", "pods", "--show-labels")])


def _ready(pod):
    """True/False when the paste shows whether every container is Ready (describe, or a get pods READY column), else None."""
    ready = str(getattr(pod, "table_ready", "") or "")
    if ready and "/" in ready:
        a, _, b = ready.partition("/")
        return a == b
    if pod.containers and all(c.ready is not None for c in pod.containers):
        return all(c.is_ready for c in pod.containers)
    return None


def _labels(pod) -> dict:
    """The pod's labels: describe's Labels, or a `get pods --show-labels` LABELS cell."""
    if pod.labels:
        return dict(pod.labels)
    cell = str(pod.fields.get("LABELS", "") or "")
    return _selector(cell) if cell and cell != "<none>" else {}


def _listed_by_selector(ctx, sel: str) -> bool:
    """The paste holds `kubectl get pods … -l <sel>` (or --selector): its rows are the pods the Service selects."""
    import re

    want = _selector(sel)
    for ln in ctx.lines:
        m = re.search(r"\bkubectl\b.*\bget\s+(?:pods?|po)\b.*?(?:-l\s*|--selector[= ])(['\"]?)([^\s'\"]+)\1", ln.text)
        if m and _selector(m.group(2)) == want:
            return True
    return False
