"""What a pod shows when no rule could name a cause: its status, whether it looks fine,
and, when something is wrong that the paste does not explain, what to paste next."""
from __future__ import annotations

import re

from typing import Optional

from .crashes import is_trouble_now, known, last_exit, logs
from .history import CONTAINER_REASONS, explained, settled
from .model import KubeObject, Pod
from .rules.rule import PULL_WAITING, Context, kind_word, paste_cache


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
    # A describe fragment without State or Status: lines (merged with its `get pods` row) has the row's STATUS.
    status = status or str(getattr(pod, "table_status", None) or "")
    if not status and str(pod.pod_conditions.get("PodScheduled", "")).strip() == "False":
        return "Pending"              # a pod stays in phase Pending until it is scheduled (a paste cut above Status:)
    return status or "Unknown"


def _named(obj, kind: str, capital: bool = True) -> str:
    """`Deployment web`, or `The Deployment` / `the Deployment` when the paste does not name it."""
    return f"{kind} {obj.name}" if obj.name else f"{'The' if capital else 'the'} {kind}"


def _nm(c, capital: bool = False) -> str:
    """A container's name in prose; `the container` when the paste does not name it."""
    return str(c.name) if known(c) else ("The container" if capital else "the container")


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

    # Commands are built when an answer needs them: most pods of a big paste are healthy and need none.
    def events_cmd() -> str:
        return ctx.kubectl("get", "events", "--field-selector", f"involvedObject.name={ctx.name}")

    def yaml_cmd() -> str:
        return ctx.kubectl("get", "pod", ctx.name, "-o", "yaml")

    for c in pod.all_containers:
        s = c.state
        if s is None:
            gone = _last_run_only(ctx, pod, c, ev_note, events_cmd)
            if gone is not None:
                return gone
            continue
        reason = str(s.reason or "")

        def waiting_msg(c=c) -> str:
            return ctx.kubectl("get", "pod", ctx.name, "-o",
                               f"jsonpath={{.status.{'initContainerStatuses' if c.init else 'containerStatuses'}[?(@.name==\"{c.name}\")].state.waiting.message}}")

        if s.state == "Waiting" and reason in PULL_WAITING:
            what = f"The image {c.image} of {_nm(c)}" if c.image else f"The image of {_nm(c)}"
            return (f"{what} cannot be pulled ({reason}), but the paste does not show the "
                    f"registry's answer.{ev_note}", [waiting_msg(), events_cmd()], [s.reason, c.image])
        if s.state == "Waiting" and reason in ("CreateContainerConfigError", "CreateContainerError", "RunContainerError"):
            said = _kubelet_error(ctx, c)
            if said is not None and "services have not yet been read" in said.message:
                return (_SERVICES_RACE, [events_cmd(), yaml_cmd()], [s.reason, said])
            if said is not None:
                return (f"{_nm(c, True)} cannot be created ({reason}). The kubelet says: \"{_cut(said.message)}\" — kubeclue does "
                        "not recognise this message yet.", [waiting_msg(), events_cmd()], [s.reason, said])
            return (f"{_nm(c, True)} cannot be created ({reason}), but the paste does not show the kubelet's error.{ev_note} "
                    "kubectl get -o yaml shows it in state.waiting.message.", [waiting_msg(), events_cmd()], [s.reason])
        ex = last_exit(c)
        if s.state == "Waiting" and reason == "CrashLoopBackOff" and ex is None:
            return (f"{_nm(c, True)} is crash-looping, but the paste does not show how it exited.",
                    [logs(ctx, c, previous=True), yaml_cmd()], [s.reason])
        if ex is not None and ex.code == 137 and ex.reason != "OOMKilled" and is_trouble_now(c):
            # SIGKILL without the runtime's OOM mark: a probe kill whose events expired, the node's OOM killer
            # outside the container's cgroup, an eviction or a kill -9. Describe cannot tell which (B.2).
            node = str(pod.node or "").split("/")[0]
            return (f"{kind_word(c).capitalize() + ' ' + str(c.name) if known(c) else 'The container'} was killed with SIGKILL (exit 137) but is not marked OOMKilled, "
                    "and the paste does not show who killed it: the kubelet after a failed liveness/startup probe (whose "
                    "events expired), the node's kernel OOM killer acting outside the container's own limit, or a "
                    "kill -9." + ev_note,
                    [events_cmd(), logs(ctx, c, previous=True)] + ([ctx.kubectl("describe", "node", node, namespaced=False)]
                                                                     if node and node != "<none>" else []),
                    [ex.state.reason, ex.state.exit_code])
        if ex is not None and ex.reason in ("StartError", "ContainerCannotRun") and is_trouble_now(c):
            return (f"{_nm(c, True)} could not be started ({ex.reason}): \"{_cut(str(ex.state.message or ''))}\" — kubeclue "
                    "does not recognise this runtime message yet.", [events_cmd()], [ex.state.reason, ex.state.message])
        if c.init and s.state == "Running" and not c.is_ready:
            return (f"Init container {c.name} is still running, so the pod has not started: it is probably waiting "
                    "for something. Its logs say what.", [ctx.kubectl("logs", ctx.name, "-c", str(c.name))], [s.state])
    if pod.status == "Pending" and pod.node_name is None:
        claims = [m.group(1) for m, _ in ctx.grep(r"^\s+ClaimName:\s+(\S+)")]
        return ("The pod is not scheduled and the paste does not say why." + (
            " With no events at all, either they expired or no scheduler picked the pod up (check spec.schedulerName)."
            if expired else "") + (f" It uses PersistentVolumeClaim {', '.join(claims)}: a claim that is still Pending "
                                   "keeps the pod unscheduled, so describe it too." if claims else ""),
                [events_cmd()] + [ctx.kubectl("describe", "pvc", c) for c in claims[:2]] + [yaml_cmd()], [pod.status, pod.node])
    if pod.status == "Pending" and any(c.state is not None and c.state.reason == "ContainerCreating" for c in pod.all_containers):
        return ("The containers are still being created (ContainerCreating) and the paste shows no error yet: a volume "
                "mount, the pod sandbox (network) or a slow image pull." + ev_note, [events_cmd()], [pod.status])
    if pod.status == "Failed" and pod.reason:
        return (f"The pod failed with reason {pod.reason}: {pod.message or ''}".strip(), [yaml_cmd()], [pod.reason, pod.message])
    if pod.terminating and not _terminating_normally(pod):
        return (f"The pod is stuck terminating ({pod.terminating}): usually its node is gone, the runtime cannot kill "
                "it, or a finalizer holds it.", [yaml_cmd(), ctx.kubectl("get", "node", str(pod.node or "<node>").split("/")[0],
                                                                       namespaced=False)], [pod.terminating])
    if pod.status == "Running" and any(not c.is_ready and c.ready is not None for c in pod.containers):
        nr = [c for c in pod.containers if not c.is_ready and c.ready is not None]
        looping = [c for c in nr if c.restarts > 0 and last_exit(c) is None]
        if looping:
            # Restarts with no Last State (kubectl before 1.1 never prints it; a cut paste drops it): the container
            # keeps exiting, and why is in the previous run's logs and status.containerStatuses[].lastState.
            c = looping[0]
            n = c.restarts
            return (f"{_nm(c, True)} is not Ready and has restarted {n} time{'s' if n != 1 else ''}, but the paste does "
                    "not show how it exits (no Last State): a crash loop whose reason — exit code, OOMKilled, a failed "
                    "liveness probe — is in the previous run's logs and the pod's lastState.",
                    [logs(ctx, c, previous=True), yaml_cmd(), events_cmd()], [c.restart_count, c.ready])
        return (f"{', '.join(_nm(c, True) for c in nr)} runs but is not Ready and the paste shows no probe failure: "
                "a readiness probe whose events expired, or a container still inside its initial delay.",
                [events_cmd()], [nr[0].ready])
    warnings = [e for e in pod.events if e.type == "Warning" and e.line not in explained(ctx)]
    if settled(pod):
        # Every container runs and is ready, so scheduling, mounts, the sandbox and the pulls all
        # succeeded since: the warnings in the events are history (Part C #16).
        warnings = []
    summary = _pull_summary(pod)
    if summary is not None and not pod.all_containers:
        return ("An image pull is failing (ErrImagePull / ImagePullBackOff), but the paste shows only the summary events: "
                "the registry's answer (`Failed to pull image …`) has expired or was cut off.",
                [events_cmd()], [summary])
    cleared = ("Started", "Created", "Pulled", "SuccessfulAttachVolume", "SuccessfulMountVolume")
    # A crash loop's back-off is followed by Pulled/Created/Started on every restart: those rows are the loop
    # going round, not the problem clearing.
    if pod.partial and warnings and not _is_crash_backoff(ctx.newest(warnings)) \
            and ctx.superseded(ctx.newest(warnings), *cleared):
        warnings = []        # an events-only paste whose last word is a container starting
    if warnings:
        w = ctx.newest(warnings)
        if w.reason == "Failed" and w.message.startswith("Error: ") and " " in w.message[7:].strip():
            text = _cut(w.message[7:])
            if "services have not yet been read" in w.message:
                return (_SERVICES_RACE, [events_cmd(), yaml_cmd()], [w])
            return (f"The kubelet reports an error kubeclue does not recognise yet: \"{text}\"", [events_cmd(), yaml_cmd()], [w])
        loop = _crash_backoff(ctx, pod, warnings, w)
        if loop is not None:
            return loop
        return (f"The pod has a Warning event kubeclue cannot explain yet: {w.reason}.", [events_cmd()], [w])
    return None


