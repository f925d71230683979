"""`kubectl get -o json` / `-o yaml` -> the same typed objects as describe, with line numbers.

These formats carry what describe never prints (`state.waiting.message`, condition reasons
and messages, Job conditions), so they are mapped into the describe model: a rule reads a
`Container.state.message` whichever way it was pasted. JSON is read by a small position-
tracking reader over the stdlib's string scanner (so every value knows its pasted line);
YAML by kyaml's line reader for what kubectl prints, else PyYAML's pure-Python composer,
whose node marks give the lines.
"""
from __future__ import annotations

import json
import re
from datetime import datetime
from json.decoder import scanstring
from typing import Optional

from ..model import (AllocatedResource, Condition, Container, ContainerState, CronJob, DaemonSet, Deployment,
                     EnvVar, Event, Job, KubeObject, Node, PersistentVolumeClaim, Pod, PodTemplate, Probe,
                     ReplicaSet, Service, ServicePort, StatefulSet, Val, Volume)
from .pod import owner_of


class LDict(dict):
    """A mapping read from the paste, with its first and last pasted line."""

    line: int = 0
    end: int = 0


class LList(list):
    line: int = 0
    end: int = 0


# ---- JSON ---------------------------------------------------------------------------------
_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")


class JSONError(ValueError):
    def __init__(self, msg: str, pos: int):
        super().__init__(msg)
        self.pos = pos


class _Reader:
    """Recursive descent over a JSON text; scalars become `Val` carrying their line."""

    def __init__(self, text: str, first_line: int):
        self.s = text
        self.pos_seen = 0
        self.line_seen = first_line

    def line(self, pos: int) -> int:
        # Positions only grow while reading, so counting newlines since the last call is linear.
        if pos >= self.pos_seen:
            self.line_seen += self.s.count("\n", self.pos_seen, pos)
        else:
            self.line_seen -= self.s.count("\n", pos, self.pos_seen)
        self.pos_seen = pos
        return self.line_seen

    def ws(self, i: int) -> int:
        return _WS.match(self.s, i).end()

    def value(self, i: int):
        s = self.s
        i = self.ws(i)
        if i >= len(s):
            raise JSONError("unexpected end of JSON", i)
        ch = s[i]
        if ch == "{":
            d = LDict()
            d.line = self.line(i)
            i = self.ws(i + 1)
            if s.startswith("}", i):
                d.end = self.line(i)
                return d, i + 1
            while True:
                if not s.startswith('"', i):
                    raise JSONError("expected a key", i)
                key, i = scanstring(s, i + 1)
                i = self.ws(i)
                if not s.startswith(":", i):
                    raise JSONError("expected ':'", i)
                v, i = self.value(i + 1)
                d[key] = v
                i = self.ws(i)
                if s.startswith(",", i):
                    i = self.ws(i + 1)
                    continue
                if s.startswith("}", i):
                    d.end = self.line(i)
                    return d, i + 1
                raise JSONError("expected ',' or '}'", i)
        if ch == "[":
            arr = LList()
            arr.line = self.line(i)
            i = self.ws(i + 1)
            if s.startswith("]", i):
                arr.end = self.line(i)
                return arr, i + 1
            while True:
                v, i = self.value(i)
                arr.append(v)
                i = self.ws(i)
                if s.startswith(",", i):
                    i += 1
                    continue
                if s.startswith("]", i):
                    arr.end = self.line(i)
                    return arr, i + 1
                raise JSONError("expected ',' or ']'", i)
        if ch == '"':
            line = self.line(i)
            text, i = scanstring(s, i + 1)
            return Val(text, line), i
        for word, out in (("true", "true"), ("false", "false"), ("null", None)):
            if s.startswith(word, i):
                return (Val(out, self.line(i)) if out is not None else None), i + len(word)
        m = _NUMBER.match(s, i)
        if m:
            return Val(m.group(0), self.line(i)), m.end()
        raise JSONError("unexpected character", i)


def read_json(text: str, first_line: int):
    """-> (data, end offset). Raises JSONError with the offset of the problem."""
    try:
        return _Reader(text, first_line).value(0)
    except RecursionError:
        raise JSONError("JSON nested too deeply", 0) from None
    except json.JSONDecodeError as exc:
        raise JSONError(exc.msg, exc.pos) from None


