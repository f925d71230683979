"""Typed objects read from a paste. Every value remembers the pasted line it came from.

`Val` is a `str` that also carries `.line` (1-based, into the text as pasted), so rules can
compare values like plain strings and still cite the exact line as evidence.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


_str_new = str.__new__


class Val(str):
    """A string value plus the pasted line number it was read from."""

    # A slot, not an instance dict: tens of thousands are made per MB of paste; a slot makes each one
    # about a third faster to build, smaller, and its line faster to read.
    __slots__ = ("line",)
    line: int

    def __new__(cls, text: str, line: int) -> "Val":
        obj = _str_new(cls, text)     # not super(): tens of thousands per big paste
        obj.line = line
        return obj

    def __reduce__(self):  # keep pickling/copying sane for a str subclass with a slot
        return (Val, (str(self), self.line))


class _once:
    """A property of a frozen object computed on first use and kept in the instance dict (later
    reads do not call it: the rules ask a pod for its containers thousands of times per paste)."""

    def __init__(self, fn):
        self.fn = fn
        self.name = fn.__name__
        self.__doc__ = fn.__doc__

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


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
    # Which object the event is about, when the row names it (`kubectl get events`, -o yaml).
    object_kind: str = ""
    object_name: str = ""
    namespace: str = ""
    first_seen: str = ""       # as printed (`kubectl get events -o wide` FIRST SEEN, or a timestamp)

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
    last_transition: str = ""      # as printed (Node, PVC) or the RFC 3339 time (-o yaml)


@dataclass(frozen=True)
class Volume:
    name: str
    type: str
    fields: dict               # label -> Val
    line: int


@dataclass(frozen=True)
class KubeObject:
    """Any object read from a paste. Each kind has its typed subclass; unknown kinds keep their fields."""

    kind: str
    name: Optional[Val]
    namespace: Optional[Val]
    lines: tuple               # (first, last) pasted line
    fields: dict = field(default_factory=dict)      # top-level label -> Val (describe) / top-level key (yaml)
    events: tuple = ()
    events_shown: Optional[bool] = None   # True: table; False: `Events: <none>`; None: no Events section
    conditions: tuple = ()
    sections: tuple = ()                  # names of the sections found, for the report
    missing: tuple = ()                   # human notes about sections that were not in the paste
    # Where the object was read from: describe | get-pods | get-events | json | yaml.
    source: str = "describe"
    labels: dict = field(default_factory=dict)
    annotations: dict = field(default_factory=dict)   # key -> Val

    @property
    def ref(self) -> str:
        ns = self.namespace or "?"
        return f"{self.kind}/{ns}/{self.name or '?'}"

    def condition(self, ctype: str) -> Optional[Condition]:
        for c in self.conditions:
            if c.type == ctype:
                return c
        return None


@dataclass(frozen=True)
class Pod(KubeObject):
    status: Optional[Val] = None          # phase, or "Terminating"
    terminating: Optional[Val] = None     # the whole "Terminating (lasts 5m)" value
    reason: Optional[Val] = None          # pod-level status reason (Evicted, ...)
    message: Optional[Val] = None
    node: Optional[Val] = None            # "node-1/10.0.0.3", "<none>" when not scheduled
    owner: Optional[Owner] = None
    init_containers: tuple = ()
    containers: tuple = ()
    volumes: tuple = ()
    qos: Optional[Val] = None
    node_selectors: tuple = ()
    tolerations: tuple = ()
    pod_conditions: dict = field(default_factory=dict)   # type -> Val (status)
    partial: bool = False                 # the paste shows only part of the pod (no Name:)
    ip: Optional[Val] = None
    start_time: Optional[Val] = None
    priority: Optional[Val] = None
    priority_class: Optional[Val] = None
    service_account: Optional[Val] = None
    nominated_node: Optional[Val] = None
    # `kubectl get pods` columns, as printed (k/k printers.go printPod): the STATUS column is a
    # summary (a reason, Init:N/M, CrashLoopBackOff...), not the phase.
    table_status: Optional[Val] = None
    table_ready: Optional[Val] = None     # "0/1"
    table_restarts: Optional[Val] = None  # "7 (79s ago)"
    age: Optional[Val] = None

    @_once
    def all_containers(self) -> tuple:
        return tuple(self.init_containers) + tuple(self.containers)

    @property
    def node_name(self) -> Optional[str]:
        """The node's name without the `/hostIP` describe appends; None when not scheduled."""
        if self.node is None:
            return None
        name = str(self.node).split("/")[0].strip()
        return None if name in ("", "<none>") else name

    @property
    def restarts_from_table(self) -> Optional[int]:
        if self.table_restarts is None:
            return None
        head = str(self.table_restarts).split()[0] if str(self.table_restarts).split() else ""
        return int(head) if head.isdigit() else None


