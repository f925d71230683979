"""`kubectl get pods` and `kubectl get events` tables -> Pods with their STATUS, and events
attached to the object each row names.

kubectl's table printer aligns every row with the header (tabwriter `6, 4, 3, ' '`; min
width 10 before 1.10), so the header's column starts cut the rows; cells may contain spaces
(`2 (3d1h ago)`, a STATUS that is an error message). When a paste lost the alignment
(collapsed spaces, tabs), rows are read by their token grammar instead.
"""
from __future__ import annotations

import re
from typing import Optional

from ..model import Container, ContainerState, Event, Pod, Val
from .events import AGE, OLD_WARNING_REASONS, duration_seconds, normalise
from .fields import header_cells, split_at

_DUR = r"(?:<invalid>|<unknown>|\d+[smhdy](?:\d+[smhd])?)"
_AGE_CELL = rf"{_DUR}(?: \(x\d+ over {_DUR}\))?"

# Column names kubectl prints, multi-word ones first so a header splits right even with single spaces.
_MULTIWORD = ("LAST SEEN", "FIRST SEEN", "NOMINATED NODE", "READINESS GATES")
PODS_HEADER = re.compile(r"^(?:NAMESPACE\s+)?NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\b")
EVENTS_HEADER = re.compile(
    r"^(?:NAMESPACE\s+)?(?:LAST\s?SEEN\s+(?:FIRST\s?SEEN\s+COUNT\s+NAME\s+KIND\s+SUBOBJECT\s+TYPE\s+REASON\s+SOURCE\s+"
    r"MESSAGE|TYPE\s+REASON\s+(?:OBJECT|KIND)\s+(?:SUBOBJECT\s+SOURCE\s+)?MESSAGE)|"
    r"FIRSTSEEN\s+LASTSEEN\s+COUNT\s+NAME\s+KIND\s+SUBOBJECT\s+(?:TYPE\s+)?REASON\s+SOURCE\s+MESSAGE)\b"
)
# Any other `kubectl get` table: upper-case column names, NAME (or NAMESPACE) first.
OTHER_HEADER = re.compile(r"^(?:NAMESPACE\s+)?NAME\s{2,}[A-Z][A-Z0-9_()-]*(?:\s+[A-Z][A-Z0-9_()/-]*)*\s*$")

_POD_ROW = re.compile(
    rf"^(?:(?P<ns>\S+)\s+)?(?P<name>\S+)\s+(?P<ready>\d+/\d+)\s+(?P<status>\S.*?)\s+"
    rf"(?P<restarts>\d+(?: \([^)]*\))?)\s+(?P<age>{_DUR})(?:\s+(?P<rest>.*))?$"
)
_EVENT_ROW_NEW = re.compile(
    rf"^(?:(?P<ns>[a-z0-9][-a-z0-9.]*)\s+)?(?P<last>{_AGE_CELL})\s+(?P<type>Normal|Warning|\w+)\s+"
    rf"(?P<reason>[A-Za-z][\w-]*)\s+(?P<object>[\w.-]+/\S+)(?:\s+(?P<msg>.*))?$"
)
# kubectl <= 1.2 printed times (`2016-05-04 22:09:51 +0200 CEST`) where later versions print ages.
_TS = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [-+]\d{4}(?: [A-Z]{2,5})?"
_EVENT_ROW_OLD = re.compile(
    rf"^(?:(?P<ns>[a-z0-9][-a-z0-9.]*)\s+)?(?P<last>{_DUR}|{_TS})\s+(?P<first>{_DUR}|{_TS})\s+(?P<count>\d+)\s+(?P<name>\S+)\s+"
    rf"(?P<kind>[A-Z]\w+)\s+(?:(?P<sub>spec\.\S+|\S*\{{\S*\}})\s+)?(?:(?P<type>Normal|Warning)\s+)?(?P<reason>[A-Za-z][\w-]*)\s+"
    rf"(?P<rest>.*)$"
)
_TS_CELL = re.compile(rf"^{_TS}$")
_EVENT_NAME_SUFFIX = re.compile(r"\.[0-9a-f]{12,20}$")
_SOURCE_VOCAB = re.compile(r"^(?:\{[^}]*\}|kubelet, [\w.-]+|[\w.-]+_[\w.-]+_[\w-]+|[\w./-]+)\s+")