# ---- YAML ---------------------------------------------------------------------------------
def read_yaml(text: str, first_line: int) -> list:
    """-> one value per YAML document. Raises yaml.YAMLError (with a problem_mark).

    The block YAML kubectl prints is read by kyaml's line reader (the same tree, ~20x faster);
    anything it does not fully understand, and every malformed document, by PyYAML."""
    from .kyaml import read as read_kubectl_yaml

    docs = read_kubectl_yaml(text, first_line)
    if docs is not None:
        return docs
    import yaml

    docs = []
    for node in yaml.compose_all(text, Loader=yaml.SafeLoader):
        if node is not None:
            docs.append(_from_node(node, first_line))
    return docs


def _end_line(node, first_line: int) -> int:
    m = node.end_mark
    return first_line + (m.line - 1 if m.column == 0 and m.line > node.start_mark.line else m.line)


def _from_node(node, first_line: int):
    import yaml

    if isinstance(node, yaml.MappingNode):
        d = LDict()
        d.line = first_line + node.start_mark.line
        d.end = _end_line(node, first_line)
        for k, v in node.value:
            child = _from_node(v, first_line)
            if isinstance(child, (LDict, LList)):
                child.line = first_line + k.start_mark.line     # a nested block starts at its key
            d[str(k.value)] = child
        return d
    if isinstance(node, yaml.SequenceNode):
        arr = LList(_from_node(v, first_line) for v in node.value)
        arr.line = first_line + node.start_mark.line
        arr.end = _end_line(node, first_line)
        return arr
    tag = node.tag or ""
    if tag.endswith(":null"):
        return None
    value = node.value
    if tag.endswith(":bool"):
        value = "true" if value.lower() in ("true", "yes", "on", "y") else "false"
    return Val(value, first_line + node.start_mark.line)


# ---- mapping into the model ---------------------------------------------------------------
def _g(d, *path):
    for p in path:
        if isinstance(d, dict):
            d = d.get(p)
        elif isinstance(d, list) and isinstance(p, int) and -len(d) <= p < len(d):
            d = d[p]
        else:
            return None
    return d


def _line(x, default: int = 0) -> int:
    return getattr(x, "line", default) or default


def _span(x) -> tuple:
    return (_line(x), getattr(x, "end", 0) or _line(x))


def _v(x, line: int = 0) -> Optional[Val]:
    """A scalar -> Val (lists of scalars joined by ", "), None for missing/null."""
    if x is None:
        return None
    if isinstance(x, Val):
        return x
    if isinstance(x, list):
        parts = [str(p) for p in x if p is not None and not isinstance(p, (dict, list))]
        return Val(", ".join(parts), _line(x, line))
    if isinstance(x, dict):
        return None
    return Val(str(x), line)


def _cap(x) -> Optional[Val]:
    """`true` -> `True`, as describe prints booleans."""
    v = _v(x)
    return Val(v.capitalize(), v.line) if v is not None and v in ("true", "false") else v


def _labels(md) -> dict:
    return {str(k): str(v) for k, v in (_g(md, "labels") or {}).items()}


def _annotations(md) -> dict:
    return {str(k): _v(v) for k, v in (_g(md, "annotations") or {}).items() if _v(v) is not None}


def _conditions(items) -> tuple:
    out = []
    for c in items or ():
        if not isinstance(c, dict):
            continue
        out.append(Condition(str(c.get("type", "")), str(c.get("status", "")), str(c.get("reason") or ""),
                             str(c.get("message") or "").strip(), _line(c.get("type"), _line(c)),
                             str(c.get("lastTransitionTime") or "")))
    return tuple(out)


def _owner(md, labels: dict):
    refs = _g(md, "ownerReferences") or []
    ref = next((r for r in refs if isinstance(r, dict) and str(r.get("controller", "")) == "true"), None)
    ref = ref or (refs[0] if refs and isinstance(refs[0], dict) else None)
    if ref is None or not ref.get("kind") or not ref.get("name"):
        return None
    return owner_of(Val(f"{ref['kind']}/{ref['name']}", _line(ref.get("kind"), _line(ref))), labels)