def _last_run_only(ctx: Context, pod: Pod, c, ev_note: str, events_cmd) -> Optional[tuple]:
    """A container whose paste shows how its last run ended (Last State / lastState terminated) but not what it does
    now (a lastState fragment of -o json, a describe cut between State and Last State). A run that ended other than
    with exit 0 means the container was restarted after a failure: a crash, or a kill the paste does not attribute.
    The previous run's logs say what it did; never call it healthy, never guess OOMKilled from 137."""
    ex = last_exit(c)
    if ex is None or ex.current or (ex.code == 0 and ex.reason in ("Completed", "")) or ex.reason == "OOMKilled":
        return None
    if c.is_ready:
        return None        # Ready now (a describe cut above State): the container runs, its last run is history
    code, why = ex.code, ex.reason
    who = f"{kind_word(c).capitalize()} {c.name}" if known(c) else "The container"
    ended = (f"exit code {code}" if code is not None else "no exit code") + (f", reason {why}" if why else "")
    node = str(pod.node or "").split("/")[0]
    node_cmd = [ctx.kubectl("describe", "node", node, namespaced=False)] if node and node != "<none>" else []
    if code == 137:
        return (f"{who}'s last run was killed with SIGKILL ({ended}) and was not marked OOMKilled; the paste does not "
                "show what the container does now, nor who killed it: the kubelet after a failed liveness/startup probe "
                "(whose events expire), the node's kernel OOM killer acting outside the container's own limit, an "
                "eviction, or a kill -9. The previous run's last log lines and the pod's events say which." + ev_note,
                [logs(ctx, c, previous=True), events_cmd(), ctx.kubectl("describe", "pod", ctx.name)] + node_cmd,
                [ex.state.reason, ex.state.exit_code])
    return (f"{who}'s last run ended with {ended}, so it was restarted after a failure, and the paste does not show "
            "what it does now or why it exited: the previous run's logs and the pod's describe (State, Last State, "
            "events) say." + ev_note,
            [logs(ctx, c, previous=True), ctx.kubectl("describe", "pod", ctx.name)],
            [ex.state.reason, ex.state.exit_code])