# kubectl get events OBJECT `pod/x`: resource names -> Kind.
_RESOURCE_KINDS = {
    "pod": "Pod", "replicaset": "ReplicaSet", "deployment": "Deployment", "statefulset": "StatefulSet",
    "daemonset": "DaemonSet", "job": "Job", "cronjob": "CronJob", "node": "Node",
    "persistentvolumeclaim": "PersistentVolumeClaim", "persistentvolume": "PersistentVolume", "service": "Service",
    "endpoints": "Endpoints", "replicationcontroller": "ReplicationController",
    "horizontalpodautoscaler": "HorizontalPodAutoscaler", "namespace": "Namespace", "ingress": "Ingress",
    "configmap": "ConfigMap", "secret": "Secret", "serviceaccount": "ServiceAccount",
    "poddisruptionbudget": "PodDisruptionBudget", "deploymentconfig": "DeploymentConfig",
}
# Pod-level reasons printPod shows as STATUS (status.reason): not a container's state.
POD_REASONS = {"Evicted", "NodeLost", "OutOfcpu", "OutOfmemory", "OutOfpods", "OutOfephemeral-storage", "NodeAffinity",
               "UnexpectedAdmissionError", "Shutdown", "NodeShutdown", "Terminated", "DeadlineExceeded", "Preempting",
               "SchedulingGated", "InvalidNodeInfo", "Unknown"}
PHASES = {"Pending", "Running", "Succeeded", "Failed", "Unknown"}
CLUSTER_SCOPED = {"Node", "PersistentVolume", "Namespace", "StorageClass", "ClusterRole", "ClusterRoleBinding",
                  "CustomResourceDefinition", "PriorityClass"}


def kind_of_resource(res: str) -> str:
    res = res.lower().split(".")[0]
    return _RESOURCE_KINDS.get(res, res)


def _columns(header: str) -> list:
    """Header -> [(start, NAME)] treating kubectl's multi-word column names as one."""
    cells = header_cells(header)
    out = []
    for start, name in cells:
        # `header_cells` keeps single-space runs together; split them unless they form a known name.
        pos = 0
        words = name.split(" ")
        i = 0
        while i < len(words):
            two = " ".join(words[i:i + 2])
            if two in _MULTIWORD:
                out.append((start + pos, two))
                pos += len(two) + 1
                i += 2
                continue
            out.append((start + pos, words[i]))
            pos += len(words[i]) + 1
            i += 1
    return out


def _aligned(header: str) -> bool:
    """kubectl pads columns with at least 3 spaces (2 before 1.10 with min width 10); one space between
    names means the spacing collapsed."""
    return "   " in header or "  " in header.strip()


def read_pods(lines: list, warn, cmd=None) -> list:
    """A `kubectl get pods` table (default, -o wide, -A, --show-labels) -> Pods, one per row."""
    header = lines[0].text
    if not PODS_HEADER.match(header.strip()):
        # Rows whose header was not pasted: read by their grammar, with a namespace when the first
        # row has six cells before any extra (`kubectl get pods -A`).
        m = _POD_ROW.match(header.strip())
        header = "NAMESPACE NAME READY STATUS RESTARTS AGE" if m and m.group("ns") else "NAME READY STATUS RESTARTS AGE"
        lines = [None] + list(lines)
    cols = _columns(header)
    names = [n for _, n in cols]
    starts = [c for c, _ in cols]
    aligned = _aligned(header)
    ns_default = cmd.namespace if cmd is not None and cmd.namespace else ""
    ns_line = cmd.line if cmd is not None else 0
    pods = []
    for ln in lines[1:]:
        if ln.noise or ln.blank:
            continue
        cells = split_at(ln.text, starts) if aligned else None
        row = None
        if cells is not None and len(cells) == len(names):
            row = dict(zip(names, cells))
            if not re.match(r"^\d+/\d+$", row.get("READY", "")):
                row = None
        if row is None:
            m = _POD_ROW.match(ln.text.strip())
            if m and (("NAMESPACE" in names) == (m.group("ns") is not None)):
                row = {"NAMESPACE": m.group("ns") or "", "NAME": m.group("name"), "READY": m.group("ready"),
                       "STATUS": m.group("status"), "RESTARTS": m.group("restarts"), "AGE": m.group("age")}
                rest = (m.group("rest") or "").split()
                for extra, value in zip([n for n in names if n not in row], rest):
                    row[extra] = value
        if row is None:
            warn(ln.no, f"line {ln.no}: not a row of the `kubectl get pods` table; ignored")
            continue
        if "STATUS" in row and row["STATUS"][:1] in "*_":
            row["STATUS"] = _EMPHASIS.sub(r"\1", row["STATUS"])
        pods.append(_pod_from_row(row, ln, ns_default, ns_line))
    # `kubectl get pods -w` prints a pod again on every change: one pod, its last row is its state now.
    seen: dict = {}
    out: list = []
    for pod in pods:
        key = (str(pod.namespace or ""), str(pod.name))
        if key in seen:
            out[seen[key]] = pod
        else:
            seen[key] = len(out)
            out.append(pod)
    return out


