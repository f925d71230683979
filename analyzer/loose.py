"""Last resort for a paste that holds no kubectl table or describe, only a message copied out
of one ("I get: create Pod keyval-0 in StatefulSet keyval failed error: ... violates PodSecurity"):
find the known machine messages and read each as the event it came from."""
from __future__ import annotations

import re
from dataclasses import replace

from .model import Event, Pod, Val
from .parse.describe import pod_named_by_events
from .parse.events import normalise

# message start -> (event reason, type). The first column of a row is gone in such pastes.
_STARTS = (
    (re.compile(r"Error creating: |create Pod \S+ in StatefulSet \S+ failed error: |pods? \"[^\"]*\" is forbidden: "), "FailedCreate"),
    (re.compile(r'Failed to pull image "'), "Failed"),
    (re.compile(r'Failed to apply default image tag "'), "InspectFailed"),
    (re.compile(r'Container image "[^"]*" is not present with pull policy of Never'), "ErrImageNeverPull"),
    (re.compile(r"\d+/\d+ nodes are available|No nodes are available that match|no nodes available to schedule pods"), "FailedScheduling"),
    (re.compile(r"Multi-Attach error for volume"), "FailedAttachVolume"),
    (re.compile(r"MountVolume\.\w+ failed for volume|Unable to (?:attach or )?mount volumes"), "FailedMount"),
    (re.compile(r"Failed (?:to )?create pod sandbox"), "FailedCreatePodSandBox"),
    (re.compile(r"(?:Liveness|Readiness|Startup) probe (?:failed|errored)"), "Unhealthy"),
    (re.compile(r"Container \S+ failed (?:liveness|startup) probe"), "Killing"),
    (re.compile(r"Back-off restarting failed container"), "BackOff"),
    (re.compile(r"Error: (?:configmaps?|secrets?) \"|couldn't find key \S+ in (?:Secret|ConfigMap)|container has runAsNonRoot"), "Failed"),
    # The runtime's refusal to start a container, as the kubelet's `Failed` event words it.
    (re.compile(r"Error: (?:failed to (?:create containerd task|create shim task|start container|generate container)|"
                r"OCI runtime (?:create|start|exec) failed|runc create failed|Error response from daemon: )"), "Failed"),
    # What UIs (Rancher, Lens, Argo CD) and CI tools print for a waiting container: `<reason>: <message>`.
    # The back-off's message is the kubelet's BackOff event's; ErrImagePull's is the pull error.
    (re.compile(r'(?:^|\s)ImagePullBackOff: (?P<msg>Back-off pulling image ")'), "BackOff"),
    (re.compile(r"(?:^|\s)ErrImagePull: (?P<msg>\S)"), "ErrImagePull"),
    (re.compile(r"Job has reached the specified backoff limit"), "BackoffLimitExceeded"),
    (re.compile(r"Job was active longer than specified deadline"), "DeadlineExceeded"),
)
_NORMAL = {"Killing"}


_BACKOFF_IMAGE = re.compile(r'Back-off pulling image "([^"]+)"')
_ERR_IMAGE = re.compile(r'image "([^"]+)"|manifest for (\S+) not found|pull access denied for ([^\s,]+)')


def _image_of(err: str, found: list, lines: list) -> str:
    """The image an ErrImagePull line is about: the one its back-off line names, else its error's."""
    for reason, i, col in found:
        m = _BACKOFF_IMAGE.search(lines[i].text, col) if reason == "BackOff" else None
        if m:
            return m.group(1)
    m = _ERR_IMAGE.search(err)
    return next((g for g in m.groups() if g), "") if m else ""


# `kubectl logs` refused by the API server because the container is not running yet (kubelet
# validateContainerLogStatus): `container "app" in pod "web-1" is waiting to start: <reason or message>`.
_LOGS_WAITING = re.compile(r'container "(?P<c>[^"]+)" in pod "(?P<pod>[^"]+)" is waiting to start: (?P<why>.+?)\s*$')
_WAITING_STATUS = (
    (re.compile(r"image can't be pulled|trying and failing to pull image|ErrImagePull|ImagePullBackOff", re.I),
     "ImagePullBackOff"),
    (re.compile(r"^(?P<reason>[A-Z][A-Za-z]+)$"), None),    # a waiting reason: ContainerCreating, CreateContainerConfigError…
)


