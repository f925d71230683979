"""Output that is neither a table nor a describe, but says what happened to named objects:

- the events a component logs through klog (`kubectl logs kube-scheduler-…`, `journalctl -u kubelet`,
  a controller's log): client-go's recorder prints every event it sends (tools/record/event.go),
    `… event.go:221] Event(v1.ObjectReference{Kind:"Pod", Namespace:"ns", Name:"web", …}): type: 'Warning' reason: 'FailedScheduling' <message>`
  and since 1.20 as a structured klog line,
    `… event.go:294] "Event occurred" object="ns/web" fieldPath="" kind="Pod" apiVersion="v1" type="Warning" reason="FailedScheduling" message="<message>"`;
- `kubectl rollout status` (kubectl polymorphichelpers/rollout_status.go): `Waiting for deployment "x" rollout to
  finish: …` while it waits, `error: deployment "x" exceeded its progress deadline` when the controller has set
  Progressing False ProgressDeadlineExceeded.
"""
from __future__ import annotations

import re

from ..model import Condition, Deployment, Event, Val
from .command import parse_command
from .events import normalise

# (Each is looked for only when the text holds its marker, so other pastes pay one substring search.)
_OLD_MARK = "ObjectReference{"
_NEW_MARK = '"Event occurred"'
_OLD = re.compile(
    r"Event\((?:&?[\w.]+\.)?ObjectReference\{(?P<ref>[^{}]*(?:\{[^{}]*\}[^{}]*)*)\}\): "
    r"type: '(?P<type>Normal|Warning)' reason: '(?P<reason>[^']*)' ?(?P<msg>.*)$")
_REF_FIELD = re.compile(r'(Kind|Namespace|Name|FieldPath):"((?:\\.|[^"\\])*)"')
_NEW = re.compile(r'"Event occurred" (?P<kv>.*)$')
_KV = re.compile(r'(\w+)=(?:"((?:\\.|[^"\\])*)"|(\S*))')
_FIELDPATH = re.compile(r"^spec\.(?:containers|initContainers|ephemeralContainers)\{([^}]*)\}$")
_UNQUOTE = re.compile(r'\\(["\\])')


def _unquote(s: str) -> str:
    """A Go %q string's body: `\\"` -> `"`, `\\\\` -> `\\` (the other escapes stay as printed)."""
    return _UNQUOTE.sub(r"\1", s) if "\\" in s else s


def _event(ln, kind: str, ns: str, name: str, etype: str, reason: str, msg: str, field_path: str):
    msg, container = normalise(msg.strip())
    m = _FIELDPATH.match(field_path or "")
    if m and not container:
        container = m.group(1)
    return Event(type=etype, reason=reason, message=msg, source="", age="", count=1, last_seen_s=None,
                 container=container, line=ln.no, end_line=ln.last or ln.no, raw=msg, object_kind=kind,
                 object_name=name, namespace=ns)


# kube-scheduler logs each scheduling failure with the message of the FailedScheduling event it records
# (schedule_one.go / factory.go), and each binding it makes (the Scheduled event says `Successfully assigned …`):
#   "Unable to schedule pod; no fit; waiting" pod="ns/web" err="0/3 nodes are available: …"     (1.20+)
#   Unable to schedule ns/web: no fit: 0/3 nodes are available: …; waiting                      (1.1x)
#   "Successfully bound pod to node" pod="ns/web" node="n1" evaluatedNodes=3 feasibleNodes=1
_SCHED_MARK = "Unable to schedule "
_SCHED_NEW = re.compile(r'"Unable to schedule pod; no fit; waiting" (?P<kv>.*)$')
_SCHED_OLD = re.compile(r"Unable to schedule (?P<ns>[^\s/]+)/(?P<name>\S+): no fit: (?P<msg>.+?); waiting\s*$")
_BOUND = re.compile(r'"Successfully bound pod to node" (?P<kv>.*)$')


