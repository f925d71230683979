"""Stage 2 for `kubectl describe pvc` (describePersistentVolumeClaim; reference A.5).

What carries failures: Status (Pending / Lost / Terminating), the empty Volume and Capacity
of an unbound claim, StorageClass, Access Modes, the pods that use it (`Used By:`, `Mounted
By:` before 1.20) and the provisioner's events."""
from __future__ import annotations

from ..model import PersistentVolumeClaim, Val
from .fields import annotations, conditions, kv_values, top_map, val
from .pod import multi
from .tree import Node


def build_pvc(root: Node, base: dict) -> PersistentVolumeClaim:
    top = top_map(root)
    status = val(top.get("Status"))
    terminating = None
    if status is not None and str(status).startswith("Terminating"):
        terminating = status
        status = Val("Terminating", status.line)
    return PersistentVolumeClaim(
        **base, kind="PersistentVolumeClaim", labels=kv_values(top.get("Labels")),
        annotations=annotations(top.get("Annotations")), conditions=conditions(top.get("Conditions")),
        status=status, terminating=terminating, volume=val(top.get("Volume")),
        storage_class=val(top.get("StorageClass")), access_modes=val(top.get("Access Modes")),
        capacity=val(top.get("Capacity")), volume_mode=val(top.get("VolumeMode")),
        finalizers=val(top.get("Finalizers")), data_source=val(top.get("DataSource")),
        used_by=tuple(Val(p.strip(), v.line) for v in multi(top.get("Used By") or top.get("Mounted By"))
                      for p in str(v).split(",") if p.strip()),
    )
