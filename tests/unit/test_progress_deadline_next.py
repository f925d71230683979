"""What progress-deadline-exceeded asks for next depends on what the paste shows of the new ReplicaSet: its name (its
pods by pod-template-hash), `NewReplicaSet: <none>` (the Deployment's ReplicaSets by its selector), or nothing at all
(`kubectl rollout status`'s error line alone: the Deployment's describe first, which names it)."""
from __future__ import annotations

from analyzer import analyze

_DESCRIBE = """\
Name:                   checkout
Namespace:              shop
CreationTimestamp:      Mon, 03 Jun 2024 10:12:44 +0000
Labels:                 app=checkout
Annotations:            deployment.kubernetes.io/revision: 4
Selector:               app=checkout,tier=web
Replicas:               3 desired | 1 updated | 4 total | 3 available | 1 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=checkout
           tier=web
  Containers:
   checkout:
    Image:        registry.example.com/checkout:2.4.1
    Port:         8080/TCP
    Host Port:    0/TCP
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    False   ProgressDeadlineExceeded
OldReplicaSets:  checkout-6f7d9c8b54 (3/3 replicas created)
NewReplicaSet:   {new}
Events:          <none>
"""


def _finding(text):
    r = analyze(text).to_dict()
    assert (r["primary"] or {}).get("class") == "progress-deadline-exceeded", r["message"]
    return next(f for o in r["objects"] for f in o["findings"] if f["class"] == "progress-deadline-exceeded")


def test_rollout_status_error_alone_asks_for_the_deployment_describe_first():
    f = _finding("$ kubectl rollout status deployment/checkout -n shop\n"
                 'error: deployment "checkout" exceeded its progress deadline\n')
    assert f["next"][0] == "kubectl -n shop describe deployment checkout", f["next"]
    assert not any("<label>" in n for n in f["next"]), f["next"]


def test_new_replicaset_none_lists_the_replicasets_by_the_deployments_selector():
    f = _finding(_DESCRIBE.format(new="<none>"))
    assert "NewReplicaSet: <none>" in f["cause"], f["cause"]
    assert "kubectl -n shop get rs -l app=checkout,tier=web" in f["next"], f["next"]
    assert "kubectl -n shop describe pods -l app=checkout,tier=web" in f["next"], f["next"]
    assert not any("describe deployment" in n for n in f["next"]), f["next"]     # it is in the paste already


def test_named_new_replicaset_asks_for_its_pods():
    f = _finding(_DESCRIBE.format(new="checkout-7d9f5c6b8d (1/1 replicas created)"))
    assert f["next"][0] == "kubectl -n shop describe pods -l pod-template-hash=7d9f5c6b8d", f["next"]