_WAITING = {"ContainerCreating", "PodInitializing", "ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "ErrImageNeverPull", "ImageInspectError", "RegistryUnavailable", "CreateContainerConfigError",
            "CreateContainerError", "RunContainerError", "PreStartHookError", "PostStartHookError", "CrashLoopBackOff"}
_TERMINATED = {"Error", "OOMKilled", "Completed", "ContainerCannotRun", "StartError", "ContainerStatusUnknown",
               "DeadlineExceeded"}
_EXIT = re.compile(r"^(?:ExitCode:(?P<code>-?\d+)|Signal:(?P<signal>\d+))$")


def containers_from_status(status: str, ready: str, restarts: str, no: int) -> tuple:
    """The container state a STATUS column stands for (printPod: the pod reason, then the first
    init container not done, then the last main container with a reason). The column names no
    container, so the one it describes is `<container>`; a single-container pod gets its READY and
    RESTARTS too."""
    m = re.match(r"^(\d+)/(\d+)$", ready or "")
    total = int(m.group(2)) if m else 0
    if not total or not status or status in PHASES - {"Running"} or status in POD_REASONS or status == "Terminating":
        return ()
    init = status.startswith("Init:")
    reason = status[5:] if init else status
    if init and re.match(r"^\d+/\d+$", reason):
        return ()
    v = lambda text: Val(text, no)  # noqa: E731
    exit_m = _EXIT.match(reason)
    if reason == "Running":
        state = ContainerState(state=v("Running"), lines=(no, no))
    elif exit_m:
        state = ContainerState(state=v("Terminated"), exit_code=v(exit_m.group("code")) if exit_m.group("code") else None,
                               signal=v(exit_m.group("signal")) if exit_m.group("signal") else None, lines=(no, no))
    elif reason in _TERMINATED:
        state = ContainerState(state=v("Terminated"), reason=v(reason),
                               exit_code=v("0") if reason == "Completed" else None, lines=(no, no))
    elif reason in _WAITING:
        state = ContainerState(state=v("Waiting"), reason=v(reason), lines=(no, no))
    elif " " in reason:
        # kubectl 1.8 could show the waiting message itself (`configmaps "x" not found`).
        state = ContainerState(state=v("Waiting"), message=v(reason), lines=(no, no))
    else:
        state = ContainerState(state=v("Waiting"), reason=v(reason), lines=(no, no))
    single = total == 1 and not init
    done = int(m.group(1)) if m else 0
    head = restarts.split()[0] if restarts and restarts.split() else ""
    return (Container(
        name=v("<container>"), init=init, state=state,
        ready=v("True" if done == total else "False") if single else None,
        restart_count=v(head) if single and head.isdigit() else None, lines=(no, no),
    ),)


def _pod_from_row(row: dict, ln, ns_default: str, ns_line: int) -> Pod:
    no = ln.no
    status = row.get("STATUS", "")
    v = lambda text: Val(text, no)  # noqa: E731
    node = row.get("NODE")
    ns = row.get("NAMESPACE") or ns_default
    namespace = Val(ns, no if row.get("NAMESPACE") else ns_line) if ns else None
    synthetic = containers_from_status(status, row.get("READY", ""), row.get("RESTARTS", ""), no)
    missing = (
        "Containers: not named \u2014 a `kubectl get pods` row shows only STATUS, READY and RESTARTS",
        "Events: not in the paste",
    )
    labels = {}
    if row.get("LABELS") not in (None, "", "<none>"):          # --show-labels: `app=web,tier=front`
        for part in row["LABELS"].split(","):
            key, sep, value = part.partition("=")
            if sep and key.strip():
                labels[key.strip()] = value.strip()
    name = row.get("NAME", "")
    if name.startswith(("pod/", "pods/")):
        name = name.partition("/")[2]      # `kubectl get all` (and `-o name`) print kind/name
    return Pod(
        kind="Pod", name=v(name), namespace=namespace, lines=(no, no), labels=labels,
        fields={k: v(c) for k, c in row.items() if c}, sections=("get pods row",), missing=missing, source="get-pods",
        status=v(status) if status in PHASES else None,
        reason=v(status) if status in POD_REASONS and status != "Unknown" else None,
        terminating=v(status) if status == "Terminating" else None,
        node=v(node) if node else None, ip=v(row["IP"]) if row.get("IP") not in (None, "", "<none>") else None,
        nominated_node=v(row["NOMINATED NODE"]) if row.get("NOMINATED NODE") not in (None, "", "<none>") else None,
        init_containers=tuple(c for c in synthetic if c.init), containers=tuple(c for c in synthetic if not c.init),
        partial=True,
        table_status=v(status), table_ready=v(row.get("READY", "")), table_restarts=v(row.get("RESTARTS", "")),
        age=v(row.get("AGE", "")) if row.get("AGE") else None,
    )