def _scheduler_event(ln):
    t = ln.text
    m = _SCHED_NEW.search(t)
    if m:
        kv = {k: _unquote(q) if q or not bare else bare for k, q, bare in _KV.findall(m.group("kv"))}
        ns, _, name = kv.get("pod", "").rpartition("/")
        if name and kv.get("err"):
            return _event(ln, "Pod", ns, name, "Warning", "FailedScheduling", kv["err"], "")
        return None
    m = _SCHED_OLD.search(t)
    if m:
        return _event(ln, "Pod", m.group("ns"), m.group("name"), "Warning", "FailedScheduling", m.group("msg"), "")
    m = _BOUND.search(t)
    if m:
        kv = {k: _unquote(q) if q or not bare else bare for k, q, bare in _KV.findall(m.group("kv"))}
        ns, _, name = kv.get("pod", "").rpartition("/")
        if name and kv.get("node"):
            return _event(ln, "Pod", ns, name, "Normal", "Scheduled",
                          f"Successfully assigned {kv['pod']} to {kv['node']}", "")
    return None


def klog_events(text: str, lines: list) -> list:
    """The events a component's log lines record, each naming its object (kind, namespace, name)."""
    if "]" not in text:        # (every klog line has one, after its file:line; one character is found fastest)
        return []
    old = _OLD_MARK in text
    new = _NEW_MARK in text
    sched = _SCHED_MARK in text
    if not old and not new and not sched:
        return []
    out = []
    for ln in lines:
        t = ln.text
        if sched and ("Unable to schedule " in t or "Successfully bound pod" in t):
            e = _scheduler_event(ln)
            if e is not None:
                out.append(e)
            continue
        if old and _OLD_MARK in t:
            m = _OLD.search(t)
            if m:
                ref = {k: _unquote(v) for k, v in _REF_FIELD.findall(m.group("ref"))}
                if ref.get("Kind") and ref.get("Name"):
                    out.append(_event(ln, ref["Kind"], ref.get("Namespace", ""), ref["Name"], m.group("type"),
                                      m.group("reason"), m.group("msg"), ref.get("FieldPath", "")))
                continue
        if new and _NEW_MARK in t:
            m = _NEW.search(t)
            if not m:
                continue
            kv = {k: _unquote(q) if q or not bare else bare for k, q, bare in _KV.findall(m.group("kv"))}
            obj, kind = kv.get("object", ""), kv.get("kind", "")
            if not obj or not kind or kv.get("type") not in ("Normal", "Warning") or not kv.get("reason"):
                continue          # (a recorder that does not say the object's kind: which object is unsure)
            ns, _, name = obj.rpartition("/")
            out.append(_event(ln, kind, ns, name, kv["type"], kv["reason"], kv.get("message", ""),
                              kv.get("fieldPath", "")))
    return out


# (A rollout that only ever printed `successfully rolled out` is not read: nothing to diagnose.)
_ROLLOUT_MARKS = ("exceeded its progress deadline", "rollout to finish")
# (Argo CD and CI tasks print the same words, capitalised: `Deployment "x" exceeded its progress deadline`.)
_EXCEEDED = re.compile(r'^(?:error: )?[Dd]eployment "(?P<name>[^"]+)" exceeded its progress deadline\s*$')
# What it prints while it waits (rollout_status.go):
#   Waiting for deployment "x" rollout to finish: 1 out of 3 new replicas have been updated...
#   Waiting for deployment "x" rollout to finish: 1 old replicas are pending termination...
#   Waiting for deployment "x" rollout to finish: 1 of 3 updated replicas are available...
# kubectl before 1.6 did not name the Deployment (`Waiting for rollout to finish: …`): the command line does. Looked
# for anywhere on the line: CI tools and issue titles put their own words before it (`Error: \`Waiting for …`).
_WAITING = re.compile(r'(?:^|[\s`\'"(:])Waiting for (?:deployment "(?P<name>[^"]+)" )?rollout to finish: '
                      r'(?P<what>\d+ (?:out of \d+ new replicas have been updated|old replicas are pending termination'
                      r'|of \d+ updated replicas are available))')
