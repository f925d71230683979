"""The parser over its corpus (tests/fixtures/parse/): golden parse results, every line
accounted for, line numbers that point into the paste, and no crash on anything.

Regenerate goldens with `UPDATE_GOLDEN=1 pytest tests/unit/test_parse.py` and review the diff:
a `.parse.json` is the claim "this is what the paste says".
"""
from __future__ import annotations

import json
import os
import re

import pytest

from analyzer.model import KubeObject, Val
from analyzer.parse import parse
from tests.conftest import FIXTURES, read_fixture

CORPUS = FIXTURES / "parse"
PASTES = sorted(CORPUS.glob("*.txt"))

# Lines the parser reports as not understood, per fixture, with the reason that is expected.
# Prose around the output ("not kubectl output"), other `kubectl get` tables and repairs are
# reported too, but they are what a reader should see; anything else in the corpus is a bug.
EXPECTED_NOT_UNDERSTOOD: dict = {}


def dumps(value, indent: str = "") -> str:
    """JSON with one line per field and short lists (a `[value, line]`) kept on one line."""
    inner = indent + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {dumps(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, list):
        flat = json.dumps(value, ensure_ascii=False)
        if not any(isinstance(v, (dict, list)) and v for v in value) and len(flat) <= 100:
            return flat
        return "[\n" + ",\n".join(inner + dumps(v, inner) for v in value) + "\n" + indent + "]"
    return json.dumps(value, ensure_ascii=False)


def _golden(paste):
    return paste.with_name(paste.name[: -len(".txt")] + ".parse.json")


@pytest.mark.parametrize("paste", PASTES, ids=lambda p: p.name)
def test_parse_matches_golden(paste):
    result = parse(read_fixture(paste)).to_dict()
    text = dumps(result) + "\n"
    golden = _golden(paste)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
        return
    assert golden.exists(), f"no golden for {paste.name}: run UPDATE_GOLDEN=1 and review it"
    assert json.loads(golden.read_text(encoding="utf-8")) == result


@pytest.mark.parametrize("paste", PASTES, ids=lambda p: p.name)
def test_no_unexpected_warnings(paste):
    result = parse(read_fixture(paste))
    odd = [w for w in result.warnings if "not understood" in w.message or "not part of" in w.message
           or "cannot be read" in w.message]
    expected = EXPECTED_NOT_UNDERSTOOD.get(paste.name, ())
    assert [w.line for w in odd] == list(expected), [f"{w.line}: {w.message}" for w in odd]


@pytest.mark.parametrize("paste", PASTES, ids=lambda p: p.name)
def test_every_line_is_accounted_for(paste):
    """Each pasted line is noise (prompt, fence, klog...), inside a block that was read, or in a
    block that was reported with a warning."""
    result = parse(read_fixture(paste))
    covered = set()
    for kind, first, last in result.blocks:
        covered.update(range(first, last + 1))
        if kind in ("prose", "get-table"):
            assert any(w.line == first for w in result.warnings), f"block {kind} {first}-{last} not reported"
    for ln in result.lines:
        if ln.blank or ln.noise:
            continue
        assert ln.no in covered, f"line {ln.no} is in no block: {ln.text!r}"


def _vals(x, seen=None):
    """Every Val inside a parsed object."""
    if isinstance(x, Val):
        yield x
    elif isinstance(x, dict):
        for v in x.values():
            yield from _vals(v)
    elif isinstance(x, (list, tuple)):
        for v in x:
            yield from _vals(v)
    elif hasattr(x, "__dataclass_fields__"):
        for name in x.__dataclass_fields__:
            yield from _vals(getattr(x, name))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("paste", PASTES, ids=lambda p: p.name)
def test_values_point_at_their_line(paste):
    """A value's line holds the value (its start, for values continued on later lines)."""
    result = parse(read_fixture(paste))
    lines = result.lines
    bad = []
    for obj in result.objects:
        # A get-pods row's containers are the state its STATUS column stands for, not pasted text.
        vals = _vals(obj) if obj.source != "get-pods" else _vals(
            [getattr(obj, f) for f in obj.__dataclass_fields__ if f not in ("containers", "init_containers")])
        for v in vals:
            if v.line <= 0 or not str(v).strip():
                continue
            assert v.line <= len(lines), f"{v!r} points past the paste (line {v.line})"
            ln = lines[v.line - 1]
            text = _squash(ln.text if not ln.cmd else ln.text + ln.cmd)
            if ln.last:
                text = _squash(ln.text)
            value = str(v)
            if value.startswith("<") and value.split("/")[0].endswith(">") and value not in ln.text:
                continue              # a placeholder for what the paste does not show (`<container>`)
            if obj.source in ("json", "yaml"):
                value = re.split(r"[/\s=]", value)[0]      # joined from fields: `node/hostIP`, `key=value`
            head = _squash(value)[:12]
            if obj.source in ("json",) and "\\" in ln.raw:
                continue              # JSON escapes (\u0026, \n) differ from the decoded value
            # A value that goes on over the next lines starts at the end of its line.
            starts_here = any(text.endswith(head[:n]) for n in range(len(head), 1, -1))
            if head and head not in text and head.lower() not in text.lower() and not starts_here:
                bad.append(f"line {v.line}: {str(v)[:40]!r} not in {ln.text[:60]!r}")
    assert not bad, "\n".join(bad[:10])


def test_format_names():
    assert parse("").format == "empty"
    assert parse("hello\nworld\n").format == "unrecognized"
    text = read_fixture(CORPUS / "k8s-1.29-get-pods-all-namespaces-mixed-statuses.txt")
    assert parse(text).format == "get-pods"
    mixed = text + "\n" + read_fixture(CORPUS / "k8s-1.29-get-events-all-namespaces.txt")
    assert parse(mixed).format == "mixed"


def test_objects_are_typed():
    for paste in PASTES:
        for obj in parse(read_fixture(paste)).objects:
            assert isinstance(obj, KubeObject)
            assert obj.lines[0] <= obj.lines[1]


# What SOURCES.md says each paste holds: (kind, name, namespace, number of events) per object.
OBJECTS = {
    "k8s-1.1-describe-rc-box-drawing-rules.txt": [("ReplicationController", "nginx", "test", 3)],
    "k8s-1.11-describe-daemonset-notfound-then-ok.txt": [("DaemonSet", "kube-proxy", "kube-system", 0)],
    "k8s-1.15-describe-cronjob-mac-prompt.txt": [("CronJob", "cron-job", "default", 7)],
    "k8s-1.16-describe-pods-three-objects.txt": [("Pod", "tour-app-6b4c55d8fc-2rb26", "default", 6),
                                                 ("Pod", "tour-app-6b4c55d8fc-z9gn7", "default", 6),
                                                 ("Pod", "tour-app-b4d9f565-4wkhr", "default", 4)],
    "k8s-1.17-describe-replicaset-failedcreate-psp.txt": [("ReplicaSet", "frontend-5c99864ddf", "default", 1)],
    "k8s-1.18-describe-pod-env-secret-key-restarts.txt": [("Pod", "blog-5bbd7fd785-p4s9r", "default", 5)],
    "k8s-1.19-describe-pvc-mounted-by-long-from.txt": [("PersistentVolumeClaim", "safari-pvc", "project-tiger", 3)],
    "k8s-1.19-describe-service-endpoints-none.txt": [("Service", "web-app-service", "orion", 0)],
    "k8s-1.2-describe-deployment-tab-padded.txt": [("Deployment", "web", "default", 1)],
    "k8s-1.2-describe-pod-no-events.txt": [("Pod", "web-198147104-pu6pl", "default", 0)],
    "k8s-1.20-describe-deployment-progress-deadline-cmd-prompt.txt": [("Deployment", "shop-api", "default", 1)],
    "k8s-1.21-describe-pod-containerd-first-char-lost.txt": [("Pod", "toolbox-6846f658db-w4qhj", "default", 9)],
    "k8s-1.25-get-pods-init-states-root-prompt.txt": [("Pod", None, "kube-system", 0)] * 4,
    "k8s-1.27-describe-pod-escaped-ansi-termination-message.txt": [("Pod", "orders-api-7c5d8b9f6-pq4zt", "shop", 5)],
    "k8s-1.27-describe-pod-terminating-lasts-user-trimmed.txt": [
        ("Pod", "cronjob-sync-trigger-production-28194180-0-hgdzc", None, 0)],
    "k8s-1.27-get-events-wide.txt": [("Pod", "checkout-6d8f7c9b54-q2w9r", "shop", 5)],
    "k8s-1.28-get-pod-json-crashloop.txt": [("Pod", "checkout-6d8f7c9b54-q2w9r", "shop", 0)],
    "k8s-1.29-describe-pod-prefix-match-one-blank-line.txt": [("Pod", "web-6f7d8c9b5d-2lq8x", "default", 2),
                                                              ("Pod", "web-6f7d8c9b5d-9zv4m", "default", 4)],
    "k8s-1.29-describe-pod-zsh-prompt-echoed-command.txt": [("Pod", "memory-test-3", "mem-testing", 1)],
    "k8s-1.29-get-pods-all-namespaces-mixed-statuses.txt": [("Pod", None, None, 0)] * 17,
    "k8s-1.29-get-pods-wide-report.txt": [("Pod", None, None, 0)] * 3,
    "k8s-1.3-describe-pod-qos-tier-old-events.txt": [("Pod", "tallyman", "default", 5)],
    "k8s-1.30-describe-node-not-ready-taints.txt": [("Node", "worker-03", None, 1)],
    "k8s-1.30-describe-pod-probe-and-env-forms.txt": [("Pod", "ledger-0", "payments", 10)],
    "k8s-1.30-get-pods-json-list-evicted-pending.txt": [("Pod", "indexer-5d9c8b7f6-lw4rs", "batch", 0),
                                                        ("Pod", "indexer-5d9c8b7f6-x8k2v", "batch", 0)],
    "k8s-1.31-describe-job-backoff-limit.txt": [("Job", "report-export-28941730", "batch-jobs", 5)],
    "k8s-1.31-get-pod-yaml-imagepullbackoff.txt": [("Pod", "cart-5b7d9f8c6d-h7j4k", "shop", 1)],
    "k8s-1.31-get-pods-yaml-list-two.txt": [("Pod", "checkout-6d8f7c9b54-zz81c", "shop", 0),
                                            ("Pod", "checkout-6d8f7c9b54-m4p7s", "shop", 0)],
    "k8s-1.32-describe-mixed-kinds-one-command.txt": [("Deployment", "api", "shop", 3),
                                                      ("ReplicaSet", "api-5f6c7d8b9", "shop", 3),
                                                      ("Pod", "api-5f6c7d8b9-qx7mt", "shop", 0)],
    "k8s-1.33-describe-pod-powershell-prompt.txt": [("Pod", "orders-db-5cf755b76f-hw7rc", "shop-core", 5)],
    "k8s-1.33-describe-pvc-pending-used-by.txt": [("PersistentVolumeClaim", "my-pvc", "default", 1)],
    "k8s-1.34-describe-job-grep-filtered.txt": [("Job", "doomed", None, 1)],
    "k8s-1.36-describe-events-fragment-container-created.txt": [("Pod", "lab4-77d498bf4f-jdr27", "debugging", 3)],
    "k8s-1.37-describe-pod-fieldpath-prefix-init-container.txt": [
        ("Pod", "dash-grafana-9876f6f4d-tscw9", "observability", 10)],
    "k8s-1.37-describe-pod-user-excerpt-container-started.txt": [("Pod", None, None, 1)],
    "k8s-1.5-describe-job-old-statuses-mangled-copy.txt": [("Job", "flaky", "default", 10)],
    "k8s-1.5-describe-pod-tab-padded-imagepullbackoff.txt": [("Pod", "greeter-app-4125925501-3va8a", "default", 6)],
    "k8s-1.7-describe-pod-controllers-crashloop.txt": [("Pod", "shop-edge-v2-2dfbf", "default", 7)],
    "k8s-1.7-describe-pod-raw-tabs-root-prompt.txt": [("Pod", "shopapi-279444632-k85rt", "default", 0)],
    "k8s-1.7-get-pods-wide-old-padding.txt": [("Pod", None, None, 0)] * 5,
    "k8s-1.8-describe-pod-three-containers-short-ages.txt": [("Pod", "kube-dns-778977457c-2rwdj", "kube-system", 6)],
    "k8s-1.8-get-events-old-columns.txt": [("Pod", "flask-4207440730-30vn0", None, 7),
                                           ("ReplicaSet", "flask-4207440730", None, 1), ("Deployment", "flask", None, 1)],
    "k8s-1.8-get-pods-status-is-message.txt": [("Pod", "flask-4207440730-xpq8t", None, 0)],
    "k8s-1.9-describe-node-single-row-allocated.txt": [("Node", "aks-nodepool1-22139053-0", None, 0)],
    "k8s-1.9-describe-pod-terminating-expires.txt": [("Pod", "jobtrigger-3737304981-nx85k", "xxx", 0)],
    "k8s-docs-describe-pod-hybrid-old-header-new-events.txt": [("Pod", "simmemleak-hra99", "default", 5)],
    "noise-html-collapsed-spaces.txt": [("Pod", "blog-5bbd7fd785-p4s9r", "default", 5)],
    "noise-rst-block-indent-flattened.txt": [("Pod", "cephfs-provisioner-cff8d95c-8b498", "default", 7)],
    "noise-sed-events-only-replicaset.txt": [("ReplicaSet", None, "billing-staging", 2)],
    "noise-tail-20-events-only.txt": [("Pod", "kube-dns-778977457c-2rwdj", "kube-system", 6)],
    "noise-wrapped-80-columns.txt": [("Pod", "long-load-8647c68dcc-2mxdq", "pod-scheduling", 2)],
    "noise-wrapped-and-joined-lines-service.txt": [("Service", "helloweb-lb", "default", 0)] * 2,
    "oc-4.12-get-events-default.txt": [("Pod", "pipelinerun-buildah-as-user-1000-fetch-repository-pod", "test", 7),
                                       ("taskrun", "pipelinerun-buildah-as-user-1000-fetch-repository", "test", 4)],
    "oc-4.14-describe-pod-multus-probeerror-body.txt": [("Pod", "inventory-api-77b9c6d5f8-k2x9p", "retail-prod", 9)],
    "oc-4.15-describe-node-long-annotations.txt": [("Node", "ip-10-1-0-63.ap-southeast-2.compute.internal", None, 12)],
    "oc-4.15-describe-pod-pending-node-none.txt": [("Pod", "long-load-8647c68dcc-2mxdq", "pod-scheduling", 2)],
    "oc-4.18-describe-statefulset-scc-failedcreate.txt": [("StatefulSet", "prometheus", "monitoring", 2)],
    "k8s-1.13-get-events-event-names-multiline-message.txt": [
        ("Pod", "gx-mongo-v1dot04-refseq-human2024-mongodb-primary-0", "genomics-lab", 14),
        ("Pod", "gx-mongo-v1dot04-refseq-human2024-mongodb-arbiter-0", "genomics-lab", 5)],
    "mixed-get-pods-describe-get-events-yaml.txt": [("Pod", "ledger-api-5c7d9f8b6-tk4vn", "payments", 0),
                                                    ("Pod", "ledger-api-5c7d9f8b6-8xq2w", "payments", 2)],
    "k8s-1.30-get-pod-yaml-status-section-only.txt": [("Pod", None, None, 0)],
    "k8s-1.29-get-deployment-json-progress-deadline.txt": [("Deployment", "shop-api", "shop", 0)],
    "noise-html-collapsed-get-pods-get-events.txt": [("Pod", None, None, 0)] * 3 + [
        ("Pod", "cart-5b7d9f8c6d-h7j4k", "shop", 5), ("Pod", "checkout-6d8f7c9b54-q2w9r", "shop", 1),
        ("Pod", "checkout-6d8f7c9b54-zz81c", "shop", 0)],
    "noise-ci-log-timestamps.txt": [("Pod", "memory-test-3", "mem-testing", 1)],
    "noise-editor-line-numbers.txt": [("Service", "web-app-service", "orion", 0)],
    "k8s-1.27-describe-custom-resource-certificate.txt": [("Certificate", "shop-example-com", "shop", 3)],
    "okd-3.11-describe-pod-crio-args-column0.txt": [
        ("Pod", "master-controllers-cnv-executor-qelab-master1.example.com", "kube-system", 0)],
}
UNRECOGNIZED = ["notkubectl-binary-blob.txt", "notkubectl-docker-ps.txt", "notkubectl-kubectl-logs-postgres.txt",
                "notkubectl-prose-question.txt", "notkubectl-python-traceback-k8s-client.txt"]


@pytest.mark.parametrize("name", sorted(OBJECTS), ids=str)
def test_reads_what_sources_md_lists(name):
    objs = parse(read_fixture(CORPUS / name)).objects
    got = [(o.kind, str(o.name) if o.name is not None else None, str(o.namespace) if o.namespace else None,
            len(o.events)) for o in objs]
    want = OBJECTS[name]
    assert len(got) == len(want), got
    for g, w in zip(got, want):
        assert g[0] == w[0] and g[3] == w[3], (g, w)
        if w[1] is not None:
            assert g[1] == w[1], (g, w)
        if w[2] is not None:
            assert g[2] == w[2], (g, w)


@pytest.mark.parametrize("name", UNRECOGNIZED)
def test_not_kubectl_is_unrecognized(name):
    assert parse(read_fixture(CORPUS / name)).format == "unrecognized"


def _containers(name):
    pod = parse(read_fixture(CORPUS / name)).objects[0]
    out = {}
    for c in pod.all_containers:
        st, last = c.state, c.last_state
        out[str(c.name)] = (
            str(st.state) if st else None, str(st.reason) if st and st.reason else None,
            str(last.reason) if last and last.reason else None, last.code if last else (st.code if st else None),
            str(c.ready) if c.ready else None, c.restarts,
        )
    return out


@pytest.mark.parametrize("name,want", [
    ("k8s-1.2-describe-pod-no-events.txt", {"web": ("Running", None, None, None, "True", 0)}),
    ("k8s-1.5-describe-pod-tab-padded-imagepullbackoff.txt",
     {"greeter-app": ("Waiting", "ImagePullBackOff", None, None, "False", 0)}),
    ("k8s-1.7-describe-pod-controllers-crashloop.txt",
     {"edge": ("Waiting", "CrashLoopBackOff", "Completed", 0, "False", 5)}),
    ("k8s-1.8-describe-pod-three-containers-short-ages.txt", {
        "kubedns": ("Waiting", "ImagePullBackOff", None, None, "False", 0),
        "dnsmasq": ("Waiting", "CrashLoopBackOff", "Error", 137, "False", 6),
        "sidecar": ("Waiting", "ErrImagePull", None, None, "False", 0)}),
    ("k8s-1.9-describe-pod-terminating-expires.txt", {"alpine": ("Terminated", "Error", None, 137, "False", 0)}),
    ("okd-3.11-describe-pod-crio-args-column0.txt", {"controllers": ("Running", None, "Error", 2, "True", 3)}),
    ("k8s-1.27-describe-pod-escaped-ansi-termination-message.txt",
     {"api": ("Waiting", "CrashLoopBackOff", "Error", 1, "False", 6)}),
    ("k8s-docs-describe-pod-hybrid-old-header-new-events.txt",
     {"simmemleak": ("Running", None, "OOMKilled", 137, "False", 5)}),
    ("noise-html-collapsed-spaces.txt", {"blog": ("Running", None, "Error", 1, "True", 19)}),
    ("noise-rst-block-indent-flattened.txt",
     {"cephfs-provisioner": ("Waiting", "ContainerCreating", None, None, "False", 0)}),
    ("oc-4.14-describe-pod-multus-probeerror-body.txt",
     {"inventory-api": ("Running", None, "Error", 143, "False", 2)}),
    ("k8s-1.28-get-pod-json-crashloop.txt", {"checkout": ("Waiting", "CrashLoopBackOff", "Error", 1, "False", 5)}),
    ("k8s-1.31-get-pod-yaml-imagepullbackoff.txt", {"cart": ("Waiting", "ImagePullBackOff", None, None, "False", 0)}),
])
def test_container_states(name, want):
    assert _containers(name) == want


def test_waiting_message_from_yaml_and_json():
    pod = parse(read_fixture(CORPUS / "k8s-1.31-get-pod-yaml-imagepullbackoff.txt")).objects[0]
    msg = str(pod.containers[0].state.message)
    assert msg.startswith('Back-off pulling image "') and "not found" in msg
    pod = parse(read_fixture(CORPUS / "k8s-1.28-get-pod-json-crashloop.txt")).objects[0]
    assert str(pod.containers[0].state.message).startswith("back-off 5m0s restarting failed container=checkout")
    assert "\n" in str(pod.containers[0].last_state.message)


def test_merges_what_one_paste_says_about_one_pod():
    """A get-pods row, a describe and an Event list of the same pod make one Pod."""
    objs = parse(read_fixture(CORPUS / "mixed-get-pods-describe-get-events-yaml.txt")).objects
    pod = next(o for o in objs if str(o.name) == "ledger-api-5c7d9f8b6-8xq2w")
    assert pod.source == "describe" and str(pod.table_status) == "CrashLoopBackOff"
    assert [e.reason for e in pod.events] == ["Pulled", "BackOff"]
    assert pod.events[1].container == "api" and pod.events[1].count == 171
    assert pod.events[0].last_seen_s > pod.events[1].last_seen_s == 0
    assert not any(m.startswith("Events:") for m in pod.missing)


def test_cut_yaml_and_json_are_read_up_to_the_cut():
    y = read_fixture(CORPUS / "k8s-1.31-get-pod-yaml-imagepullbackoff.txt").split("\n")
    r = parse("\n".join(y[:121]))
    assert r.format == "yaml" and str(r.objects[0].name) == "cart-5b7d9f8c6d-h7j4k"
    assert any("stops inside a value" in w.message for w in r.warnings)
    j = read_fixture(CORPUS / "k8s-1.28-get-pod-json-crashloop.txt").split("\n")
    r = parse("\n".join(j[:120]))
    assert r.format == "json" and str(r.objects[0].containers[0].name) == "checkout"


def test_fieldpath_prefix_names_the_container():
    pod = parse(read_fixture(CORPUS / "k8s-1.37-describe-pod-fieldpath-prefix-init-container.txt")).objects[0]
    named = [e for e in pod.events if e.container]
    assert len(named) == 9
    assert not any(e.message.startswith("spec.") for e in pod.events)


@pytest.mark.parametrize("status,ready,want", [
    ("ImagePullBackOff", "0/1", (False, "Waiting", "ImagePullBackOff", None)),
    ("Init:CrashLoopBackOff", "0/2", (True, "Waiting", "CrashLoopBackOff", None)),
    ("Init:Error", "0/1", (True, "Terminated", "Error", None)),
    ("Init:ExitCode:2", "0/1", (True, "Terminated", None, 2)),
    ("OOMKilled", "0/1", (False, "Terminated", "OOMKilled", None)),
    ("Completed", "0/1", (False, "Terminated", "Completed", 0)),
    ('configmaps "example-config" not found', "0/1", (False, "Waiting", None, None)),
    ("Running", "0/1", (False, "Running", None, None)),
])
def test_get_pods_status_stands_for_a_container_state(status, ready, want):
    from analyzer.parse.tables import containers_from_status

    (c,) = containers_from_status(status, ready, "3 (2m ago)", 7)
    got = (c.init, str(c.state.state), str(c.state.reason) if c.state.reason else None, c.state.code)
    assert got == want and str(c.name) == "<container>"


@pytest.mark.parametrize("status", ["Pending", "Evicted", "Init:0/3", "Terminating", "Succeeded"])
def test_get_pods_status_of_the_pod_names_no_container(status):
    from analyzer.parse.tables import containers_from_status

    assert containers_from_status(status, "0/1", "0", 7) == ()


@pytest.mark.parametrize("name,pods,allocated,conditions,taints", [
    ("oc-4.15-describe-node-long-annotations.txt", 14, 5, 4, 1),
    ("k8s-1.9-describe-node-single-row-allocated.txt", 2, 2, 5, 0),
    ("k8s-1.30-describe-node-not-ready-taints.txt", 5, 5, 5, 2),
])
def test_node_tables(name, pods, allocated, conditions, taints):
    node = parse(read_fixture(CORPUS / name)).objects[0]
    assert (len(node.pods), len(node.allocated), len(node.conditions), len(node.taints)) == \
        (pods, allocated, conditions, taints)
    assert node.ready is not None and node.container_runtime


def test_custom_resource_conditions_from_the_generic_describer():
    obj = parse(read_fixture(CORPUS / "k8s-1.27-describe-custom-resource-certificate.txt")).objects[0]
    ready = obj.condition("Ready")
    assert (ready.status, ready.reason, ready.message) == \
        ("False", "DoesNotExist", "Issuing certificate as Secret does not exist")


def test_conditions_whose_header_line_was_cut():
    text = ("$ kubectl describe nodes\n[...]\nName:               etkhub\nRoles:              master\n"
            "  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason"
            "                       Message\n"
            "  ----             ------  -----------------                 ------------------                ------"
            "                       -------\n"
            "  Ready            False   Mon, 03 Jun 2019 13:54:18 +0000   Sun, 02 Jun 2019 21:39:37 +0000   "
            "KubeletNotReady              PLEG is not healthy: pleg was last seen active 16h5m7.36s ago\n")
    node = parse(text).objects[0]
    assert node.kind == "Node" and node.ready.status == "False" and node.ready.reason == "KubeletNotReady"
    assert node.ready.message.startswith("PLEG is not healthy")


def test_get_all_rows_name_the_pod_without_its_kind():
    text = ("$ kubectl -n db get all\n"
            "NAME                      READY   STATUS                       RESTARTS   AGE\n"
            "pod/db-replicas-0   2/3     CreateContainerConfigError   0          90s\n"
            "pod/db-replicas-1   3/3     Running                      0          90s\n")
    pods = parse(text).objects
    assert [str(p.name) for p in pods] == ["db-replicas-0", "db-replicas-1"]
    assert [str(p.namespace) for p in pods] == ["db", "db"]


def test_a_line_in_inline_code_is_read_without_its_backticks():
    text = ('`  Warning  Failed     13s (x2 over 13s)  kubelet            Error: container has runAsNonRoot and image '
            'has non-numeric user (nonroot), cannot verify user is non-root (pod: "exporter-54df879f78-m9njp_monitoring'
            '(2290c8e3-e8f2-4476-8d11-c6a938f16830)", container: exporter)`\n')
    (pod,) = parse(text).objects
    (event,) = pod.events
    assert (event.type, event.reason, event.count) == ("Warning", "Failed", 2)
    assert event.message.endswith("container: exporter)")
    # kubelet's format.Pod suffix names the pod and its namespace
    assert (str(pod.name), str(pod.namespace)) == ("exporter-54df879f78-m9njp", "monitoring")


@pytest.mark.parametrize("text,reason", [
    ('`Failed to apply default image tag "https://harbor.example.org/release/name:1.1.0": couldn\'t parse image '
     'reference "https://harbor.example.org/release/name:1.1.0": invalid reference format.`\n', "InspectFailed"),
    (' - cert-manager:deployment/cert-manager: ErrImageNeverPull: Container image "quay.io/jetstack/cert-manager-'
     'controller:v1.16.3" is not present with pull policy of Never\n', "ErrImageNeverPull"),
])
def test_bare_kubelet_image_messages_are_read_as_their_events(text, reason):
    from analyzer import analyze
    from analyzer.loose import read_messages

    pod = read_messages(parse(text).lines)
    assert pod is not None and [e.reason for e in pod.events] == [reason]
    assert pod.events[0].message.startswith(("Failed to apply", "Container image"))
    assert analyze(text).verdict.value == "problem"


def test_bare_message_naming_its_pod():
    from analyzer.loose import read_messages

    text = ('Error: container has runAsNonRoot and image will run as root (pod: "web-0_shop(0b6f1e4a-3c2d-4e5f-8a9b-'
            '1c2d3e4f5a6b)", container: web)\n')
    pod = read_messages(parse(text).lines)
    assert (str(pod.name), str(pod.namespace), pod.name.line) == ("web-0", "shop", 1)


_NODE_ROW = ("  Ready                False   Sun, 06 Dec 2020 18:56:49 +0100   Sun, 06 Dec 2020 18:49:40 +0100   "
             "KubeletNotReady              PLEG is not healthy: pleg was last seen active 10m18.04s ago; threshold is 3m0s\n")


def test_a_lone_node_condition_row_is_a_node():
    (node,) = parse(_NODE_ROW).objects
    assert node.kind == "Node" and node.name is None
    assert (node.ready.status, node.ready.reason, node.ready.line) == ("False", "KubeletNotReady", 1)
    assert node.ready.message.startswith("PLEG is not healthy")


def test_a_node_conditions_table_alone_is_a_node():
    text = ("Conditions:\n"
            "  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason"
            "                       Message\n"
            "  ----             ------  -----------------                 ------------------                ------"
            "                       -------\n"
            "  MemoryPressure   False   Mon, 28 Jan 2019 10:06:08 +0000   Fri, 25 Jan 2019 14:00:27 +0000   "
            "KubeletHasSufficientMemory   kubelet has sufficient memory available\n"
            "  Ready            True    Mon, 28 Jan 2019 10:06:08 +0000   Mon, 28 Jan 2019 09:25:31 +0000   "
            "KubeletReady                 kubelet is posting ready status\n")
    (node,) = parse(text).objects
    assert node.kind == "Node" and [c.type for c in node.conditions] == ["MemoryPressure", "Ready"]
    assert node.ready.status == "True"


def test_a_pod_condition_table_alone_is_not_a_node():
    text = "Conditions:\n  Type              Status\n  Initialized       True\n  Ready             False\n"
    assert all(o.kind != "Node" for o in parse(text).objects)


def test_event_rows_with_an_empty_from_column():
    text = ("  Warning  FailedScheduling  <unknown>        0/4 nodes are available: 4 pod has unbound immediate "
            "PersistentVolumeClaims.\n"
            "  Warning  FailedScheduling  <unknown>        0/4 nodes are available: 4 node(s) had volume node "
            "affinity conflict.\n")
    (pod,) = parse(text).objects
    assert [(e.source, e.message[:24]) for e in pod.events] == [("", "0/4 nodes are available:")] * 2


@pytest.mark.parametrize("row", [
    "  Warning  Unhealthy         **2m52s (x13 over 6m42s)  kubelet            Readiness probe failed: HTTP probe "
    "failed with statuscode: 503**",
    "  **Warning  Unhealthy  2m52s (x13 over 6m42s)  kubelet            Readiness probe failed: HTTP probe failed "
    "with statuscode: 503**",
])
def test_an_event_row_in_markdown_bold(row):
    (pod,) = parse("Events:\n" + row + "\n").objects
    (event,) = pod.events
    assert (event.reason, event.age, event.count, event.source) == ("Unhealthy", "2m52s (x13 over 6m42s)", 13, "kubelet")
    assert event.message == "Readiness probe failed: HTTP probe failed with statuscode: 503"


def test_a_pod_cut_inside_its_init_containers_is_a_pod():
    text = ("Name:         web-0\nNamespace:    shop\nNode:         worker-1/10.0.0.1\nStatus:       Pending\n"
            "Init Containers:\n  init:\n    Image:          busybox\n    State:          Waiting\n"
            "      Reason:       CreateContainerConfigError\n")
    (pod,) = parse(text).objects
    assert pod.kind == "Pod" and [str(c.state.reason) for c in pod.init_containers] == ["CreateContainerConfigError"]


def test_ui_reason_colon_message_lines():
    from analyzer.loose import read_messages

    text = ('ImagePullBackOff: Back-off pulling image "drainer/leader:v1.0-rc9"\n'
            "ErrImagePull: rpc error: code = Unknown desc = Error response from daemon: manifest for "
            "drainer/leader:v1.0-rc9 not found: manifest unknown: manifest unknown\n")
    pod = read_messages(parse(text).lines)
    assert [(e.reason, e.line) for e in pod.events] == [("BackOff", 1), ("Failed", 2)]
    assert pod.events[0].message == 'Back-off pulling image "drainer/leader:v1.0-rc9"'
    assert pod.events[1].message.startswith('Failed to pull image "drainer/leader:v1.0-rc9": rpc error:')


def test_bare_runtime_error_is_a_failed_event():
    from analyzer.loose import read_messages

    text = ('`Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc '
            'create failed: unable to start container process: exec: "/app": stat /app: no such file or directory: '
            'unknown`\n')
    pod = read_messages(parse(text).lines)
    assert [e.reason for e in pod.events] == ["Failed"] and pod.events[0].message.startswith("Error: failed to create")


def test_a_state_block_pasted_at_column_0_belongs_to_the_state():
    text = ("State:        Terminated\nReason:       StartError\nMessage:      failed to create containerd task: "
            "exec: \"npx playwright test\": executable file not found in $PATH: unknown\nExit Code:    128\n")
    (pod,) = parse(text).objects
    (c,) = pod.containers
    assert (str(c.state.state), str(c.state.reason), str(c.state.exit_code)) == ("Terminated", "StartError", "128")
    assert c.state.message.startswith("failed to create containerd task") and pod.reason is None


def test_closing_snip_line_ends_an_event_row():
    text = ("Events:\n  Warning  FailedNeedsStart  2m (x9 over 20m)  cronjob-controller  Too many missed start time.\n"
            "</snip>\n")
    (obj,) = parse(text).objects
    assert obj.events[0].message == "Too many missed start time." and parse(text).lines[2].noise == "elision"


@pytest.mark.parametrize("text", [
    # kubectl <= 1.1: a pod's images were printed as Image(s), its owner as Replication Controllers
    "Name:               web-3y127\nNamespace:          deis\nImage(s):           quay.io/deis/web:v2\n"
    "Node:               10.0.0.1/10.0.0.1\nStatus:             Running\nIP:             10.2.80.219\n"
    "Replication Controllers:    web (1/1 replicas created)\n",
    # kubectl 1.6, cut before its containers
    "Name:\t\tpgset-0\nNamespace:\tsite\nNode:\t\tip-10-0-10-98/10.0.10.98\nStart Time:\tFri, 02 Jun 2017 23:32:44 -0300\n"
    "Status:\t\tRunning\nControllers:\tStatefulSet/pgset\n",
])
def test_pods_without_a_containers_section_are_pods(text):
    (pod,) = parse(text).objects
    assert pod.kind == "Pod" and str(pod.status) == "Running"


def test_get_pods_show_labels_fill_the_labels():
    text = ("NAME        READY     STATUS    RESTARTS   AGE       LABELS\n"
            "web-0       1/1       Running   0          6m        app=web,pod-template-hash=3826495708\n")
    (pod,) = parse(text).objects
    assert pod.labels == {"app": "web", "pod-template-hash": "3826495708"}


def test_a_fragment_under_a_table_of_one_pod_is_that_pod():
    text = ("kubectl get pods\nNAME                  READY   STATUS      RESTARTS      AGE\n"
            "tax-74464f6b98-2kj6g  0/1     OOMKilled   4 (57s ago)   2m40s\n\n"
            "    Last State:     Terminated\n      Reason:       OOMKilled\n")
    (pod,) = parse(text).objects
    assert str(pod.name) == "tax-74464f6b98-2kj6g" and pod.table_status == "OOMKilled"
    assert str(pod.containers[0].last_state.reason) == "OOMKilled"


def test_a_fragment_under_a_table_of_two_pods_stays_unnamed():
    text = ("NAME     READY   STATUS      RESTARTS   AGE\nweb-0    0/1     OOMKilled   4          2m\n"
            "web-1    1/1     Running     0          2m\n\n    Last State:     Terminated\n      Reason:       OOMKilled\n")
    names = sorted(str(o.name) for o in parse(text).objects)
    assert names == ["None", "web-0", "web-1"]


def test_a_deployment_flattened_to_column_0_is_a_deployment():
    text = ("Name: nginx\nNamespace: default\nSelector: app=nginx\n"
            "Replicas: 1 desired | 1 updated | 1 total | 0 available | 1 unavailable\nStrategyType: RollingUpdate\n"
            "Pod Template:\nLabels: app=nginx\nContainers:\nnginx:\nImage: nginx\nConditions:\nType Status Reason\n"
            "---- ------ ------\nAvailable False MinimumReplicasUnavailable\nProgressing False ProgressDeadlineExceeded\n"
            "NewReplicaSet: nginx-5869d7778c (1/1 replicas created)\n")
    (dep,) = parse(text).objects
    assert dep.kind == "Deployment"
    assert [(c.type, c.status, c.reason) for c in dep.conditions] == [
        ("Available", "False", "MinimumReplicasUnavailable"), ("Progressing", "False", "ProgressDeadlineExceeded")]


def test_node_conditions_reflowed_by_an_issue_tracker():
    t1, t2 = "Wed, 11 Dec 2019 14:51:24 +0800", "Mon, 09 Dec 2019 18:30:57 +0800"
    text = ("Name:               node4\nRoles:              <none>\nConditions:\n"
            "  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason"
            "                       Message\n"
            "  ----             ------  -----------------                 ------------------                ------"
            "                       -------\n"
            f"  MemoryPressure   False   {t1}   {t2}   KubeletHasSufficientMemory   kubelet\n"
            f" has sufficient memory available  Ready            True    {t1}   {t2}   KubeletReady                 kubelet\n"
            " is posting ready status\nAddresses:\n  InternalIP:  10.0.0.4\n")
    (node,) = parse(text).objects
    assert [(c.type, c.status, c.message) for c in node.conditions] == [
        ("MemoryPressure", "False", "kubelet has sufficient memory available"),
        ("Ready", "True", "kubelet is posting ready status")]
    assert node.ready.line == 7


def test_each_table_of_a_get_with_several_kinds_is_its_own():
    text = ("# kubectl get pod,svc,rc\nNAME                     READY     STATUS    RESTARTS   AGE\n"
            "nginx-4ovgh   1/1       Running   0          4m\n"
            "NAME         CLUSTER_IP      EXTERNAL_IP   PORT(S)   SELECTOR    AGE\n"
            "nginx        10.254.181.17   nodes         80/TCP    app=nginx   4m\n"
            "NAME               DESIRED   CURRENT   AGE\nnginx-controller   2         2         4m\n")
    r = parse(text)
    assert [str(o.name) for o in r.objects] == ["nginx-4ovgh"]
    assert [(k, a, b) for k, a, b in r.blocks] == [("get-pods", 2, 3), ("get-table", 4, 5), ("get-table", 6, 7)]
    assert not any("not a row" in w.message for w in r.warnings)


@pytest.mark.parametrize("quote", [">> ", "> > ", ">>"])
def test_an_email_reply_quoted_twice(quote):
    text = "On Tue, Mar 5, 2019 Ops wrote:\n" + "".join(
        quote + ln + "\n" for ln in ("Name:         web-0", "Namespace:    shop", "Status:       Running",
                                     "Containers:", "  web:", "    Image:          nginx", "    Ready:          True"))
    (pod,) = parse(text).objects
    assert (str(pod.name), str(pod.namespace), str(pod.containers[0].image)) == ("web-0", "shop", "nginx")


def test_whole_lines_in_markdown_bold():
    text = ("Name:         runner\nNamespace:    perf\n**Status:           Failed**\n"
            "**Reason:           DeadlineExceeded**\nContainers:\n  runner:\n    State:          Terminated\n"
            "      **Reason:       Error**\n      Exit Code:    137\n")
    (pod,) = parse(text).objects
    assert (str(pod.status), str(pod.reason)) == ("Failed", "DeadlineExceeded")
    assert str(pod.containers[0].state.reason) == "Error"
    assert parse("*****\n").lines[0].noise == "decoration"


def test_lines_numbered_like_a_markdown_list():
    text = "".join(f"{i}. {ln}\n" for i, ln in enumerate(
        ("Name:         web-0", "Namespace:    shop", "Status:       Running", "Containers:", "  web:",
         "    Image:          nginx"), start=1))
    (pod,) = parse(text).objects
    assert (str(pod.name), str(pod.namespace), str(pod.containers[0].image)) == ("web-0", "shop", "nginx")


def test_the_same_describe_pasted_twice_is_one_object():
    one = "Name:         web-0\nNamespace:    shop\nStatus:       Running\nContainers:\n  web:\n    Image:  nginx\n"
    r = parse(one + "\n" + one)
    assert len(r.objects) == 1 and any("pasted twice" in w.message for w in r.warnings)
    other = one.replace("Running", "Pending")       # the same pod described twice, later: both kept
    assert len(parse(one + "\n" + other).objects) == 2


def test_grep_group_separators_split_a_cut_describe():
    text = ("$ kubectl describe pod web-0 -n shop | grep -A3 -E '^Name:|State:'\nName:             web-0\n"
            "Namespace:        shop\nNode:             worker-1/10.0.0.1\n--\n    State:          Terminated\n"
            "      Reason:       OOMKilled\n      Exit Code:    137\n--\n    Args:\n      --\n      -k\n")
    r = parse(text)
    (pod,) = r.objects
    assert [ln.noise for ln in r.lines if ln.text == "--"] == ["elision", "elision"]
    assert [ln.noise for ln in r.lines if ln.text == "      --"] == [""]          # an argv item
    (c,) = pod.containers
    assert (str(c.state.state), str(c.state.reason), str(c.state.exit_code)) == ("Terminated", "OOMKilled", "137")


def test_html_entities_of_a_page_source_copy():
    text = ("Events:\n  Type     Reason  Age   From     Message\n  ----     ------  ----  ----     -------\n"
            "  Warning  Failed  12s   kubelet  Error: configmap &quot;gatus&quot; not found\n")
    (pod,) = parse(text).objects
    assert pod.events[0].message == 'Error: configmap "gatus" not found'
    assert parse('Node-Selectors:  &lt;none&gt;\n').lines[0].text == "Node-Selectors:  <none>"
    assert parse("a &amp;&amp; b\n").lines[0].raw == "a &amp;&amp; b"        # the pasted line is kept


def _hard_wrap(line: str, width: int) -> str:
    return "\n".join(line[i:i + width] for i in range(0, len(line), width))


_EVENTS_HEAD = ("Events:\n  Type     Reason            Age   From               Message\n"
                "  ----     ------            ----  ----               -------\n")


def test_one_event_message_hard_wrapped_at_a_terminal_width_is_rejoined_without_a_space():
    row = ("  Warning  FailedScheduling  47s   default-scheduler  0/5 nodes are available: 1 node(s) had volume "
           "node affinity conflict, 4 node(s) didn't match node selector.")
    for width in (80, 100, 120):              # one wrapped line, cut mid-word ("aff" / "inity")
        (pod,) = parse(_EVENTS_HEAD + _hard_wrap(row, width) + "\n").objects
        assert pod.events[0].message == row.split("default-scheduler  ")[1], width


def test_a_wrap_cut_on_a_space_before_error_is_not_stderr():
    first = "  Warning  FailedCreate  4m12s  statefulset-controller  create Pod ledger-0 in StatefulSet ledger failed "
    first = first.replace("4m12s  ", "4m12s" + " " * (122 - len(first)))
    assert len(first) == 120
    rest = 'error: Internal error occurred: failed calling webhook "x.istio.io"'
    r = parse(_EVENTS_HEAD + first + "\n" + rest + "\n")
    (pod,) = r.objects
    assert pod.events[0].message == "create Pod ledger-0 in StatefulSet ledger failed " + rest


def test_stderr_after_a_line_of_terminal_width_stays_stderr():
    row = "  Warning  BackOff  1s  kubelet  Back-off restarting failed container web in pod web-0_shop(abc)"
    row = row.replace("1s  ", "1s" + " " * (122 - len(row)))
    assert len(row) == 120 and not row.endswith(" ")
    r = parse(_EVENTS_HEAD + row + "\nerror: You must be logged in to the server (Unauthorized)\n")
    assert r.lines[-1].noise == "stderr"
    assert r.objects[0].events[0].message.endswith("web-0_shop(abc)")


def test_the_unrecognized_message_gives_its_command_as_code():
    from analyzer import analyze
    msg = analyze("hello, my pod does not start\n").message
    assert msg.endswith("Try: `kubectl describe pod <pod> -n <namespace>`.")
    assert msg.count("`") % 2 == 0                 # every command opened is closed


def test_k9s_pane_borders_and_rows_that_fill_the_pane():
    width = 100
    rows = ["4m11s   Warning   Evicted   pod/egg-1   The node was low on resource: memory. Container egg was using 5053216Ki.",
            "4m7s    Warning   Evicted   pod/egg-2   The node had condition: [MemoryPressure]."]
    rows[0] = rows[0][:width - 1]                      # the first row's text reaches the right border
    framed = ["┌" + "─" * 30 + " Describe(default/egg-1) " + "─" * (width - 55) + "┐"]
    framed += ["│" + r.ljust(width - 1) + " │" for r in rows]
    framed += ["└" + "─" * (width + 1) + "┘"]
    r = parse("\n".join(framed) + "\n")
    assert [ln.noise for ln in r.lines] == ["decoration", "", "", "decoration"]
    assert sorted(str(o.name) for o in r.objects) == ["egg-1", "egg-2"]    # the second row is not glued to the first
    assert not r.warnings


def test_bat_frame_lines_do_not_hide_its_numbering():
    body = ["Events:", "  Type     Reason  Age   From     Message", "  ----     ------  ----  ----     -------",
            '  Warning  Failed  30s   kubelet  Failed to pull image "web:v10": manifest unknown']
    rule = "─" * 7
    text = "\n".join([rule + "┬" + "─" * 60, "       │ File: describe.txt", rule + "┼" + "─" * 60]
                     + [f"{i:6} │ {ln}" for i, ln in enumerate(body, start=1)] + [rule + "┴" + "─" * 60]) + "\n"
    r = parse(text)
    assert [ln.noise for ln in r.lines] == ["decoration"] * 3 + [""] * 4 + ["decoration"]
    (pod,) = r.objects
    assert (pod.events[0].reason, pod.events[0].source) == ("Failed", "kubelet")
    assert not r.warnings


def test_a_chat_copy_with_every_run_of_spaces_made_one():
    described = ("Name:         web-0\nNamespace:    shop\nStatus:       Running\nContainers:\n  web:\n"
                 "    Image:          nginx\n    State:          Waiting\n      Reason:       CrashLoopBackOff\n"
                 "    Last State:     Terminated\n      Reason:       Completed\n      Exit Code:    0\n"
                 "    Ready:          False\n    Restart Count:  5\nEvents:\n  Type     Reason   Age  From     Message\n"
                 "  ----     ------   ---  ----     -------\n"
                 "  Warning  BackOff  1s   kubelet  Back-off restarting failed container web in pod web-0_shop(a)\n")
    slack = "\n".join(" ".join(ln.split()) if not ln.startswith(" ") else " " + " ".join(ln.split())
                      for ln in described.splitlines()) + "\n"
    assert "  " not in slack and " State: Waiting" in slack
    (pod,) = parse(slack).objects
    (c,) = pod.containers
    assert (str(c.state.state), str(c.state.reason)) == ("Waiting", "CrashLoopBackOff")
    assert (str(c.last_state.state), str(c.last_state.reason), str(c.last_state.exit_code)) == ("Terminated", "Completed", "0")
    assert pod.events[0].reason == "BackOff"
    # kubectl's own output always has runs of spaces: one-space lines there stay as they are
    (pod,) = parse(described.replace("  web:", " web:")).objects
    assert str(pod.containers[0].last_state.reason) == "Completed"


def test_an_old_events_row_wrapped_in_the_gap_before_its_message():
    head = ("Events:\n  FirstSeen  LastSeen  Count  From                      SubobjectPath  Type     Reason        Message\n"
            "  ---------  --------  -----  ----                      -------------  --------  ------        -------\n")
    row = "  4m         7s        11     {replicaset-controller }                 Warning   FailedCreate  "
    row = row + " " * (120 - len(row))                  # the terminal cut in the spaces before Message
    msg = 'Error creating: pods "nginx-1-" is forbidden: Failed quota: compute-resources: must specify limits.cpu'
    (rs,) = parse("Name:  nginx-1\nNamespace:  q\nReplicas:  0 current / 1 desired\n" + head + row + "\n" + msg + "\n").objects
    (ev,) = rs.events
    assert (ev.type, ev.reason, ev.count, ev.message) == ("Warning", "FailedCreate", 11, msg)


def test_moreutils_ts_stamps_before_every_line():
    body = ["Name:         web-0", "Namespace:    shop", "Status:       Failed", "Reason:       Evicted", "",
            "Containers:", "  web:", "    Image:          nginx"]
    r = parse("".join(f"Nov 24 21:03:{i:02} {ln}".rstrip() + "\n" for i, ln in enumerate(body)))
    (pod,) = r.objects
    assert (str(pod.name), str(pod.namespace), str(pod.reason), str(pod.containers[0].image)) == \
        ("web-0", "shop", "Evicted", "nginx")
    # a journalctl paste keeps its stamps: they are part of the log line
    log = "".join(f"Nov 24 21:03:{i:02} node-1 kubelet[812]: E1124 21:03:{i:02}.1 812 pod_workers.go:1] x\n"
                  for i in range(4))
    assert all(ln.text.startswith("Nov 24") for ln in parse(log).lines)


def test_cat_n_numbering():
    body = ["Name:         web-0", "Namespace:    shop", "Status:       Running", "", "Containers:", "  web:",
            "    Image:          nginx"]
    (pod,) = parse("".join(f"{i:6}\t{ln}\n" for i, ln in enumerate(body, start=1))).objects
    assert (str(pod.name), str(pod.namespace), str(pod.containers[0].name), str(pod.containers[0].image)) == \
        ("web-0", "shop", "web", "nginx")


def test_a_console_copy_padded_to_the_window_width():
    rows = ["  Warning  Failed  14s  kubelet  Failed to pull image", '"ghcr.io/acme/app:v1": rpc error: code = Unknown',
            "desc = failed to resolve reference: 401 Unauthorized"]
    text = "".join(ln.ljust(120) + "\r\n" for ln in ["Events:", "  Type     Reason  Age  From     Message",
                                                    "  ----     ------  ---  ----     -------"] + rows)
    (pod,) = parse(text).objects
    assert pod.events[0].message == 'Failed to pull image "ghcr.io/acme/app:v1": rpc error: code = Unknown ' \
                                    "desc = failed to resolve reference: 401 Unauthorized"


def test_a_node_condition_row_cut_in_the_gap_before_its_message():
    head = ("Name:               etkhub\nRoles:              master\nConditions:\n"
            "  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason"
            "                   Message\n"
            "  ----             ------  -----------------                 ------------------                ------"
            "                   -------\n")
    row = ("  Ready            False   Mon, 03 Jun 2019 13:54:18 +0000   Sun, 02 Jun 2019 21:39:37 +0000   "
           "KubeletNotReady              PLEG is not healthy: pleg was last seen active 16h ago; threshold is 3m0s")
    text = head + row + "\nAddresses:\n  InternalIP:  10.0.0.1\n"
    wrapped = "\n".join(_hard_wrap(ln, 120) for ln in text.split("\n"))
    assert "KubeletNotReady          \n    PLEG is not healthy" in wrapped      # cut in the gap
    r = parse(wrapped)
    (node,) = r.objects
    (ready,) = [c for c in node.conditions if c.type == "Ready"]
    assert (ready.status, ready.reason) == ("False", "KubeletNotReady")
    assert ready.message.startswith("PLEG is not healthy")


def test_an_errimagepull_waiting_message_is_the_pull_event():
    doc = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-0", "namespace": "shop"},
           "spec": {"containers": [{"name": "web", "image": "harbor.lab.io/k8s/web:1"}]},
           "status": {"phase": "Pending", "containerStatuses": [{
               "name": "web", "image": "harbor.lab.io/k8s/web:1", "ready": False, "restartCount": 0,
               "state": {"waiting": {"reason": "ErrImagePull", "message": "rpc error: code = Unknown desc = "
                                     "unauthorized: project not found, name: k8s"}}}]}}
    (pod,) = parse(json.dumps(doc, indent=4)).objects
    (ev,) = pod.events
    assert (ev.type, ev.reason, ev.source, ev.container) == ("Warning", "Failed", "kubelet", "web")
    assert ev.message == ('Failed to pull image "harbor.lab.io/k8s/web:1": rpc error: code = Unknown desc = '
                          "unauthorized: project not found, name: k8s")
    # a CrashLoopBackOff message is not a pull error
    doc["status"]["containerStatuses"][0]["state"] = {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off"}}
    assert parse(json.dumps(doc)).objects[0].events == ()


def test_a_paste_starting_mid_line_does_not_name_a_container_after_the_cut_label():
    text = (" ID:       registry.example/app@sha256:6b8d0f2a\n    Port:           3000/TCP\n"
            "    State:          Waiting\n      Reason:       CrashLoopBackOff\n    Last State:     Terminated\n"
            "      Reason:       Error\n      Exit Code:    255\n    Ready:          False\n    Restart Count:  287\n"
            "Events:\n  Type     Reason   Age                   From     Message\n"
            "  ----     ------   ----                  ----     -------\n"
            "  Warning  BackOff  2m (x6000 over 22h)   kubelet  Back-off restarting failed container\n")
    (pod,) = parse(text).objects
    (c,) = pod.containers
    assert str(c.name) != "ID"
    assert (str(c.state.reason), str(c.last_state.exit_code), str(c.restart_count)) == ("CrashLoopBackOff", "255", "287")


def test_one_quoted_get_events_row():
    r = parse("> 11s   Warning FailedScheduling pod/nmap     0/20 nodes are available: 1 node(s) didn't match "
              "pod affinity/anti-affinity, 19 node(s) didn't match node selector.\n")
    (pod,) = r.objects
    assert (pod.kind, str(pod.name)) == ("Pod", "nmap")
    assert pod.events[0].reason == "FailedScheduling"
    assert parse("> kubectl get pods -n shop\n").lines[0].cmd == "kubectl get pods -n shop"     # a prompt stays one


def test_get_pods_rows_without_their_header():
    text = ("# kubectl get pods -A\nkube-system   coredns-6bf96d48f4-jdvnf   1/1     Running            0          4d11h\n"
            "kube-system   kube-ovn-cni-hrcf9         0/1     CrashLoopBackOff   12         3d19h\n")
    r = parse(text)
    assert [(o.source, str(o.namespace), str(o.name), o.fields["STATUS"]) for o in r.objects] == [
        ("get-pods", "kube-system", "coredns-6bf96d48f4-jdvnf", "Running"),
        ("get-pods", "kube-system", "kube-ovn-cni-hrcf9", "CrashLoopBackOff")]
    (pod,) = parse("web-0   0/1   Error   3   5m\n").objects                      # no namespace column
    assert (str(pod.name), pod.fields["STATUS"], pod.namespace) == ("web-0", "Error", None)
    assert parse("we ran 3 pods 1/2 Running 0 today\n").objects == []            # prose is not a row


def test_get_pods_watch_rows_of_one_pod_are_one_pod():
    text = ("$ kubectl get pods -w\nNAME      READY   STATUS             RESTARTS   AGE\n"
            "web-0     0/1     ContainerCreating  0          2s\nweb-1     1/1     Running            0          9m\n"
            "web-0     0/1     ErrImagePull       0          5s\nweb-0     0/1     ImagePullBackOff   0          19s\n")
    pods = parse(text).objects
    assert sorted((str(p.name), p.fields["STATUS"]) for p in pods) == [("web-0", "ImagePullBackOff"), ("web-1", "Running")]


def test_event_rows_separated_by_tabs_under_a_tab_header():
    text = ("Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------\n"
            "  Normal\tPulling\t47s (x4 over 2m16s)\tkubelet\tPulling image \"busybox:wrongtag\"\n"
            "  Warning\tFailed\t46s (x4 over 2m15s)\tkubelet\tFailed to pull image \"busybox:wrongtag\": not found\n")
    (pod,) = parse(text).objects
    assert [(e.reason, e.age, e.source) for e in pod.events] == [
        ("Pulling", "47s (x4 over 2m16s)", "kubelet"), ("Failed", "46s (x4 over 2m15s)", "kubelet")]
    assert pod.events[1].message == 'Failed to pull image "busybox:wrongtag": not found'


def test_a_get_pods_status_cell_in_markdown_emphasis():
    for cell in ("**_**ErrImagePull**_**", "**ErrImagePull**", "_ErrImagePull_"):
        text = f"NAME                          READY     STATUS         RESTARTS   AGE\nweb-1   0/1   {cell}   0   3m\n"
        (pod,) = parse(text).objects
        assert pod.fields["STATUS"] == "ErrImagePull", cell
        assert str(pod.containers[0].state.reason) == "ErrImagePull", cell


def test_a_flattened_statefulset_claim_template_name_is_not_a_new_object():
    text = ("Name: db\nNamespace: fpl\nSelector: app=db\nReplicas: 1 desired | 0 total\nUpdate Strategy: RollingUpdate\n"
            "Pods Status: 0 Running / 0 Waiting / 0 Succeeded / 0 Failed\nPod Template:\nLabels: app=db\n"
            "Volume Claims:\nName: data\nStorageClass:\nCapacity: 30Gi\nEvents:\nType Reason Age From Message\n"
            "---- ------ ---- ---- -------\nWarning FailedCreate 22s (x17 over 39m) statefulset-controller create Pod "
            "db-0 in StatefulSet db failed error: pods \"db-0\" is forbidden: failed quota: q: must specify requests.cpu\n")
    (sts,) = parse(text).objects
    assert (sts.kind, str(sts.name)) == ("StatefulSet", "db")
    assert [e.reason for e in sts.events] == ["FailedCreate"]


def test_a_node_conditions_table_flattened_without_its_label():
    text = ("Name: etkhub\nRoles: master\nType Status LastHeartbeatTime LastTransitionTime Reason Message\n"
            "---- ------ ----------------- ------------------ ------ -------\n"
            "MemoryPressure False Mon, 03 Jun 2019 13:54:18 +0000 Wed, 20 Mar 2019 22:00:39 +0000 "
            "KubeletHasSufficientMemory kubelet has sufficient memory available\n"
            "Ready False Mon, 03 Jun 2019 13:54:18 +0000 Sun, 02 Jun 2019 21:39:37 +0000 KubeletNotReady "
            "PLEG is not healthy: pleg was last seen active 16h ago\n")
    r = parse(text)
    (node,) = r.objects
    assert (node.kind, str(node.name)) == ("Node", "etkhub")
    assert [(c.type, c.status, c.reason) for c in node.conditions] == [
        ("MemoryPressure", "False", "KubeletHasSufficientMemory"), ("Ready", "False", "KubeletNotReady")]
    assert node.conditions[1].message.startswith("PLEG is not healthy")


def test_a_double_spaced_copy():
    described = ["Name:         web-0", "Namespace:    shop", "Init Containers:", "  init:", "    Image:   busybox",
                 "    State:          Waiting", "      Reason:       CrashLoopBackOff", "Containers:", "  web:",
                 "    Image:          nginx", "    State:          Waiting", "      Reason:       PodInitializing", "",
                 "Events:  <none>"]
    r = parse("\n\n".join(described) + "\n")
    (pod,) = r.objects
    assert [str(c.name) for c in pod.init_containers] == ["init"] and [str(c.name) for c in pod.containers] == ["web"]
    assert str(pod.init_containers[0].state.reason) == "CrashLoopBackOff"
    assert [ln.no for ln in r.lines if ln.noise == "spacing"][:3] == [2, 4, 6]      # every line is kept


def test_a_pod_pasted_as_describe_and_as_yaml_is_one_pod():
    describe = ("Name:         web-0\nNamespace:    shop\nStatus:       Running\nContainers:\n  web:\n"
                "    Image:          nginx\n    State:          Running\nEvents:\n"
                "  Type    Reason   Age   From     Message\n  ----    ------   ----  ----     -------\n"
                "  Normal  Started  1m    kubelet  Started container web\n")
    yaml = ("\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web-0\n  namespace: shop\nspec:\n  containers:\n"
            "  - image: nginx\n    name: web\nstatus:\n  phase: Running\n")
    r = parse(describe + yaml)
    (pod,) = r.objects
    assert pod.source == "describe" and [e.reason for e in pod.events] == ["Started"]
    assert any("as -o yaml" in w.message for w in r.warnings)
    assert len(parse(describe + yaml.replace("web-0", "web-1")).objects) == 2     # two pods stay two


def test_a_describe_cut_before_its_states_keeps_the_rows_state():
    text = ("NAME    READY   STATUS             RESTARTS   AGE\nes-1    0/1     CrashLoopBackOff   25         1h\n\n"
            "Name:         es-1\nNamespace:    default\nNode:         node-1/10.0.0.1\nStatus:       Running\n"
            "Containers:\n  es:\n")
    (pod,) = parse(text).objects
    (c,) = pod.containers
    assert (str(c.name), str(c.state.reason), str(c.restart_count), str(c.ready)) == ("es", "CrashLoopBackOff", "25", "False")
    # a describe that shows the state keeps its own
    (pod,) = parse(text + "    State:          Running\n    Ready:          True\n").objects
    assert str(pod.containers[0].state.state) == "Running"


def test_a_pane_top_border_of_a_terminal_width_does_not_swallow_the_first_row():
    row = "4m11s   Warning   Evicted   pod/egg-1   The node had condition: [MemoryPressure]."
    top = "┌" + "─" * 40 + " Describe(default/egg-1) " + "─" * (120 - 67) + "┐"
    assert len(top) == 120                       # the longest line, of a usual terminal width
    r = parse(top + "\n│" + row.ljust(100) + "│\n│" + row.replace("egg-1", "egg-2").ljust(100) + "│\n└" + "─" * 100 + "┘\n")
    assert r.lines[0].noise == "decoration" and r.lines[1].noise == ""
    assert sorted(str(o.name) for o in r.objects) == ["egg-1", "egg-2"]


def test_a_sentence_under_a_line_of_terminal_width_is_not_a_wrap():
    row = "  Warning  BackOff  1s  kubelet  Back-off restarting failed container web in pod web-0_shop(abc)."
    row = row.replace("1s  ", "1s" + " " * (122 - len(row)))
    assert len(row) == 120
    r = parse(_EVENTS_HEAD + row + "\nAny idea what is wrong here?\n")
    assert r.lines[-1].noise != "wrapped" and r.lines[-2].text.endswith("web-0_shop(abc).")
