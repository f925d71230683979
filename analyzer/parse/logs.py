"""Output that is neither a table nor a describe, but says what happened to named objects:

- the events a component logs through klog (`kubectl logs kube-scheduler-…`, `journalctl -u kubelet`,
  a controller's log): client-go's recorder prints every event it sends (tools/record/event.go),
    `… event.go:221] Event(v1.ObjectReference{Kind:"Pod", Namespace:"ns", Name:"web", …}): type: 'Warning' reason: 'FailedScheduling' <message>`
  and since 1.20 as a structured klog line,
    `… event.go:294] "Event occurred" object="ns/web" fieldPath="" kind="Pod" apiVersion="v1" type="Warning" reason="FailedScheduling" message="<message>"`;
- `kubectl rollout status` (kubectl polymorphichelpers/rollout_status.go): `Waiting for deployment "x" rollout to
  finish: …` while it waits, `error: deployment "x" exceeded its progress deadline` when the controller has set
  Progressing False ProgressDeadlineExceeded; a DaemonSet's `Waiting for daemon set "x" rollout to finish: …` and a
  StatefulSet's `Waiting for 2 pods to be ready...` (which names no StatefulSet: the command line does).
"""
from __future__ import annotations

import re

from ..model import Condition, DaemonSet, Deployment, Event, StatefulSet, Val
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
_ROLLOUT_MARKS = ("exceeded its progress deadline", "rollout to finish", "pods to be ready", "partitioned roll out",
                  "rolling update to complete")
# (Argo CD and CI tasks print the same words, capitalised: `Deployment "x" exceeded its progress deadline`.)
_EXCEEDED = re.compile(r'^(?:error: )?[Dd]eployment "(?P<name>[^"]+)" exceeded its progress deadline\s*$')
# What it prints while it waits (rollout_status.go):
#   Waiting for deployment "x" rollout to finish: 1 out of 3 new replicas have been updated...
#   Waiting for deployment "x" rollout to finish: 1 old replicas are pending termination...
#   Waiting for deployment "x" rollout to finish: 1 of 3 updated replicas are available...
#   Waiting for daemon set "x" rollout to finish: 1 out of 3 new pods have been updated...
#   Waiting for daemon set "x" rollout to finish: 2 of 3 updated pods are available...
# kubectl before 1.6 (Deployments) and before 1.10 (DaemonSets: `… new pod have been updated`) did not name the object
# (`Waiting for rollout to finish: …`): only the command line does. Looked for anywhere on the line: CI tools and issue
# titles put their own words before it (`Error: \`Waiting for …`).
_WAITING = re.compile(r'(?:^|[\s`\'"(:])Waiting for (?:(?P<kind>deployment|daemon set) "(?P<name>[^"]+)" )?rollout to finish: '
                      r'(?P<what>\d+ (?:out of \d+ new (?:replicas|pods?) have been updated|old replicas are pending '
                      r'termination|of \d+ updated (?:replicas|pods) are available))')
# A StatefulSet's (never named: only with a command line that names it):
#   Waiting for 2 pods to be ready...
#   Waiting for partitioned roll out to finish: 0 out of 3 new pods have been updated...
#   waiting for statefulset rolling update to complete 1 pods at revision web-6c5b7c8d9f...
_STS_WAITING = re.compile(r'(?:^|[\s`\'"(:])[Ww]aiting for (?P<what>\d+ pods to be ready|partitioned roll out to finish: '
                          r'\d+ out of \d+ new pods have been updated|statefulset rolling update to complete \d+ pods at '
                          r'revision \S+?)\.\.\.')
_DONE = re.compile(r'^(?P<kind>deployment|daemon set) "(?P<name>[^"]+)" successfully rolled out\s*$')
_STS_DONE = re.compile(r"^(?:partitioned roll out complete: \d+ new pods|statefulset rolling update complete \d+ pods)")
# The object a `kubectl rollout status` line names: `deployment/web`, `deploy web`, `ds/agent`, `statefulsets.apps/db`,
# after any flags (`-n data --timeout 5m sts/db`); the `kind/name` form first, anywhere after `rollout status`.
_KIND_WORDS = r"(deployments?|deploy|daemonsets?|ds|statefulsets?|sts)(?:\.apps|\.extensions)?"
_TARGET = re.compile(r"\brollout\s+status\s+(?:\S+\s+)*?" + _KIND_WORDS + r"/([a-z0-9][-a-z0-9.]*)", re.I)
_TARGET_WORDS = re.compile(r"\brollout\s+status\s+(?:\S+\s+)*?" + _KIND_WORDS + r"\s+([a-z0-9][-a-z0-9.]*)", re.I)
_KINDS = {"deploy": "Deployment", "deployment": "Deployment", "deployments": "Deployment", "daemon set": "DaemonSet",
          "ds": "DaemonSet", "daemonset": "DaemonSet", "daemonsets": "DaemonSet", "sts": "StatefulSet",
          "statefulset": "StatefulSet", "statefulsets": "StatefulSet"}