@dataclass(frozen=True)
class PodTemplate:
    """`Pod Template:` of a workload describe (no status: containers have no State)."""

    labels: dict = field(default_factory=dict)
    annotations: dict = field(default_factory=dict)
    service_account: Optional[Val] = None
    init_containers: tuple = ()
    containers: tuple = ()
    volumes: tuple = ()
    node_selectors: tuple = ()
    tolerations: tuple = ()
    priority_class: Optional[Val] = None
    lines: tuple = ()


@dataclass(frozen=True)
class Workload(KubeObject):
    """Fields every controller describe shares. Counts are read from the printed lines, e.g.
    `3 desired | 1 updated | 3 total | 2 available | 1 unavailable` -> {"desired": 3, ...}."""

    selector: Optional[Val] = None
    replicas: Optional[Val] = None         # the Replicas line as printed
    replica_counts: dict = field(default_factory=dict)
    pods_status: Optional[Val] = None      # `Pods Status:` / `Pods Statuses:` as printed
    pod_counts: dict = field(default_factory=dict)   # running, waiting, succeeded, failed, active, ready
    owner: Optional[Owner] = None          # Controlled By
    template: Optional[PodTemplate] = None

    def count(self, name: str) -> Optional[int]:
        """A replica or pod count by its printed word (`desired`, `available`, `failed`...)."""
        name = name.lower()
        if name in self.replica_counts:
            return self.replica_counts[name]
        return self.pod_counts.get(name)


@dataclass(frozen=True)
class Deployment(Workload):
    strategy: Optional[Val] = None
    min_ready_seconds: Optional[Val] = None
    rolling_update: Optional[Val] = None
    old_replica_sets: tuple = ()           # Val per line
    new_replica_set: Optional[Val] = None


@dataclass(frozen=True)
class ReplicaSet(Workload):
    pass


@dataclass(frozen=True)
class ReplicationController(Workload):
    pass


@dataclass(frozen=True)
class StatefulSet(Workload):
    update_strategy: Optional[Val] = None
    partition: Optional[Val] = None
    volume_claims: tuple = ()              # dict label -> Val per claim template


@dataclass(frozen=True)
class DaemonSet(Workload):
    node_selector: Optional[Val] = None


@dataclass(frozen=True)
class Job(Workload):
    parallelism: Optional[Val] = None
    completions: Optional[Val] = None
    completion_mode: Optional[Val] = None
    suspend: Optional[Val] = None
    backoff_limit: Optional[Val] = None
    start_time: Optional[Val] = None
    completed_at: Optional[Val] = None
    duration: Optional[Val] = None
    active_deadline_seconds: Optional[Val] = None


@dataclass(frozen=True)
class CronJob(Workload):
    schedule: Optional[Val] = None
    time_zone: Optional[Val] = None
    concurrency_policy: Optional[Val] = None
    suspend: Optional[Val] = None
    starting_deadline_seconds: Optional[Val] = None
    successful_history_limit: Optional[Val] = None
    failed_history_limit: Optional[Val] = None
    last_schedule_time: Optional[Val] = None
    active_jobs: tuple = ()                # Val per job name


@dataclass(frozen=True)
class AllocatedResource:
    """A row of a Node's `Allocated resources:` table: `cpu  1850m (92%)  2 (100%)`."""

    resource: str
    requests: Optional[Val]
    limits: Optional[Val]
    requests_percent: Optional[int]
    limits_percent: Optional[int]
    line: int


@dataclass(frozen=True)
class NodePod:
    """A row of a Node's `Non-terminated Pods:` table."""

    namespace: str
    name: str
    cpu_requests: str
    cpu_limits: str
    memory_requests: str
    memory_limits: str
    age: str
    line: int


@dataclass(frozen=True)
class Node(KubeObject):
    roles: Optional[Val] = None
    taints: tuple = ()                     # Val per taint, "key=value:Effect"
    unschedulable: Optional[Val] = None
    addresses: dict = field(default_factory=dict)      # InternalIP -> Val
    capacity: dict = field(default_factory=dict)       # resource -> Val
    allocatable: dict = field(default_factory=dict)
    allocated: dict = field(default_factory=dict)       # resource -> AllocatedResource
    pods: tuple = ()                                    # NodePod
    pods_total: Optional[Val] = None                    # "(12 in total)"
    system_info: dict = field(default_factory=dict)     # label -> Val

    @property
    def ready(self) -> Optional[Condition]:
        return self.condition("Ready")

    @property
    def container_runtime(self) -> Optional[Val]:
        return self.system_info.get("Container Runtime Version")

    @property
    def kubelet_version(self) -> Optional[Val]:
        return self.system_info.get("Kubelet Version")

    @property
    def architecture(self) -> Optional[Val]:
        return self.system_info.get("Architecture")