def _state(st) -> Optional[ContainerState]:
    """`state: {waiting: {reason, message}}` -> ContainerState (the waiting message included)."""
    if not isinstance(st, dict) or not st:
        return None
    for key, name in (("waiting", "Waiting"), ("running", "Running"), ("terminated", "Terminated")):
        s = st.get(key)
        if s is None:
            continue
        line = _line(s, _line(st))
        s = s if isinstance(s, dict) else {}
        return ContainerState(
            state=Val(name, line), reason=_v(s.get("reason")), message=_v(s.get("message")),
            exit_code=_v(s.get("exitCode")), signal=_v(s.get("signal")),
            started=_v(s.get("startedAt")), finished=_v(s.get("finishedAt")), lines=_span(s) if s else (line, line),
        )
    return None


def _probe(kind: str, p) -> Optional[Probe]:
    if not isinstance(p, dict):
        return None
    if isinstance(p.get("httpGet"), dict):
        h = p["httpGet"]
        action = "http-get"
        target = f"{str(h.get('scheme') or 'HTTP').lower()}://{h.get('host') or ''}:{h.get('port', '')}{h.get('path') or ''}"
    elif isinstance(p.get("tcpSocket"), dict):
        action, target = "tcp-socket", f"{p['tcpSocket'].get('host') or ''}:{p['tcpSocket'].get('port', '')}"
    elif isinstance(p.get("exec"), dict):
        action, target = "exec", "[" + " ".join(str(a) for a in (p["exec"].get("command") or [])) + "]"
    elif isinstance(p.get("grpc"), dict):
        action, target = "grpc", f"<pod>:{p['grpc'].get('port', '')} {p['grpc'].get('service') or ''}".rstrip()
    else:
        action, target = "unknown", ""

    def n(key, default):
        x = p.get(key)
        return int(x) if x is not None and str(x).lstrip("-").isdigit() else default

    delay, timeout, period = n("initialDelaySeconds", 0), n("timeoutSeconds", 1), n("periodSeconds", 10)
    success, failure = n("successThreshold", 1), n("failureThreshold", 3)
    text = (f"{action} {target} delay={delay}s timeout={timeout}s period={period}s "
            f"#success={success} #failure={failure}").replace("  ", " ")
    return Probe(kind, action, target, delay, timeout, period, success, failure, _line(p), text)


def _env(c) -> tuple:
    out = []
    for e in c.get("env") or ():
        if not isinstance(e, dict) or e.get("name") is None:
            continue
        vf = e.get("valueFrom") if isinstance(e.get("valueFrom"), dict) else None
        if vf is None:
            value = str(e.get("value") or "")
        elif isinstance(vf.get("secretKeyRef"), dict):
            r = vf["secretKeyRef"]
            value = (f"<set to the key '{r.get('key')}' in secret '{r.get('name')}'>  "
                     f"Optional: {str(r.get('optional') or 'false').lower()}")
        elif isinstance(vf.get("configMapKeyRef"), dict):
            r = vf["configMapKeyRef"]
            value = (f"<set to the key '{r.get('key')}' of config map '{r.get('name')}'>  "
                     f"Optional: {str(r.get('optional') or 'false').lower()}")
        elif isinstance(vf.get("fieldRef"), dict):
            value = f" ({vf['fieldRef'].get('apiVersion') or 'v1'}:{vf['fieldRef'].get('fieldPath')})"
        elif isinstance(vf.get("resourceFieldRef"), dict):
            value = f" ({vf['resourceFieldRef'].get('resource')})"
        else:
            value = ""
        out.append(EnvVar(str(e["name"]), value, _line(e.get("name"), _line(e))))
    return tuple(out)


def _env_from(c) -> tuple:
    out = []
    for e in c.get("envFrom") or ():
        if not isinstance(e, dict):
            continue
        for key, word in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            r = e.get(key)
            if isinstance(r, dict):
                prefix = f" with prefix '{e['prefix']}'" if e.get("prefix") else ""
                out.append(Val(f"{r.get('name')}  {word}{prefix}  Optional: {str(r.get('optional') or 'false').lower()}",
                               _line(r.get("name"), _line(r))))
    return tuple(out)


