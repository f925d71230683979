"""The scheduler's FailedScheduling message, every wording, as a table of reasons and node counts.

Forms (kubernetes-failures.md B.6):
  >= 1.8   `0/N nodes are available: <count> <reason>, <count> <reason>.[ preemption: 0/N nodes are available: ...]`
           (reasons sorted as strings; some versions end in `..`; 1.8-1.9 print predicate names)
  <  1.8   `No nodes are available that match all of the following predicates:: Insufficient cpu (4), X (2).`
  <= 1.5   `fit failure summary on nodes : PodToleratesNodeTaints (1)`, `pod (x) failed to fit in any node`
  1.0-1.1  `Failed for reason PodFitsResources and possibly others` (event reason `failedScheduling`)
  PreFilter (no counts): `0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims.`
  1.17-1.18: `error while running "VolumeBinding" filter plugin for pod "x": pod has unbound immediate PersistentVolumeClaims`
The root cause is the reason that blocks the most nodes the pod could otherwise use: nodes
excluded by the pod's own nodeSelector/affinity, and nodes tainted on purpose (control-plane,
dedicated pools), are not nodes it could otherwise use.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

_MODERN = re.compile(r"(\d+)/(\d+) nodes are available:?\s*(.*)$", re.DOTALL)
_PREDICATES = re.compile(r"(?:No nodes are available that match all of the following predicates::?|"
                         r"fit failure summary on nodes\s*:)\s*(.*)$", re.DOTALL)
_POSSIBLY = re.compile(r"Failed for reason (\w+)(?: and possibly others)?")
_PRED_ITEM = re.compile(r"^(.*?)\s*\((\d+)\)$")
_COUNTED = re.compile(r"^(\d+)\s+(.*)$")
_TAINT = re.compile(r"\{([^:}]*):\s*([^}]*)\}")

# Predicate names (1.5-1.9) and reason texts -> class. Checked in order; first match wins.
_CLASSES = (
    ("taint-not-tolerated", re.compile(r"taint|PodToleratesNodeTaints|TaintToleration", re.I)),
    ("node-selector-affinity-mismatch", re.compile(
        r"didn't match (?:Pod's )?node (?:affinity|selector)|MatchNodeSelector|NodeAffinity|didn't match the requested node name|"
        r"HostName|CheckNodeLabelPresence", re.I)),
    ("pod-anti-affinity", re.compile(
        r"pod (?:anti-)?affinity|anti-affinity|topology spread|MatchInterPodAffinity|ExistingPodsAntiAffinityRulesNotMatch|"
        r"CheckServiceAffinity|PodTopologySpread|InterPodAffinity", re.I)),
    ("node-unschedulable", re.compile(r"were unschedulable|NodeUnschedulable|CheckNodeUnschedulable", re.I)),
    ("host-port-conflict", re.compile(r"free ports|PodFitsHostPorts|NodePorts", re.I)),
    ("volume-node-affinity-conflict", re.compile(
        r"volume node affinity conflict|NoVolumeZoneConflict|no available volume zone|VolumeZone", re.I)),
    ("pvc-unbound", re.compile(
        r"unbound (?:immediate )?PersistentVolumeClaims|available persistent volumes to bind|persistentvolumeclaim \"[^\"]*\" "
        r"(?:not found|is being deleted)|bound to non-existent pv|enough free storage|VolumeBinding|NoVolumeBindConflict", re.I)),
    ("node-not-ready", re.compile(r"were not ready|network unavailable|CheckNodeCondition|NodeNotReady", re.I)),
    ("node-pressure", re.compile(r"memory pressure|disk pressure|pid pressure|out of disk space|CheckNodeMemoryPressure|"
                                 r"CheckNodeDiskPressure|CheckNodePIDPressure", re.I)),
    ("insufficient-resources", re.compile(r"Insufficient|Too many pods|exceed max volume count|PodFitsResources|"
                                          r"MaxVolumeCount|max volume count", re.I)),
)
# Taints a cluster sets on purpose: nodes carrying them are not nodes the pod "could otherwise use".
# Condition taints (node.kubernetes.io/...) and the cloud `uninitialized` taint are problems.
_PROBLEM_TAINT = re.compile(r"^node\.kubernetes\.io/|^node\.cloudprovider\.kubernetes\.io/uninitialized")
# When counts tie, the more specific, pod-side cause is named first.
_TIE_ORDER = ("pvc-unbound", "volume-node-affinity-conflict", "node-selector-affinity-mismatch", "pod-anti-affinity",
              "host-port-conflict", "node-unschedulable", "node-not-ready", "node-pressure", "insufficient-resources",
              "taint-not-tolerated")


@dataclass(frozen=True)
class Reason:
    count: Optional[int]        # None: a PreFilter message that applies to every node
    text: str
    cls: Optional[str]
    taint_key: Optional[str] = None
    taint_value: Optional[str] = None

    @property
    def intentional_taint(self) -> bool:
        return self.cls == "taint-not-tolerated" and bool(self.taint_key) and not _PROBLEM_TAINT.match(self.taint_key)


@dataclass(frozen=True)
class FitError:
    total: Optional[int]                   # N in 0/N (None when the wording does not say)
    reasons: tuple                         # Reason, in message order
    preemption: tuple = ()                 # Reason of the `preemption:` tail
    form: str = "modern"                   # modern | predicates | prefilter | plugin | no-nodes | unknown
    text: str = ""

    def counts(self) -> dict:
        out: dict = {}
        for r in self.reasons:
            if r.cls:
                n = r.count if r.count is not None else (self.total or 1)
                if r.cls == "insufficient-resources":
                    # NodeResourcesFit reports every resource a node lacks (`1 Insufficient cpu, 1 Insufficient
                    # memory` can be one node): the largest count is the number of nodes we know are full.
                    out[r.cls] = max(out.get(r.cls, 0), n)
                else:
                    out[r.cls] = out.get(r.cls, 0) + n
        return out


def _classify(text: str) -> Optional[str]:
    for cls, rx in _CLASSES:
        if rx.search(text):
            return cls
    return None


def _reason(count: Optional[int], text: str) -> Reason:
    text = text.strip().rstrip(".").strip()
    cls = _classify(text)
    key = value = None
    if cls == "taint-not-tolerated":
        m = _TAINT.search(text)
        if m:
            key, value = m.group(1).strip(), m.group(2).strip()
    return Reason(count, text, cls, key, value)


def _split_counted(part: str) -> list:
    """`1 node(s) had taint {k: }, that the pod didn't tolerate, 3 Insufficient cpu` -> items.
    A reason can itself hold ", " (the 1.18-1.24 taint wording), so split only before a count."""
    part = part.strip().rstrip(".").strip()
    if not part:
        return []
    return [p.strip() for p in re.split(r",\s+(?=\d+\s)", part) if p.strip()]


@lru_cache(maxsize=4096)     # pure, its answer frozen: read() asks twice for the newest event
def parse_fit_error(message: str) -> Optional[FitError]:
    msg = re.sub(r"\s+", " ", message).strip()
    if "no nodes available to schedule pods" in msg:
        return FitError(0, (Reason(None, "no nodes available to schedule pods", "node-unschedulable"),), (), "no-nodes", msg)
    m = _PREDICATES.search(msg)
    if m:
        reasons = []
        for item in re.split(r",\s+", m.group(1).strip().rstrip(".")):
            im = _PRED_ITEM.match(item.strip())
            if im:
                reasons.append(_reason(int(im.group(2)), im.group(1)))
            elif item.strip():
                reasons.append(_reason(None, item))
        return FitError(None, tuple(reasons), (), "predicates", msg)
    m = _MODERN.search(msg)
    if m:
        total = int(m.group(2))
        body = m.group(3)
        pre_body = ""
        if " preemption: " in f" {body}":
            body, _, pre_body = body.partition("preemption:")
            pm = _MODERN.search(pre_body)
            pre_body = pm.group(3) if pm else pre_body
        body = re.sub(r"no new claims to deallocate,?\s*", "", body).strip()
        reasons = []
        for item in _split_counted(body):
            cm = _COUNTED.match(item)
            reasons.append(_reason(int(cm.group(1)), cm.group(2)) if cm else _reason(None, item))
        pre = tuple(_reason(int(cm.group(1)), cm.group(2)) if (cm := _COUNTED.match(i)) else _reason(None, i)
                    for i in _split_counted(pre_body))
        form = "prefilter" if reasons and all(r.count is None for r in reasons) else "modern"
        return FitError(total, tuple(reasons), pre, form, msg)
    m = _POSSIBLY.search(msg)
    if m:
        # 1.0-1.1: `Failed for reason PodFitsResources and possibly others` names the first failing predicate only.
        return FitError(None, (_reason(None, m.group(1)),), (), "predicates", msg)
    if "filter plugin" in msg or "PreBind plugin" in msg or "failed to fit in any node" in msg:
        tail = msg.split(": ", 1)[-1] if ": " in msg else msg
        r = _reason(None, tail)
        if "failed to fit in any node" in msg:
            r = Reason(None, msg, None)
        if "PreBind" in msg:
            r = Reason(None, msg, "pvc-unbound")
        return FitError(None, (r,), (), "plugin", msg)
    return None


@dataclass
class Scheduling:
    """What the scheduler said about one pod, and which reason is the root cause."""

    event: object                          # the newest FailedScheduling Event
    fit: FitError
    primary: Optional[str]                 # class
    ranking: list = field(default_factory=list)   # [(cls, count)] in order of blame
    current: bool = True
    autoscaler: object = None              # the newest NotTriggerScaleUp / TriggeredScaleUp event

    def table(self) -> list:
        """Rows for the page and the CLI: reason, node count, class."""
        return [{"count": r.count if r.count is not None else self.fit.total, "reason": r.text, "class": r.cls}
                for r in self.fit.reasons]


def blame(fit: FitError) -> list:
    """[(class, nodes)] ordered so the first is the root cause (module docstring)."""
    counts = fit.counts()
    if not counts:
        return []
    total = fit.total
    sel = counts.get("node-selector-affinity-mismatch", 0)
    if sel and (total is None and len(counts) == 1 or (total is not None and sel >= total)):
        return [("node-selector-affinity-mismatch", sel)] + [(c, n) for c, n in counts.items()
                                                             if c != "node-selector-affinity-mismatch"]
    if counts.get("pvc-unbound") or counts.get("volume-node-affinity-conflict"):
        # Storage constraints are hard: a zonal volume confines the pod to its zone, and the
        # scheduler reports a node under the first filter it fails (NodeResourcesFit runs before
        # VolumeBinding), so "Insufficient cpu" nodes may be in the wrong zone as well.
        first = "pvc-unbound" if counts.get("pvc-unbound") else "volume-node-affinity-conflict"
        return [(first, counts[first])] + [(c, n) for c, n in counts.items() if c != first]
    intentional = sum(r.count or 0 for r in fit.reasons if r.intentional_taint)
    taint_problem = counts.get("taint-not-tolerated", 0) - intentional
    contenders = {c: n for c, n in counts.items() if c not in ("node-selector-affinity-mismatch", "taint-not-tolerated")}
    if taint_problem > 0:
        contenders["taint-not-tolerated"] = taint_problem
    order = sorted(contenders.items(), key=lambda cn: (-cn[1], _TIE_ORDER.index(cn[0]) if cn[0] in _TIE_ORDER else 99))
    rest = [(c, n) for c, n in counts.items() if c not in dict(order)]
    if not order:
        # Only the pod's own selector and deliberate taints remain: the nodes the pod may go
        # to are tainted (a pinned node, a single control-plane node).
        if counts.get("taint-not-tolerated"):
            return [("taint-not-tolerated", counts["taint-not-tolerated"])] + [(c, n) for c, n in counts.items()
                                                                                if c != "taint-not-tolerated"]
        return list(counts.items())
    return order + rest


def read(ctx) -> Optional[Scheduling]:
    """The pod's scheduling story, cached on the context."""
    if "scheduling" in ctx.facts:
        return ctx.facts["scheduling"]
    result = None
    events = [e for e in ctx.obj.events if e.reason in ("FailedScheduling", "failedScheduling", "Failed")
              and parse_fit_error(e.message)]
    newest = ctx.newest(events)
    if newest is not None:
        fit = parse_fit_error(newest.message)
        ranking = blame(fit)
        pod = ctx.obj
        scheduled_now = _scheduled(pod, ctx, newest)
        result = Scheduling(newest, fit, ranking[0][0] if ranking else None, ranking, current=not scheduled_now,
                            autoscaler=ctx.newest(ctx.events("NotTriggerScaleUp", "TriggeredScaleUp", "FailedScaleUp")))
    ctx.facts["scheduling"] = result
    return result


