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


# ---- field-test leftovers: names the paste does not give, unknown verdicts, folding ------------------------------------

import json as _json  # noqa: E402
import re as _re  # noqa: E402

from analyzer.markdown_out import render_markdown  # noqa: E402

_GET_ROW = ("NAME                       READY   STATUS             RESTARTS   AGE\n"
            "api-7d8f6c5b9-abc12        0/1     CrashLoopBackOff   8          12m\n\n")
# A stand-in for a name the paste does not give, in a sentence (commands keep theirs): "Container the container",
# "the pod <pod>", "in namespace <namespace>".
_PLACEHOLDER_PROSE = _re.compile(r"\b(?:Container|container|Pod|pod|[Ii]mage|[Nn]ode|Volumes?|volume) "
                                 r"(?:the (?:container|pod|image|node)\b|\(unnamed\))"
                                 r"|<(?:pod|node|container|image|name|namespace|volume|service)>")


def _prose(report: dict) -> list:
    """Every sentence a user reads (causes, summaries, fixes), with inline code (commands) left out."""
    out = [report["message"]]
    for o in report["objects"]:
        out.append(o["summary"])
        for f in o["findings"]:
            out += [f["cause"], *f["fix"]]
    return [_re.sub(r"`[^`]*`", "``", t or "") for t in out]


def test_a_fragment_without_container_name_reads_as_prose_and_keeps_its_row_status():
    paste = _GET_ROW + ("# kubectl describe pod api-7d8f6c5b9-abc12\n"
                        "Last State:     Terminated\n  Reason:       Error\n  Exit Code:    1\n"
                        "  Started:      Fri, 26 Apr 2026 09:14:32 +0100\n  Finished:     Fri, 26 Apr 2026 09:14:33 +0100\n"
                        + _EVENTS_HEAD +
                        "  Warning  BackOff  2m (x42 over 11m)  kubelet  Back-off restarting failed container\n")
    r = analyze(paste).to_dict()
    f = next(f for f in _findings(r) if f["class"] == "crashloop-app-error")
    assert f["cause"].startswith("The container exits with code 1"), f["cause"]
    assert "restarted in a loop (8 restarts" in f["cause"], "the row's STATUS and RESTARTS say it loops"
    assert r["objects"][0]["status"] == "CrashLoopBackOff", "the get-pods row says it; not Unknown"


@pytest.mark.parametrize("paste", sorted(p for d in ("rules", "multi", "healthy") for p in (FIXTURES / d).rglob("*.txt")),
                         ids=lambda p: str(p.relative_to(FIXTURES)))
def test_no_sentence_puts_a_stand_in_after_a_noun(paste):
    bad = [m.group(0) for t in _prose(analyze(read_fixture(paste)).to_dict()) for m in _PLACEHOLDER_PROSE.finditer(t)]
    assert not bad, bad


@pytest.mark.parametrize("rows, flag", [
    ("  Normal   Started    37m (x5 over 39m)    kubelet            Started container app-storage\n"
     "  Warning  BackOff    4m25s (x157 over 38m)  kubelet          Back-off restarting failed container\n", "-c app-storage"),
    ("  Warning  BackOff    3s (x4 over 40s)     kubelet            Back-off restarting failed container web in pod "
     "web-6d4cf56db6-xyz12_shop(0c4d2f5e-1b2a-4c3d-9e8f-7a6b5c4d3e2f)\n", "-c web"),
    ("  Warning  Unhealthy  1s (x2 over 2s)      kubelet            Readiness probe failed: Get http://10.2.3.4:8022/health: "
     "dial tcp 10.2.3.4:8022: connect: connection refused\n"
     "  Warning  BackOff    1s                   kubelet            Back-off restarting failed container\n", ""),
])
def test_a_crash_back_off_alone_asks_for_the_previous_logs_and_last_state(rows, flag):
    r = analyze(_EVENTS_HEAD + rows).to_dict()
    assert r["verdict"] == "unknown"
    logs = r["next"][0]
    assert logs.startswith("kubectl") and " logs " in logs and logs.endswith("--previous"), r["next"]
    assert (flag in logs) if flag else (" -c " not in logs), logs
    assert any(" describe pod " in c for c in r["next"]), "the describe's Last State says how it exited"


