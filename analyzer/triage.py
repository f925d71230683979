"""What a pod shows when no rule could name a cause: its status, whether it looks fine,
and, when something is wrong that the paste does not explain, what to paste next."""
from __future__ import annotations

import re

from typing import Optional

from .crashes import is_trouble_now, last_exit
from .history import CONTAINER_REASONS, explained, settled
from .model import KubeObject, Pod
from .rules.rule import PULL_WAITING, Context, kind_word


def pod_status(pod: Pod) -> str:
    """The STATUS column kubectl get would print (k/k printers.go printPod), as far as describe shows it."""
    if getattr(pod, "source", "") == "get-pods" and getattr(pod, "table_status", None):
        return str(pod.table_status)
    if pod.reason:
        return str(pod.reason)
    n_init = len(pod.init_containers)
    for i, c in enumerate(pod.init_containers):
        s = c.state
        if s is None:
            continue
        if s.state == "Terminated" and s.code == 0:
            continue
        if s.state == "Running" and c.is_ready:        # a native sidecar
            continue
        if s.state == "Terminated":
            return f"Init:{s.reason}" if s.reason else f"Init:ExitCode:{s.code}"
        if s.state == "Waiting" and s.reason and s.reason != "PodInitializing":
            return f"Init:{s.reason}"
        return f"Init:{i}/{n_init}"
    status = str(pod.status or "")
    for c in pod.containers:
        s = c.state
        if s is None:
            continue
        if s.state == "Waiting" and s.reason:
            status = str(s.reason)
        elif s.state == "Terminated" and s.reason:
            status = str(s.reason)
        elif s.state == "Terminated":
            status = f"ExitCode:{s.code}"
    if pod.terminating:
        return "Terminating"
    if status == "Running" and pod.containers and not all(c.is_ready for c in pod.containers):
        return "Running (not ready)"
    return status or "Unknown"