def _read_logs_error(lines: list):
    """A `kubectl logs` error that says the container is waiting -> that pod as a get-pods row would show it."""
    from .parse.tables import _pod_from_row

    for ln in lines:
        if ln.blank:
            continue
        m = _LOGS_WAITING.search(ln.text)
        if not m:
            continue
        why = m.group("why").rstrip(".")
        status = ""
        for rx, mapped in _WAITING_STATUS:
            hit = rx.search(why)
            if hit:
                status = mapped or hit.group("reason")
                break
        if not status:
            return None
        row = {"NAME": m.group("pod"), "READY": "0/1", "STATUS": status}
        pod = _pod_from_row(row, ln, "", 0)
        return replace(pod, sections=("kubectl logs error",), missing=(
            f"Containers: container {m.group('c')} is waiting to start ({why}); "
            "`kubectl logs` does not say why",
            "Events: not in the paste"))
    return None


# kubedog / werf print a rollout as a tree, each pod's errors as children of its row:
#   ├── web-5d877f69cf-pxf2v   0/1   0   ContainerCreating
#   │   └── error: FailedMount: MountVolume.SetUp failed for volume
#   │       "config" : secret "example" not found
_TREE_NODE = re.compile(r"^[\s│]*[├└]")
_TREE_LEFT = re.compile(r"^[\s│]+")
_TREE_ROW = re.compile(r"^(?P<lead>[\s│]*)[├└]──\s+(?P<name>[a-z0-9][a-z0-9.-]*[a-z0-9])\s+\d+/\d+\s")


def _tree_parent(lines: list, i: int):
    """The pod whose tree row a message line hangs under (a row less indented, just above it), or None."""
    m = _TREE_NODE.match(lines[i].text)
    if m is None:
        return None
    depth = m.end()
    for j in range(i - 1, max(i - 40, -1), -1):
        row = _TREE_ROW.match(lines[j].text)
        if row is not None and len(row.group("lead")) < depth - 1:
            return Val(row.group("name"), lines[j].no)
        if lines[j].blank:
            break
    return None


def read_messages(lines: list):
    """-> a partial Pod holding one synthetic event per message found, or None."""
    found = []            # (reason, start index, column)
    for i, ln in enumerate(lines):
        # `Error: ...` at column 0 reads as kubectl's stderr, but it is also how the kubelet's
        # container errors start (`Error: secret "x" not found`, `Error: container has runAsNonRoot`).
        if ln.blank or (ln.noise and not (ln.noise == "stderr" and ln.text.startswith("Error: "))):
            continue
        for rx, reason in _STARTS:
            m = rx.search(ln.text)
            if m:
                found.append((reason, i, m.start("msg") if "msg" in rx.groupindex else m.start()))
                break
    if not found:
        return _read_logs_error(lines)
    events = []
    for n, (reason, i, col) in enumerate(found):
        stop = found[n + 1][1] if n + 1 < len(found) else len(lines)
        parts = [lines[i].text[col:].strip()]
        end = i
        tree = _TREE_NODE.match(lines[i].text) is not None
        for j in range(i + 1, stop):
            ln = lines[j]
            if ln.blank or (tree and _TREE_NODE.match(ln.text)):
                break                  # (in a tree, the next node is not the message's continuation)
            if ln.noise:
                continue
            parts.append(_TREE_LEFT.sub("", ln.text) if tree else ln.text.strip())
            end = j
        raw = " ".join(p for p in parts if p)
        msg, container = normalise(raw)
        if reason == "ErrImagePull":
            # The kubelet reports the same error as its `Failed to pull image "<image>": <error>` event.
            reason = "Failed"
            if not msg.startswith(("Failed to pull image", "failed to pull image")):
                msg = f'Failed to pull image "{_image_of(msg, found, lines)}": {msg}'
        events.append(Event(type="Normal" if reason in _NORMAL else "Warning", reason=reason, message=msg,
                            source="", age="", count=1, last_seen_s=None, container=container,
                            line=lines[i].no, end_line=lines[end].no, raw=raw))
    first, last = events[0].line, events[-1].end_line
    name, namespace = pod_named_by_events(events)     # `(pod: "<name>_<namespace>(<uid>)"`
    if name is None:
        name = _tree_parent(lines, found[0][1])
    return Pod(kind="Pod", name=name, namespace=namespace, lines=(first, last), events=tuple(events), events_shown=True,
               sections=("Events",), missing=("Only messages were pasted: the describe around them would show more",),
               partial=True)