def _container(c, status, init: bool) -> Container:
    status = status if isinstance(status, dict) else {}
    res = c.get("resources") if isinstance(c.get("resources"), dict) else {}
    ports = [f"{p.get('containerPort')}/{p.get('protocol') or 'TCP'}" + (f" ({p['name']})" if p.get("name") else "")
             for p in c.get("ports") or () if isinstance(p, dict)]
    mounts = tuple(Val(f"{m.get('mountPath')} from {m.get('name')} ({'ro' if str(m.get('readOnly')) == 'true' else 'rw'})"
                       + (f", path = \"{m['subPath']}\"" if m.get("subPath") else ""), _line(m.get("mountPath"), _line(m)))
                   for m in c.get("volumeMounts") or () if isinstance(m, dict))
    probes = {k: p for k, p in (("liveness", _probe("liveness", c.get("livenessProbe"))),
                                ("readiness", _probe("readiness", c.get("readinessProbe"))),
                                ("startup", _probe("startup", c.get("startupProbe")))) if p}
    name = c.get("name") if c.get("name") is not None else status.get("name")
    first, last = _span(c)
    if status:
        last = max(last, _span(status)[1])
    return Container(
        name=_v(name) or Val("", _line(c)), init=init, image=_v(c.get("image")) or _v(status.get("image")),
        image_id=_v(status.get("imageID")), state=_state(status.get("state")),
        last_state=_state(status.get("lastState")), ready=_cap(status.get("ready")),
        restart_count=_v(status.get("restartCount")),
        limits={str(k): _v(v) for k, v in (res.get("limits") or {}).items()},
        requests={str(k): _v(v) for k, v in (res.get("requests") or {}).items()},
        probes=probes, command=tuple(_v(a) for a in c.get("command") or () if a is not None),
        args=tuple(_v(a) for a in c.get("args") or () if a is not None), env=_env(c), env_from=_env_from(c),
        mounts=mounts, ports=Val(", ".join(ports), _line(_g(c, "ports", 0, "containerPort"), _line(c.get("ports"))))
        if ports else None, lines=(first, last),
    )


def _containers(spec, statuses, init: bool) -> tuple:
    by_name = {str(s.get("name")): s for s in statuses or () if isinstance(s, dict)}
    out = []
    for c in (spec or ()):
        if isinstance(c, dict):
            out.append(_container(c, by_name.pop(str(c.get("name")), None), init))
    for s in by_name.values():       # a status without its spec (a partial paste of status only)
        out.append(_container(LDict(), s, init))
    return tuple(out)


_VOLUME_TYPES = {
    "configMap": "ConfigMap", "secret": "Secret", "persistentVolumeClaim": "PersistentVolumeClaim",
    "emptyDir": "EmptyDir", "hostPath": "HostPath", "projected": "Projected", "downwardAPI": "DownwardAPI",
    "nfs": "NFS", "csi": "CSI", "ephemeral": "EphemeralVolume", "image": "Image",
}
_VOLUME_FIELDS = {"configMap": {"name": "Name"}, "secret": {"secretName": "SecretName"},
                  "persistentVolumeClaim": {"claimName": "ClaimName"}, "hostPath": {"path": "Path", "type": "HostPathType"}}


def _volumes(items) -> tuple:
    out = []
    for v in items or ():
        if not isinstance(v, dict):
            continue
        key = next((k for k in v if k != "name"), "")
        vtype = _VOLUME_TYPES.get(key, key[:1].upper() + key[1:])
        body = v.get(key) if isinstance(v.get(key), dict) else {}
        fields = {label: _v(body.get(src)) for src, label in _VOLUME_FIELDS.get(key, {}).items()
                  if _v(body.get(src)) is not None}
        if "optional" in body:
            fields["Optional"] = _v(body.get("optional"))
        out.append(Volume(str(v.get("name", "")), vtype, fields, _line(v.get("name"), _line(v))))
    return tuple(out)


def _tolerations(items) -> tuple:
    out = []
    for t in items or ():
        if not isinstance(t, dict):
            continue
        text = str(t.get("key") or "")
        if t.get("value"):
            text += f"={t['value']}"
        if t.get("effect"):
            text += f":{t['effect']}"
        if str(t.get("operator") or "") == "Exists":
            text += " op=Exists"
        if t.get("tolerationSeconds") is not None:
            text += f" for {t['tolerationSeconds']}s"
        out.append(Val(text.strip(), _line(t.get("key"), _line(t))))
    return tuple(out)


def _base(d, kind: str, source: str) -> dict:
    md = d.get("metadata") if isinstance(d.get("metadata"), dict) else LDict()
    sections = tuple(s for s, k in (("Metadata", "metadata"), ("Spec", "spec"), ("Status", "status")) if k in d)
    return dict(kind=kind, name=_v(md.get("name")), namespace=_v(md.get("namespace")), lines=_span(d),
                fields={str(k): _v(v) for k, v in d.items() if _v(v) is not None}, source=source,
                labels=_labels(md), annotations=_annotations(md), events_shown=None, sections=sections)


