"""Last resort for a paste that holds no kubectl table or describe, only a message copied out
of one ("I get: create Pod keyval-0 in StatefulSet keyval failed error: ... violates PodSecurity"):
find the known machine messages and read each as the event it came from."""
from __future__ import annotations

import re

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
    (re.compile(r"Job has reached the specified backoff limit"), "BackoffLimitExceeded"),
    (re.compile(r"Job was active longer than specified deadline"), "DeadlineExceeded"),
)
_NORMAL = {"Killing"}


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
                found.append((reason, i, m.start()))
                break
    if not found:
        return None
    events = []
    for n, (reason, i, col) in enumerate(found):
        stop = found[n + 1][1] if n + 1 < len(found) else len(lines)
        parts = [lines[i].text[col:].strip()]
        end = i
        for j in range(i + 1, stop):
            ln = lines[j]
            if ln.blank:
                break
            if ln.noise:
                continue
            parts.append(ln.text.strip())
            end = j
        raw = " ".join(p for p in parts if p)
        msg, container = normalise(raw)
        events.append(Event(type="Normal" if reason in _NORMAL else "Warning", reason=reason, message=msg,
                            source="", age="", count=1, last_seen_s=None, container=container,
                            line=lines[i].no, end_line=lines[end].no, raw=raw))
    first, last = events[0].line, events[-1].end_line
    name, namespace = pod_named_by_events(events)     # `(pod: "<name>_<namespace>(<uid>)"`
    return Pod(kind="Pod", name=name, namespace=namespace, lines=(first, last), events=tuple(events), events_shown=True,
               sections=("Events",), missing=("Only messages were pasted: the describe around them would show more",),
               partial=True)
