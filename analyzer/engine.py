"""Run the rules over every object, rank the findings, pick the root cause."""
from __future__ import annotations

import os
import re

from .imageref import parse_image
from .model import Pod
from .parse import ParseResult
from .report import (CONFIDENCE_ORDER, SEVERITY_ORDER, ObjectReport, Report, Severity, Verdict, Warning_)
from .rules import RULES
from .rules.rule import Context, forget_paste
from .triage import looks_healthy, pod_status, row_status_hint, unexplained

# Tests set KUBECLUE_STRICT=1 so a rule that raises fails the test instead of becoming a warning.
STRICT = os.environ.get("KUBECLUE_STRICT") == "1"


_DOUBLE_DOT = re.compile(r"(?<!\.)\.\.(?=\s|$)")


def one_period(text: str) -> str:
    """A quoted message that ends with '.' inside our own sentence must not end it with '..' (an ellipsis stays)."""
    return _DOUBLE_DOT.sub(".", text) if text and ".." in text else text


def finding_key(f) -> tuple:
    """Root cause first: what is failing now beats history, errors beat warnings, then the
    rule's rank (a cause beats the symptoms it produces), then certainty."""
    return (not f.current, SEVERITY_ORDER[f.severity], f.rank, CONFIDENCE_ORDER[f.confidence],
            f.container or "", f.id, f.evidence[0].line if f.evidence else 0)


def _dedupe(findings: list) -> list:
    """A finer rule (its own id) and its class rule can both fire on one container: keep the finer one.
    A finding is identified by its container; when the paste names none (an Events-only paste), by
    the image it is about, else by its evidence: findings of one class about two images, or citing
    different lines, are two findings, not one."""
    seen = set()
    unnamed: dict = {}           # class -> evidence line sets kept for findings without container or image
    out = []
    for f in sorted(findings, key=finding_key):
        image = (f.details or {}).get("image")
        if f.container or image:
            key = (f.cls, f.container, None if f.container else str(image))
            if key in seen:
                continue
            seen.add(key)
        else:
            lines = {e.line for e in f.evidence}
            kept = unnamed.setdefault(f.cls, [])
            if any(lines & k or not (lines and k) for k in kept):
                continue
            kept.append(lines)
        out.append(f)
    return out


_BY_KIND: dict = {}


def _rules_for(kind) -> tuple:
    """The rules that read objects of `kind`, in RULES order (found once per kind, not once per object and rule)."""
    got = _BY_KIND.get(kind)
    if got is None or got[0] is not RULES:
        got = _BY_KIND[kind] = (RULES, tuple(r for r in RULES if kind in r.meta.kinds))
    return got[1]


_QUIET: dict = {}


def _rules_for_quiet_pod(reason) -> tuple:
    """The rules that can act on a pod without events whose status Reason is `reason` (None or a Val): the Pod rules
    less those that declare they stay quiet there (RuleMeta.quiet_without_events). Found once per reason."""
    key = str(reason) if reason else ""
    got = _QUIET.get(key)
    if got is None or got[0] is not RULES:
        if len(_QUIET) > 256:           # reasons come from the paste: keep the index small
            _QUIET.clear()
        pairs = []                      # (rule, None) or (rule, the function that says whether it may act on the pod)
        for r in _rules_for("Pod"):
            q = r.meta.quiet_without_events
            if q is None or (isinstance(q, tuple) and key in q):
                pairs.append((r, None))
            elif not isinstance(q, tuple):
                pairs.append((r, q))
        got = _QUIET[key] = (RULES, tuple(pairs))
    return got[1]