def _event_row(ln, names: list, starts: list, aligned: bool) -> Optional[dict]:
    text = ln.text
    if aligned:
        cells = split_at(text, starts)
        if cells is not None and len(cells) == len(names):
            row = dict(zip(names, cells))
            last = row.get("LAST SEEN") or row.get("LASTSEEN") or ""
            if (AGE.match(last) or _TS_CELL.match(last)) and re.match(r"^[A-Z]\w+$", row.get("TYPE", "")) \
                    and row.get("REASON"):
                return row
    s = text.strip()
    m = _EVENT_ROW_NEW.match(s)
    if m and ("OBJECT" in names or "KIND" in names):
        row = {"NAMESPACE": m.group("ns") or "", "LAST SEEN": m.group("last"), "TYPE": m.group("type"),
               "REASON": m.group("reason"), "OBJECT": m.group("object"), "MESSAGE": m.group("msg") or ""}
        if "SOURCE" in names:
            # -o wide: SUBOBJECT SOURCE MESSAGE FIRST SEEN COUNT NAME
            msg = row["MESSAGE"]
            tail = re.search(rf"\s+(?P<first>{_DUR})\s+(?P<count>\d+)\s+(?P<name>\S+)$", msg)
            if tail:
                row.update({"FIRST SEEN": tail.group("first"), "COUNT": tail.group("count"), "NAME": tail.group("name")})
                msg = msg[: tail.start()]
            sub = re.match(r"^(spec\.\S+)\s+", msg)
            if sub:
                row["SUBOBJECT"] = sub.group(1)
                msg = msg[sub.end():]
            src = _SOURCE_VOCAB.match(msg)
            if src:
                row["SOURCE"] = src.group(0).strip()
                msg = msg[src.end():]
            row["MESSAGE"] = msg
        return row
    m = _EVENT_ROW_OLD.match(s)
    if m:
        rest = m.group("rest")
        src = _SOURCE_VOCAB.match(rest)
        source, msg = (src.group(0).strip(), rest[src.end():]) if src else ("", rest)
        if source.startswith("{"):
            comp, _, host = source.strip("{} ").partition(" ")
            source = f"{comp}, {host.replace(' ', '')}" if host else comp
        return {"NAMESPACE": m.group("ns") or "", "LASTSEEN": m.group("last"), "FIRSTSEEN": m.group("first"),
                "COUNT": m.group("count"), "NAME": m.group("name"), "KIND": m.group("kind"),
                "SUBOBJECT": m.group("sub") or "", "REASON": m.group("reason"),
                # (<= 1.2 printed no TYPE column: the reasons that were warnings, as describe's oldest table.)
                "TYPE": m.group("type") or ("Warning" if m.group("reason") in OLD_WARNING_REASONS else "Normal"),
                "SOURCE": source, "MESSAGE": msg}
    return None


def is_row(kind: str, header: str, text: str) -> bool:
    """Does `text` read as a row of the table under `header` (for a row after a blank line)?"""
    if kind == "get-pods":
        return bool(_POD_ROW.match(text.strip()))
    cols = _columns(header)
    return _event_row(_Text(text), [n for _, n in cols], [c for c, _ in cols], _aligned(header)) is not None


class _Text:
    """The part of a Line `_event_row` reads."""

    def __init__(self, text: str):
        self.text = text


# A `kubectl get pods` row pasted without its header: [namespace] name n/m STATUS restarts age.
_HEADERLESS_POD_ROW = re.compile(
    rf"^(?:[a-z0-9][-a-z0-9]*\s+)?[a-z0-9][-a-z0-9.]*\s+\d+/\d+\s+(?:[A-Z][\w-]*|Init:[\w/-]+|ExitCode:-?\d+|"
    rf"Signal:\d+)\s+\d+(?: \([^)]*\))?\s+{_DUR}(?:\s+.*)?$"
)


# A cell in Markdown emphasis (`**ErrImagePull**`, `**_**ErrImagePull**_**`): no STATUS has * or _.
_EMPHASIS = re.compile(r"^[*_]+([A-Za-z][\w:/-]*?)[*_]+$")


def is_headerless_pod_row(text: str) -> bool:
    return bool(_HEADERLESS_POD_ROW.match(text.strip()))