_CLASSES = {"Deployment": Deployment, "DaemonSet": DaemonSet, "StatefulSet": StatefulSet}
# `kubectl rollout status --timeout` (and 1.5's watch) giving up; a CI step's deadline says the same words.
_TIMED_OUT = re.compile(r"^(?:error: )?(?:timed out waiting for the condition|context deadline exceeded)\s*$")


def rollout_status(text: str, lines: list) -> tuple:
    """Deployments, DaemonSets and StatefulSets `kubectl rollout status` reports on: a Deployment that exceeded its
    progress deadline carries the condition the controller set (Progressing False ProgressDeadlineExceeded); one it
    only waits for is an object whose state the paste does not show, with what kubectl last said of it (`Rollout
    Status`) and, when kubectl gave up waiting, its error (`Rollout Timeout`). -> (objects, the numbers of the lines
    read)."""
    if not any(m in text for m in _ROLLOUT_MARKS):
        return [], set()
    # (kind, name) -> [first line, last line, exceeded line, done line, namespace, waiting, timed out]
    found: dict = {}
    ns = ""
    target = None                      # (kind, name) the command line names (`deployment/web`, `sts db`)
    waited = None                      # the record of the object kubectl waited for last
    used = set()

    def record(key, ln):
        rec = found.setdefault(key, [ln.no, ln.no, None, None, ns, None, None])
        rec[1] = ln.last or ln.no
        used.add(ln.no)
        return rec

    for ln in lines:
        t = ln.text.strip()
        if "rollout" in t and (ln.cmd or "kubectl" in t) and "rollout to finish" not in t:
            # A prompt line, or a CI log's echo of the command (`[command]/usr/local/bin/kubectl rollout status …`).
            cmd = parse_command(ln.cmd or t[t.find("kubectl"):])
            if cmd is not None and cmd.verb == "rollout":
                ns = cmd.namespace
                m = _TARGET.search(cmd.text) or _TARGET_WORDS.search(cmd.text)
                target = (_KINDS[m.group(1).lower()], m.group(2)) if m else None
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
            if m.group("name"):
                key = (_KINDS[m.group("kind")], m.group("name"))
            elif target is not None:
                key = target
            else:
                continue                 # old words with no command line: which object is unknown
            waited = record(key, ln)
            waited[5] = Val(m.group("what"), ln.no)
            continue
        if "pods to be ready" in t or "roll out to finish" in t or "rolling update to complete" in t:
            m = _STS_WAITING.search(t)
            if m is None or (target is not None and target[0] != "StatefulSet"):
                continue
            # (The lines name no StatefulSet: only a command line does; without one, a StatefulSet with no name.)
            waited = record(target or ("StatefulSet", ""), ln)
            waited[5] = Val(m.group("what"), ln.no)
            continue
        if target is not None and target[0] == "StatefulSet" and _STS_DONE.match(t):
            record(target, ln)[3] = ln
            waited = None
            continue
        if not t.startswith(("error: ", "deployment", "Deployment", "daemon set")):
            continue
        m = _EXCEEDED.match(t)
        if m:
            record(("Deployment", m.group("name")), ln)[2] = ln
        else:
            m = _DONE.match(t)
            if not m:
                continue
            record((_KINDS[m.group("kind")], m.group("name")), ln)[3] = ln
        waited = None
    out = []
    for (kind, name), (first, last, exceeded, done, ns, waiting, timed_out) in found.items():
        conds = ()
        counts = "how many replicas are updated and available" if kind == "Deployment" else "how many pods are updated and ready"
        missing = [f"Conditions: not in the paste \u2014 `kubectl rollout status` shows only {counts}",
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
        out.append(_CLASSES[kind](kind=kind, name=Val(name, first) if name else None,
                                  namespace=Val(ns, first) if ns else None,
                                  lines=(first, last), fields=fields, conditions=conds,
                                  sections=("Conditions",) if conds else (), missing=tuple(missing),
                                  source="rollout-status"))
    return out, (used if out else set())