_MISSING_EVENTS = "Events: not in the paste \u2014 `-o yaml`/`-o json` of an object never includes its events"


def _pod(d, source: str) -> Pod:
    base = _base(d, "Pod", source)
    md = d.get("metadata") if isinstance(d.get("metadata"), dict) else LDict()
    spec = d.get("spec") if isinstance(d.get("spec"), dict) else LDict()
    st = d.get("status") if isinstance(d.get("status"), dict) else LDict()
    phase = _v(st.get("phase"))
    status, terminating = phase, None
    if md.get("deletionTimestamp") is not None:
        ts = _v(md.get("deletionTimestamp"))
        terminating = Val(f"Terminating (since {ts})", ts.line)
        status = Val("Terminating", ts.line)
    node = None
    host = st.get("hostIP")
    if spec.get("nodeName") is not None:
        node = Val(f"{spec['nodeName']}/{host}" if host else f"{spec['nodeName']}/", _line(spec.get("nodeName")))
    elif "spec" in d and phase is not None:
        node = Val("<none>", phase.line)
    elif host is not None:
        node = Val(f"<node>/{host}", _line(host))     # a `status:` pasted alone: bound, node name not shown
    conds = _conditions(st.get("conditions"))
    missing = [_MISSING_EVENTS]
    if "status" not in d:
        missing.insert(0, "Status: not in the paste (no container states)")
    inits = _containers(spec.get("initContainers"), st.get("initContainerStatuses"), True)
    containers = _containers(spec.get("containers"), st.get("containerStatuses"), False)
    pulls = tuple(e for e in (_pull_event(c) for c in inits + containers) if e is not None)
    if pulls:
        base = dict(base, events=tuple(base.get("events") or ()) + pulls)
    return Pod(
        **base, conditions=conds, missing=tuple(missing), status=status, terminating=terminating,
        reason=_v(st.get("reason")), message=_v(st.get("message")), node=node, owner=_owner(md, base["labels"]),
        init_containers=inits,
        containers=containers,
        volumes=_volumes(spec.get("volumes")), qos=_v(st.get("qosClass")),
        node_selectors=tuple(Val(f"{k}={v}", _line(v)) for k, v in (spec.get("nodeSelector") or {}).items()),
        tolerations=_tolerations(spec.get("tolerations")),
        pod_conditions={str(c.get("type")): _v(c.get("status")) for c in st.get("conditions") or ()
                        if isinstance(c, dict) and c.get("type") is not None and c.get("status") is not None},
        ip=_v(st.get("podIP")),
        start_time=_v(st.get("startTime")), priority=_v(spec.get("priority")),
        priority_class=_v(spec.get("priorityClassName")),
        service_account=_v(spec.get("serviceAccountName") or spec.get("serviceAccount")),
        nominated_node=_v(st.get("nominatedNodeName")),
    )


_BACKOFF_PULL = re.compile(r'^Back-off pulling image "([^"]*)": ErrImagePull: (.+)$', re.S)


def _pull_event(c) -> Optional[Event]:
    """A container waiting in ErrImagePull carries the runtime's pull error as its message: the same
    text as the kubelet's `Failed to pull image "<image>": <error>` event, which `-o json`/`-o yaml`
    never includes. (ImagePullBackOff's message names it too since kubectl 1.30:
    `Back-off pulling image "x": ErrImagePull: <error>`.) -> that event, or None."""
    st = c.state
    if st is None or st.reason is None or st.message is None or not str(st.message).strip():
        return None
    msg, reason = str(st.message).strip(), str(st.reason)
    image = str(c.image) if c.image is not None else ""
    if reason == "ImagePullBackOff":
        m = _BACKOFF_PULL.match(msg)
        if not m:
            return None
        image, msg = m.group(1), m.group(2).strip()
    elif reason != "ErrImagePull":
        return None
    text = msg if msg.startswith("Failed to pull image") else f'Failed to pull image "{image}": {msg}'
    first, last = st.lines if st.lines else (st.message.line, st.message.line)
    return Event(type="Warning", reason="Failed", message=text, source="kubelet", age="", count=1,
                 last_seen_s=None, container=str(c.name), line=first, end_line=last, raw=text)