_DONE = re.compile(r'^deployment "(?P<name>[^"]+)" successfully rolled out\s*$')
# The Deployment a `kubectl rollout status` line names: `deployment/web`, `deploy web`, `deployments.apps/web`.
_TARGET = re.compile(r"\brollout\s+status\s+(?:-\S+\s+)*(?:deployments?|deploy)(?:\.apps|\.extensions)?(?:/|\s+)"
                     r"([a-z0-9][-a-z0-9.]*)", re.I)
# `kubectl rollout status --timeout` (and 1.5's watch) giving up; a CI step's deadline says the same words.
_TIMED_OUT = re.compile(r"^(?:error: )?(?:timed out waiting for the condition|context deadline exceeded)\s*$")


def rollout_status(text: str, lines: list) -> tuple:
    """Deployments `kubectl rollout status` reports on: one that exceeded its progress deadline carries the
    condition the controller set (Progressing False ProgressDeadlineExceeded); one it only waits for is a
    Deployment whose state the paste does not show, with what kubectl last said of it (`Rollout Status`) and, when
    kubectl gave up waiting, its error (`Rollout Timeout`). -> (Deployments, the numbers of the lines read)."""
    if not any(m in text for m in _ROLLOUT_MARKS):
        return [], set()
    found: dict = {}        # name -> [first line, last line, exceeded line, done line, namespace, waiting, timed out]
    ns = ""
    target = ""                        # the Deployment the command line names (`deployment/web`, `deploy web`)
    waited = None                      # the record of the Deployment kubectl waited for last
    used = set()
    for ln in lines:
        t = ln.text.strip()
        if "rollout" in t and (ln.cmd or "kubectl" in t) and "rollout to finish" not in t:
            # A prompt line, or a CI log's echo of the command (`[command]/usr/local/bin/kubectl rollout status …`).
            cmd = parse_command(ln.cmd or t[t.find("kubectl"):])
            if cmd is not None and cmd.verb == "rollout":
                ns = cmd.namespace
                m = _TARGET.search(cmd.text)
                target = m.group(1) if m else ""
            waited = None
            continue
        if waited is not None and _TIMED_OUT.match(t):
            used.add(ln.no)
            waited[1] = ln.last or ln.no
            waited[6] = ln
            waited = None
            continue
        if "rollout to finish" in t:
            m = _WAITING.search(t)
            if m is None:
                continue
            name = m.group("name") or target
            if not name:
                continue                 # 1.5's words with no command line: which Deployment is unknown
            used.add(ln.no)
            rec = found.setdefault(name, [ln.no, ln.no, None, None, ns, None, None])
            rec[1] = ln.last or ln.no
            rec[5] = Val(m.group("what"), ln.no)
            waited = rec
            continue
        if not t.startswith(("error: ", "deployment", "Deployment")):
            continue
        m = _EXCEEDED.match(t) or _DONE.match(t)
        if not m:
            continue
        used.add(ln.no)
        rec = found.setdefault(m.group("name"), [ln.no, ln.no, None, None, ns, None, None])
        rec[1] = ln.last or ln.no
        if m.re is _EXCEEDED:
            rec[2] = ln
        else:
            rec[3] = ln
        waited = None
    out = []
    for name, (first, last, exceeded, done, ns, waiting, timed_out) in found.items():
        conds = ()
        missing = ["Conditions: not in the paste \u2014 `kubectl rollout status` shows only how many replicas are "
                   "updated and available",
                   "Events: not in the paste"]
        fields = {}
        if exceeded is not None:
            conds = (Condition(type="Progressing", status="False", reason="ProgressDeadlineExceeded",
                               message=exceeded.text.strip(), line=exceeded.no),)
            missing = missing[1:]
        elif done is None and waiting is not None:
            # Only waiting: a rollout in progress or a stuck one, the paste cannot tell (the triage says so).
            fields["Rollout Status"] = waiting
            if timed_out is not None:
                fields["Rollout Timeout"] = Val(timed_out.text.strip(), timed_out.no)
        out.append(Deployment(kind="Deployment", name=Val(name, first), namespace=Val(ns, first) if ns else None,
                              lines=(first, last), fields=fields, conditions=conds,
                              sections=("Conditions",) if conds else (), missing=tuple(missing),
                              source="rollout-status"))
    return out, (used if out else set())