def unexplained(ctx: Context) -> Optional[tuple]:
    """-> (summary, next commands, evidence lines) when the pod is in trouble that no rule explained."""
    obj = ctx.obj
    if not isinstance(obj, Pod):
        return _other_kind(ctx)
    pod = obj
    row = _table_row_trouble(ctx, pod)
    if row is not None:
        return row
    expired = pod.events_shown is False or pod.events_shown is None
    ev_note = " The paste has no events for it (events expire after about an hour)." if expired else ""
    events_cmd = ctx.kubectl("get", "events", "--field-selector", f"involvedObject.name={ctx.name}")
    yaml_cmd = ctx.kubectl("get", "pod", ctx.name, "-o", "yaml")
    for c in pod.all_containers:
        s = c.state
        if s is None:
            continue
        reason = str(s.reason or "")
        waiting_msg = ctx.kubectl("get", "pod", ctx.name, "-o",
                                  f"jsonpath={{.status.{'initContainerStatuses' if c.init else 'containerStatuses'}[?(@.name==\"{c.name}\")].state.waiting.message}}")
        if s.state == "Waiting" and reason in PULL_WAITING:
            what = f"The image {c.image} of {c.name}" if c.image else f"The image of {c.name}"
            return (f"{what} cannot be pulled ({reason}), but the paste does not show the "
                    f"registry's answer.{ev_note}", [waiting_msg, events_cmd], [s.reason, c.image])
        if s.state == "Waiting" and reason in ("CreateContainerConfigError", "CreateContainerError", "RunContainerError"):
            said = _kubelet_error(ctx, c)
            if said is not None and "services have not yet been read" in said.message:
                return (_SERVICES_RACE, [events_cmd, yaml_cmd], [s.reason, said])
            if said is not None:
                return (f"{c.name} cannot be created ({reason}). The kubelet says: \"{_cut(said.message)}\" — kubeclue does "
                        "not recognise this message yet.", [waiting_msg, events_cmd], [s.reason, said])
            return (f"{c.name} cannot be created ({reason}), but the paste does not show the kubelet's error.{ev_note} "
                    "kubectl get -o yaml shows it in state.waiting.message.", [waiting_msg, events_cmd], [s.reason])
        ex = last_exit(c)
        if s.state == "Waiting" and reason == "CrashLoopBackOff" and ex is None:
            return (f"{c.name} is crash-looping, but the paste does not show how it exited.",
                    [ctx.logs_previous(str(c.name)), yaml_cmd], [s.reason])
        if ex is not None and ex.code == 137 and ex.reason != "OOMKilled" and is_trouble_now(c):
            # SIGKILL without the runtime's OOM mark: a probe kill whose events expired, the node's OOM killer
            # outside the container's cgroup, an eviction or a kill -9. Describe cannot tell which (B.2).
            node = str(pod.node or "").split("/")[0]
            return (f"{kind_word(c).capitalize()} {c.name} was killed with SIGKILL (exit 137) but is not marked OOMKilled, "
                    "and the paste does not show who killed it: the kubelet after a failed liveness/startup probe (whose "
                    "events expired), the node's kernel OOM killer acting outside the container's own limit, or a "
                    "kill -9." + ev_note,
                    [events_cmd, ctx.logs_previous(str(c.name))] + ([ctx.kubectl("describe", "node", node, namespaced=False)]
                                                                     if node and node != "<none>" else []),
                    [ex.state.reason, ex.state.exit_code])
        if ex is not None and ex.reason in ("StartError", "ContainerCannotRun") and is_trouble_now(c):
            return (f"{c.name} could not be started ({ex.reason}): \"{_cut(str(ex.state.message or ''))}\" — kubeclue "
                    "does not recognise this runtime message yet.", [events_cmd], [ex.state.reason, ex.state.message])
        if c.init and s.state == "Running" and not c.is_ready:
            return (f"Init container {c.name} is still running, so the pod has not started: it is probably waiting "
                    "for something. Its logs say what.", [ctx.kubectl("logs", ctx.name, "-c", str(c.name))], [s.state])
    if pod.status == "Pending" and pod.node_name is None:
        claims = [m.group(1) for m, _ in ctx.grep(r"^\s+ClaimName:\s+(\S+)")]
        return ("The pod is not scheduled and the paste does not say why." + (
            " With no events at all, either they expired or no scheduler picked the pod up (check spec.schedulerName)."
            if expired else "") + (f" It uses PersistentVolumeClaim {', '.join(claims)}: a claim that is still Pending "
                                   "keeps the pod unscheduled, so describe it too." if claims else ""),
                [events_cmd] + [ctx.kubectl("describe", "pvc", c) for c in claims[:2]] + [yaml_cmd], [pod.status, pod.node])
    if pod.status == "Pending" and any(c.state is not None and c.state.reason == "ContainerCreating" for c in pod.all_containers):
        return ("The containers are still being created (ContainerCreating) and the paste shows no error yet: a volume "
                "mount, the pod sandbox (network) or a slow image pull." + ev_note, [events_cmd], [pod.status])
    if pod.status == "Failed" and pod.reason:
        return (f"The pod failed with reason {pod.reason}: {pod.message or ''}".strip(), [yaml_cmd], [pod.reason, pod.message])
    if pod.terminating and not _terminating_normally(pod):
        return (f"The pod is stuck terminating ({pod.terminating}): usually its node is gone, the runtime cannot kill "
                "it, or a finalizer holds it.", [yaml_cmd, ctx.kubectl("get", "node", str(pod.node or "<node>").split("/")[0],
                                                                       namespaced=False)], [pod.terminating])
    if pod.status == "Running" and any(not c.is_ready and c.ready is not None for c in pod.containers):
        nr = [c for c in pod.containers if not c.is_ready and c.ready is not None]
        return (f"{', '.join(str(c.name) for c in nr)} runs but is not Ready and the paste shows no probe failure: "
                "a readiness probe whose events expired, or a container still inside its initial delay.",
                [events_cmd], [nr[0].ready])
    warnings = [e for e in pod.events if e.type == "Warning" and e.line not in explained(ctx)]
    if settled(pod):
        # Every container runs and is ready, so scheduling, mounts, the sandbox and the pulls all
        # succeeded since: the warnings in the events are history (Part C #16).
        warnings = []
    summary = _pull_summary(pod)
    if summary is not None and not pod.all_containers:
        return ("An image pull is failing (ErrImagePull / ImagePullBackOff), but the paste shows only the summary events: "
                "the registry's answer (`Failed to pull image …`) has expired or was cut off.",
                [events_cmd], [summary])
    cleared = ("Started", "Created", "Pulled", "SuccessfulAttachVolume", "SuccessfulMountVolume")
    if pod.partial and warnings and ctx.superseded(ctx.newest(warnings), *cleared):
        warnings = []        # an events-only paste whose last word is a container starting
    if warnings:
        w = ctx.newest(warnings)
        if w.reason == "Failed" and w.message.startswith("Error: ") and " " in w.message[7:].strip():
            text = _cut(w.message[7:])
            if "services have not yet been read" in w.message:
                return (_SERVICES_RACE, [events_cmd, yaml_cmd], [w])
            return (f"The kubelet reports an error kubeclue does not recognise yet: \"{text}\"", [events_cmd, yaml_cmd], [w])
        return (f"The pod has a Warning event kubeclue cannot explain yet: {w.reason}.", [events_cmd], [w])
    return None


