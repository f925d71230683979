"""Stage 2 for controllers: Deployment, ReplicaSet, ReplicationController, StatefulSet,
DaemonSet, Job, CronJob (kubectl describeDeployment ... describeCronJob, reference A.5).

What carries failures there: the replica and pod-status counts, the conditions, the
`Pod Template:` (image, probes, resources of the pods it makes), and the events
(`FailedCreate` with the admission error when no pod could be created)."""
from __future__ import annotations

from typing import Optional

from ..model import (CronJob, DaemonSet, Deployment, Job, PodTemplate, ReplicaSet, ReplicationController,
                     StatefulSet, Val)
from .fields import annotations, conditions, counts, kv_values, top_map, val
from .pod import containers, multi, owner_of, volumes
from .tree import Node


def template(node: Optional[Node]) -> Optional[PodTemplate]:
    """`Pod Template:` (DescribePodTemplate): the same container blocks as a pod, without status."""
    if node is None:
        return None
    t = top_map(node)
    return PodTemplate(
        labels=kv_values(t.get("Labels")), annotations=annotations(t.get("Annotations")),
        service_account=val(t.get("Service Account")),
        init_containers=containers(t.get("Init Containers"), True), containers=containers(t.get("Containers"), False),
        volumes=volumes(t.get("Volumes")), node_selectors=multi(t.get("Node-Selectors")),
        tolerations=multi(t.get("Tolerations")), priority_class=val(t.get("Priority Class Name")),
        lines=(node.line.no, node.last_line),
    )


def _common(kind: str, root: Node, base: dict) -> dict:
    top = top_map(root)
    replicas = val(top.get("Replicas"))
    pods_status = val(top.get("Pods Status") or top.get("Pods Statuses"))
    labels = kv_values(top.get("Labels"))
    owner_node = top.get("Controlled By")
    tmpl = template(top.get("Pod Template"))
    if tmpl is None and top.get("Job Template") is not None:
        tmpl = template(top_map(top["Job Template"]).get("Pod Template"))
    d = dict(base)
    d.update(
        kind=kind, labels=labels, annotations=annotations(top.get("Annotations")),
        selector=val(top.get("Selector")), replicas=replicas,
        replica_counts=counts(str(replicas)) if replicas is not None else {},
        pods_status=pods_status, pod_counts=counts(str(pods_status)) if pods_status is not None else {},
        owner=owner_of(val(owner_node), labels) if owner_node is not None else None,
        template=tmpl, conditions=conditions(top.get("Conditions")),
    )
    return d


def build_deployment(root: Node, base: dict) -> Deployment:
    top = top_map(root)
    d = _common("Deployment", root, base)
    old = top.get("OldReplicaSets")
    return Deployment(
        **d, strategy=val(top.get("StrategyType")), min_ready_seconds=val(top.get("MinReadySeconds")),
        rolling_update=val(top.get("RollingUpdateStrategy")),
        old_replica_sets=tuple(Val(t, n) for t, n in old.values if t != "<none>") if old is not None else (),
        new_replica_set=val(top.get("NewReplicaSet")),
    )


def build_replicaset(root: Node, base: dict) -> ReplicaSet:
    return ReplicaSet(**_common("ReplicaSet", root, base))


def build_replicationcontroller(root: Node, base: dict) -> ReplicationController:
    return ReplicationController(**_common("ReplicationController", root, base))


def build_statefulset(root: Node, base: dict) -> StatefulSet:
    top = top_map(root)
    d = _common("StatefulSet", root, base)
    strategy = top.get("Update Strategy")
    claims = []
    vc = top.get("Volume Claims")
    if vc is not None:
        cur: dict = {}
        for c in vc.labelled():
            if c.label == "Name" and cur:
                claims.append(cur)
                cur = {}
            cur[c.label] = Val(c.value, c.line.no)
        if cur:
            claims.append(cur)
    return StatefulSet(
        **d, update_strategy=val(strategy), partition=val(strategy.child("Partition")) if strategy else None,
        volume_claims=tuple(claims),
    )


# DaemonSet counts print as `Desired Number of Nodes Scheduled: 3` (no tabwriter cell).
_DS_COUNTS = {
    "Desired Number of Nodes Scheduled": "desired",
    "Current Number of Nodes Scheduled": "current",
    "Number of Nodes Scheduled with Up-to-date Pods": "up-to-date",
    "Number of Nodes Scheduled with Available Pods": "available",
    "Number of Nodes Misscheduled": "misscheduled",
}


def build_daemonset(root: Node, base: dict) -> DaemonSet:
    top = top_map(root)
    d = _common("DaemonSet", root, base)
    rc = {}
    first = None
    for label, word in _DS_COUNTS.items():
        n = top.get(label)
        if n is not None and n.value.strip().isdigit():
            rc[word] = int(n.value.strip())
            first = first or Val(n.value, n.line.no)
    d["replica_counts"] = rc
    d["replicas"] = first
    return DaemonSet(**d, node_selector=val(top.get("Node-Selector")))


def build_job(root: Node, base: dict) -> Job:
    top = top_map(root)
    return Job(
        **_common("Job", root, base), parallelism=val(top.get("Parallelism")),
        completions=val(top.get("Completions")), completion_mode=val(top.get("Completion Mode")),
        suspend=val(top.get("Suspend")), backoff_limit=val(top.get("Backoff Limit")),
        start_time=val(top.get("Start Time")), completed_at=val(top.get("Completed At")),
        duration=val(top.get("Duration")), active_deadline_seconds=val(top.get("Active Deadline Seconds")),
    )


def build_cronjob(root: Node, base: dict) -> CronJob:
    top = top_map(root)
    active = top.get("Active Jobs")
    return CronJob(
        **_common("CronJob", root, base), schedule=val(top.get("Schedule")), time_zone=val(top.get("Time Zone")),
        concurrency_policy=val(top.get("Concurrency Policy")), suspend=val(top.get("Suspend")),
        starting_deadline_seconds=val(top.get("Starting Deadline Seconds")),
        successful_history_limit=val(top.get("Successful Job History Limit")),
        failed_history_limit=val(top.get("Failed Job History Limit")),
        last_schedule_time=val(top.get("Last Schedule Time")),
        active_jobs=tuple(Val(j.strip(), n) for t, n in active.values for j in t.split(",")
                          if j.strip() and j.strip() != "<none>") if active is not None else (),
    )


BUILDERS = {
    "Deployment": build_deployment, "ReplicaSet": build_replicaset,
    "ReplicationController": build_replicationcontroller, "StatefulSet": build_statefulset,
    "DaemonSet": build_daemonset, "Job": build_job, "CronJob": build_cronjob,
}
