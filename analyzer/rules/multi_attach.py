"""multi-attach: a ReadWriteOnce volume is still attached to another node."""
from __future__ import annotations

import re

from ..report import Severity
from ..volumes import pod_stuck_creating
from .rule import RuleMeta

META = RuleMeta(
    id="multi-attach", cls="multi-attach", title="Volume still attached to another node",
    severity=Severity.ERROR, rank=26,
    summary="A ReadWriteOnce volume is still attached to another node (Multi-Attach error), so this pod cannot start where it was scheduled.",
    statuses=("ContainerCreating", "FailedAttachVolume", "FailedMount", "Multi-Attach error"),
    related=("volume-mount-failure", "node-not-ready"),
    quiet_without_events=(),
)

_MULTI = re.compile(r'Multi-Attach error for volume "([^"]+)"\s*(.*)$', re.S)
_USED_BY = re.compile(r"already used by pod\(s\)\s*(.*?)(?:$| and \d+ pod\(s\))", re.S)


def check(ctx):
    pod = ctx.obj
    if not pod_stuck_creating(pod):
        return
    evs = [e for e in ctx.obj.events if "Multi-Attach error" in e.message]
    e = ctx.newest(evs)
    if e is None or ctx.superseded(e, "SuccessfulAttachVolume", "Started", "Created", "Pulled"):
        return
    m = _MULTI.search(e.message)
    vol = m.group(1) if m else "<volume>"
    rest = m.group(2) if m else ""
    um = _USED_BY.search(rest)
    users = [u.strip() for u in um.group(1).split(",") if u.strip()] if um else []
    who = f" by pod {', '.join(users)}" if users else " on another node"
    cause = f"{'Volume ' + vol if m else 'A volume of the pod'} is ReadWriteOnce and still attached{who}, so it cannot attach to this pod's node."
    owner = getattr(pod, "owner", None)
    fix = []
    if owner is not None and owner.top_kind == "Deployment":
        fix.append(f"For a Deployment with a ReadWriteOnce volume use `strategy: Recreate` (or a StatefulSet): a rolling update starts the new pod on another node while the old one holds the disk.")
    fix += ["If the old pod is stuck Terminating on a dead node, delete it (and the VolumeAttachment); otherwise the attach/detach controller force-detaches after about 6 minutes.",
            f"Check: `{ctx.kubectl('get', 'pod', ctx.name, '-w')}` leaves ContainerCreating."]
    cmds = [ctx.kubectl("get", "volumeattachment", namespaced=False) + f" | grep {vol}"]
    if users:
        cmds.append(ctx.kubectl("get", "pod", users[0], "-o", "wide"))
        cmds.append(ctx.kubectl("delete", "pod", users[0], "--grace-period=0", "--force") +
                    "  # risky: only once its node is confirmed dead; two writers corrupt the disk")
    if ctx.workload and ctx.workload.startswith("deployment/"):
        cmds.append(ctx.kubectl("patch", ctx.workload, "-p", '{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}'))
    yield ctx.finding(META, cause=cause, evidence=ctx.evidence(e), fix=fix, commands=cmds,
                      details={"volume": vol, "used_by": users})