_SERVICES_RACE = ("The kubelet could not build the container's environment because it had not yet read the cluster's "
                  "Services (\"services have not yet been read at least once\"): a start-up race after the kubelet "
                  "restarted or the node joined. It clears by itself within seconds; if it persists, the kubelet "
                  "cannot reach the API server.")
_FINE_ROWS = {"Running", "Completed", "Succeeded"}


def _table_row_trouble(ctx: Context, pod):
    """A `kubectl get pods` row says only STATUS, READY and RESTARTS: anything but a fine row is a symptom."""
    if getattr(pod, "source", "") != "get-pods" or not getattr(pod, "table_status", None):
        return None
    status = str(pod.table_status)
    ready = str(getattr(pod, "table_ready", "") or "")
    full = bool(re.fullmatch(r"(\d+)/\1", ready)) if ready else True
    if status in _FINE_ROWS and (full or status != "Running"):
        return None
    describe = ctx.kubectl("describe", "pod", ctx.name)
    why = "it is Running but not all its containers are Ready" if status == "Running" else f"its STATUS is {status}"
    return (f"kubectl get pods shows that pod {ctx.name} is in trouble ({why}, READY {ready or '?'}), but a table row "
            "does not say why: its describe does.", [describe], [pod.table_status])


def _kubelet_error(ctx: Context, c):
    """The newest `Failed` event carrying an `Error: <text>` for container `c` (not a one-word reason)."""
    errs = [e for e in ctx.container_events(c, "Failed")
            if e.message.startswith("Error: ") and " " in e.message[len("Error: "):].strip()]
    return ctx.newest(errs)


