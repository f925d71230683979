"""Run the rules over every object, rank the findings, pick the root cause."""
from __future__ import annotations

import os

from .model import Pod
from .parse import ParseResult
from .report import (CONFIDENCE_ORDER, SEVERITY_ORDER, ObjectReport, Report, Severity, Verdict, Warning_)
from .rules import RULES
from .rules.rule import Context
from .triage import looks_healthy, pod_status, unexplained

# Tests set KUBECLUE_STRICT=1 so a rule that raises fails the test instead of becoming a warning.
STRICT = os.environ.get("KUBECLUE_STRICT") == "1"


def finding_key(f) -> tuple:
    """Root cause first: what is failing now beats history, errors beat warnings, then the
    rule's rank (a cause beats the symptoms it produces), then certainty."""
    return (not f.current, SEVERITY_ORDER[f.severity], f.rank, CONFIDENCE_ORDER[f.confidence],
            f.container or "", f.id, f.evidence[0].line if f.evidence else 0)


def _dedupe(findings: list) -> list:
    """A finer rule (its own id) and its class rule can both fire on one container: keep the finer one."""
    seen = set()
    out = []
    for f in sorted(findings, key=finding_key):
        key = (f.cls, f.container)
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out


def run_object(obj, lines: list, warnings: list) -> ObjectReport:
    ctx = Context(obj, lines)
    findings = []
    for rule in RULES:
        if obj.kind not in rule.meta.kinds:
            continue
        try:
            findings.extend(rule.check(ctx) or ())
        except Exception as exc:  # errors are data: one broken rule must not hide the others
            if STRICT:
                raise
            warnings.append(Warning_(obj.lines[0], f"internal error in rule {rule.meta.id}: {type(exc).__name__}: {exc}"))
    findings = _dedupe(findings)
    rep = ObjectReport(
        kind=obj.kind, name=str(obj.name) if obj.name else None,
        namespace=str(obj.namespace) if obj.namespace else None, lines=obj.lines, findings=findings,
        status=pod_status(obj) if isinstance(obj, Pod) else "", sections=list(obj.sections), missing=list(obj.missing),
    )
    if any(f.severity in (Severity.ERROR, Severity.WARNING) for f in findings):
        rep.verdict = Verdict.PROBLEM
        rep.summary = findings[0].cause
        return rep
    trouble = unexplained(ctx)
    if trouble is not None:
        summary, nxt, _ev = trouble
        rep.verdict = Verdict.UNKNOWN
        rep.summary = summary
        rep.next = list(nxt)
    else:
        rep.verdict = Verdict.HEALTHY
        rep.summary = looks_healthy(obj)
    return rep


def run(parsed: ParseResult, version: str) -> Report:
    warnings = list(parsed.warnings)
    objects = [run_object(o, parsed.lines, warnings) for o in parsed.objects]
    report = Report(version=version, format=parsed.format, lines=len(parsed.lines), objects=objects,
                    warnings=warnings, verdict=Verdict.HEALTHY)
    problems = [(f, o) for o in objects for f in o.findings if f.severity in (Severity.ERROR, Severity.WARNING)]
    if problems:
        f, o = min(problems, key=lambda fo: finding_key(fo[0]))
        report.verdict = Verdict.PROBLEM
        report.primary = {"object": o.ref, "id": f.id, "class": f.cls}
        report.message = f.cause
    elif any(o.verdict == Verdict.UNKNOWN for o in objects):
        o = next(o for o in objects if o.verdict == Verdict.UNKNOWN)
        report.verdict = Verdict.UNKNOWN
        report.message = o.summary
        report.next = list(o.next)
    else:
        report.message = objects[0].summary if len(objects) == 1 else f"{len(objects)} objects, no problem found."
    warnings.sort(key=lambda w: (w.line or 0, w.message))
    return report