@dataclass(frozen=True)
class PersistentVolumeClaim(KubeObject):
    status: Optional[Val] = None           # Pending | Bound | Lost | Terminating
    terminating: Optional[Val] = None
    volume: Optional[Val] = None
    storage_class: Optional[Val] = None
    access_modes: Optional[Val] = None
    capacity: Optional[Val] = None
    volume_mode: Optional[Val] = None
    finalizers: Optional[Val] = None
    data_source: Optional[Val] = None
    used_by: tuple = ()                    # Val per pod (`Used By:`, `Mounted By:` before 1.20)


@dataclass(frozen=True)
class ServicePort:
    name: str                  # "<unset>" when unnamed
    port: str                  # "80/TCP"
    target_port: Optional[Val]
    node_port: Optional[Val]
    endpoints: Optional[Val]
    line: int


@dataclass(frozen=True)
class Service(KubeObject):
    selector: Optional[Val] = None
    type: Optional[Val] = None
    ip: Optional[Val] = None
    ips: Optional[Val] = None
    external_ips: Optional[Val] = None
    lb_ingress: Optional[Val] = None
    ports: tuple = ()                      # ServicePort
    endpoints: Optional[Val] = None        # the first `Endpoints:` line
    session_affinity: Optional[Val] = None
    external_traffic_policy: Optional[Val] = None


# describe / get / -o yaml kind names -> the class that holds them.
KIND_CLASSES = {
    "Pod": Pod, "Deployment": Deployment, "ReplicaSet": ReplicaSet, "ReplicationController": ReplicationController,
    "StatefulSet": StatefulSet, "DaemonSet": DaemonSet, "Job": Job, "CronJob": CronJob, "Node": Node,
    "PersistentVolumeClaim": PersistentVolumeClaim, "Service": Service,
}


def _fast_init(cls) -> None:
    """Give a frozen dataclass an `__init__` that stores the fields straight into the instance
    dict. The generated one calls object.__setattr__ once per field, which made building the
    objects of a big paste (thousands of events, conditions, containers) a noticeable share of
    its analysis. Same signature, defaults and default factories; instances stay frozen."""
    import dataclasses

    params, body, env = [], [], {"_MISSING": dataclasses.MISSING}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            env[f"_d_{f.name}"] = f.default
            value = f"_d_{f.name}"
        elif f.default_factory is not dataclasses.MISSING:
            env[f"_f_{f.name}"] = f.default_factory
            value = f"_f_{f.name}()"
        else:
            value = None
        if not f.init:
            if value is not None:
                body.append(f"    d[{f.name!r}] = {value}")
            continue
        if value is None:
            params.append(f.name)
        elif f.default_factory is not dataclasses.MISSING:
            params.append(f"{f.name}=_MISSING")
            body.append(f"    d[{f.name!r}] = {value} if {f.name} is _MISSING else {f.name}")
            continue
        else:
            params.append(f"{f.name}={value}")
        body.append(f"    d[{f.name!r}] = {f.name}")
    assert not hasattr(cls, "__post_init__")
    src = f"def __init__(self, {', '.join(params)}):\n    d = self.__dict__\n" + "\n".join(body) + "\n"
    exec(src, env)
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init


for _cls in (Owner, Probe, ContainerState, EnvVar, Container, Event, Condition, Volume, KubeObject, Pod, PodTemplate,
             Workload, Deployment, ReplicaSet, ReplicationController, StatefulSet, DaemonSet, Job, CronJob,
             AllocatedResource, NodePod, Node, PersistentVolumeClaim, ServicePort, Service):
    _fast_init(_cls)


def to_jsonable(value, _top: bool = True):
    """A deterministic JSON form of parsed objects, for parse goldens and debugging.

    A `Val` becomes `[text, line]`; dataclasses become dicts of their non-empty fields, in
    declaration order; typed objects leave out `fields` (the raw label map they were built from).
    """
    if isinstance(value, Val):
        return [str(value), value.line]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v, False) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v, False) for k, v in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        out = {}
        for name in value.__dataclass_fields__:
            v = getattr(value, name)
            if v is None or v == () or v == {} or v == "":
                continue
            if name == "fields" and isinstance(value, KubeObject) and type(value) is not KubeObject:
                continue
            out[name] = to_jsonable(v, False)
        return out
    return str(value)