def _cut(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pull_summary(pod):
    """A summary event of a failing pull (`Error: ImagePullBackOff`, `Back-off pulling image`), or None."""
    rows = [e for e in pod.events if e.message.startswith(("Error: ErrImagePull", "Error: ImagePullBackOff",
                                                            "Back-off pulling image"))]
    return rows[-1] if rows else None


def _other_kind(ctx: Context):
    obj: KubeObject = ctx.obj
    if obj.kind == "PersistentVolumeClaim" and str(obj.fields.get("Status", "")).startswith("Pending"):
        pending = _pending_claim(ctx)
        if pending is not None:
            return pending
    skipped = [e for e in obj.events if "Skipping sync" in e.message or e.reason == "SelectingAll"]
    if skipped:
        e = ctx.newest(skipped)
        return (f"The {obj.kind.lower()} controller does not manage this {obj.kind}: \"{e.message.strip()}\" (its selector "
                "is empty or selects every pod, so it creates nothing).",
                [ctx.kubectl("get", obj.kind.lower(), str(obj.name or "<name>"), "-o", "yaml")], [e])
    failed_pods = _failed_pods(obj)
    if failed_pods:
        sel = str(obj.fields.get("Selector", "") or "").strip()
        pods_cmd = ctx.kubectl("describe", "pods", "-l", sel) if sel and sel != "<none>" else ctx.kubectl("get", "pods")
        return (f"{failed_pods} pod{'s' if failed_pods > 1 else ''} of this {obj.kind} {'have' if failed_pods > 1 else 'has'} "
                "Failed, and the paste does not show why: the failed pod's own describe does.",
                [pods_cmd], [obj.fields.get("Pods Status")])
    bad_conditions = [c for c in obj.conditions if (c.type in ("Available", "Ready", "Progressing") and c.status != "True")
                      or (c.type in ("ReplicaFailure", "MemoryPressure", "DiskPressure", "PIDPressure") and c.status == "True")]
    warnings = [e for e in obj.events if e.type == "Warning"]
    if not bad_conditions and _status_fine(obj):
        warnings = []             # the object is fine now: its old warnings are history
    if not bad_conditions and not warnings:
        return None
    what = bad_conditions[0] if bad_conditions else ctx.newest(warnings)
    label = f"{what.type} {what.status} {what.reason}".strip() if bad_conditions else what.reason
    return (f"This {obj.kind} shows trouble ({label}) that kubeclue cannot explain yet.",
            [ctx.kubectl("get", "events", "--field-selector", f"involvedObject.name={obj.name or '<name>'}")],
            [what.line])


def _terminating_normally(pod) -> bool:
    """Terminating for less than its grace period (plus a minute): a normal shutdown, not a stuck one."""
    from .parse.events import duration_seconds

    m = re.search(r"lasts ([\dsmhdy]+)", str(pod.terminating))
    lasted = duration_seconds(m.group(1)) if m else None
    grace = pod.fields.get("Termination Grace Period")
    g = duration_seconds(str(grace).strip()) if grace is not None else 30
    return lasted is not None and lasted <= (g or 30) + 60


def _status_fine(obj: KubeObject) -> bool:
    """What the object's own status lines say now, kind by kind (describe.go A.5)."""
    f = {k: str(v) for k, v in obj.fields.items()}
    kind = obj.kind
    if kind == "Node":
        ready = next((c for c in obj.conditions if c.type == "Ready"), None)
        return ready is not None and ready.status == "True"
    if kind == "PersistentVolumeClaim":
        return f.get("Status", "").startswith("Bound")
    if kind in ("ReplicaSet", "ReplicationController"):
        m = re.search(r"(\d+) current / (\d+) desired", f.get("Replicas", ""))
        return bool(m) and m.group(1) == m.group(2)
    if kind == "Deployment":
        m = re.search(r"(\d+) desired \| (\d+) updated \| (\d+) total \| (\d+) available \| (\d+) unavailable",
                      f.get("Replicas", ""))
        return bool(m) and m.group(5) == "0" and m.group(1) == m.group(4)
    if kind in ("StatefulSet", "DaemonSet"):
        m = re.search(r"(\d+) Running / (\d+) Waiting / (\d+) Succeeded / (\d+) Failed", f.get("Pods Status", ""))
        return bool(m) and m.group(2) == "0" and m.group(4) == "0"
    if kind == "Service":
        return f.get("Endpoints", "<none>").strip() not in ("", "<none>")
    return False


def looks_healthy(obj: KubeObject) -> str:
    if isinstance(obj, Pod) and obj.terminating:
        return f"The pod is shutting down ({obj.terminating}), as it does during a rollout, a drain or a deletion."
    if isinstance(obj, Pod):
        if obj.status == "Succeeded":
            return "The pod completed successfully."
        if obj.containers and all(c.is_ready for c in obj.containers):
            return "All containers are running and ready."
        return "No problem found in the paste."
    return "No problem found in the paste."


def _pending_claim(ctx: Context):
    """A Pending PVC that no rule explained: waiting for a provisioner that has not answered yet, or with no events.
    WaitForFirstConsumer is normal until a pod uses the claim."""
    obj = ctx.obj
    if ctx.events("WaitForFirstConsumer", "WaitForPodScheduled"):
        return None
    name = str(obj.name or "<claim>")
    status = obj.fields.get("Status")
    events_cmd = ctx.kubectl("get", "events", "--field-selector", f"involvedObject.name={name}")
    external = ctx.newest(ctx.events("ExternalProvisioning"))
    if external is not None:
        m = re.search(r"""(?:external provisioner|find provisioner) ["']([^"']+)["']""", external.message)
        who = m.group(1) if m else "the StorageClass's provisioner"
        return (f"PVC {name} is Pending, waiting for the external provisioner {who}, which has not created a volume yet. "
                "If it stays Pending for more than a minute or two, the provisioner is not running, or its name does not "
                "match the StorageClass; its own logs say why.",
                [events_cmd, ctx.kubectl("get", "pods", "-A", namespaced=False) + f" | grep -i '{who.split('/')[-1]}'"],
                [status, external])
    if not obj.events:
        sc = obj.fields.get("StorageClass")
        return (f"PVC {name} is Pending and the paste shows no events about it (they expire after about an hour).",
                [events_cmd, ctx.kubectl("get", "storageclass", namespaced=False)], [status, sc])
    return None


def _failed_pods(obj) -> int:
    """Failed pods of a DaemonSet or StatefulSet (`Pods Status: 2 Running / 0 Waiting / 0 Succeeded / 1 Failed`): their
    pods are meant to run forever, so a Failed one is trouble. (A Job's failed pods are the job rules' business.)"""
    if obj.kind not in ("DaemonSet", "StatefulSet"):
        return 0
    m = re.search(r"(\d+) Failed", str(obj.fields.get("Pods Status", "") or ""))
    return int(m.group(1)) if m else 0
