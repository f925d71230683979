"""Behaviour over the corpus, independent of the golden files: a fixture in
tests/fixtures/rules/<class>/ is diagnosed as that class; a `nearmiss-` fixture is not; an
`unknown-` fixture shows the symptom without its cause and must end in `unknown` with a `next`;
the healthy corpus produces no error or warning."""
from __future__ import annotations

import pytest

from analyzer import analyze
from analyzer.rules import RULES
from tests.conftest import FIXTURES, read_fixture

IMPLEMENTED = {r.meta.cls for r in RULES}
RULE_FIXTURES = sorted((FIXTURES / "rules").glob("*/*.txt"))


def _classes(report: dict, severities=("error", "warning")) -> set:
    return {f["class"] for o in report["objects"] for f in o["findings"] if f["severity"] in severities}


@pytest.mark.parametrize("paste", RULE_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_is_diagnosed_as_its_class(paste):
    cls = paste.parent.name
    if cls not in IMPLEMENTED:
        pytest.skip(f"no rule for {cls} yet")
    report = analyze(read_fixture(paste)).to_dict()
    if paste.name.startswith("unknown-"):
        # The paste shows this class's symptom but not its cause: say so, and what to paste next.
        assert report["verdict"] == "unknown", report["message"]
        assert report["next"], "an unknown verdict must say what to paste next"
        return
    if paste.name.startswith("nearmiss-"):
        assert cls not in _classes(report), f"{cls} fired on a near-miss: {report['message']}"
    else:
        assert report["verdict"] == "problem", report["message"]
        assert report["primary"]["class"] == cls, f"primary is {report['primary']}, expected {cls}"
        primary = next(f for o in report["objects"] for f in o["findings"] if f["class"] == cls)
        assert primary["evidence"], "a finding must cite the lines that prove it"
        assert primary["cause"] and primary["fix"]


@pytest.mark.parametrize("paste", sorted((FIXTURES / "healthy").glob("*.txt")), ids=lambda p: p.name)
def test_healthy_stays_healthy(paste):
    report = analyze(read_fixture(paste)).to_dict()
    assert not _classes(report), f"healthy paste produced {_classes(report)}: {report['message']}"
    assert report["verdict"] == "healthy", report["message"]


# ---- container failures: behaviour found by field-testing public pastes ---------------------------------------------
# (owner: the container-failure rules; each test is a family of real pastes, see the fixtures' SOURCES.md)

def _findings(report: dict) -> list:
    return [f for o in report["objects"] for f in o["findings"]]


_EVENTS_HEAD = ("Events:\n"
                "  Type     Reason     Age                  From               Message\n"
                "  ----     ------     ----                 ----               -------\n")


def test_oomkilled_says_the_exit_code_it_was_given():
    # The runtime marks OOMKilled when any process of the cgroup was killed; the main process may exit 0 or 1.
    for code in (0, 1, 137):
        paste = ("    State:          Waiting\n      Reason:       CrashLoopBackOff\n    Last State:     Terminated\n"
                 f"      Reason:       OOMKilled\n      Exit Code:    {code}\n"
                 "      Started:      Thu, 04 Jan 2024 17:52:29 +0800\n      Finished:     Thu, 04 Jan 2024 17:52:49 +0800\n"
                 "    Ready:          False\n    Restart Count:  3\n")
        oom = next(f for f in _findings(analyze(paste).to_dict()) if f["class"] == "oomkilled")
        assert (f"exit code {code}" in oom["cause"]) if code != 137 else ("exit 137" in oom["cause"]), oom["cause"]
        assert "no memory limit" not in oom["cause"], "a State block cut out of a describe does not show the limits"


def test_runasnonroot_message_names_its_container_in_an_events_only_paste():
    paste = _EVENTS_HEAD + ('  Warning  Failed     35m (x3 over 35m)    kubelet            Error: container has runAsNonRoot and '
                            'image will run as root (pod: "web-557bc597-xjwkj_shop(c11fabdc-aaf8-4f16-b3e5-ed9c534666eb)", '
                            'container: web-api)\n')
    f = next(f for f in _findings(analyze(paste).to_dict()) if f["class"] == "run-as-non-root")
    assert f["container"] == "web-api"
    assert "the image the image" not in f["cause"] and "image the image" not in f["cause"]


def test_readiness_failures_that_stopped_long_ago_are_not_a_current_problem():
    old = _EVENTS_HEAD + "  Warning  Unhealthy  49m (x4 over 49m)    kubelet            Readiness probe failed: HTTP probe failed with statuscode: 503\n"
    report = analyze(old).to_dict()
    assert "readiness-probe-failure" not in _classes(report), report["message"]
    recent = old.replace("49m (x4 over 49m)", "2m52s (x13 over 6m42s)")
    assert "readiness-probe-failure" in _classes(analyze(recent).to_dict())


def test_readiness_failing_on_a_crashing_container_is_not_the_cause():
    paste = _EVENTS_HEAD + (
        "  Warning  Unhealthy  1s (x2 over 2s)      kubelet, node1     Readiness probe failed: Get http://10.233.64.92:8022/health: "
        "dial tcp 10.233.64.92:8022: getsockopt: connection refused\n"
        "  Warning  BackOff    1s                   kubelet, node1     Back-off restarting failed container\n")
    report = analyze(paste).to_dict()
    assert "readiness-probe-failure" not in _classes(report), report["message"]
    assert report["verdict"] == "unknown"


def test_each_image_of_an_events_only_paste_keeps_its_own_pull_error():
    paste = _EVENTS_HEAD + (
        '  Warning  Failed     2m (x3 over 4m)      kubelet            Failed to pull image "acme/web:v9": rpc error: code = '
        'NotFound desc = failed to pull and unpack image "docker.io/acme/web:v9": failed to resolve reference '
        '"docker.io/acme/web:v9": docker.io/acme/web:v9: not found\n'
        '  Warning  Failed     1m (x3 over 4m)      kubelet            Failed to pull image "redis:7": rpc error: code = Unknown '
        'desc = failed to pull and unpack image "docker.io/library/redis:7": failed to copy: httpReadSeeker: failed open: '
        'unexpected status code https://registry-1.docker.io/v2/library/redis/manifests/sha256:aa: 429 Too Many Requests - '
        'Server message: toomanyrequests: You have reached your pull rate limit.\n')
    classes = {(f["class"], f["details"].get("image")) for f in _findings(analyze(paste).to_dict())}
    assert ("image-rate-limit", "redis:7") in classes
    assert ("image-rate-limit", "acme/web:v9") not in classes, "acme/web's own answer is 'not found'"


def test_error_invalidimagename_alone_is_invalid_image_name_and_asks_for_the_strings():
    paste = _EVENTS_HEAD + "  Warning  Failed     4m (x12 over 6m)     kubelet            Error: InvalidImageName\n"
    report = analyze(paste).to_dict()
    assert report["primary"]["class"] == "invalid-image-name"
    f = _findings(report)[0]
    assert any("jsonpath" in n and ".image" in n for n in f["next"])


def _liveness_describe(started: str, finished: str) -> str:
    return ("Name:         api-0\nNamespace:    shop\nNode:         worker-1/10.0.0.5\nStatus:       Running\n"
            "Containers:\n  api:\n    Image:          acme/api:1.0\n    State:          Running\n"
            "      Started:      Thu, 18 Aug 2016 12:52:32 -0700\n    Last State:     Terminated\n      Reason:       Error\n"
            f"      Exit Code:    137\n      Started:      {started}\n      Finished:     {finished}\n"
            "    Ready:          False\n    Restart Count:  12\n"
            "    Liveness:       http-get http://:8000/healthz delay=30s timeout=10s period=10s #success=1 #failure=3\n")


def test_sigkill_at_the_liveness_budget_without_events_is_a_possible_liveness_kill():
    at_budget = analyze(_liveness_describe("Thu, 18 Aug 2016 12:44:52 -0700", "Thu, 18 Aug 2016 12:46:02 -0700")).to_dict()
    f = next(f for f in _findings(at_budget) if f["class"] == "liveness-probe-failure")
    assert f["confidence"] == "possible" and f["next"], "no events: say it is the timing, and ask for the events"
    hours = analyze(_liveness_describe("Thu, 18 Aug 2016 09:00:00 -0700", "Thu, 18 Aug 2016 12:46:02 -0700")).to_dict()
    assert "liveness-probe-failure" not in _classes(hours), "after hours of running, the probe's timing says nothing"


def test_sandbox_failure_names_the_node_from_the_scheduled_event():
    paste = _EVENTS_HEAD + (
        "  Normal   Scheduled               5m                   default-scheduler  Successfully assigned storage/nfs-0 to work01\n"
        '  Warning  FailedCreatePodSandBox  101s                 kubelet            Failed to create pod sandbox: rpc error: '
        'code = Unknown desc = failed to setup network for sandbox "cb8a": plugin type="calico" failed (add): connection is '
        "unauthorized: Unauthorized\n")
    f = next(f for f in _findings(analyze(paste).to_dict()) if f["class"] == "sandbox-network-failure")
    assert "work01" in f["cause"] and any("describe node work01" in c for c in f["commands"])


def test_every_missing_image_of_an_events_only_paste_is_named():
    paste = _EVENTS_HEAD + "".join(
        f'  Warning  Failed     {age} (x2 over 3m)     kubelet            Failed to pull image "acme/{name}:c0ffee": rpc error: '
        'code = Unknown desc = Error response from daemon: manifest for acme/{name}:c0ffee not found: manifest unknown: '
        'manifest unknown\n'.replace("{name}", name) for age, name in (("1m", "logger"), ("2m", "uploader")))
    causes = " ".join(f["cause"] for f in _findings(analyze(paste).to_dict()) if f["class"] == "image-not-found")
    assert "acme/logger" in causes and "acme/uploader" in causes, causes
