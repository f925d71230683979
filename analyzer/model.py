"""Typed objects read from a paste. Every value remembers the pasted line it came from.

`Val` is a `str` that also carries `.line` (1-based, into the text as pasted), so rules can
compare values like plain strings and still cite the exact line as evidence.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


class Val(str):
    """A string value plus the pasted line number it was read from."""

    line: int

    def __new__(cls, text: str, line: int) -> "Val":
        obj = super().__new__(cls, text)
        obj.line = line
        return obj

    def __reduce__(self):  # keep pickling/copying sane for a str subclass with a slot
        return (Val, (str(self), self.line))


@dataclass(frozen=True)
class Owner:
    """Who owns a pod, as far as the paste tells (`Controlled By:` / `Controllers:`)."""

    kind: str          # ReplicaSet, StatefulSet, DaemonSet, Job, Node, ...
    name: str
    line: int
    # The object a fix should act on: a ReplicaSet's Deployment, a Job's CronJob.
    top_kind: str = ""
    top_name: str = ""

    @property
    def workload(self) -> str:
        """`deployment/web` — the kubectl resource/name a fix edits."""
        return f"{(self.top_kind or self.kind).lower()}/{self.top_name or self.name}"


@dataclass(frozen=True)
class Probe:
    kind: str                  # liveness | readiness | startup
    action: str                # http-get | tcp-socket | exec | grpc | unknown
    target: str                # "http://:8080/healthz", ":5432", "[cat /tmp/healthy]"
    delay: Optional[int]
    timeout: Optional[int]
    period: Optional[int]
    success: Optional[int]
    failure: Optional[int]
    line: int
    text: str

    @property
    def port(self) -> Optional[str]:
        import re

        m = re.search(r":(\w[\w-]*)(?:/|$| )", self.target)
        return m.group(1) if m else None

    @property
    def path(self) -> Optional[str]:
        import re

        m = re.match(r"https?://[^/]*(/\S*)", self.target)
        return m.group(1) if m else None


@dataclass(frozen=True)
class ContainerState:
    state: Val                 # Running | Waiting | Terminated
    reason: Optional[Val] = None
    message: Optional[Val] = None
    exit_code: Optional[Val] = None
    signal: Optional[Val] = None
    started: Optional[Val] = None
    finished: Optional[Val] = None
    lines: tuple = ()          # (first, last) pasted line of the block

    @property
    def code(self) -> Optional[int]:
        try:
            return int(self.exit_code) if self.exit_code is not None else None
        except ValueError:
            return None


@dataclass(frozen=True)
class EnvVar:
    name: str
    value: str
    line: int


@dataclass(frozen=True)
class Container:
    name: Val
    init: bool
    image: Optional[Val] = None
    image_id: Optional[Val] = None
    state: Optional[ContainerState] = None
    last_state: Optional[ContainerState] = None
    ready: Optional[Val] = None
    restart_count: Optional[Val] = None
    limits: dict = field(default_factory=dict)     # resource -> Val
    requests: dict = field(default_factory=dict)
    probes: dict = field(default_factory=dict)     # kind -> Probe
    command: tuple = ()                            # Val per argv line
    args: tuple = ()
    env: tuple = ()                                # EnvVar
    env_from: tuple = ()                           # Val per line
    mounts: tuple = ()                             # Val per line
    ports: Optional[Val] = None
    lines: tuple = ()                              # (first, last)

    @property
    def restarts(self) -> int:
        try:
            return int(self.restart_count) if self.restart_count is not None else 0
        except ValueError:
            return 0

    @property
    def is_ready(self) -> bool:
        return self.ready is not None and self.ready == "True"


@dataclass(frozen=True)
class Event:
    type: str                  # Normal | Warning
    reason: str
    message: str               # normalised: fieldPath prefix, aggregation prefix stripped; wrapped lines joined
    source: str                # kubelet, default-scheduler, "kubelet, node-1", ...
    age: str                   # as printed ("3m39s (x3 over 4m18s)")
    count: int
    last_seen_s: Optional[int]   # seconds ago, for ordering rows (None when <unknown>/<invalid>/timestamp)
    container: Optional[str]   # from `spec.containers{c}: ` (1.35+) or the SubObjectPath column (<=1.7)
    line: int                  # first pasted line of the row
    end_line: int              # last pasted line (wrapped messages span several)
    raw: str = ""              # the message exactly as printed (joined)

    @property
    def lines(self) -> tuple:
        return tuple(range(self.line, self.end_line + 1))


@dataclass(frozen=True)
class Condition:
    type: str
    status: str
    reason: str
    message: str
    line: int


@dataclass(frozen=True)
class Volume:
    name: str
    type: str
    fields: dict               # label -> Val
    line: int


@dataclass(frozen=True)
class KubeObject:
    """Any described object. Pods are read into `Pod`; other kinds keep their fields."""

    kind: str
    name: Optional[Val]
    namespace: Optional[Val]
    lines: tuple               # (first, last) pasted line
    fields: dict = field(default_factory=dict)      # top-level label -> Val
    events: tuple = ()
    events_shown: Optional[bool] = None   # True: table; False: `Events: <none>`; None: no Events section
    conditions: tuple = ()
    sections: tuple = ()                  # names of the sections found, for the report
    missing: tuple = ()                   # human notes about sections that were not in the paste

    @property
    def ref(self) -> str:
        ns = self.namespace or "?"
        return f"{self.kind}/{ns}/{self.name or '?'}"


@dataclass(frozen=True)
class Pod(KubeObject):
    status: Optional[Val] = None          # phase, or "Terminating"
    terminating: Optional[Val] = None     # the whole "Terminating (lasts 5m)" value
    reason: Optional[Val] = None          # pod-level status reason (Evicted, ...)
    message: Optional[Val] = None
    node: Optional[Val] = None
    owner: Optional[Owner] = None
    labels: dict = field(default_factory=dict)
    init_containers: tuple = ()
    containers: tuple = ()
    volumes: tuple = ()
    qos: Optional[Val] = None
    node_selectors: tuple = ()
    tolerations: tuple = ()
    pod_conditions: dict = field(default_factory=dict)   # type -> Val (status)
    partial: bool = False                 # the paste shows only part of the pod (no Name:)

    @property
    def all_containers(self) -> tuple:
        return tuple(self.init_containers) + tuple(self.containers)