def test_unnamed_findings_of_one_class_about_two_images_are_two():
    paste = _EVENTS_HEAD + "".join(
        f'  Warning  Failed     {age} (x313 over 1d)   kubelet            Failed to pull image "gcr.io/acme/{name}:1.4": '
        "rpc error: code = Unknown desc = Error response from daemon: Get https://gcr.io/v2/: net/http: request canceled "
        "while waiting for connection (Client.Timeout exceeded while awaiting headers)\n"
        for age, name in (("33m", "nanny"), ("28m", "dns")))
    fs = [f for f in _findings(analyze(paste).to_dict()) if f["class"] == "image-registry-unreachable"]
    assert len(fs) == 2, [f["cause"] for f in fs]
    assert {f["evidence"][0]["line"] for f in fs} == {4, 5}, "each cites its own pull error"


_CACHE = ('  Warning  FailedMount  4m9s  kubelet  MountVolume.SetUp failed for volume "kube-api-access-dzfgk" : '
          "failed to sync configmap cache: timed out waiting for the condition\n")


def test_configmap_cache_timeout_is_the_api_server_and_history_once_the_kubelet_went_on():
    alone = next(f for f in _findings(analyze(_EVENTS_HEAD + _CACHE).to_dict()) if f["class"] == "volume-mount-failure")
    assert "API server" in alone["cause"] and "storage backend" not in alone["cause"], alone["cause"]
    later = _EVENTS_HEAD + _CACHE + ("  Normal   Pulled       4m8s  kubelet  Container image \"nginx:1.25\" already "
                                     "present on machine\n  Normal   Started      4m8s  kubelet  Started container web\n")
    assert "volume-mount-failure" not in _classes(analyze(later).to_dict())


@pytest.mark.parametrize("unmounted, left", [("config", None), ("config extra", "extra")])
def test_the_combined_mount_timeout_folds_into_a_missing_configmap(unmounted, left):
    paste = _EVENTS_HEAD + (
        '  Warning  FailedMount  59s (x19 over 21m)  kubelet  MountVolume.SetUp failed for volume "config" : '
        'configmap "redis-config" not found\n'
        f"  Warning  FailedMount  50s (x9 over 20m)   kubelet  Unable to attach or mount volumes: unmounted volumes=[{unmounted}], "
        "unattached volumes=[config extra kube-api-access-x1]: timed out waiting for the condition\n")
    r = analyze(paste).to_dict()
    assert r["primary"]["class"] == "missing-configmap"
    vm = [f for f in _findings(r) if f["class"] == "volume-mount-failure"]
    if left is None:
        assert not vm, "the timeout is the missing ConfigMap's symptom"
    else:
        assert len(vm) == 1 and left in vm[0]["cause"] and "config," not in vm[0]["cause"], vm[0]["cause"]


def test_markdown_lists_the_commands_to_paste_under_one_heading():
    paste = ("NAME                       READY   STATUS                       RESTARTS   AGE\n"
             "api-7c9d8b6f5-2xkqz        0/1     CreateContainerConfigError   0          5m\n"
             "worker-5f6b7c8d9-abcde     0/1     Init:CrashLoopBackOff        4          5m\n"
             "web-6d4cf56db6-xyz12       0/1     ImagePullBackOff             0          5m\n")
    report = analyze(paste).to_dict()
    assert len(report["next"]) >= 2
    md = render_markdown(_json.loads(_json.dumps(report)))
    head = md.split("| Object |")[0]
    assert head.count("Paste next:") == 1 and head.count("```sh") == 1, head
    assert all(c in head for c in report["next"])