def _template(t) -> Optional[PodTemplate]:
    if not isinstance(t, dict):
        return None
    spec = t.get("spec") if isinstance(t.get("spec"), dict) else LDict()
    md = t.get("metadata") if isinstance(t.get("metadata"), dict) else LDict()
    return PodTemplate(
        labels=_labels(md), annotations=_annotations(md),
        service_account=_v(spec.get("serviceAccountName") or spec.get("serviceAccount")),
        init_containers=_containers(spec.get("initContainers"), None, True),
        containers=_containers(spec.get("containers"), None, False), volumes=_volumes(spec.get("volumes")),
        node_selectors=tuple(Val(f"{k}={v}", _line(v)) for k, v in (spec.get("nodeSelector") or {}).items()),
        tolerations=_tolerations(spec.get("tolerations")), priority_class=_v(spec.get("priorityClassName")),
        lines=_span(t),
    )


def _counts(st, spec, pairs) -> tuple:
    """-> (Val of the counts as describe prints them, {word: n})."""
    out = {}
    parts = []
    line = 0
    for word, where, key in pairs:
        src = spec if where == "spec" else st
        x = src.get(key) if isinstance(src, dict) else None
        n = int(x) if x is not None and str(x).isdigit() else (0 if where == "status" else None)
        if n is None:
            continue
        out[word] = n
        parts.append(f"{n} {word}")
        line = line or _line(x)
    text = " | ".join(parts)
    return (Val(text, line or _line(st) or _line(spec)) if parts else None), out


def _workload(d, kind: str, source: str):
    base = _base(d, kind, source)
    md = d.get("metadata") if isinstance(d.get("metadata"), dict) else LDict()
    spec = d.get("spec") if isinstance(d.get("spec"), dict) else LDict()
    st = d.get("status") if isinstance(d.get("status"), dict) else LDict()
    sel = spec.get("selector")
    if isinstance(sel, dict) and isinstance(sel.get("matchLabels"), dict):
        ml = sel["matchLabels"]
        sel = Val(",".join(f"{k}={v}" for k, v in ml.items()), _line(next(iter(ml.values()), None), _line(ml)))
    common = dict(base, conditions=_conditions(st.get("conditions")), selector=_v(sel) if not isinstance(sel, dict) else None,
                  owner=_owner(md, base["labels"]), missing=(_MISSING_EVENTS,),
                  template=_template(spec.get("template") if kind != "CronJob" else _g(spec, "jobTemplate", "spec", "template")))
    if kind == "Deployment":
        rep, rc = _counts(st, spec, (("desired", "spec", "replicas"), ("updated", "status", "updatedReplicas"),
                                     ("total", "status", "replicas"), ("available", "status", "availableReplicas"),
                                     ("unavailable", "status", "unavailableReplicas")))
        strategy = spec.get("strategy") if isinstance(spec.get("strategy"), dict) else {}
        return Deployment(**common, replicas=rep, replica_counts=rc, strategy=_v(strategy.get("type")),
                          min_ready_seconds=_v(spec.get("minReadySeconds")))
    if kind in ("ReplicaSet", "StatefulSet"):
        rep, rc = _counts(st, spec, (("current", "status", "replicas"), ("desired", "spec", "replicas"),
                                     ("ready", "status", "readyReplicas")))
        cls = ReplicaSet if kind == "ReplicaSet" else StatefulSet
        return cls(**common, replicas=rep, replica_counts=rc)
    if kind == "DaemonSet":
        rep, rc = _counts(st, spec, (("desired", "status", "desiredNumberScheduled"),
                                     ("current", "status", "currentNumberScheduled"),
                                     ("up-to-date", "status", "updatedNumberScheduled"),
                                     ("available", "status", "numberAvailable"),
                                     ("misscheduled", "status", "numberMisscheduled")))
        return DaemonSet(**common, replicas=rep, replica_counts=rc)
    if kind == "Job":
        ps, pc = _counts(st, spec, (("active", "status", "active"), ("ready", "status", "ready"),
                                    ("succeeded", "status", "succeeded"), ("failed", "status", "failed")))
        return Job(**common, pods_status=ps, pod_counts=pc, parallelism=_v(spec.get("parallelism")),
                   completions=_v(spec.get("completions")), completion_mode=_v(spec.get("completionMode")),
                   suspend=_v(spec.get("suspend")), backoff_limit=_v(spec.get("backoffLimit")),
                   start_time=_v(st.get("startTime")), completed_at=_v(st.get("completionTime")),
                   active_deadline_seconds=_v(spec.get("activeDeadlineSeconds")))
    active = tuple(_v(a.get("name")) for a in st.get("active") or () if isinstance(a, dict) and a.get("name"))
    return CronJob(**common, schedule=_v(spec.get("schedule")), time_zone=_v(spec.get("timeZone")),
                   concurrency_policy=_v(spec.get("concurrencyPolicy")), suspend=_v(spec.get("suspend")),
                   starting_deadline_seconds=_v(spec.get("startingDeadlineSeconds")),
                   successful_history_limit=_v(spec.get("successfulJobsHistoryLimit")),
                   failed_history_limit=_v(spec.get("failedJobsHistoryLimit")),
                   last_schedule_time=_v(st.get("lastScheduleTime")), active_jobs=active)


