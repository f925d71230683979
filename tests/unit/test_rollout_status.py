"""`kubectl rollout status` output names its object on the command line however the flags are placed."""
from __future__ import annotations

import pytest

from analyzer import analyze


@pytest.mark.parametrize("command,kind,name,ns", [
    ("kubectl rollout status deployment/web -n shop", "Deployment", "web", "shop"),
    ("kubectl -n shop rollout status deploy web", "Deployment", "web", "shop"),
    ("kubectl rollout status -n data --timeout 5m statefulset/pg", "StatefulSet", "pg", "data"),
    ("kubectl rollout status --namespace=data -w sts pg", "StatefulSet", "pg", "data"),
    ("kubectl rollout status statefulsets.apps/pg --watch --namespace data", "StatefulSet", "pg", "data"),
    ("kubectl rollout status -n kube-system ds/node-agent", "DaemonSet", "node-agent", "kube-system"),
    ("kubectl rollout status daemonset node-agent --timeout=120s", "DaemonSet", "node-agent", ""),
])
def test_the_command_line_names_the_object_kubectl_waits_for(command, kind, name, ns):
    waiting = {
        "Deployment": "Waiting for rollout to finish: 1 of 3 updated replicas are available...",
        "StatefulSet": "Waiting for 1 pods to be ready...",
        "DaemonSet": "Waiting for rollout to finish: 1 of 3 updated pods are available...",
    }[kind]
    report = analyze(f"$ {command}\n{waiting}\nerror: timed out waiting for the condition\n").to_dict()
    assert report["verdict"] == "unknown", report["message"]
    assert [(o["kind"], o["name"], o["namespace"] or "") for o in report["objects"]] == [(kind, name, ns)]
    assert any(f"describe {kind.lower()} {name}" in n for n in report["next"]), report["next"]
    assert "timed out" in report["message"]


def test_a_statefulset_line_without_a_command_asks_which_statefulset():
    # `Waiting for 2 pods to be ready...` alone does not say which StatefulSet: unknown, no name made up.
    report = analyze("Waiting for 2 pods to be ready...\nerror: timed out waiting for the condition\n").to_dict()
    assert report["verdict"] == "unknown", report["message"]
    assert [(o["kind"], o["name"]) for o in report["objects"]] == [("StatefulSet", None)]
    assert report["next"][0] == "kubectl get statefulsets"
    assert "the StatefulSet (2 pods to be ready)" in report["message"]