def test_a_statefulset_create_timeout_whose_pod_runs_is_history():
    paste = read_fixture(FIXTURES / "multi" / "tack-185-sts-post-try-again-plus-running-pod.txt")
    r = analyze(paste).to_dict()
    assert "admission-webhook-denied" not in {f["class"] for f in _findings(r)}
    assert r["verdict"] != "problem"


# ---- p11: diagnosis fixes from the shapes field test --------------------------------------------------------------

_OLD_EVENTS_HEAD = ("Events:\n"
                    "  Type     Reason      Age              From             Message\n"
                    "  ----     ------      ----             ----             -------\n")


@pytest.mark.parametrize("after", [
    '  Normal   Pulled      1h (x3 over 2h)  kubelet, node-a  Container image "acme/registry:v3" already present on machine\n',
    "  Normal   Started     1h (x3 over 2h)  kubelet, node-a  Started container with id fbf1fac1958\n",
])
@pytest.mark.parametrize("loop", [
    "  Warning  BackOff     1h (x3 over 1h)  kubelet, node-a  Back-off restarting failed container\n",
    '  Warning  FailedSync  1h (x3 over 1h)  kubelet, node-a  Error syncing pod, skipping: failed to "StartContainer" for '
    '"registry" with CrashLoopBackOff: "Back-off 10s restarting failed container=registry pod=registry-1-x_default(68ee)"\n',
])
def test_a_crash_loop_back_off_is_not_cleared_by_the_restart_rows_that_follow_it(loop, after):
    r = analyze(_OLD_EVENTS_HEAD + loop + after).to_dict()
    assert r["verdict"] == "unknown", r["verdict"]
    assert any("--previous" in c for c in r["next"]), r["next"]
    assert any(" describe pod " in c for c in r["next"]), r["next"]


_RESTARTED_NOT_READY = """Name:         web-7d9f
Namespace:    shop
Status:       Running
IP:           10.244.2.75
Containers:
  web:
    Image:          acme/web:1.2
    State:          Running
      Started:      Tue, 07 Jul 2015 12:54:41 -0700
    Ready:          False
    Restart Count:  {n}
Conditions:
  Type          Status
  Ready         False
"""


def test_restarts_without_a_last_state_are_a_crash_loop_whose_reason_is_not_in_the_paste():
    r = analyze(_RESTARTED_NOT_READY.format(n=5)).to_dict()
    assert r["verdict"] == "unknown"
    assert "restarted 5 times" in r["message"] and "no probe failure" not in r["message"], r["message"]
    assert any(c.endswith("logs web-7d9f -c web --previous") for c in r["next"]), r["next"]
    fresh = analyze(_RESTARTED_NOT_READY.format(n=0)).to_dict()
    assert not any("--previous" in c for c in fresh["next"]), "no restart yet: nothing to read in a previous run"


@pytest.mark.parametrize("image, hedged", [("gcr.io/acme-samples/bootcamp:v10", True),
                                           ("eu.gcr.io/acme-prod/web:1.4", True),
                                           ("ghcr.io/acme/web:1.4", False)])
def test_gcr_unauthorized_is_hedged_between_credentials_and_a_name_or_tag_that_does_not_exist(image, hedged):
    paste = _EVENTS_HEAD + (f'  Warning  Failed     7s                   kubelet            Failed to pull image "{image}": '
                            "rpc error: code = Unknown desc = unauthorized: authentication required\n")
    f = next(f for f in _findings(analyze(paste).to_dict()) if f["class"] == "image-auth")
    if hedged:
        assert f["confidence"] == "likely" and "tag does not exist" in f["cause"], f["cause"]
        assert any("list-tags" in x for x in f["fix"]), f["fix"]
    else:
        assert f["confidence"] == "confirmed", f["cause"]