# kubelets of 1.1-1.2 (docker only) wrote `Backoff` / `Back-off restarting failed docker container`.
_BACKOFF_CRASH = re.compile(r"^Back-off restarting failed (?:docker )?container(?: (?P<c>[^\s]+) in pod)?")
_BACKOFF_REASONS = ("BackOff", "Backoff")
# Kubelets before 1.9 also wrote FailedSync: `failed to "StartContainer" for "<c>" with CrashLoopBackOff: "Back-off …"`.
_SYNC_CRASH = re.compile(r'failed to "StartContainer" for "(?P<c>[^"]+)" with CrashLoopBackOff')


def _is_crash_backoff(e) -> bool:
    return e is not None and ((e.reason in _BACKOFF_REASONS and _BACKOFF_CRASH.match(e.message) is not None)
                              or _SYNC_CRASH.search(e.message) is not None)
_STARTED = re.compile(r"^(?:Started|Created) container (?P<c>\S+)$")


def _crash_backoff(ctx: Context, pod: Pod, warnings: list, newest) -> Optional[tuple]:
    """`Back-off restarting failed container` with nothing else that explains it: a container exits
    again and again, and the paste shows neither its exit code nor its logs. The answer is in the
    previous run's logs and the describe's Last State, not in more events."""
    if not _is_crash_backoff(newest):
        # Probe failures of a container that keeps exiting are its symptom; the back-off is the news.
        loops = [e for e in warnings if _is_crash_backoff(e)]
        if not loops or any(e.reason not in (*_BACKOFF_REASONS, "Unhealthy") and not _is_crash_backoff(e) for e in warnings):
            return None
        newest = ctx.newest(loops)
    m = _BACKOFF_CRASH.match(newest.message) or _SYNC_CRASH.search(newest.message)
    name = m.group("c") or newest.container
    if not name:
        names = {str(c.name) for c in pod.all_containers if known(c)}
        names |= {mm.group("c") for e in pod.events if e.type == "Normal" for mm in [_STARTED.match(e.message)] if mm}
        name = names.pop() if len(names) == 1 else None
    who = f"Container {name}" if name else "A container of the pod"
    probes = [e for e in warnings if e.reason == "Unhealthy"]
    said = (" The probe failures in the paste are what a container that keeps exiting shows, not why it exits."
            if probes else "")
    logs = ctx.kubectl("logs", ctx.name, *(["-c", name] if name else []), "--previous")
    return (f"{who} keeps exiting and the kubelet restarts it with a growing delay (Back-off restarting failed "
            "container, CrashLoopBackOff), but the paste does not show how it exits: the previous run's logs and "
            f"the Last State (reason, exit code) in the pod's describe say why.{said}",
            [logs, ctx.kubectl("describe", "pod", ctx.name)], [newest])


_SERVICES_RACE = ("The kubelet could not build the container's environment because it had not yet read the cluster's "
                  "Services (\"services have not yet been read at least once\"): a start-up race after the kubelet "
                  "restarted or the node joined. It clears by itself within seconds; if it persists, the kubelet "
                  "cannot reach the API server.")
_FINE_ROWS = {"Running", "Completed", "Succeeded"}


# What a `kubectl get pods` STATUS narrows the cause to (k/k printers.go printPod prints a container's waiting or
# terminated reason, Init:<reason> for an init container, or the pod's own status.reason): (short, long). The short
# one fits the summary table's WHY column; the long one says where the answer is. A row never says which ConfigMap,
# which registry answer or which exit code: the pod's describe does.
_NOT_STARTED = ("the runtime could not start a container",
                "the runtime could not start a container: often its command or entrypoint does not exist in the image "
                "(describe quotes the runtime's message)")
_PULL = ("an image cannot be pulled",
         "an image cannot be pulled: the registry's answer (not found, unauthorized, unreachable, rate limit) is in the "
         "pod's events")