def run_object(obj, lines: list, warnings: list, others: tuple = (), peers: dict | None = None) -> ObjectReport:
    ctx = Context(obj, lines, others=others, peers=peers if peers is not None else {})
    findings = []
    if obj.kind == "Pod" and not obj.events and isinstance(obj, Pod):
        rules = [r for r, may in _rules_for_quiet_pod(obj.reason) if may is None or may(obj)]
    else:
        rules = _rules_for(obj.kind)
    for rule in rules:
        try:
            findings.extend(rule.check(ctx) or ())
        except Exception as exc:  # errors are data: one broken rule must not hide the others
            if STRICT:
                raise
            warnings.append(Warning_(obj.lines[0], f"internal error in rule {rule.meta.id}: {type(exc).__name__}: {exc}"))
    if findings:                       # most rows of a big table have none: no sort, no sets
        findings = _dedupe(findings)
        for f in findings:
            f.cause = one_period(f.cause)
    rep = ObjectReport(
        kind=obj.kind, name=str(obj.name) if obj.name else None,
        namespace=str(obj.namespace) if obj.namespace else None, lines=obj.lines, findings=findings,
        status=pod_status(obj) if isinstance(obj, Pod) else "", sections=list(obj.sections), missing=list(obj.missing),
    )
    if findings and any(f.severity in (Severity.ERROR, Severity.WARNING) for f in findings):
        rep.verdict = Verdict.PROBLEM
        rep.summary = findings[0].cause
        return rep
    trouble = unexplained(ctx)
    if trouble is not None:
        summary, nxt, _ev = trouble
        rep.verdict = Verdict.UNKNOWN
        rep.summary = one_period(summary)
        rep.next = list(nxt)
    else:
        rep.verdict = Verdict.HEALTHY
        rep.summary = looks_healthy(obj)
    return rep


def _subject(f) -> str:
    """What identical causes share, for grouping: the registry and owner of an image, or a rule's own key."""
    d = f.details or {}
    if d.get("group"):
        return str(d["group"])
    image = d.get("image")
    if image:
        ref = parse_image(str(image))
        first = ref.repository.split("/")[0] if "/" in ref.repository and not ref.is_official else ref.repository
        return f"{ref.registry}/{first}" if ref.explicit_registry else first
    return ""


def _groups(objects: list) -> list:
    """Identical root causes across objects: "31 of 40 pods: image-auth on ghcr.io/acme"."""
    totals: dict = {}
    for o in objects:
        totals[o.kind] = totals.get(o.kind, 0) + 1
    groups: dict = {}
    for o in objects:
        if o.verdict != Verdict.PROBLEM or not o.findings:
            continue
        f = o.findings[0]
        key = (o.kind, f.cls, _subject(f))
        g = groups.setdefault(key, {"finding": f, "objects": []})
        g["objects"].append(o.ref)
    out = []
    for (kind, cls, subject), g in groups.items():
        f = g["finding"]
        n, total = len(g["objects"]), totals[kind]
        noun = kind.lower() + ("s" if total != 1 else "")
        label = f"{n} of {total} {noun}: {cls}" + (f" on {subject}" if subject else "")
        out.append({"class": cls, "id": f.id, "title": f.title, "kind": kind, "subject": subject, "count": n,
                    "of": total, "summary": label, "objects": g["objects"], "_key": finding_key(f)})
    out.sort(key=lambda g: (g["_key"][0], g["_key"][1], -g["count"], g["_key"][2:]))
    for g in out:
        del g["_key"]
    return out