@pytest.mark.parametrize("error", [
    'failed to pull and unpack image "docker.io/acme/runner:latest": failed to copy: read tcp '
    "192.168.16.6:35464->104.18.122.25:443: read: connection reset by peer",
    'failed to pull and unpack image "docker.io/acme/runner:latest": failed to read expected number of bytes: unexpected EOF',
])
def test_a_pull_cut_off_mid_download_is_the_network_and_worth_a_retry(error):
    paste = _EVENTS_HEAD + ('  Warning  Failed     25m                  kubelet            Failed to pull image '
                            f'"acme/runner": rpc error: code = Unknown desc = {error}\n')
    f = next(f for f in _findings(analyze(paste).to_dict()) if f["class"] == "image-registry-unreachable")
    assert "cut off by the network" in f["cause"] and "retry" in f["cause"], f["cause"]
    assert any("MTU" in x for x in f["fix"]), f["fix"]


def test_a_reset_while_connecting_is_not_called_a_cut_download():
    paste = _EVENTS_HEAD + ('  Warning  Failed     25m                  kubelet            Failed to pull image '
                            '"acme/runner": rpc error: code = Unknown desc = Get "https://registry.acme.io/v2/": dial tcp '
                            "10.0.0.5:443: connect: connection reset by peer\n")
    f = next(f for f in _findings(analyze(paste).to_dict()) if f["class"] == "image-registry-unreachable")
    assert "cut off" not in f["cause"] and "cannot connect" in f["cause"], f["cause"]


def test_a_1_5_mount_error_names_the_volume_as_the_pod_spec_does():
    paste = _EVENTS_HEAD + (
        '  Warning  FailedMount  1h                   kubelet            MountVolume.SetUp failed for volume '
        '"kubernetes.io/configmap/39e819a4-e9ad-11e6-addf-080027893417-app-settings" (spec.Name: "app-settings") pod '
        '"39e819a4-e9ad-11e6-addf-080027893417" (UID: "39e819a4-e9ad-11e6-addf-080027893417") with: configmaps "web" '
        "not found\n")
    f = next(f for f in _findings(analyze(paste).to_dict()) if f["class"] == "missing-configmap")
    assert "volume app-settings," in f["cause"] and "kubernetes.io/" not in f["cause"], f["cause"]


@pytest.mark.parametrize("scheduled, status", [("False", "Pending"), ("True", "Unknown")])
def test_a_describe_cut_above_status_is_pending_when_podscheduled_is_false(scheduled, status):
    paste = ("Containers:\n  api:\n    Image:      acme/api:9f3c2ab\n    Port:       3000/TCP\n"
             f"Conditions:\n  Type           Status\n  PodScheduled   {scheduled}\n"
             "QoS Class:                   BestEffort\nNode-Selectors:              pool=private\n")
    r = analyze(paste).to_dict()
    assert r["objects"][0]["status"] == status, r["objects"][0]["status"]


# --- `kubectl logs` refused because the container is waiting (kubelet validateContainerLogStatus) ---

@pytest.mark.parametrize("why, status, hint", [
    ("image can't be pulled", "ImagePullBackOff", "registry"),
    ("trying and failing to pull image", "ImagePullBackOff", "registry"),
    ("ContainerCreating", "ContainerCreating", "being created"),
    ("CreateContainerConfigError", "CreateContainerConfigError", "ConfigMap"),
])
def test_a_kubectl_logs_waiting_error_asks_for_the_pods_describe(why, status, hint):
    paste = ("$ kubectl logs shop-api-6d9c-k2x4p -n shop\n"
             f'Error from server (BadRequest): container "api" in pod "shop-api-6d9c-k2x4p" is waiting to start: {why}\n')
    report = analyze(paste).to_dict()
    assert report["verdict"] == "unknown"
    assert report["message"].startswith("kubectl logs answers that the container is not running yet")
    assert hint in report["message"]
    (obj,) = report["objects"]
    assert obj["name"] == "shop-api-6d9c-k2x4p" and obj["status"] == status
    assert any("describe pod shop-api-6d9c-k2x4p" in n for n in report["next"])