_ROW_STATUS = {
    "CreateContainerConfigError": ("a missing ConfigMap/Secret/key, or runAsNonRoot with a non-numeric user",
                                   "the kubelet cannot build a container's configuration: a ConfigMap, Secret or key it "
                                   "references is missing, or runAsNonRoot is set and the image's user is not numeric "
                                   "(describe's events name which)"),
    "CreateContainerError": ("the runtime could not create a container",
                             "the runtime could not create a container: a bad mount or subPath, a missing command, or a "
                             "name clash (describe's events quote the error)"),
    "RunContainerError": _NOT_STARTED, "StartError": _NOT_STARTED, "ContainerCannotRun": _NOT_STARTED,
    "ImagePullBackOff": _PULL, "ErrImagePull": _PULL,
    "ImageInspectError": ("the runtime cannot read a pulled image", "the runtime cannot read a pulled image "
                          "(describe's events quote why)"),
    "RegistryUnavailable": ("the image registry cannot be reached", "the image registry cannot be reached (describe's "
                            "events quote the error)"),
    "InvalidImageName": ("an image reference cannot be parsed", "an image reference cannot be parsed: a typo, an "
                         "upper-case letter or an empty tag (describe shows the image)"),
    "ErrImageNeverPull": ("imagePullPolicy Never and the image is not on the node",
                          "imagePullPolicy is Never and the image is not on the node (describe names the image)"),
    "CrashLoopBackOff": ("a container keeps exiting", "a container keeps exiting and the kubelet waits before each "
                         "restart: its last exit code (describe's Last State) and its previous logs say why"),
    "Error": ("a container exited non-zero, not restarted", "a container exited with a non-zero code and is not "
              "restarted (restartPolicy Never/OnFailure, e.g. a Job's pod): its exit code and logs say why"),
    "OOMKilled": ("a container went over its memory limit", "a container was killed for using more memory than its "
                  "limit (OOMKilled): describe shows the limit and how often it happened"),
    "Evicted": ("the kubelet evicted the pod", "the kubelet evicted the pod: the node ran short of memory or disk, or "
                "the pod went over its ephemeral-storage limit (describe's Message says which)"),
    "ContainerStatusUnknown": ("the kubelet lost track of a container", "the kubelet lost track of a container: the "
                               "node restarted or the container was removed, often during an eviction (describe's "
                               "Last State and events say which)"),
    "Pending": ("not scheduled or not started yet", "the pod is not scheduled or not started yet: the FailedScheduling "
                "event (or a volume wait) in its describe says why"),
    "ContainerCreating": ("containers are still being created", "the containers are still being created: a volume "
                          "mount, the network sandbox or a slow pull; describe's events say which"),
    "PodInitializing": ("main containers are being created", "the init containers finished and the main containers "
                        "are being created"),
    "Terminating": ("being deleted", "the pod is being deleted; if it stays, its node is gone, the runtime cannot stop "
                    "it or a finalizer holds it"),
    "Unknown": ("its node stopped reporting", "the node stopped reporting the pod's status (the node is down or cut "
                "off; kubectl describe node says which)"),
    "NodeLost": ("its node stopped reporting", "the node stopped reporting the pod's status (the node is down or cut "
                 "off; kubectl describe node says which)"),
    "SysctlForbidden": ("it sets a sysctl the kubelet does not allow",
                        "the kubelet rejected the pod because its securityContext sets a sysctl the node does not allow "
                        "(an unsafe sysctl not listed in the kubelet's --allowed-unsafe-sysctls); its controller then "
                        "creates another pod that is rejected the same way, so such rows pile up. describe names the "
                        "sysctl"),
    "OutOfcpu": ("the node had no cpu left when it arrived", "the kubelet rejected the pod: the node did not have "
                 "enough cpu left when it arrived (describe gives the numbers)"),
    "OutOfmemory": ("the node had no memory left when it arrived", "the kubelet rejected the pod: the node did not "
                    "have enough memory left when it arrived (describe gives the numbers)"),
    "OutOfpods": ("the node runs its maximum number of pods", "the kubelet rejected the pod: the node already runs "
                  "its maximum number of pods"),
    "NodeAffinity": ("the node no longer matches its affinity", "the kubelet rejected the pod: the node's labels no "
                     "longer match its nodeSelector/affinity"),
    "UnexpectedAdmissionError": ("the kubelet could not admit it", "the kubelet could not admit the pod, often a "
                                 "device plugin that could not allocate its GPU or device (describe's Message quotes it)"),
    "DeadlineExceeded": ("ran past activeDeadlineSeconds", "the pod ran past its activeDeadlineSeconds and was stopped"),
    "Shutdown": ("its node was shut down", "the node was shut down and the pod was stopped with it"),
    "NodeShutdown": ("its node was shut down", "the node was shut down and the pod was stopped with it"),
    "Terminated": ("the pod was stopped", "the pod was stopped, often by a node shutdown (describe's Message says why)"),
    "Failed": ("the pod failed", "the pod failed: its describe says which container and why"),
}
_ROW_INIT = {
    "CrashLoopBackOff": ("an init container exits non-zero again and again",
                         "an init container exits non-zero again and again, so the pod never starts: its exit code "
                         "(describe) and its logs say why"),
    "Error": ("an init container exited non-zero", "an init container exited non-zero, so the pod never started: its "
              "exit code (describe) and its logs say why"),
    "OOMKilled": ("an init container went over its memory limit", "an init container was killed for using more "
                  "memory than its limit"),
}


_HINTS: list = paste_cache(lambda: [{}])   # [{(STATUS, restarts): row_status_hint's answer}]: a big table has a few dozen


def row_status_hint(status: str, restarts: Optional[int] = None) -> Optional[tuple]:
    """(short, long): what a `kubectl get pods` STATUS narrows the cause to, or None when it says nothing more."""
    memo = _HINTS[0]
    key = (str(status), restarts)
    if key in memo:
        return memo[key]
    if len(memo) > 1024:               # STATUS comes from the paste: keep the memo small
        memo.clear()
    got = memo[key] = _row_status_hint(str(status), restarts)
    return got


def _row_status_hint(status: str, restarts: Optional[int]) -> Optional[tuple]:
    s = lambda n: "s" if n != 1 else ""     # noqa: E731
    if status.startswith("Init:"):
        rest = status[len("Init:"):]
        if rest in _ROW_INIT:
            return _ROW_INIT[rest]
        if rest.startswith("ExitCode:"):
            code = rest[len("ExitCode:"):]
            return (f"an init container exited with code {code}", f"an init container exited with code {code}, so the "
                    "pod never started: its logs say why")
        if re.fullmatch(r"\d+/\d+", rest):
            return (f"init containers not finished ({rest})", f"the init containers have not finished ({rest} done): "
                    "one is still running or waiting; its logs say for what")
        hint = _ROW_STATUS.get(rest)
        return (f"init container: {hint[0]}", f"an init container: {hint[1]}") if hint else None
    if status.startswith(("ExitCode:", "Signal:")):
        what = status.replace(":", " ")
        return (f"a container ended with {what}", f"a container ended with {what} and is not restarted: its logs say why")
    if status == "Completed" and restarts:
        return (f"exits with code 0, restarted {restarts} time{s(restarts)}",
                f"the container exits with code 0 and was restarted {restarts} time{s(restarts)}: in a Deployment, "
                "StatefulSet or DaemonSet its main process should run forever and ends instead; in a Job it succeeded "
                "after failed attempts")
    if status == "Running":
        if restarts:
            return (f"not Ready, restarted {restarts} time{s(restarts)}", f"it runs but is not Ready and has restarted "
                    f"{restarts} time{s(restarts)}: failing probes or a crashing container (describe's Last State and "
                    "events say which)")
        return ("runs but not Ready", "it runs but not all its containers are Ready: a failing readiness probe, or "
                "still starting (describe's events say which)")
    return _ROW_STATUS.get(status)


_ALL_READY = re.compile(r"(\d+)/\1")


