"""volume-mount-failure: the kubelet cannot mount a volume (FailedMount: NFS, CSI, timeouts)."""
from __future__ import annotations

import re

from ..report import Confidence, Severity
from ..history import mark_explained
from ..volumes import (CONFIG_OBJECT, config_explained, mount_errors, pod_stuck_creating, said, summary_events,
                       unmounted)
from .rule import RuleMeta

META = RuleMeta(
    id="volume-mount-failure", cls="volume-mount-failure", title="Volume cannot be mounted",
    severity=Severity.ERROR, rank=27,
    summary="The kubelet cannot attach or mount one of the pod's volumes (NFS, CSI driver, timeouts), so its containers stay in ContainerCreating.",
    statuses=("ContainerCreating", "FailedMount", "FailedAttachVolume", "MountVolume.SetUp failed",
              "Unable to attach or mount volumes"),
    related=("multi-attach", "pvc-unbound", "missing-configmap", "missing-secret"),
    quiet_without_events=(),
)

_FIX = {
    "nfs-helper": ["Install the NFS client on every node (`nfs-common` on Debian/Ubuntu, `nfs-utils` on RHEL/Amazon Linux)."],
    "nfs-denied": ["Allow the nodes' addresses in the server's export list (/etc/exports), and check root squash against the pod's user."],
    "nfs-path": ["Create the export path on the NFS server, or fix the path in the PV / volume."],
    "nfs-unreachable": ["Open TCP 2049 (and 111 for NFSv3) from the nodes to the NFS server: firewall, security group, network policy."],
    "nfs-version": ["Set the NFS version the server supports in the mount options (e.g. nfsvers=4.1)."],
    "csi-not-registered": ["Check the CSI driver's node DaemonSet pod on this node (running? registered?), and `kubectl get csinode <node>`.",
                           "If the kubelet uses a non-default root dir, the driver must be installed with the same path."],
    "csi-attacher": ["Check the CSI controller (external-attacher) pods and `kubectl get volumeattachment`; look for cloud attach errors or quotas."],
    "detaching": ["Check where the volume is still attached (`kubectl get volumeattachment`, the cloud console); if the old "
                  "node is gone or the detach is stuck, detach it there or delete the stale VolumeAttachment."],
    "csi-busy": ["Wait for the running operation to finish; if it never does, check the CSI driver's logs."],
    "timeout": ["Check the storage backend and the CSI driver's logs for slow operations."],
    "root-ca": ["Usually transient; if it persists for long, restart the kubelet on the node or delete the pod."],
    "cache-sync": ["Usually transient: the kubelet retries, and the pod starts once the API server answers.",
                   "If it goes on, check that the node reaches the API server (the kubelet's log: `journalctl -u kubelet`) "
                   "and the API server's health and load (`kubectl get --raw '/readyz?verbose'`)."],
    "subpath": ["Fix subPath, or the hostPath `type`, so a file is mounted onto a file and a directory onto a directory."],
    "csi": ["Read the CSI driver's error above, and its controller/node plugin logs."],
    "other": ["Read the kubelet's error above; `kubectl describe pvc` and the storage driver's logs usually say more."],
}


# Events the kubelet emits only once a pod's volumes are mounted (it sets up the sandbox after the mounts).
_PAST_MOUNTS = ("FailedCreatePodSandBox", "SandboxChanged", "Pulling", "Pulled", "Created", "Started", "BackOff",
                "Failed")


def check(ctx):
    pod = ctx.obj
    if not pod_stuck_creating(pod):
        return
    errors = mount_errors(ctx)
    node = str(getattr(pod, "node", "") or "").split("/")[0] or "<node>"
    if not errors:
        sums = summary_events(ctx)
        if not sums:
            return
        e = ctx.newest(sums)
        vols = unmounted(e)
        fine, config = config_explained(ctx)
        left = [v for v in vols if v not in fine]
        if CONFIG_OBJECT.search(e.message) or (config and not left):
            # The timeout (or the pre-1.5 `Unable to mount volumes … configmaps "x" not found`) is what the
            # missing ConfigMap/Secret/key does to the pod: that cause's symptom, not a second cause.
            mark_explained(ctx, sums)
            return
        if fine:
            cause = (f"Volume{'s' if len(left) != 1 else ''} {', '.join(left)} could not be mounted in time either, and "
                     f"the paste does not show {'its' if len(left) == 1 else 'their'} own error (it shows the error of "
                     f"{', '.join(sorted(v for v in vols if v in fine))} only).")
        elif vols:
            cause = (f"Volume{'s' if len(vols) != 1 else ''} {', '.join(vols)} could not be mounted in time, "
                     "and the paste does not show the specific error.")
        else:
            cause = ("The pod's volumes could not be mounted in time (the kubelet's row does not name them), and the "
                     "paste does not show the specific error.")
        yield ctx.finding(
            META, confidence=Confidence.POSSIBLE, cause=cause,
            evidence=ctx.evidence(e), fix=["Look for the specific FailedMount / FailedAttachVolume event about "
                                           f"{'that volume' if len(left or vols) == 1 else 'each volume'}."],
            commands=[], next=[ctx.kubectl("get", "events", "--field-selector", f"involvedObject.name={ctx.name}")],
        )
        return
    for me in errors:
        kind = me.kind
        if kind == "root-ca" and me.event.count < 5:
            continue                       # the transient start-up race, seen once or twice
        if kind == "cache-sync" and ctx.superseded(me.event, *_PAST_MOUNTS):
            mark_explained(ctx, [me.event])
            continue                       # the kubelet went on to the sandbox or the containers: mounted since
        cause = f"Volume {me.volume} cannot be {'attached' if 'Attach' in me.operation else 'mounted'}: {me.meaning}"
        if kind in ("csi", "other", "detaching"):
            words = said(me.error)
            if words:
                cause += f' ("{words if len(words) <= 200 else words[:199] + "…"}")'
        cause += "."
        claims = [m.group(1) for m, _ in ctx.grep(r"^\s+ClaimName:\s+(\S+)")]
        cmds = [ctx.kubectl("get", "events", "--field-selector", f"involvedObject.name={ctx.name}")]
        if kind.startswith("csi"):
            cmds.append(ctx.kubectl("get", "csinode", node, namespaced=False))
            cmds.append(ctx.kubectl("get", "volumeattachment", namespaced=False))
        if claims:
            cmds.append(ctx.kubectl("describe", "pvc", claims[0]))
        fix = list(_FIX.get(kind, _FIX["other"])) + [
            f"Check: `{ctx.kubectl('get', 'pod', ctx.name, '-w')}` leaves ContainerCreating and the FailedMount events stop."]
        yield ctx.finding(
            META, cause=cause, evidence=ctx.evidence(me.event, *[e for e in summary_events(ctx)][-1:]),
            fix=fix, commands=cmds,
            details={"volume": me.volume, "operation": me.operation, "sub_cause": kind, "error": me.error[:500]},
        )
