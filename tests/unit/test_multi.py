"""Several objects in one paste: the primary is the root cause of the whole paste, as the
fixture's SOURCES.md row states ("primary `<class>`"), and identical causes are grouped."""
from __future__ import annotations

import re

import pytest

from analyzer import analyze
from tests.conftest import FIXTURES, read_fixture

MULTI = FIXTURES / "multi"
ROWS = re.findall(r"^\| `([^`]+\.txt)`.*?primary `([a-z-]+)`", (MULTI / "SOURCES.md").read_text(), re.M) \
    if (MULTI / "SOURCES.md").exists() else []


@pytest.mark.parametrize("name,cls", ROWS, ids=[r[0] for r in ROWS])
def test_primary_is_the_root_cause_of_the_paste(name, cls):
    report = analyze(read_fixture(MULTI / name)).to_dict()
    assert len(report["objects"]) >= 2, "a multi-object fixture must be read as several objects"
    assert report["verdict"] == "problem"
    assert report["primary"]["class"] == cls, report["message"]


def test_identical_causes_are_grouped_and_healthy_objects_counted():
    name = next(n for n, _ in ROWS if "seven-pods" in n)
    report = analyze(read_fixture(MULTI / name)).to_dict()
    top = report["groups"][0]
    assert top["class"] == "image-auth" and top["count"] == 6 and top["of"] == 7
    assert top["summary"].startswith("6 of 7 pods: image-auth")
    healthy = [o for o in report["objects"] if o["verdict"] == "healthy"]
    assert len(healthy) == 1 and not healthy[0]["findings"]


@pytest.mark.parametrize("name,explained,by", [
    ("k8s-1.7-get-pods-wide-plus-describe-notready-node.txt", "nginx-dm-2214564181-677db", "Its node 10.6.0.188"),
    ("k8s-1.28-describe-deploy-and-rs-quota-mid-rollout.txt", "checkout", "Its ReplicaSet checkout-5c9d7b8f6"),
])
def test_an_object_explained_by_another_in_the_paste_points_to_it(name, explained, by):
    """A pod on a NotReady node, a Deployment whose ReplicaSet is refused: the paste already holds the answer, so the
    object says which other object explains it and asks for nothing more."""
    report = analyze(read_fixture(MULTI / name)).to_dict()
    obj = next(o for o in report["objects"] if o["name"] == explained)
    assert obj["summary"].startswith(by), obj["summary"]
    assert obj["next"] == [] and report["next"] == []


def test_a_cause_shared_by_one_object_of_its_kind_is_not_counted():
    """"1 of 1 node: node-pressure." in front of the cause tells the reader nothing."""
    report = analyze(read_fixture(MULTI / "node-diskpressure-plus-pod-evicted-from-it.txt")).to_dict()
    assert report["message"].startswith("Node worker-4 reports DiskPressure"), report["message"]


def test_get_pods_rows_are_narrowed_by_status_and_ask_once_per_status():
    """A `kubectl get pods` table says only STATUS: the verdict stays unknown, but each STATUS says what it narrows the
    cause to, the WHY column stays short, and rows with the same STATUS ask for one describe, not one each."""
    report = analyze(read_fixture(MULTI / "unknown-get-pods-five-rows-four-statuses.txt")).to_dict()
    assert report["verdict"] == "unknown"
    describes = [n for n in report["next"] if n.startswith("kubectl describe pod")]
    assert len(describes) == 3, report["next"]            # three troubled STATUS values, not four troubled rows
    assert "ConfigMap" in report["message"] and "init container" in report["message"], report["message"]
    rows = {o["name"]: o for o in report["objects"]}
    assert rows["redis-0"]["verdict"] == "healthy"
    whys = {o["status"]: o["summary"] for o in report["objects"] if o["verdict"] == "unknown"}
    assert all(len(w) <= 110 for w in whys.values()), whys
    assert len(set(whys.values())) == len(whys), "each STATUS must say something of its own"
    second = rows["api-7c9d8b6f5-8jv4n"]
    assert second["next"] == [] and "api-7c9d8b6f5-2xkqz" in second["summary"]


def test_many_rows_of_one_status_ask_for_a_single_describe():
    report = analyze(read_fixture(MULTI / "unknown-k8s-1.13-get-pods-sysctlforbidden-rows.txt")).to_dict()
    assert report["verdict"] == "unknown"
    assert report["next"] == ["kubectl describe pod web-9c9bc6fff-4fhwq"], report["next"]
    assert "sysctl" in report["message"]


def test_rows_like_a_described_pod_point_to_it():
    """`get pods` plus the describe of one row: the other rows of the same ReplicaSet with the same STATUS are likely
    the same cause, so they point to the described pod instead of asking for one describe each."""
    report = analyze(read_fixture(MULTI / "k8s-1.29-get-pods-three-crashlooping-plus-one-describe.txt")).to_dict()
    assert report["primary"]["object"].endswith("api-7d8f6c5b9-abc12")
    twins = [o for o in report["objects"] if o["name"] in ("api-7d8f6c5b9-k2m9x", "api-7d8f6c5b9-q7w4p")]
    assert len(twins) == 2
    for o in twins:
        assert "api-7d8f6c5b9-abc12" in o["summary"] and o["next"] == [], o


def test_a_pasted_node_says_how_much_room_is_left():
    """Node + Pending pod: the cause uses the node's Allocated resources (requests, not usage) to say what is left."""
    report = analyze(read_fixture(MULTI / "minikube-1.28-describe-node-plus-pending-pod-insufficient-cpu.txt")).to_dict()
    assert report["primary"]["class"] == "insufficient-resources"
    assert "250m of 2 cpu unreserved" in report["message"], report["message"]
    node = next(o for o in report["objects"] if o["kind"] == "Node")
    assert node["verdict"] == "healthy"