_NODE_INFO = {"machineID": "Machine ID", "systemUUID": "System UUID", "bootID": "Boot ID",
              "kernelVersion": "Kernel Version", "osImage": "OS Image", "operatingSystem": "Operating System",
              "architecture": "Architecture", "containerRuntimeVersion": "Container Runtime Version",
              "kubeletVersion": "Kubelet Version", "kubeProxyVersion": "Kube-Proxy Version"}


def _node(d, source: str) -> Node:
    base = _base(d, "Node", source)
    spec = d.get("spec") if isinstance(d.get("spec"), dict) else LDict()
    st = d.get("status") if isinstance(d.get("status"), dict) else LDict()
    taints = []
    for t in spec.get("taints") or ():
        if isinstance(t, dict):
            text = f"{t.get('key')}" + (f"={t['value']}" if t.get("value") else "") + f":{t.get('effect')}"
            taints.append(Val(text, _line(t.get("key"), _line(t))))
    info = st.get("nodeInfo") if isinstance(st.get("nodeInfo"), dict) else {}
    return Node(
        **dict(base, missing=(_MISSING_EVENTS,)), conditions=_conditions(st.get("conditions")),
        taints=tuple(taints), unschedulable=_cap(spec.get("unschedulable")) or None,
        addresses={str(a.get("type")): _v(a.get("address")) for a in st.get("addresses") or () if isinstance(a, dict)},
        capacity={str(k): _v(v) for k, v in (st.get("capacity") or {}).items()},
        allocatable={str(k): _v(v) for k, v in (st.get("allocatable") or {}).items()},
        system_info={label: _v(info.get(key)) for key, label in _NODE_INFO.items() if info.get(key) is not None},
    )


def _pvc(d, source: str) -> PersistentVolumeClaim:
    base = _base(d, "PersistentVolumeClaim", source)
    spec = d.get("spec") if isinstance(d.get("spec"), dict) else LDict()
    st = d.get("status") if isinstance(d.get("status"), dict) else LDict()
    return PersistentVolumeClaim(
        **dict(base, missing=(_MISSING_EVENTS,)), conditions=_conditions(st.get("conditions")),
        status=_v(st.get("phase")), volume=_v(spec.get("volumeName")), storage_class=_v(spec.get("storageClassName")),
        access_modes=_v(spec.get("accessModes")), capacity=_v(_g(st, "capacity", "storage")),
        volume_mode=_v(spec.get("volumeMode")),
    )


def _service(d, source: str) -> Service:
    base = _base(d, "Service", source)
    spec = d.get("spec") if isinstance(d.get("spec"), dict) else LDict()
    sel = spec.get("selector")
    selector = Val(",".join(f"{k}={v}" for k, v in sel.items()), _line(sel)) if isinstance(sel, dict) else None
    ports = tuple(ServicePort(str(p.get("name") or "<unset>"), f"{p.get('port')}/{p.get('protocol') or 'TCP'}",
                              _v(p.get("targetPort")), _v(p.get("nodePort")), None, _line(p))
                  for p in spec.get("ports") or () if isinstance(p, dict))
    ingress = _g(d, "status", "loadBalancer", "ingress")
    lb = None
    if isinstance(ingress, list) and ingress and isinstance(ingress[0], dict):
        lb = _v(ingress[0].get("ip") or ingress[0].get("hostname"))
    return Service(**dict(base, missing=(_MISSING_EVENTS,)), selector=selector, type=_v(spec.get("type")),
                   ip=_v(spec.get("clusterIP")), lb_ingress=lb, ports=ports,
                   session_affinity=_v(spec.get("sessionAffinity")),
                   external_traffic_policy=_v(spec.get("externalTrafficPolicy")))


