"""Volume attach and mount failures (kubelet `FailedMount`, attach/detach controller `FailedAttachVolume`).

Kubelet format (operationexecutor): `<Operation> failed for volume "<vol>" : <error>` — note the
space before the colon. mount-utils errors span several lines (`Mounting command:`,
`Mounting arguments:`, `Output:`), which the events parser joins with spaces.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

_OP = re.compile(r'(?P<op>MountVolume\.[\w ]+?|MapVolume\.\w+|AttachVolume\.\w+|UnmountVolume\.\w+|WaitForAttach) failed for volume "(?P<vol>[^"]+)"\s*:\s*(?P<err>.*)$', re.S)
# <= 1.8 attach/detach controller: `Failed to attach volume "pvc-…" on node "n" with: <error>`
_OLD_ATTACH = re.compile(r'Failed to attach volume "(?P<vol>[^"]+)" on node "[^"]+" with:\s*(?P<err>.*)$', re.S)
_SUMMARY = re.compile(r"Unable to (?:attach or )?mount volumes|timeout expired waiting for volumes to attach")
_UNMOUNTED = re.compile(r"unmounted volumes=\[([^\]]*)\]")
# Errors that belong to a more specific class (missing-configmap, missing-secret, missing-config-key).
CONFIG_OBJECT = re.compile(r'(?:configmaps?|secrets?) "[^"]+" not found|references non-existent (?:secret|config) key|'
                           r'configmap references non-existent config key', re.I)

# Kubelets 1.5-1.7 name a volume by its plugin path, then by its name in the pod spec:
# `MountVolume.SetUp failed for volume "kubernetes.io/configmap/<pod uid>-config-volume" (spec.Name: "config-volume")`.
_SPEC_NAME = re.compile(r'for volume "[^"]*" \(spec\.Name: "(?P<name>[^"]+)"\)')
_PLUGIN_PATH = re.compile(r'^kubernetes\.io[/~][\w-]+/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-)?(?P<name>.+)$')


def spec_volume_name(vol: Optional[str], message: str = "") -> Optional[str]:
    """The volume's name in the pod spec (what the user wrote), not the kubelet's internal plugin path."""
    m = _SPEC_NAME.search(message or "")
    if m:
        return m.group("name")
    if vol:
        m = _PLUGIN_PATH.match(vol)
        if m:
            return m.group("name")
    return vol


_KINDS = (
    ("nfs-helper", "the node has no NFS client (mount.nfs helper) installed",
     re.compile(r"bad option; for several filesystems|you might need a /sbin/mount\.", re.I)),
    ("nfs-denied", "the NFS server refused the export (export ACL or root squash)",
     re.compile(r"access denied by server", re.I)),
    ("nfs-path", "the export path does not exist on the NFS server",
     re.compile(r"mount\.nfs.*No such file or directory|reason given by server: No such file or directory", re.I)),
    ("nfs-unreachable", "the node cannot reach the NFS server (firewall, security group, port 2049)",
     re.compile(r"mount\.nfs.*(?:Connection timed out|No route to host|Connection refused)|Connection timed out", re.I)),
    ("nfs-version", "the NFS server does not speak the requested protocol version",
     re.compile(r"Protocol not supported", re.I)),
    ("csi-not-registered", "the CSI driver's node plugin is not running (or not registered) on this node",
     re.compile(r"not found in the list of registered CSI drivers", re.I)),
    ("csi-attacher", "the CSI driver never attached the volume (its controller / external-attacher is not running, or the cloud attach failed)",
     re.compile(r"timed out waiting for external-attacher|WaitForAttach failed", re.I)),
    ("detaching", "the volume is still being detached from the node it was on before (its old attachment is being "
                  "removed); the attach is retried until the detach finishes, or forever if the detach is stuck",
     re.compile(r"AttachDiskWhileBeingDetached|currently being detached|volume attachment is being deleted", re.I)),
    ("csi-busy", "a previous operation on the volume is still running in the CSI driver",
     re.compile(r"operation with the given Volume ID \S+ already exists", re.I)),
    ("root-ca", "the kubelet had not registered the pod's kube-root-ca.crt yet (usually transient after a kubelet restart)",
     re.compile(r'"kube-root-ca\.crt" not registered|object "[^"]+"/"[^"]+" not registered', re.I)),
    ("cache-sync", "the kubelet could not get the ConfigMap/Secret behind it from the API server in time (its cache "
                   "did not sync): the API server was busy or not reachable from the node, usually for a moment at the "
                   "pod's start. Not a storage problem",
     re.compile(r"failed to sync (?:configmap|secret) cache|couldn't propagate object cache", re.I)),
    ("timeout", "the storage backend did not answer in time",
     re.compile(r"DeadlineExceeded|context deadline exceeded|timed out", re.I)),
    ("subpath", "a subPath or hostPath type does not match (a file mounted onto a directory, or the reverse)",
     re.compile(r"not a directory|are you trying to mount a directory onto a file", re.I)),
    ("csi", "the CSI driver returned an error", re.compile(r"rpc error: code = \w+", re.I)),
)


@dataclass(frozen=True)
class MountError:
    event: object
    volume: Optional[str]
    operation: str
    error: str
    kind: str
    meaning: str


def classify(message: str) -> tuple:
    text = re.sub(r"\s+", " ", message)
    for kind, meaning, rx in _KINDS:
        if rx.search(text):
            return kind, meaning
    return "other", "the kubelet could not mount it"


def mount_errors(ctx) -> list:
    """Specific mount/attach errors (newest first per volume), excluding Multi-Attach and missing config objects."""
    out = []
    seen = set()
    events = [e for e in ctx.obj.events if e.reason in ("FailedMount", "FailedAttachVolume", "FailedMapVolume")]
    for e in sorted(events, key=lambda e: (e.last_seen_s if e.last_seen_s is not None else 0, -e.line)):
        if "Multi-Attach error" in e.message or CONFIG_OBJECT.search(e.message):
            continue
        m = _OP.search(e.message)
        op = m.group("op").strip() if m else None
        if m is None:
            m = _OLD_ATTACH.search(e.message)
            op = "AttachVolume.Attach" if m else None
        if m is None:
            continue
        vol = m.group("vol")
        if vol in seen:
            continue
        seen.add(vol)
        kind, meaning = classify(m.group("err"))
        if kind == "other" and "Attach" in op:
            meaning = "the volume could not be attached to the node"
        out.append(MountError(e, vol, op, m.group("err").strip(), kind, meaning))
    return out


def config_explained(ctx) -> tuple:
    """(volumes, events) whose mount fails because a ConfigMap, Secret or key is missing: the
    missing-configmap/-secret/-config-key rules explain them."""
    vols, events = set(), []
    for e in ctx.obj.events:
        if e.type == "Warning" and CONFIG_OBJECT.search(e.message):
            events.append(e)
            m = _OP.search(e.message)
            if m:
                vols.add(m.group("vol"))
    return vols, events


def summary_events(ctx) -> list:
    return [e for e in ctx.obj.events if e.reason == "FailedMount" and _SUMMARY.search(e.message)]


def unmounted(event) -> list:
    m = _UNMOUNTED.search(event.message)
    return [v for v in m.group(1).split()] if m else []


def pod_stuck_creating(pod) -> bool:
    """The pod has not started: Pending, or containers still ContainerCreating / PodInitializing."""
    if getattr(pod, "status", None) is not None and pod.status in ("Running", "Succeeded") and any(
            c.state is not None and c.state.state == "Running" for c in pod.all_containers):
        return False
    cs = list(getattr(pod, "all_containers", ()))
    if not cs:
        return getattr(pod, "status", None) in (None, "Pending")
    return any(c.state is None or (c.state.state == "Waiting" and str(c.state.reason or "") in (
        "ContainerCreating", "PodInitializing", "")) for c in cs)


_INNER = re.compile(r"""(?:\bmessage=|"message":\s*"|\bMessage=")([^"\]]+?)(?:"|, code=|\]|$)""")


def said(error: str) -> str:
    """The storage system's own words inside a kubelet/controller error: the cloud API's `Message=`/`"message":`, else
    the gRPC `desc = …`, else the whole error, on one line."""
    text = " ".join(error.split())
    m = _INNER.search(text)
    if m and m.group(1).strip():
        return m.group(1).strip().rstrip(".") + "."
    m = re.search(r"desc = (.*)$", text)
    return (m.group(1) if m else text).strip()