def _scheduled(pod, ctx, failed) -> bool:
    """True when the pod is on a node now (the FailedScheduling rows are history)."""
    cond = getattr(pod, "pod_conditions", {}).get("PodScheduled")
    if cond is not None:
        return cond == "True"
    node = getattr(pod, "node_name", None) if hasattr(pod, "node_name") else getattr(pod, "node", None)
    if node is not None and str(node).split("/")[0].strip() not in ("", "<none>"):
        return True
    status = getattr(pod, "status", None)
    if status is not None and status in ("Running", "Succeeded"):
        return True
    ok = [e for e in ctx.events("Scheduled") if e.line > failed.line]
    return bool(ok)


def pod_requests(pod) -> dict:
    """Sum of the containers' requests (limits when no request is set), as printed per container."""
    from .quantity import to_bytes

    totals: dict = {}
    shown: dict = {}
    for c in getattr(pod, "containers", ()):
        for res in set(c.requests) | set(c.limits):
            val = c.requests.get(res) or c.limits.get(res)
            b = to_bytes(str(val))
            if b is None:
                continue
            totals[res] = totals.get(res, 0) + b
            shown.setdefault(res, []).append(val)
    out = {}
    for res, vals in shown.items():
        out[res] = str(vals[0]) if len(vals) == 1 else " + ".join(str(v) for v in vals)
    return out