def is_headerless_row(text: str) -> bool:
    """A `kubectl get events` row pasted without its header (cut by `| grep`, `| tail`, a copy)."""
    s = text.strip()
    return bool(_EVENT_ROW_NEW.match(s) or _EVENT_ROW_OLD.match(s))


def read_events(lines: list, warn, cmd=None) -> list:
    """A `kubectl get events` table -> Events, each naming its object (object_kind/name, namespace).
    A table whose header was cut starts with a row: the rows are read by their token grammar.

    Lines that do not start a row continue the previous row's message (a terminal wrapped it)."""
    header = lines[0].text
    headerless = not EVENTS_HEADER.match(header)
    if headerless:
        header = "LAST SEEN TYPE REASON OBJECT MESSAGE"
        lines = [None] + list(lines)
    cols = _columns(header)
    names = [n for _, n in cols]
    starts = [c for c, _ in cols]
    aligned = _aligned(header) and not headerless
    ns_default = cmd.namespace if cmd is not None and cmd.namespace else ""
    rows = []
    for ln in lines[1:]:
        if ln.noise or ln.blank:
            continue
        row = _event_row(ln, names, starts, aligned)
        if row is not None:
            rows.append((row, [ln]))
            continue
        if rows:
            rows[-1][1].append(ln)
            continue
        warn(ln.no, f"line {ln.no}: not a row of the `kubectl get events` table; ignored")
    out = []
    for row, lns in rows:
        first_ln = lns[0]
        extra = " ".join(x.text.strip() for x in lns[1:])
        if extra and not aligned:
            # Without column offsets the row is read by its grammar: read it whole, since a wrap
            # can fall inside a cell before the message (`{kubelet ip-10-0-1-2.compute.intern` / `al}`).
            whole = _event_row(_Text(first_ln.text + " " + extra), names, starts, False)
            if whole is not None:
                row, extra = whole, ""
        raw = (row.get("MESSAGE", "") + (" " + extra if extra else "")).strip()
        msg, container = normalise(raw)
        sub = row.get("SUBOBJECT", "")
        if container is None and sub:
            m = re.search(r"\{([^}]*)\}", sub)
            container = m.group(1) if m else None
        if "OBJECT" in row:
            res, _, oname = row["OBJECT"].partition("/")
            okind = kind_of_resource(res)
        else:
            # kubectl 1.11-1.13 printed the event's own name there: `<object>.<16 hex digits>`.
            okind, oname = row.get("KIND", ""), _EVENT_NAME_SUFFIX.sub("", row.get("NAME", ""))
        last = row.get("LAST SEEN") or row.get("LASTSEEN") or ""
        first = row.get("FIRST SEEN") or row.get("FIRSTSEEN") or ""
        am = AGE.match(last)
        ts = _timestamp(last) if am is None else None
        if ts is not None and _timestamp(first) is not None and _timestamp(first) < ts:
            first, last, ts = last, first, _timestamp(first)     # <= 1.2 printed FIRSTSEEN first
        count = int(row["COUNT"]) if row.get("COUNT", "").isdigit() else int(am.group("count") or 1) if am else 1
        age = last if (am and am.group("count")) or count == 1 or not first or ts is not None \
            else f"{last} (x{count} over {first})"
        out.append(Event(
            type=row.get("TYPE", ""), reason=row.get("REASON", ""), message=msg, source=row.get("SOURCE", ""),
            age=age, count=count, last_seen_s=duration_seconds(am.group("last")) if am else ts, container=container,
            line=first_ln.no, end_line=lns[-1].last or lns[-1].no, raw=raw, object_kind=okind, object_name=oname,
            namespace="" if okind in CLUSTER_SCOPED else (row.get("NAMESPACE") or ns_default),
            first_seen=first or (am.group("first") or "" if am else ""),
        ))
    return _relative(out)


def _timestamp(text: str):
    from datetime import datetime

    try:
        return -int(datetime.strptime(text[:25], "%Y-%m-%d %H:%M:%S %z").timestamp())
    except ValueError:
        return None


def _relative(events: list) -> list:
    """Rows that print times (<= 1.2) get seconds before the newest row, like the ages of later kubectl."""
    stamps = [e.last_seen_s for e in events if e.last_seen_s is not None and e.last_seen_s < 0]
    if not stamps:
        return events
    import dataclasses

    newest = min(stamps)                 # the latest time, negated
    return [dataclasses.replace(e, last_seen_s=e.last_seen_s - newest) if e.last_seen_s is not None
            and e.last_seen_s < 0 else e for e in events]