def _table_row_trouble(ctx: Context, pod):
    """A `kubectl get pods` row says only STATUS, READY and RESTARTS: anything but a fine row is a symptom. The STATUS
    narrows it (row_status_hint); the pod's describe says which."""
    if getattr(pod, "source", "") != "get-pods" or not getattr(pod, "table_status", None):
        return None
    status = str(pod.table_status)
    ready = str(getattr(pod, "table_ready", "") or "")
    full = bool(_ALL_READY.fullmatch(ready)) if ready else True
    restarts = pod.restarts_from_table
    if status in _FINE_ROWS and (full or status != "Running") and not (status == "Completed" and restarts):
        return None
    hint = row_status_hint(status, restarts)
    short = hint[0] if hint else "a table row does not say why"
    return (short[0].upper() + short[1:] + ".", row_next(ctx, status, restarts), [pod.table_status])


def row_next(ctx: Context, status: str, restarts: Optional[int]) -> list:
    """What to paste for a row: its describe, and the previous logs when a container exits."""
    nxt = [ctx.kubectl("describe", "pod", ctx.name)]
    if status == "CrashLoopBackOff" or (status == "Running" and restarts):
        nxt.append(ctx.kubectl("logs", ctx.name, "--previous"))
    elif status in ("Error", "OOMKilled") or status.startswith("ExitCode:"):
        nxt.append(ctx.kubectl("logs", ctx.name))        # a terminated container that is not restarted: its own logs
    # An init container's logs need its name (-c), which a row does not give: its describe names it.
    return nxt


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
    # Kind-specific explanations, most specific first; the first that applies answers.
    for explain in (_node_network_unavailable, _cronjob_trouble, _daemonset_on_no_node, _job_failing,
                    _rollout_waiting, _deployment_short, _controller_short):
        answer = explain(ctx)
        if answer is not None:
            return answer
    failed_pods = _failed_pods(obj)
    if failed_pods:
        sel = str(obj.fields.get("Selector", "") or "").strip()
        pods_cmd = ctx.kubectl("describe", "pods", "-l", sel) if sel and sel != "<none>" else ctx.kubectl("get", "pods")
        return (f"{failed_pods} pod{'s' if failed_pods > 1 else ''} of this {obj.kind} {'have' if failed_pods > 1 else 'has'} "
                "Failed, and the paste does not show why: the failed pod's own describe does.",
                [pods_cmd], [obj.fields.get("Pods Status")])
    bad_conditions = [c for c in obj.conditions if (c.type in ("Available", "Ready", "Progressing") and c.status != "True"
                                                    and c.reason != "DeploymentPaused")
                      or (c.type in ("ReplicaFailure", "MemoryPressure", "DiskPressure", "PIDPressure") and c.status == "True")]
    warnings = [e for e in obj.events if e.type == "Warning"]
    if not bad_conditions and _status_fine(obj):
        warnings = []             # the object is fine now: its old warnings are history
    if not bad_conditions and not warnings:
        return None
    what = bad_conditions[0] if bad_conditions else ctx.newest(warnings)
    label = f"{what.type} {what.status} {what.reason}".strip() if bad_conditions else what.reason
    said = "" if bad_conditions or not what.message.strip() else f": \"{_cut(what.message)}\""
    who = f"{obj.kind} {obj.name}" if obj.name else f"This {obj.kind}"
    return (f"{who} shows trouble ({label}{said}) that kubeclue cannot explain yet.",
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
    if obj.kind == "Node":
        ready = next((c for c in obj.conditions if c.type == "Ready"), None)
        taints = [str(t) for t in getattr(obj, "taints", ()) or ()]
        if not taints:
            raw = str(obj.fields.get("Taints", "") or "").strip()
            taints = [] if raw in ("", "<none>") else [raw]
        head = (f"Node {obj.name} is Ready" if obj.name else "The node is Ready") if ready is not None and \
            ready.status == "True" else ("No problem found in the paste" if ready is None else "")
        if head and taints:
            return (f"{head}. It carries the taint{'s' if len(taints) > 1 else ''} {', '.join(taints)}: only pods that "
                    "tolerate it run there.")
        if head:
            return head + "."
    if obj.kind == "Deployment" and _paused(obj):
        return ("The Deployment's rollout is paused (Progressing Unknown DeploymentPaused): it makes no change until "
                "`kubectl rollout resume`.")
    if obj.kind == "Deployment" and _rollout_in_progress(obj):
        return ("A rolling update is in progress (Progressing True, the controller scaled a ReplicaSet within the last "
                "10 minutes); if it stalls, the Deployment reports ProgressDeadlineExceeded.")
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
        return (f"{_named(obj, 'PVC')} is Pending, waiting for the external provisioner {who}, which has not created a volume yet. "
                "If it stays Pending for more than a minute or two, the provisioner is not running, or its name does not "
                "match the StorageClass; its own logs say why.",
                [events_cmd, ctx.kubectl("get", "pods", "-A", namespaced=False) + f" | grep -i '{who.split('/')[-1]}'"],
                [status, external])
    if not obj.events:
        sc = obj.fields.get("StorageClass")
        return (f"{_named(obj, 'PVC')} is Pending and the paste shows no events about it (they expire after about an hour).",
                [events_cmd, ctx.kubectl("get", "storageclass", namespaced=False)], [status, sc])
    return None


def _failed_pods(obj) -> int:
    """Failed pods of a DaemonSet or StatefulSet (`Pods Status: 2 Running / 0 Waiting / 0 Succeeded / 1 Failed`): their
    pods are meant to run forever, so a Failed one is trouble. (A Job's failed pods are the job rules' business.)"""
    if obj.kind not in ("DaemonSet", "StatefulSet"):
        return 0
    m = re.search(r"(\d+) Failed", str(obj.fields.get("Pods Status", "") or ""))
    return int(m.group(1)) if m else 0


def _daemonset_on_no_node(ctx):
    """A DaemonSet that should run on no node (`Desired Number of Nodes Scheduled: 0`) and keeps deleting its pods, or
    has no node selector at all: no node passes its checks (taints, affinity, and before 1.12 the controller's own
    resource and host-port checks). With a node selector, no matching node yet may be intended."""
    obj = ctx.obj
    if obj.kind != "DaemonSet":
        return None
    m = re.search(r"^\s*(\d+)", str(obj.fields.get("Desired Number of Nodes Scheduled", "") or ""))
    if not m or m.group(1) != "0":
        return None
    deletes = [e for e in obj.events if e.reason == "SuccessfulDelete"]
    selector = str(obj.fields.get("Node-Selector", "") or "").strip()
    if not deletes and selector not in ("", "<none>"):
        return None
    name = str(obj.name or "<name>")
    why = (f" and its controller has been deleting the pods it made ({len(deletes)} SuccessfulDelete event"
           f"{'s' if len(deletes) != 1 else ''})" if deletes else "")
    sel = (f"its node selector {selector} matches no node, or " if selector not in ("", "<none>") else "")
    return (f"{_named(obj, 'DaemonSet')} runs on no node (Desired Number of Nodes Scheduled: 0){why}: {sel}every node has a taint it "
            "does not tolerate or fails its affinity; before 1.12 the DaemonSet controller also refused nodes without "
            "enough free cpu/memory or with its host port taken. The nodes' describe shows which.",
            [ctx.kubectl("describe", "nodes", namespaced=False), ctx.kubectl("get", "daemonset", name, "-o", "yaml")],
            [obj.fields.get("Desired Number of Nodes Scheduled")] + deletes[-1:])


def _job_failing(ctx):
    """A Job with failed pods that has not completed, and no BackoffLimitExceeded/DeadlineExceeded in the paste (the
    job rules' business): it is retrying, or gave up where the paste does not show. Its failed pods say why."""
    obj = ctx.obj
    if obj.kind != "Job":
        return None
    text = str(obj.fields.get("Pods Statuses", "") or obj.fields.get("Pods Status", "") or "")
    failed = re.search(r"(\d+) Failed", text)
    succeeded = re.search(r"(\d+) Succeeded", text)
    if not failed or failed.group(1) == "0":
        return None
    completions = re.match(r"\s*(\d+)", str(obj.fields.get("Completions", "") or ""))
    want = int(completions.group(1)) if completions else 1
    if succeeded and int(succeeded.group(1)) >= want:
        return None                      # it completed after some failed attempts
    if any(c.type == "Complete" and c.status == "True" for c in obj.conditions):
        return None
    name = str(obj.name or "<job>")
    n = int(failed.group(1))
    gave_up = any(c.type == "Failed" and c.status == "True" for c in obj.conditions)
    return (f"{n} pod{'s' if n != 1 else ''} of {_named(obj, 'Job', capital=False)} failed ({text.strip()}) and it has not completed"
            + (" (its Failed condition is set)" if gave_up else "; it retries until its backoffLimit (default 6)")
            + ". The paste does not show why they failed: a failed pod's exit code and logs do.",
            [ctx.kubectl("describe", "pods", "-l", f"job-name={name}"), ctx.kubectl("logs", f"job/{name}")],
            [obj.fields.get("Pods Statuses") or obj.fields.get("Pods Status")])


def _rollout_waiting(ctx):
    """A Deployment, DaemonSet or StatefulSet known only from `kubectl rollout status` waiting for it (`… rollout to
    finish: 1 of 3 updated replicas are available...`, `Waiting for 2 pods to be ready...`), perhaps until kubectl gave
    up (`error: timed out waiting for the condition`): kubectl's own timeout, not the controller's progress deadline.
    The paste cannot tell a slow rollout from a stuck one, nor why; the object's describe (conditions, events) and the
    describe of one of its pods that is not Ready can."""
    obj = ctx.obj
    if getattr(obj, "source", "") != "rollout-status" or obj.conditions:
        return None
    waiting = obj.fields.get("Rollout Status")
    if waiting is None:
        return None
    timed_out = obj.fields.get("Rollout Timeout")
    kind = obj.kind
    name = str(obj.name or f"<{kind.lower()}>")
    deadline = ("which is not the Deployment's progress deadline" if kind == "Deployment" else
                f"a {kind} has no progress deadline of its own")
    gave_up = (f" until it gave up (\"{_cut(str(timed_out))}\": kubectl's own wait ended, {deadline})"
               if timed_out is not None else "")
    said = str(waiting)
    old = ("Old pods are still counted: the controller keeps them until enough new pods are available (so a new pod "
           "that fails — image, crash, probes, scheduling — holds them), or they are slow to terminate. "
           if "pending termination" in said else "")
    pod = f"<a {name}-… pod that is not Ready>"
    if kind == "Deployment":
        how = ""
        shows = "its conditions (ProgressDeadlineExceeded), its new ReplicaSet and events"
    elif kind == "DaemonSet":
        how = ("A DaemonSet replaces its pod node by node (maxUnavailable at a time), so one new pod that does not "
               "become Ready, or cannot run on its node, holds the rollout. ")
        shows = "how many pods are scheduled, ready and misscheduled, and its events"
    else:
        how = ("A StatefulSet creates and updates its pods one at a time, in order, and waits for each to be Running "
               "and Ready: one pod that does not become Ready holds the rest. ")
        if said.startswith("partitioned roll out to finish: 0 out of"):
            how += ("(Clusters before Kubernetes 1.11 left this count at 0 for ever for a StatefulSet with `partition: "
                    "0`, even with every pod updated: compare the StatefulSet's update revision with its pods'.) ")
        shows = "its pods' status and events"
        pod = f"<the {name}-N pod that is not Ready>"
    if not obj.name:
        pod = "<its pod that is not Ready>"
    pods = "the new pods are not available" if kind == "Deployment" else "its pods are not ready"
    why = (old + how + f"The paste does not show why {pods}, nor whether the rollout is still "
           f"progressing or stuck: the {kind}'s describe shows {shows}; the describe of one of its pods that is not "
           "Ready (or still Terminating) says why.")
    first = [] if obj.name else [ctx.kubectl("get", f"{kind.lower()}s")]     # which one: its lines do not say
    return (f"`kubectl rollout status` was waiting for {_named(obj, kind, capital=False)} ({waiting}){gave_up}. " + why,
            first + [ctx.kubectl("describe", kind.lower(), name), ctx.kubectl("get", "pods"),
                     ctx.kubectl("describe", "pod", pod)],
            [waiting, timed_out])


def _deployment_short(ctx):
    """A Deployment whose Replicas line shows unavailable pods or an unfinished rollout, with no condition or event that
    explains it: the paste cannot tell a rollout in progress from a stuck one; the new ReplicaSet's pods can."""
    obj = ctx.obj
    if obj.kind != "Deployment":
        return None
    m = re.search(r"(\d+) desired \| (\d+) updated \| (\d+) total \| (\d+) available \| (\d+) unavailable",
                  str(obj.fields.get("Replicas", "") or ""))
    if not m:
        return None
    desired, updated, total, available, unavailable = (int(x) for x in m.groups())
    if unavailable == 0 and updated >= desired and available >= desired:
        return None
    if desired == 0 or _rollout_in_progress(obj) or _paused(obj):
        return None
    name = str(obj.name or "<name>")
    new_rs = str(obj.fields.get("NewReplicaSet", "") or "").split()
    rs = new_rs[0] if new_rs and new_rs[0] != "<none>" else ""
    parts = []
    if updated < desired:
        parts.append(f"{updated} of {desired} pods are on the new template")
    if unavailable:
        parts.append(f"{unavailable} pod{'s are' if unavailable != 1 else ' is'} unavailable")
    h = rs.rsplit("-", 1)[-1] if rs and "-" in rs else ""
    nxt = ([ctx.kubectl("describe", "pods", "-l", f"pod-template-hash={h}")] if h else []) + (
        [ctx.kubectl("describe", "rs", rs)] if rs else [ctx.kubectl("get", "pods", "-l", str(obj.fields.get("Selector", "")))])
    if updated >= desired:
        return (f"{_named(obj, 'Deployment')} is not at full strength: {' and '.join(parts)}, although every pod is on the current "
                f"template: a pod of ReplicaSet {rs or '(the new one)'} is failing or not Ready (crash, probes, node, "
                "scheduling), and its describe says why.", nxt, [obj.fields.get("Replicas")])
    return (f"{_named(obj, 'Deployment')} is not at full strength: {' and '.join(parts)}. The paste cannot tell a rollout still in "
            "progress from a stuck one: if this lasts more than a few minutes, the new ReplicaSet"
            + (f" {rs}" if rs else "") + "'s pods are failing (image, crash, probes, scheduling), and their describe says "
            "why.", nxt, [obj.fields.get("Replicas")])


def _rollout_in_progress(obj) -> bool:
    """Progressing True (the new ReplicaSet is being scaled) and the controller acted within the default progress
    deadline (600s): a normal rolling update; the controller itself flags it (ProgressDeadlineExceeded) if it stalls."""
    prog = next((c for c in obj.conditions if c.type == "Progressing"), None)
    if prog is None or prog.status != "True" or prog.reason not in ("ReplicaSetUpdated", "NewReplicaSetCreated",
                                                                     "FoundNewReplicaSet"):
        return False
    ages = [e.last_seen_s for e in obj.events if e.reason == "ScalingReplicaSet" and e.last_seen_s is not None]
    return bool(ages) and min(ages) < 600


def _controller_short(ctx):
    """A ReplicaSet, ReplicationController, StatefulSet or DaemonSet that has fewer pods than it wants and whose paste
    shows no condition or Warning that says why. A refused pod leaves a FailedCreate event; none at all means the
    events are elsewhere (a describe cut short) or the controller is not acting (kube-controller-manager down)."""
    obj = ctx.obj
    f = {k: str(v) for k, v in obj.fields.items()}
    if obj.kind in ("ReplicaSet", "ReplicationController"):
        m = re.search(r"(\d+) current / (\d+) desired", f.get("Replicas", ""))
        have, want = (int(m.group(1)), int(m.group(2))) if m else (None, None)
    elif obj.kind == "StatefulSet":
        m = re.search(r"(\d+) desired \| (\d+) total", f.get("Replicas", ""))
        have, want = (int(m.group(2)), int(m.group(1))) if m else (None, None)
    elif obj.kind == "DaemonSet":
        d = re.match(r"\s*(\d+)", f.get("Desired Number of Nodes Scheduled", ""))
        c = re.match(r"\s*(\d+)", f.get("Current Number of Nodes Scheduled", ""))
        have, want = (int(c.group(1)), int(d.group(1))) if c and d else (None, None)
    else:
        return None
    if have is None:
        return None
    waiting = re.search(r"(\d+) Waiting", f.get("Pods Status", ""))
    if have >= want and obj.kind in ("StatefulSet", "DaemonSet") and waiting and int(waiting.group(1)) > 0 \
            and not any(e.type == "Warning" for e in obj.events):
        n = int(waiting.group(1))
        name = str(obj.name or "<name>")
        first = f"{name}-0" if obj.kind == "StatefulSet" and obj.name else None
        return (f"{n} pod{'s' if n != 1 else ''} of {_named(obj, obj.kind, capital=False)} {'are' if n != 1 else 'is'} Waiting (not started: "
                "a claim not bound yet, an image pull, a crash loop, a missing ConfigMap/Secret). If it lasts more than "
                "a minute or two, the pod's describe says why.",
                [ctx.kubectl("describe", "pod", first)] if first else
                [ctx.kubectl("describe", "pods", "-l", f.get("Selector", "").strip())], [obj.fields.get("Pods Status")])
    if have >= want:
        return None
    past = explained(ctx)
    if any(e.type == "Warning" and e.line not in past for e in obj.events) or any(
            c.type == "ReplicaFailure" and c.status == "True" for c in obj.conditions):
        return None                          # the generic path names the warning
    history = any(e.type == "Warning" and e.line in past for e in obj.events)
    name = str(obj.name or "<name>")
    pods = re.search(r"(\d+) Running", f.get("Pods Status", ""))
    parallel = "Parallel" in f.get("Pod Management Policy", "")
    if obj.kind == "StatefulSet" and have > 0 and not parallel and pods and int(pods.group(1)) < have:
        last = f"{name}-{have - 1}" if obj.name else f"<name>-{have - 1}"
        return (f"{'StatefulSet ' + name if obj.name else 'The StatefulSet'} has {have} of the {want} pods it wants: it "
                "creates them one at a time (OrderedReady) and waits for each to be Running and Ready before the next, "
                f"and not all of its pods run ({f.get('Pods Status', '').strip()}). {'Pod ' + last if obj.name else 'Its pod number ' + str(have - 1)} is the one holding it up: "
                "its describe says why.",
                [ctx.kubectl("describe", "pod", last)], [obj.fields.get("Replicas"), obj.fields.get("Pods Status")])
    shown = ("its events are not in the paste" if obj.events_shown is None else
             "the refusals in its events are history (the pods they name were created since)" if history else
             "its events show no refusal" if obj.events else "it has no events")
    who = f"{obj.kind} {name}" if obj.name else f"The {obj.kind}"
    return (f"{who} has {have} of the {want} pods it wants, and {shown}. When the API server refuses a pod "
            "(quota, LimitRange, PodSecurity, a webhook, a missing ServiceAccount) the controller records a FailedCreate "
            "event; when there is none at all, the controller is not acting (is kube-controller-manager running?).",
            [ctx.kubectl("get", "events", "--field-selector", f"involvedObject.name={name}")] if obj.name else
            [ctx.kubectl("get", "events", "--sort-by=.lastTimestamp")],
            [obj.fields.get("Replicas") or obj.fields.get("Current Number of Nodes Scheduled")])


def _cronjob_trouble(ctx):
    """What a CronJob's own events say (cronjob-controller, B.12): its last job failed, too many missed start times,
    or a job still active under concurrencyPolicy Forbid. No class covers these; the job or the controller says more."""
    obj = ctx.obj
    if obj.kind != "CronJob":
        return None
    name = str(obj.name or "<name>")
    who = f"CronJob {name}" if obj.name else "The CronJob"
    missed = ctx.newest([e for e in obj.events if e.reason in ("FailedNeedsStart", "TooManyMissedTimes")
                         or "missed start time" in e.message])
    if missed is not None:
        return (f"{who} cannot work out which run to start: more than 100 start times were missed (\"{_cut(missed.message)}\"). "
                "The controller was down or the clock jumped, and with no startingDeadlineSeconds it looks back over "
                "every missed time: set spec.startingDeadlineSeconds (for example 200) so it only looks back that far.",
                [ctx.kubectl("get", "cronjob", name, "-o", "yaml")], [missed])
    seen = [e for e in obj.events if e.reason == "SawCompletedJob"]
    last = ctx.newest(seen)
    if last is not None and "status: Failed" in last.message:
        m = re.search(r"Saw completed job: ([\w.-]+)", last.message)
        job = m.group(1) if m else "<job>"
        return (f"The last run of {who if obj.name else 'the CronJob'}, Job {job}, failed. The "
                "CronJob itself is fine; the Job's pods say why it failed.",
                [ctx.kubectl("describe", "job", job), ctx.kubectl("describe", "pods", "-l", f"job-name={job}")], [last])
    active = ctx.newest([e for e in obj.events if e.reason == "JobAlreadyActive"])
    if active is not None:
        jobs = str(obj.fields.get("Active Jobs", "") or "").strip()
        return (f"{who} skips its runs because a job is still active and concurrencyPolicy is Forbid "
                f"(\"{_cut(active.message)}\"){': ' + jobs if jobs and jobs != '<none>' else ''}. That job hangs or runs "
                "longer than the schedule's interval; its pods say why.",
                [ctx.kubectl("describe", "job", jobs.split(",")[0].strip())] if jobs and jobs != "<none>" else
                [ctx.kubectl("get", "jobs", "-l", f"cronjob={name}")], [active])
    return None


def _node_network_unavailable(ctx):
    """NetworkUnavailable True on a node (the cloud route controller's NoRouteCreated, or a CNI that sets it): the node
    keeps the network-unavailable taint and its pods cannot reach other nodes. No class covers the node side."""
    obj = ctx.obj
    if obj.kind != "Node":
        return None
    bad = [c for c in obj.conditions if c.type == "NetworkUnavailable" and c.status == "True"]
    if not bad:
        return None
    c = bad[-1]
    name = str(obj.name or "")
    rows = f"{len(bad)} condition rows say" if len(bad) > 1 else ("Node " + name + " reports" if name else "The node reports")
    why = f" ({c.reason}: {c.message})" if c.reason or c.message else ""
    route = "route" in f"{c.reason} {c.message}".lower()
    return (f"{rows} NetworkUnavailable True{why}: "
            + ("the cloud provider's route controller could not create the pod-network route for "
               + ("those nodes" if len(bad) > 1 else "the node") if route else "the node's pod network is not set up")
            + (", so they keep the node.kubernetes.io/network-unavailable taint and their pods" if len(bad) > 1 else
               ", so it keeps the node.kubernetes.io/network-unavailable taint and its pods")
            + " cannot reach pods on other nodes. " + ("The controller manager's log says why (route table quota, cloud permissions)."
                           if route else "The network plugin's pod on that node says why."),
            ([ctx.kubectl("describe", "node", name, namespaced=False)] if name else
             [ctx.kubectl("get", "nodes", "-o", "wide", namespaced=False)])
            + [ctx.kubectl("-n", "kube-system", "logs", "-l", "component=kube-controller-manager", namespaced=False)
               + " | grep -i route" if route else ctx.kubectl("get", "pods", "-n", "kube-system", "-o", "wide",
                                                               namespaced=False)],
            [c.line])


def _paused(obj) -> bool:
    return any(c.type == "Progressing" and c.reason == "DeploymentPaused" for c in obj.conditions)
