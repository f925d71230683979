"""What a rule is, and the context it reads a pod (or any object) through.

A rule module holds `META` (its class, title, severity, summary, the statuses people search)
and `check(ctx)`, which returns early unless its pattern matches and otherwise yields
findings built with `ctx.finding(...)`. Instance text (real names, limits, images) is built
in the rule; the long explanation lives in the Markdown page beside the module.
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from ..imageref import same_image
from ..model import Container, Event, KubeObject, Pod, Val
from ..report import Confidence, Evidence, Finding, Severity


@dataclass(frozen=True)
class RuleMeta:
    id: str
    cls: str
    title: str
    severity: Severity
    summary: str
    statuses: tuple = ()          # kubectl statuses / event reasons people search, for the docs hubs
    related: tuple = ()           # other class slugs
    rank: int = 100               # lower = closer to the root cause when several rules fire
    kinds: tuple = ("Pod",)       # object kinds the rule reads
    # None: the rule may act on any pod. A tuple: on a pod whose paste shows no events (a `kubectl get pods` row, a
    # describe cut before its Events) the rule yields nothing and records nothing in ctx.facts unless the pod's
    # status Reason is one of these, so the engine does not call it there (thousands of rows of a big table).
    # A function of the pod: the same, unless it returns True (it reads only what the rule reads without events).
    # tests/unit/test_table_speed_invariants.py runs the rule anyway on every such pod of the fixtures and checks it.
    quiet_without_events: object = None


def may_act_without_events(meta: RuleMeta, pod) -> bool:
    """False when `meta` declares its rule quiet on `pod`, a pod without events (RuleMeta.quiet_without_events)."""
    q = meta.quiet_without_events
    if q is None:
        return True
    if isinstance(q, tuple):
        return str(pod.reason or "") in q
    return bool(q(pod))


@dataclass(frozen=True)
class Rule:
    meta: RuleMeta
    check: Callable
    module_file: str = ""

    @property
    def doc_path(self) -> Optional[Path]:
        p = Path(self.module_file).with_suffix(".md")
        return p if self.meta.id == self.meta.cls and p.exists() else None


# Waiting reasons that mean the kubelet is still (or again) trying to pull.
PULL_WAITING = {"ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "ImageInspectError",
                "RegistryUnavailable"}


_UNSAFE = re.compile(r"[^\w@%+=:,./-]")


def q(arg: str) -> str:
    """Quote a value for a POSIX shell only when it needs it."""
    return shlex.quote(arg) if arg and _UNSAFE.search(arg) else (arg or "''")


@dataclass
class Context:
    obj: KubeObject
    lines: list                      # all pasted Lines, by index no-1
    facts: dict = field(default_factory=dict)
    others: tuple = ()               # the other objects of the same paste (pods of a Deployment, its Node...)
    peers: dict = field(default_factory=dict)   # id(object) -> its ObjectReport, for objects analysed before this one

    # ---- names -------------------------------------------------------------------------
    @property
    def pod(self) -> Pod:
        return self.obj  # type: ignore[return-value]

    @property
    def ns(self) -> Optional[str]:
        return str(self.obj.namespace) if self.obj.namespace else None

    @property
    def name(self) -> str:
        return str(self.obj.name) if self.obj.name else "<pod>"

    @property
    def workload(self) -> Optional[str]:
        """`deployment/web` for the object a fix edits; None for a bare pod."""
        owner = getattr(self.obj, "owner", None)
        if owner is None or owner.kind == "Node":
            return None
        return owner.workload

    @property
    def workload_phrase(self) -> str:
        owner = getattr(self.obj, "owner", None)
        if owner is None:
            return f"the pod {self.obj.name}" if self.obj.name else "the pod"
        if owner.kind == "Node":
            return f"the static pod manifest on node {owner.name}"
        return f"{owner.top_kind or owner.kind} {owner.top_name or owner.name}"

    def kubectl(self, *args: str, namespaced: bool = True) -> str:
        parts = ["kubectl"]
        if namespaced and self.ns:
            # Unknown namespace: leave -n out, so the command runs where the user's last kubectl ran.
            parts += ["-n", self.ns]
        parts += [q(a) if not a.startswith("<") else a for a in args]
        return " ".join(parts)

    def logs_previous(self, container: str) -> str:
        return self.kubectl("logs", self.name, "-c", container, "--previous")

    def describe_owner(self) -> Optional[str]:
        w = self.workload
        return self.kubectl("describe", w) if w else None

    def set_image(self, container: str, image: str) -> str:
        container = container or "<container>"
        w = self.workload
        if w is None:
            return (f"{self.kubectl('get', 'pod', self.name, '-o', 'yaml')} > pod.yaml  "
                    f"# edit the image of {container}, then: kubectl replace --force -f pod.yaml")
        return self.kubectl("set", "image", w, f"{container}={image}")

    def rollout_status(self) -> Optional[str]:
        w = self.workload
        if w and w.split("/")[0] in ("deployment", "statefulset", "daemonset"):
            return self.kubectl("rollout", "status", w)
        return None

    def watch_pod(self) -> str:
        w = self.workload
        owner = getattr(self.obj, "owner", None)
        if w and owner is not None and getattr(self.obj, "labels", None):
            sel = ",".join(f"{k}={v}" for k, v in sorted(self.obj.labels.items()) if k != "pod-template-hash")
            if sel:
                return self.kubectl("get", "pods", "-l", sel, "-w")
        return self.kubectl("get", "pod", self.name, "-w")

    def related_pods(self) -> list:
        """Pods in the same paste that this object owns (a Deployment's or ReplicaSet's pods, a Job's)."""
        obj = self.obj
        name = str(obj.name or "")
        out = []
        for o in self.others:
            owner = getattr(o, "owner", None)
            if owner is None or o is obj:
                continue
            if (owner.kind == obj.kind and owner.name == name) or (owner.top_kind == obj.kind and owner.top_name == name):
                if not obj.namespace or not o.namespace or str(o.namespace) == str(obj.namespace):
                    out.append(o)
        return out

    def peer_findings(self, obj) -> list:
        """The error/warning findings of another object of the paste (pods are analysed first)."""
        rep = self.peers.get(id(obj))
        if rep is None:
            return []
        return [f for f in rep.findings if f.severity.value in ("error", "warning")]

    # ---- evidence ----------------------------------------------------------------------
    def line_text(self, no: int) -> str:
        if 1 <= no <= len(self.lines):
            return self.lines[no - 1].display
        return ""

    def grep(self, pattern: str) -> list:
        """[(match, line no)] for a regex over this object's pasted lines (cleaned text)."""
        rx = re.compile(pattern)
        first, last = self.obj.lines
        out = []
        for ln in self.lines[max(first - 1, 0): last]:
            m = rx.search(ln.text)
            if m:
                out.append((m, ln.no))
        return out

    def evidence(self, *items) -> list:
        """Evidence from Vals, Events, ints (line numbers) or (first, last) spans; sorted, unique."""
        nos: set = set()
        _line_numbers(items, nos)
        lines = self.lines             # (line_text() inline: a rule cites several lines per finding)
        count = len(lines)
        return [Evidence(n, lines[n - 1].display if n <= count else "") for n in sorted(nos) if n > 0]

    # ---- events ------------------------------------------------------------------------
    def events(self, *reasons: str, warning: Optional[bool] = None) -> list:
        out = []
        for e in self.obj.events:
            if reasons and e.reason not in reasons:
                continue
            if warning is True and e.type != "Warning":
                continue
            out.append(e)
        return out

    def container_events(self, c: Container, *reasons: str) -> list:
        """Events about container `c`: named by the 1.35 fieldPath / old SubObjectPath, by the
        container's name or image in the message, or any event when the pod has one container."""
        out = []
        pod = self.pod
        containers = getattr(pod, "all_containers", None)
        single = len(containers or ()) <= 1
        for e in self.events(*reasons):
            if e.container is not None:
                if e.container == c.name:
                    out.append(e)
                continue
            if mentions(e.message, c):
                out.append(e)
            elif single and not any(mentions(e.message, o) for o in (containers if containers is not None else pod.all_containers)
                                        if o is not c):
                out.append(e)
        return out

    @staticmethod
    def newest(events: Iterable[Event]) -> Optional[Event]:
        """The most recent row: smallest last-seen age; kubectl sorts oldest first, so on a tie the later row."""
        best = None
        for e in events:
            if best is None:
                best = e
                continue
            a, b = e.last_seen_s, best.last_seen_s
            if a is None or b is None or a <= b:
                best = e
        return best

    def superseded(self, event: Event, *reasons: str) -> bool:
        """True when a newer event of one of `reasons` follows `event` (the problem cleared later)."""
        for e in self.events(*reasons):
            if e is event:
                continue
            if e.last_seen_s is not None and event.last_seen_s is not None:
                if e.last_seen_s < event.last_seen_s or (e.last_seen_s == event.last_seen_s and e.line > event.line):
                    return True
            elif e.line > event.line:
                return True
        return False

    # ---- findings ----------------------------------------------------------------------
    def finding(self, meta: RuleMeta, *, cause: str, evidence: list, fix: list, commands: list = (),
                next: list = (), container: Optional[str] = None, confidence: Confidence = Confidence.CONFIRMED,
                severity: Optional[Severity] = None, current: bool = True, details: Optional[dict] = None,
                rule_id: Optional[str] = None) -> Finding:
        return Finding(
            id=rule_id or meta.id, cls=meta.cls, title=meta.title, severity=severity or meta.severity,
            confidence=confidence, container=container, cause=cause, evidence=evidence, fix=list(fix),
            commands=[c for c in commands if c], next=[n for n in next if n], doc=f"failures/{meta.cls}/",
            rank=meta.rank, current=current, details=dict(details or {}),
        )


_CREATE_POD = re.compile(r"\bcreate Pod (\S+) in \w+ \S+ failed")


def created_since(ctx: "Context", event: Event) -> Optional[Pod]:
    """The pod a StatefulSet/DaemonSet-style `create Pod <name> in StatefulSet <sts> failed ...` names, when
    the paste shows that pod: the create succeeded later, so the refusal is history."""
    m = _CREATE_POD.search(event.message)
    if m is None:
        return None
    ns = str(ctx.obj.namespace or "")
    for o in ctx.others:
        if (o is not ctx.obj and isinstance(o, Pod) and str(o.name or "") == m.group(1)
                and (not ns or not o.namespace or str(o.namespace) == ns)):
            return o
    return None


_NAMED_IN: dict = {}                 # container name -> the pattern of a message naming it
_IMAGE_IN = re.compile(r'image "([^"]+)"')


# Indexes a rule keeps at module level for one paste: [the paste's own tuple or list, what was found in it]. The
# identity of the first item tells a new paste (it rebuilds them). forget_paste() empties them once an analysis is
# over: held until the next paste, they kept every Line and object of a big paste alive after its report was made,
# and the cycle collector's first pass afterwards walked all of them (~0.3 s after a 10 MB paste).
PASTE_CACHES: list = []              # (the cache list, a function giving its empty content)


def paste_cache(empty) -> list:
    """A module-level per-paste cache, emptied by forget_paste(): `empty()` gives its initial content."""
    cache = list(empty())
    PASTE_CACHES.append((cache, empty))
    return cache


def forget_paste() -> None:
    """Drop what the per-paste caches hold (the engine calls it when an analysis is done)."""
    for cache, empty in PASTE_CACHES:
        cache[:] = empty()


_KINDS: list = paste_cache(lambda: [None, {}])   # [the paste's objects, {kind: its objects}]


def objects_of_kind(others: tuple, kind: str) -> list:
    """The objects of `kind` among a paste's objects, in paste order; indexed once per paste, so a rule that
    looks for the paste's Nodes or claims from each of thousands of pods does not rescan them all each time."""
    if _KINDS[0] is not others:
        index: dict = {}
        for o in others:
            index.setdefault(o.kind, []).append(o)
        _KINDS[:] = [others, index]
    return _KINDS[1].get(kind, [])


def mentions(message: str, c: Container) -> bool:
    name = str(c.name)
    # Every form names the container literally, every image form has `image "`: test those first (a paste of
    # many pods asks this for each event and container).
    if name in message:
        rx = _NAMED_IN.get(name)
        if rx is None:
            n = re.escape(name)
            rx = _NAMED_IN[name] = re.compile(
                rf'(?:container|Container)[ =]"?{n}"?(?:\W|$)|"{n}"|\b{n} in pod\b|container={n}\b')
            if len(_NAMED_IN) > 4096:
                _NAMED_IN.clear()
        if rx.search(message):
            return True
    if c.image and 'image "' in message:
        for m in _IMAGE_IN.finditer(message):
            if same_image(m.group(1), str(c.image)):
                return True
    return False


def _line_numbers(items, nos: set) -> None:
    """The line numbers `Context.evidence` cites for `items`, added to `nos` (lists and tuples read inside out)."""
    for it in items:
        if it is None:
            continue
        if type(it) is Val:            # (most items: a field's value; read before the isinstance chain below)
            nos.add(it.line)
        elif isinstance(it, Event):
            nos.update(it.lines)
        elif isinstance(it, int):
            nos.add(it)
        elif isinstance(it, tuple) and len(it) == 2 and all(isinstance(x, int) for x in it):
            nos.update(range(it[0], it[1] + 1))
        elif hasattr(it, "line"):
            nos.add(it.line)
        elif isinstance(it, (list, tuple)):
            for sub in it:
                inner: set = set()
                _line_numbers((sub,), inner)
                nos.update(n for n in inner if n > 0)


def is_waiting(c: Container, *reasons: str) -> bool:
    s = c.state
    return s is not None and s.state == "Waiting" and (not reasons or (s.reason is not None and s.reason in reasons))


def kind_word(c: Container) -> str:
    return "init container" if c.init else "container"