def _explain_by_peers(objs: list, reports: dict) -> None:
    """An object whose trouble another object of the paste explains points to it instead of asking for more: a pod on
    a node that is not Ready, a Deployment whose ReplicaSet cannot create pods, an owner whose pods fail."""
    by_ref = {}
    for o in objs:
        by_ref.setdefault((o.kind, str(o.name or "")), o)
    owned: dict | None = None           # "Kind/name" of an owner -> indexes of the objects it controls, in paste order
    controlled = False                  # some object of the paste names its owner
    for o in objs:
        rep = reports[id(o)]
        if rep.verdict != Verdict.UNKNOWN:
            continue
        cands = []
        node = getattr(o, "node_name", None) if isinstance(o, Pod) else None
        if owned is None:               # built once: a paste of many pods must not rescan them for each one
            owned = {}
            for i, p in enumerate(objs):
                owned.setdefault(str(p.fields.get("Controlled By", "") or ""), []).append(i)
            controlled = any(owned.keys() - {""})
        if not node and o.kind == "Pod" and not controlled:
            continue                    # nothing can explain it: no node, and no object of the paste has an owner
        if node:
            cands.append(("Node", node))
        new_rs = str(o.fields.get("NewReplicaSet", "") or "").split()
        if o.kind == "Deployment" and new_rs:
            cands.append(("ReplicaSet", new_rs[0]))
        if o.kind == "StatefulSet" and o.name:
            # its claims are named <template>-<statefulset>-<ordinal>
            cands += [("PersistentVolumeClaim", str(p.name)) for p in objs if p.kind == "PersistentVolumeClaim"
                      and re.search(rf"-{re.escape(str(o.name))}-\d+$", str(p.name or ""))]
        owners = {f"{o.kind}/{o.name}"} | ({f"ReplicaSet/{new_rs[0]}"} if o.kind == "Deployment" and new_rs else set())
        for i in sorted(i for w in owners for i in owned.get(w, ())):
            p = objs[i]
            cands.append((p.kind, str(p.name or "")))
        for key in cands:
            peer = by_ref.get(key)
            prep = reports.get(id(peer)) if peer is not None else None
            if prep is not None and prep is not rep and prep.verdict == Verdict.PROBLEM and prep.findings:
                what = {"Node": f"Its node {key[1]}", "ReplicaSet": f"Its ReplicaSet {key[1]}"}.get(key[0], f"{key[0]} {key[1]}")
                rep.summary = f"{what} explains it ({prep.findings[0].cls}): {prep.findings[0].cause}"
                rep.next = []
                break


def _is_row(o) -> bool:
    return isinstance(o, Pod) and getattr(o, "source", "") == "get-pods"


def _owner_prefix(name: str) -> str:
    """`web-7d4b9c8f6-x2x9k` -> `web-7d4b9c8f6`, `db-0` -> `db`: pods of one controller share it."""
    return name.rsplit("-", 1)[0] if "-" in name else name


def _group_rows(objs: list, reports: dict) -> None:
    """`kubectl get pods` rows in trouble with the same STATUS: the first asks for its describe, the others point to it;
    a row whose STATUS matches a described pod of the same controller points to that pod's cause."""
    described = [o for o in objs if isinstance(o, Pod) and not _is_row(o) and reports[id(o)].verdict == Verdict.PROBLEM
                 and reports[id(o)].findings]
    by_prefix: dict = {}                # owner prefix -> its described pods, in paste order (rows x pods was quadratic)
    for d in described:
        by_prefix.setdefault(_owner_prefix(str(d.name or "")), []).append(d)
    first: dict = {}
    for o in objs:
        rep = reports[id(o)]
        if not _is_row(o) or rep.verdict != Verdict.UNKNOWN:
            continue
        status = str(o.table_status or "")
        name = str(o.name or "")
        twin = next((d for d in by_prefix.get(_owner_prefix(name), ())
                     if str(d.table_status or "") == status or pod_status(d) == status), None) if by_prefix else None
        if twin is not None:
            f = reports[id(twin)].findings[0]
            rep.summary = f"Same STATUS as {twin.name}, described: likely the same cause ({f.cls})."
            rep.next = []
            continue
        key = (status, str(o.namespace or ""))
        if key in first:
            rep.summary = rep.summary.rstrip(".") + f" (like {first[key]})."
            rep.next = []
        else:
            first[key] = name


