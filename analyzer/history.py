"""What in a pod's paste is history: events of a problem that is already over.

Events live about an hour and stay in the table after the problem is fixed (a failed pull
retried successfully, a readiness probe that failed during start-up). The current state
(`State:`, `Ready:`) says whether the problem is still there; the rules mark the events
they accounted for, so triage does not call them unexplained.
"""
from __future__ import annotations

from typing import Iterable

from .model import Container, Pod

# Container-level kubelet event reasons that describe a container's past trouble.
CONTAINER_REASONS = frozenset({
    "Failed", "BackOff", "Unhealthy", "Killing", "ProbeWarning", "ProbeError", "InspectFailed",
    "ErrImageNeverPull", "FailedToRetrieveImagePullSecret", "FailedSync", "FailedPostStartHook",
    "FailedPreStopHook", "ExceededGracePeriod",
})


def mark_explained(ctx, events: Iterable) -> None:
    """Record event rows a rule has accounted for (as a cause, or as history)."""
    seen = ctx.facts.setdefault("explained_events", set())
    for e in events:
        if e is not None:
            seen.add(e.line)


def explained(ctx) -> set:
    return ctx.facts.get("explained_events", set())


def init_done(c: Container) -> bool:
    """An init container that finished (exit 0), or a native sidecar that is running and ready."""
    s = c.state
    if s is None:
        return False
    if s.state == "Terminated":
        return s.code == 0
    return s.state == "Running" and c.is_ready


def settled(pod: Pod) -> bool:
    """Every container is where it should be: init containers done, main containers running
    and ready (or the pod completed). Container trouble in the events is then history."""
    if not isinstance(pod, Pod) or not pod.containers:
        return False
    if str(pod.status or "") == "Succeeded":
        return True
    if not all(init_done(c) for c in pod.init_containers):
        return False
    return all(c.state is not None and c.state.state == "Running" and c.is_ready for c in pod.containers)