def finding_for(ctx, meta, s: Scheduling, *, cause: str, fix: list, commands: list, next: list = (),
                extra_evidence: tuple = (), confidence=None):
    """A scheduling finding: error when its class is the root cause, a warning when it is a
    secondary reason in the same message. Carries the per-reason node table."""
    from .report import Severity

    primary = s.primary == meta.cls
    pod = ctx.obj
    conds = getattr(pod, "pod_conditions", {})
    ev = ctx.evidence(s.event, getattr(pod, "node", None), conds.get("PodScheduled"), s.autoscaler, *extra_evidence)
    check = f"Check: `{ctx.kubectl('get', 'pod', ctx.name, '-o', 'wide')}` shows a NODE, and the FailedScheduling events stop."
    return ctx.finding(
        meta, cause=cause, evidence=ev, fix=list(fix) + [check], commands=commands, next=next,
        severity=None if primary else Severity.WARNING, current=s.current,
        **({"confidence": confidence} if confidence is not None else {}),
        details={"nodes_total": s.fit.total, "table": s.table(), "form": s.fit.form,
                 "preemption": [{"count": r.count, "reason": r.text} for r in s.fit.preemption]},
    )


def nodes_count(s: Scheduling, cls: str) -> int:
    n = dict(s.ranking).get(cls) or 0
    total = s.fit.total
    return min(n, total) if total else n        # per-reason counts can add up past N


def nodes_phrase(s: Scheduling, cls: str, verb: str = "") -> str:
    """`3 of 5 nodes` (+ a verb that agrees: `are`/`is`, `carry`/`carries`...)."""
    n = nodes_count(s, cls)
    total = s.fit.total
    noun = f"{n} of {total} node{'s' if total != 1 else ''}" if total else f"{n} node{'s' if n != 1 else ''}"
    if not verb:
        return noun
    singular = {"are": "is", "carry": "carries", "do": "does", "lack": "lacks", "conflict": "conflicts"}.get(verb, verb + "s")
    return f"{noun} {singular if n == 1 else verb}"


def other_reasons(s: Scheduling, cls: str) -> str:
    """`; the scheduler's other reasons: 1 Insufficient cpu, 3 MatchNodeSelector` (its own words), or ''."""
    rest = [f"{r.count} {r.text}" if r.count is not None else r.text for r in s.fit.reasons if r.cls != cls]
    return f"; the scheduler's other reasons: {', '.join(rest)}" if rest else ""