def _rows_message(objs: list, reports: dict):
    """The whole paste's message when its trouble is `kubectl get pods` rows: how many, and per STATUS what it narrows
    the cause to (the long form; the table's WHY column has the short one)."""
    rows = [o for o in objs if _is_row(o)]
    bad = [o for o in rows if reports[id(o)].verdict == Verdict.UNKNOWN]
    if not bad:
        return None
    by_status: dict = {}
    for o in bad:
        by_status.setdefault(str(o.table_status or "?"), []).append(o)
    total = len(rows)
    n = len(bad)
    head = ("kubectl get pods shows a pod in trouble" if total == 1 else f"kubectl get pods shows all {n} pods in trouble"
            if n == total else f"kubectl get pods shows {n} of {total} pods in trouble")
    parts = []
    for status, pods in by_status.items():
        hint = row_status_hint(status, pods[0].restarts_from_table)
        names = ", ".join(str(p.name) for p in pods[:3]) + (f" and {len(pods) - 3} more" if len(pods) > 3 else "")
        parts.append(f"{status} ({names}): {hint[1] if hint else 'the row does not narrow it'}.")
    tail = (" A row does not say why; the describe of one pod per STATUS does." if n > 1
            else " A row does not say why; the pod's describe does.")
    if total == 1 and bad[0].sections == ("kubectl logs error",):     # loose.py: `... is waiting to start: ...`
        head = "kubectl logs answers that the container is not running yet"
        tail = " kubectl logs does not say why; the pod's describe does."
    return head + ". " + " ".join(parts) + tail


def run(parsed: ParseResult, version: str) -> Report:
    try:
        return _run(parsed, version)
    finally:
        forget_paste()                 # the rules' per-paste indexes must not keep the paste alive


def _run(parsed: ParseResult, version: str) -> Report:
    warnings = list(parsed.warnings)
    others = tuple(parsed.objects)
    # Pods first, so an owner's rule can say what its pods fail with.
    peers: dict = {}
    for o in sorted(parsed.objects, key=lambda o: o.kind != "Pod"):
        peers[id(o)] = run_object(o, parsed.lines, warnings, others, peers)
    objects = [peers[id(o)] for o in parsed.objects]
    _explain_by_peers(parsed.objects, peers)
    _group_rows(parsed.objects, peers)
    report = Report(version=version, format=parsed.format, lines=len(parsed.lines), objects=objects,
                    warnings=warnings, verdict=Verdict.HEALTHY)
    groups = _groups(objects)
    # A node's own finding is the root cause of the same class on its pods ("the pod's node is not ready"): lead with it.
    if groups and groups[0]["kind"] == "Pod":
        node_group = next((g for g in groups if g["kind"] == "Node" and g["class"] == groups[0]["class"]), None)
        if node_group is not None:
            groups.remove(node_group)
            groups.insert(0, node_group)
    if len(objects) > 1:
        report.groups = groups
    if groups:
        g = groups[0]
        # Refs can repeat (the same pod pasted twice): take the first problem object of the group.
        o = next(o for o in objects if o.ref == g["objects"][0] and o.verdict == Verdict.PROBLEM and o.findings
                 and o.findings[0].cls == g["class"])
        f = o.findings[0]
        report.verdict = Verdict.PROBLEM
        report.primary = {"object": o.ref, "id": f.id, "class": f.cls}
        # "1 of 1 pod: …" says nothing the cause does not; the count matters when several objects share it.
        report.message = f.cause if len(objects) == 1 or g["of"] == 1 else f"{g['summary']}. {f.cause}"
    elif any(o.verdict == Verdict.UNKNOWN for o in objects):
        o = next(o for o in objects if o.verdict == Verdict.UNKNOWN)
        report.verdict = Verdict.UNKNOWN
        report.message = o.summary
        report.next = list(o.next)
        rows_msg = _rows_message(parsed.objects, peers)
        if rows_msg is not None and _is_row(next(p for p in parsed.objects if peers[id(p)] is o)):
            report.message = rows_msg
        seen = set(report.next)
        for other in objects:           # every distinct thing to paste, once (rows of one STATUS ask once)
            if other.verdict == Verdict.UNKNOWN and other is not o:
                for n in other.next:
                    if n not in seen and len(report.next) < 6:
                        seen.add(n)
                        report.next.append(n)
    else:
        healthy = len(objects)
        report.message = objects[0].summary if healthy == 1 else f"{healthy} objects, no problem found."
    warnings.sort(key=lambda w: (w.line or 0, w.message))
    return report