def _event(d) -> Event:
    """core/v1 Event or events.k8s.io/v1 Event -> Event naming its object."""
    obj = d.get("involvedObject") or d.get("regarding") or {}
    obj = obj if isinstance(obj, dict) else {}
    src = d.get("source") if isinstance(d.get("source"), dict) else {}
    source = str(src.get("component") or d.get("reportingController") or d.get("reportingComponent") or "")
    if src.get("host"):
        source += f", {src['host']}"
    series = d.get("series") if isinstance(d.get("series"), dict) else {}
    count = d.get("count") or series.get("count") or 1
    last = d.get("lastTimestamp") or series.get("lastObservedTime") or d.get("eventTime") or d.get("deprecatedLastTimestamp")
    first = d.get("firstTimestamp") or d.get("deprecatedFirstTimestamp") or d.get("eventTime") or ""
    raw = str(d.get("message") or d.get("note") or "").strip()
    fp = str(obj.get("fieldPath") or "")
    m = re.search(r"\{([^}]*)\}", fp)
    md = d.get("metadata") if isinstance(d.get("metadata"), dict) else {}
    first_line, end = _span(d)
    return Event(
        type=str(d.get("type") or ""), reason=str(d.get("reason") or ""), message=raw, source=source,
        age=str(last or ""), count=int(count) if str(count).isdigit() else 1, last_seen_s=None,
        container=m.group(1) if m else None, line=first_line, end_line=end, raw=raw,
        object_kind=str(obj.get("kind") or ""), object_name=str(obj.get("name") or ""),
        namespace=str(obj.get("namespace") or md.get("namespace") or ""), first_seen=str(first or ""),
    )


def _guess_kind(d) -> str:
    """A paste of part of an object (`status:` only) has no `kind:`."""
    st = d.get("status") if isinstance(d.get("status"), dict) else {}
    if isinstance(d.get("containerStatuses"), list) or "phase" in d and "conditions" in d:
        return "PodStatus"
    if "containerStatuses" in st or "initContainerStatuses" in st or "podIP" in st or "qosClass" in st or \
            isinstance(_g(d, "spec", "containers"), list):
        return "Pod"
    return ""


def objects(data, source: str) -> tuple:
    """A decoded document -> (objects, events). A `List` (or `*List`) yields its items."""
    objs: list = []
    events: list = []
    stack = [data]
    while stack:
        d = stack.pop(0)
        if not isinstance(d, dict):
            continue
        kind = str(d.get("kind") or "") or _guess_kind(d)
        if kind == "List" or kind.endswith("List") or (not kind and isinstance(d.get("items"), list)):
            stack[0:0] = [i for i in d.get("items") or () if isinstance(i, dict)]
            continue
        if kind == "PodStatus":
            wrapper = LDict(status=d)
            wrapper.line, wrapper.end = _span(d)
            d, kind = wrapper, "Pod"
        if kind == "Pod":
            objs.append(_pod(d, source))
        elif kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob"):
            objs.append(_workload(d, kind, source))
        elif kind == "Node":
            objs.append(_node(d, source))
        elif kind == "PersistentVolumeClaim":
            objs.append(_pvc(d, source))
        elif kind == "Service":
            objs.append(_service(d, source))
        elif kind == "Event":
            events.append(_event(d))
        elif kind:
            base = _base(d, kind, source)
            objs.append(KubeObject(**dict(base, missing=(_MISSING_EVENTS,)),
                                   conditions=_conditions(_g(d, "status", "conditions"))))
    return objs, _relative_ages(events)


def _relative_ages(events: list) -> list:
    """Timestamps -> seconds before the newest event of the paste (ages compare rows, never the clock)."""
    import dataclasses

    stamps = []
    for e in events:
        try:
            stamps.append(datetime.fromisoformat(e.age.replace("Z", "+00:00")).timestamp() if e.age else None)
        except ValueError:
            stamps.append(None)
    known = [s for s in stamps if s is not None]
    if not known:
        return events
    newest = max(known)
    return [dataclasses.replace(e, last_seen_s=int(newest - s)) if s is not None else e for e, s in zip(events, stamps)]


__all__ = ["read_json", "read_yaml", "objects", "JSONError", "AllocatedResource"]
