"""How a container ended: the terminated state that explains its restarts, and who killed it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from .model import Container, ContainerState

# Killing event wordings: `Container %s failed liveness probe, will be restarted` (1.14+),
# `Container %s failed startup probe, will be restarted`, and the pre-1.14
# `Killing container with id docker://<c>:Container failed liveness probe.. Container will be killed and recreated.`
PROBE_KILL = re.compile(r"failed (liveness|startup) probe", re.IGNORECASE)
START_FAILURE_REASONS = {"StartError", "ContainerCannotRun"}


@dataclass(frozen=True)
class Exit:
    state: ContainerState
    current: bool              # the container is Terminated now (not just its last state)

    @property
    def code(self) -> Optional[int]:
        return self.state.code

    @property
    def reason(self) -> str:
        return str(self.state.reason or "")


def last_exit(c: Container) -> Optional[Exit]:
    if c.state is not None and c.state.state == "Terminated":
        return Exit(c.state, True)
    if c.last_state is not None and c.last_state.state == "Terminated":
        return Exit(c.last_state, False)
    return None


def is_crashlooping(c: Container) -> bool:
    s = c.state
    return s is not None and s.state == "Waiting" and s.reason is not None and s.reason == "CrashLoopBackOff"


def probe_kills(ctx, c: Container) -> list:
    return [e for e in ctx.container_events(c, "Killing", "Unhealthy") if e.reason == "Killing" and PROBE_KILL.search(e.message)]


def is_trouble_now(c: Container, pod_status: str = "") -> bool:
    """The container is failing now: waiting after a crash, terminated with an error, or
    running-but-not-ready with restarts. A Ready container's past restarts are history."""
    if c.state is None:
        return True
    if is_crashlooping(c):
        return True
    if c.state.state == "Terminated":
        return (c.state.code or 0) != 0 or str(c.state.reason or "") not in ("Completed", "")
    if c.state.state == "Running":
        return not c.is_ready and c.restarts > 0 and not c.init
    return c.state.state == "Waiting"


def first_line(text: Optional[str], limit: int = 160) -> str:
    if not text:
        return ""
    line = next((ln.strip() for ln in str(text).splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"
