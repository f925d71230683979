"""Redaction ("Copy redacted paste", `kubeclue --redact`): secrets and identifying values are
replaced consistently, the line count never changes, and the redacted paste gets the same
diagnosis as the original."""
from __future__ import annotations

import json
import re
import time

import pytest

from analyzer import analyze
from analyzer.api import redact_json
from analyzer.redact import redact
from tests.conftest import FIXTURES, read_fixture

PEM_BODY = [
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw",
    "7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFc",
    "zGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE",
]
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0."
       "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")

# A CrashLoopBackOff pod whose spec carries every kind of secret people paste by accident.
PASTE = f"""\
Name:             billing-api-7c9f8d6b54-x2k9p
Namespace:        payments
Priority:         0
Service Account:  billing-api
Node:             ip-10-0-1-5.ec2.internal/10.0.1.5
Start Time:       Tue, 24 Mar 2026 15:48:03 +0000
Labels:           app.kubernetes.io/name=billing-api
                  pod-template-hash=7c9f8d6b54
                  team.acme-corp.com/owner=payments
Annotations:      owner: jane.doe@acme-corp.com
                  kubectl.kubernetes.io/last-applied-configuration:
                    {{"spec":{{"containers":[{{"env":[{{"name":"DB_PASSWORD","value":"Sup3rS3cretPw"}}],"name":"api"}}]}}}}
Status:           Running
IP:               10.0.7.23
IPs:
  IP:           10.0.7.23
  IP:           fd00:10:244::17
Controlled By:  ReplicaSet/billing-api-7c9f8d6b54
Containers:
  api:
    Container ID:  containerd://4f6e2a1b9c0d
    Image:         123456789012.dkr.ecr.us-east-1.amazonaws.com/acme/billing-api:3.4.1
    Image ID:      123456789012.dkr.ecr.us-east-1.amazonaws.com/acme/billing-api@sha256:0e2c4a6b8d1f3e5a7c9b0d2f4e6a8c1b3d5f7e9a2c4b6d8f0e1a3c5b7d9f2e4a
    Port:          8080/TCP
    Host Port:     0/TCP
    Command:
      /bin/sh
      -c
      exec /app/server --db-url=postgres://billing:Sup3rS3cretPw@db.payments.acme-corp.internal:5432/billing --token 9f8e7d6c5b4a39281706 -H 'Authorization: Bearer abcdef0123456789abcdef0123456789'
    Args:
      --api-key=sk-live-4eC39HqLyjWDarjtT1zdp7dc
      --password
      hunter2hunter2
      --log-level=debug
      --jwt={JWT}
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       Error
      Exit Code:    1
      Started:      Tue, 24 Mar 2026 15:50:03 +0000
      Finished:     Tue, 24 Mar 2026 15:50:04 +0000
    Ready:          False
    Restart Count:  5
    Limits:
      memory:  512Mi
    Environment:
      DB_PASSWORD:            Sup3rS3cretPw
      AWS_ACCESS_KEY_ID:      AKIAIOSFODNN7EXAMPLE
      AWS_SECRET_ACCESS_KEY:  wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
      LOG_LEVEL:              info
      PORT:                   8080
      DEBUG:                  false
      FEATURE_FLAGS:          checkout-v2,fast-refunds
      JAVA_OPTS:              -Xmx384m -Dspring.datasource.password=Sup3rS3cretPw
      KUBERNETES_SERVICE_HOST: 127.0.0.1
      TLS_KEY:                -----BEGIN RSA PRIVATE KEY-----
                              {PEM_BODY[0]}
                              {PEM_BODY[1]}
                              {PEM_BODY[2]}
                              -----END RSA PRIVATE KEY-----
      API_TOKEN:              <set to the key 'token' in secret 'billing-secrets'>  Optional: false
      POD_IP:                  (v1:status.podIP)
      GOMAXPROCS:             1 (limits.cpu)
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-r5hzt (ro)
Conditions:
  Type              Status
  Ready             False
Volumes:
  kube-api-access-r5hzt:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
QoS Class:                   Burstable
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
Events:
  Type     Reason     Age                From               Message
  ----     ------     ----               ----               -------
  Normal   Scheduled  3m                 default-scheduler  Successfully assigned payments/billing-api-7c9f8d6b54-x2k9p to ip-10-0-1-5.ec2.internal
  Normal   Pulled     2m (x5 over 3m)    kubelet            Container image "123456789012.dkr.ecr.us-east-1.amazonaws.com/acme/billing-api:3.4.1" already present on machine
  Warning  BackOff    10s (x12 over 3m)  kubelet            Back-off restarting failed container api in pod billing-api-7c9f8d6b54-x2k9p_payments(3f1c)
"""

SECRETS = ["Sup3rS3cretPw", "9f8e7d6c5b4a39281706", "abcdef0123456789abcdef0123456789",
           "sk-live-4eC39HqLyjWDarjtT1zdp7dc", "hunter2hunter2", JWT, JWT.split(".")[1],
           "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", *PEM_BODY]
IDENTIFYING = ["10.0.1.5", "10.0.7.23", "fd00:10:244::17", "ip-10-0-1-5", "acme-corp", "jane.doe",
               "123456789012", "/acme/", "checkout-v2"]
NAMES = ["billing-api", "payments", "api:", "{api}", "container api ", "ip-10-0-1-5"]


def _classes(report: dict) -> tuple:
    return (report["verdict"], (report["primary"] or {}).get("class"),
            tuple(tuple(f["class"] for f in o["findings"]) for o in report["objects"]))


def test_no_secret_survives():
    out = redact(PASTE).text
    for secret in SECRETS:
        assert secret not in out, secret
    for value in IDENTIFYING:
        assert value not in out, value


def test_the_same_value_gets_the_same_placeholder():
    out = redact(PASTE).text
    lines = out.splitlines()
    env = next(ln for ln in lines if ln.strip().startswith("DB_PASSWORD:")).split()[-1]
    assert re.fullmatch(r"<secret-\d+>", env)
    # The password in the env, in the connection string, in JAVA_OPTS and in the annotation.
    assert f"billing-api:{env}@" not in out and f":{env}@<host-" in out
    assert f"-Dspring.datasource.password={env}" in out
    assert f'"value":"{env}"' in out
    # The node: its name in Node:, in the Scheduled event; its IP in Node:.
    node = re.search(r"^Node:\s+(<host-\d+>)/(<ip-\d+>)$", out, re.M)
    assert node and f"to {node.group(1)}" in out
    pod_ip = re.search(r"^IP:\s+(<ip-\d+>)$", out, re.M).group(1)
    assert out.count(pod_ip) == 2 and pod_ip != node.group(2)
    # One PEM block: one placeholder on each of its body lines, the markers kept.
    pem = [ln.strip() for ln in lines if ln.strip().startswith("<secret-") and ln.startswith(" " * 20)]
    assert len(pem) == 3 and len(set(pem)) == 1
    assert "-----BEGIN RSA PRIVATE KEY-----" in out and "-----END RSA PRIVATE KEY-----" in out


def test_what_is_kept_on_purpose():
    out = redact(PASTE).text
    for kept in ["<set to the key 'token' in secret 'billing-secrets'>", "(v1:status.podIP)", "1 (limits.cpu)",
                 "LOG_LEVEL:              info", "PORT:                   8080", "DEBUG:                  false",
                 "-Xmx384m", "127.0.0.1", "app.kubernetes.io/name=billing-api", "kubectl.kubernetes.io/",
                 "node.kubernetes.io/not-ready", "/var/run/secrets/kubernetes.io/serviceaccount",
                 "TokenExpirationSeconds:  3607", "--log-level=debug", ".dkr.ecr.us-east-1.amazonaws.com/",
                 "/billing-api:3.4.1", "Exit Code:    1", "Back-off restarting failed container api"]:
        assert kept in out, kept


def test_line_numbers_and_line_endings_are_preserved():
    for text in (PASTE, PASTE.replace("\n", "\r\n"), PASTE.rstrip("\n")):
        for names in (False, True):
            out = redact(text, names=names).text
            assert out.count("\n") == text.count("\n")
            assert out.count("\r\n") == text.count("\r\n")
            assert len(out.split("\n")) == len(text.split("\n"))


def test_the_redacted_paste_gets_the_same_diagnosis():
    before = analyze(PASTE).to_dict()
    assert before["primary"]["class"] == "crashloop-app-error"
    for names in (False, True):
        after = analyze(redact(PASTE, names=names).text).to_dict()
        assert _classes(after) == _classes(before)
        assert [e["line"] for e in after["objects"][0]["findings"][0]["evidence"]] == \
            [e["line"] for e in before["objects"][0]["findings"][0]["evidence"]]


def test_object_names_only_when_asked():
    plain = redact(PASTE).text
    assert "billing-api-7c9f8d6b54-x2k9p" in plain and "Namespace:        payments" in plain
    out = redact(PASTE, names=True).text
    for name in NAMES:
        # An image's repository is not an object name: `.../billing-api:3.4.1` stays.
        assert not re.search(r"(?<![/\w-])" + re.escape(name), out), name
    pod = re.search(r"^Name:\s+(\S+)$", out, re.M).group(1)
    assert re.fullmatch(r"name-\d+-7c9f8d6b54-x2k9p", pod), "a generated suffix stays, so pods read as their owner's"
    owner = pod.split("-7c9f")[0]
    assert f"ReplicaSet/{owner}-7c9f8d6b54" in out and f"app.kubernetes.io/name={owner}" in out
    container = re.search(r"^  (name-\d+):$", out, re.M).group(1)
    assert f"failed container {container} in pod {pod}_" in out


def test_a_one_word_name_is_replaced_only_where_it_is_a_name():
    paste = PASTE.replace("  api:\n", "  pull:\n").replace("container api ", "container pull ") + \
        '  Warning  Failed     1m                 kubelet            Failed to pull image "nginx:1.25": not found\n'
    out = redact(paste, names=True).text
    assert "Failed to pull image" in out
    assert re.search(r"^  name-\d+:$", out, re.M) and "failed container pull" not in out


@pytest.mark.parametrize("line,gone,kept", [
    ("      mysql -h db -uroot -pS3cr3tPass app", ["S3cr3tPass"], ["-h db", "-p<secret-1>"]),
    ("  Warning  Failed  kubelet  curl -H 'Authorization: Basic dXNlcjpwYXNzd29yZA=='", ["dXNlcjpwYXNzd29yZA=="], ["Basic"]),
    ("      --client-secret=oauth-cl13nt-s3cret --secret-name=web-tls --token-ttl=30s",
     ["oauth-cl13nt-s3cret"], ["--secret-name=web-tls", "--token-ttl=30s"]),
    ("      Server=db.acme.corp;Database=app;User Id=sa;Password=Pa55w0rd!;", ["Pa55w0rd!", "db.acme.corp"], ["Database=app"]),
    ("      https://deploy-bot:ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789@github.com/acme/app.git",
     ["ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "deploy-bot"], ["@github.com/"]),
    ('      {"auth":"ZGVwbG95OnMzY3IzdA==","apiKey": "k-8843-abcd-2231"}', ["ZGVwbG95OnMzY3IzdA==", "k-8843-abcd-2231"], []),
    ("      KEY: -----BEGIN CERTIFICATE-----\\nMIIBszCCAVmgAwIBAgIU\\n-----END CERTIFICATE-----",
     ["MIIBszCCAVmgAwIBAgIU"], ["-----BEGIN CERTIFICATE-----"]),
    ("  Normal  Pulled  kubelet  Pulled image \"ghcr.io/acme/web:1.2\" from https://ghcr.io/token?scope=repository%3Aacme%2Fweb%3Apull",
     ["acme"], ["ghcr.io/<account-1>/web:1.2", "%3A<account-1>%2Fweb"]),
    ("    Image:  docker.io/library/nginx:1.25 bitnami/redis:7 quay.io/prometheus/node-exporter", [],
     ["docker.io/library/nginx:1.25", "bitnami/redis:7", "quay.io/prometheus/node-exporter"]),
    ("    Image:  acmeprod.azurecr.io/web:1.0", ["acmeprod"], ["<account-1>.azurecr.io/web:1.0"]),
    ("  dial tcp 10.96.0.1:443: i/o timeout; [2001:db8:0:1::5]:8443 and 192.168.0.0/16",
     ["10.96.0.1", "2001:db8:0:1::5", "192.168.0.0"], [":443: i/o timeout", "]:8443", "/16"]),
    ("  at java.lang.Thread.run(Thread.java:833) in app.py, see config.yaml, 10:11:12 02:42:ac:11:00:02", [],
     ["java.lang.Thread.run(Thread.java:833)", "app.py", "config.yaml", "10:11:12", "02:42:ac:11:00:02"]),
    ("  Hostname: ip-172-31-27-246   InternalDNS: ip-172-31-27-246.us-west-2.compute.internal",
     ["ip-172-31-27-246"], ["Hostname:"]),
    # Not secrets: an image digest after a scheme, a shell variable, a key naming a class.
    ("    Image ID:  docker-pullable://nginx@sha256:53ddb41e46de3d63376579acf46f9a41a8d7de33645", [],
     ["docker-pullable://nginx@sha256:53ddb41e"]),
    ('    Readiness:  exec [/bin/sh -c MYSQL_PWD="$MYSQL_PASSWORD" mysqladmin ping]', [], ['MYSQL_PWD="$MYSQL_PASSWORD"']),
    ("    VolumeAttributes:  secretProviderClass=payments-kv", [], ["secretProviderClass=payments-kv"]),
    # An account is replaced before its repository, not in a namespace/pod of the same name.
    ("    Image:  123456789012.dkr.ecr.eu-west-1.amazonaws.com/reports/nightly:1.4  assigned reports/nightly-28312-x9k2p",
     ["123456789012", "/reports/nightly:"], ["assigned reports/nightly-28312-x9k2p", "/<account-2>/nightly:1.4"]),
])
def test_patterns(line, gone, kept):
    out = redact(line + "\n").text
    for g in gone:
        assert g not in out, (g, out)
    for k in kept:
        assert k in out, (k, out)
    assert out.count("\n") == 1


def test_in_cluster_dns_is_a_name():
    line = "      DB_HOST:  catalog-db.catalog.svc.cluster.local\n"
    assert "catalog-db.catalog.svc.cluster.local" in redact(line).text
    assert re.search(r"name-\d+\.name-\d+\.svc\.cluster\.local", redact(line, names=True).text)


def test_a_next_line_value_in_args_and_a_multi_line_env_value():
    paste = ("    Args:\n      --token\n      s3cr3t-t0ken-value\n      --verbose\n"
             "    Environment:\n      CONFIG:  line one of a secret\n               line two of a secret\n"
             "      PORT:    80\n    Mounts:  <none>\n")
    out = redact(paste).text
    assert "s3cr3t-t0ken-value" not in out and "line one" not in out and "line two" not in out
    assert "--verbose" in out and "PORT:    80" in out
    ph = re.search(r"CONFIG:\s+(<value-\d+>)", out).group(1)
    assert out.count(ph) == 2, "a continuation line of a value gets the value's placeholder"


def test_counts_by_kind_and_the_browser_boundary():
    r = redact(PASTE, names=True)
    assert set(r.replacements) <= {"secret", "value", "user", "email", "ip", "host", "account", "name"}
    assert r.replacements["ip"] == 3 and r.replacements["email"] == 1 and r.replacements["secret"] >= 8
    answer = json.loads(redact_json(PASTE, True))
    assert answer == {"text": r.text, "replacements": r.replacements}
    assert json.loads(redact_json("no secrets here\n", False)) == {"text": "no secrets here\n", "replacements": {}}


def test_deterministic_and_idempotent():
    assert redact(PASTE, names=True) == redact(PASTE, names=True)
    for names in (False, True):
        once = redact(PASTE, names=names).text
        twice = redact(once, names=names)
        assert twice.text == once and twice.replacements == {}, "redacting a redacted paste changes nothing"


def test_tables_keep_their_columns():
    """kubectl's Events table is read by column; a placeholder shorter or longer than its value
    must not move the next column."""
    line = "  Warning  Failed      33m (x313 over 1d)   kubelet, 192.168.106.5  Failed to pull image \"x\"\n"
    out = redact(line).text
    assert out.index("Failed to pull") == line.index("Failed to pull")


CORPUS = sorted(p for p in FIXTURES.rglob("*.txt"))


@pytest.mark.parametrize("names", [False, True], ids=["default", "names"])
def test_every_fixture_keeps_its_diagnosis_when_redacted(names):
    """The redacted paste of every fixture gets the same verdict and the same classes, object by
    object, with the same line count; redacting it again changes nothing."""
    from tests.unit.test_shapes import KNOWN   # pastes the parser misreads: a redacted copy may be read right

    wrong = []
    for path in CORPUS:
        text = read_fixture(path)
        out = redact(text, names=names).text
        assert len(out.split("\n")) == len(text.split("\n")), path.name
        assert redact(out, names=names).text == out, f"{path.name}: not idempotent"
        if path.name in KNOWN:
            continue
        if _classes(analyze(out).to_dict()) != _classes(analyze(text).to_dict()):
            wrong.append(str(path.relative_to(FIXTURES)))
    assert not wrong, f"redaction changed the diagnosis of {wrong}"


def test_linear_time_on_hostile_input():
    """No pattern backtracks: each hostile input takes well under a few seconds, and doubling
    it about doubles the time."""
    hostile = {
        "dots": lambda n: "a." * (n // 2) + "_",
        "hex run": lambda n: ("0123456789abcdef" * 64 + " ") * (n // 1025),
        "colons": lambda n: ("ab:" * 300 + "zz ") * (n // 903),
        "equals": lambda n: ("k=" * 5000 + "\n") * (n // 10001),
        "spaces": lambda n: " " * n + "x",
        "quotes": lambda n: '"' * n,
        "pem without end": lambda n: "-----BEGIN RSA PRIVATE KEY-----" + "A" * n,
        "at signs": lambda n: ("a." * 30 + "@") * (n // 61),
        "one long line": lambda n: "x" * n,
    }
    def cpu(text: str) -> float:
        # CPU time, best of two: a busy machine slows the wall clock, not this.
        best = float("inf")
        for _ in range(2):
            t0 = time.process_time()
            redact(text, names=True)
            best = min(best, time.process_time() - t0)
        return best

    for name, make in hostile.items():
        small, big = cpu(make(200_000)), cpu(make(400_000))
        assert big < 4, f"{name}: {big:.1f}s for 400 KB"
        assert big < 3 * small + 0.2, f"{name} grows faster than linearly: {small:.2f}s, {big:.2f}s"


# --- object names in every form kubectl and the kubelet print them ---------------------------

FORMS = """\
$ kubectl describe pod orders-7d9f8c6b5-xk2pq -n shop
Name:             orders-7d9f8c6b5-xk2pq
Namespace:        shop
Priority:         0
Service Account:  orders
Node:             node-7/10.20.30.40
Labels:           app=orders
                  pod-template-hash=7d9f8c6b5
Annotations:      generateName: orders-7d9f8c6b5-
Status:           Running
IP:               10.244.1.9
Controlled By:    ReplicaSet/orders-7d9f8c6b5
Containers:
  orders:
    Container ID:   containerd://4f6e2a1b9c0d
    Image:          registry.gitlab.com/acme/orders:1.4.2
    Port:           8080/TCP
    Args:
      --upstream=http://inventory.shop.svc.cluster.local:8080/v1
      --peer=orders-0.orders.shop.svc.cluster.local:7000
      --kube-url=https://10.0.0.1/api/v1/namespaces/shop/pods/orders-7d9f8c6b5-xk2pq
      --db=postgres://10.0.0.9:5432/shop
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       Error
      Exit Code:    1
    Ready:          False
    Restart Count:  7
    Environment:
      POD_NAME:        orders-7d9f8c6b5-xk2pq (v1:metadata.name)
      POD_NAMESPACE:   shop (v1:metadata.namespace)
Tolerations:      dedicated=shop:NoSchedule
Events:
  Type     Reason     Age                  From               Message
  ----     ------     ----                 ----               -------
  Normal   Scheduled  12m                  default-scheduler  Successfully assigned shop/orders-7d9f8c6b5-xk2pq to node-7
  Normal   Pulled     10m (x5 over 12m)    kubelet            Container image "registry.gitlab.com/acme/orders:1.4.2" already present on machine
  Warning  Failed     10m                  kubelet            Error: failed to start container "orders": exit status 1
  Warning  BackOff    2m (x40 over 11m)    kubelet            Back-off restarting failed container orders in pod orders-7d9f8c6b5-xk2pq_shop(3f1c2a)
$ kubectl get events -n shop -o wide
LAST SEEN   TYPE      REASON             OBJECT                      SUBOBJECT   SOURCE              MESSAGE                                               FIRST SEEN   COUNT   NAME
12m         Normal    ScalingReplicaSet  deployment/orders                       deployment-controller  Scaled up replica set orders-7d9f8c6b5 to 1        12m          1       orders.17a8b9c0d1e2f3a4
12m         Normal    SuccessfulCreate   replicaset/orders-7d9f8c6b5             replicaset-controller  Created pod: orders-7d9f8c6b5-xk2pq                12m          1       orders-7d9f8c6b5.17a8b9c0d1e2f3a5
3m          Normal    NodeNotReady       node/node-7                             node-controller     Node node-7 status is now: NodeNotReady                 3m           1       node-7.17a8b9c0d1e2f3a6
$ kubectl get pods -n shop
NAME                     READY   STATUS             RESTARTS   AGE
orders-7d9f8c6b5-xk2pq   0/1     CrashLoopBackOff   7          12m
"""


def test_a_name_is_replaced_in_every_form():
    """ns/name, name.hash (an Event's name), quoted, in URLs and in-cluster DNS, the From and
    Message columns, owner references, generateName, env field references, a taint, the NAME
    column of `kubectl get`: with names=True none of orders, shop or node-7 is left."""
    out = redact(FORMS, names=True).text
    for name in ("orders", "shop", "node-7", "inventory"):
        left = [m.start() for m in re.finditer(r"(?<![A-Za-z0-9])" + re.escape(name) + r"(?![A-Za-z0-9])", out)]
        assert not left, (name, [out[i - 40:i + 40] for i in left])
    pod = re.search(r"^Name:\s+(\S+)$", out, re.M).group(1)
    ns = re.search(r"^Namespace:\s+(\S+)$", out, re.M).group(1)
    node = re.search(r"^Node:\s+(name-\d+)/<ip-\d+>$", out, re.M).group(1)
    owner = pod.split("-7d9f")[0]
    assert re.fullmatch(r"name-\d+-7d9f8c6b5-xk2pq", pod) and re.fullmatch(r"name-\d+", ns)
    # The same placeholder wherever the same name appears, the generated suffix kept.
    for form in (f"kubectl describe pod {pod} -n {ns}", f"generateName: {owner}-7d9f8c6b5-",
                 f"ReplicaSet/{owner}-7d9f8c6b5", f"app={owner}", f"/{owner}:1.4.2",
                 f"{owner}-0.{owner}.{ns}.svc.cluster.local:7000", f"/namespaces/{ns}/pods/{pod}",
                 f":5432/{ns}", f"{pod} (v1:metadata.name)", f"{ns} (v1:metadata.namespace)",
                 f"dedicated={ns}:NoSchedule", f"Successfully assigned {ns}/{pod} to {node}",
                 f'failed to start container "{owner}"', f"failed container {owner} in pod {pod}_{ns}(3f1c2a)",
                 f"deployment/{owner} ", f"replicaset/{owner}-7d9f8c6b5 ", f"Created pod: {pod}",
                 f"node/{node} ", f"Node {node} status is now", f"{owner}-7d9f8c6b5.17a8b9c0d1e2f3a5",
                 f"{owner}.17a8b9c0d1e2f3a4", f"\n{pod}   0/1"):
        assert form in out, form
    # The words kubectl prints stay, so the paste still parses the same.
    before, after = analyze(FORMS).to_dict(), analyze(out).to_dict()
    assert _classes(after) == _classes(before)


def test_names_leave_no_trace_in_any_fixture():
    """Every fixture redacted with names=True: a name from a Name:/Namespace:/Node: field (or the
    name:/namespace:/nodeName: of YAML and JSON) that has a
    dash or a digit (distinctive: `billing-api`, `web-0`, `node-7`) survives nowhere, except as the
    repository of a public image (quay.io/prometheus/node-exporter)."""
    field = re.compile(r"^(?:Name|Namespace|Node):[ \t]+([a-z0-9][a-z0-9.-]*[a-z0-9])(?:/\S+)?[ \t]*$"
                       r"|^[ \t]*\"?(?:name|namespace|nodeName)\"?:[ \t]*\"?([a-z0-9][a-z0-9.-]*[a-z0-9])\"?,?[ \t]*$", re.M)
    leaks = []
    for path in CORPUS:
        text = read_fixture(path)
        names = {n for pair in field.findall(text) for n in pair if n and not n.isalpha()} - \
            {"kube-system", "kube-public", "kube-node-lease", "http-metrics", "dns-tcp"}
        if not names:
            continue
        out = redact(text, names=True).text
        for n in names:
            for m in re.finditer(r"(?<![A-Za-z0-9.-])" + re.escape(n) + r"(?![A-Za-z0-9-])", out):
                if not re.search(r"(?:quay\.io|docker\.io|ghcr\.io|registry\.k8s\.io)/[\w.-]+/$", out[max(0, m.start() - 60):m.start()]):
                    leaks.append((path.name, n, out[max(0, m.start() - 40):m.end() + 20]))
    assert not leaks, leaks[:10]


@pytest.mark.parametrize("text,secret", [
    ("      redis-cli -a Rq8xLmN2pQ ping\n", "Rq8xLmN2pQ"),
    ("      redis-server --requirepass Rq8xLmN2pQ\n", "Rq8xLmN2pQ"),
    ("      PGPASSWORD=pgS3cr3t psql -h db\n", "pgS3cr3t"),
    ("      curl -u admin:Adm1nPass https://x.acme.io\n", "Adm1nPass"),
    ("      docker login -u deployer -p Dl0gin99x registry.acme.io\n", "Dl0gin99x"),
    ("      --docker-password=Dk9pass77 --docker-username=deployer\n", "Dk9pass77"),
    ("      CONN:  DefaultEndpointsProtocol=https;AccountName=acmestore;AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==;"
     "EndpointSuffix=core.windows.net\n", "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA=="),
    ("      CONN:  DefaultEndpointsProtocol=https;AccountName=acmestore;AccountKey=Zm9v==;EndpointSuffix=core.windows.net\n",
     "acmestore"),
    ("      --backup=https://acmestore.blob.core.windows.net/backups\n", "acmestore"),
    ('      {"private_key":"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n"}\n',
     "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"),
    ('      {"client_email":"deployer@acme-prod-123.iam.gserviceaccount.com"}\n', "acme-prod-123"),
    ("      SLACK_WEBHOOK:  https://hooks.slack.com/services/T0A1B2C3D/B0A1B2C3D/abcdEFGHijklMNOPqrstUVWX\n",
     "abcdEFGHijklMNOPqrstUVWX"),
    ("      --url=https://acme.blob.core.windows.net/b?sv=2022-11-02&sig=AbCdEf0123456789%2BxyZ%3D\n", "AbCdEf0123456789"),
    ("      --url=https://api.acme.io/v1/hook?token=tk_9a8b7c6d5e4f&user=ops\n", "tk_9a8b7c6d5e4f"),
    ("      mongodb+srv://appuser:M0ng0Pass@cluster0.ab1cd.mongodb.net/prod?retryWrites=true\n", "M0ng0Pass"),
    ("      mongodb+srv://appuser:M0ng0Pass@cluster0.ab1cd.mongodb.net/prod?retryWrites=true\n", "ab1cd"),
    ("      --set auth.rootPassword=R00tPw123\n", "R00tPw123"),
    ("      GITHUB_TOKEN:  ghs_16C7e42F292c6912E7710c838347Ae178B4a\n", "ghs_16C7e42F292c6912E7710c838347Ae178B4a"),
    ("      Authorization: token 0123456789abcdef0123456789abcdef01234567\n", "0123456789abcdef0123456789abcdef01234567"),
    ("      x-api-key: 8a7b6c5d4e3f2a1b\n", "8a7b6c5d4e3f2a1b"),
    ("      aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", "wJalrXUtnFEMI"),
    ("      AWS_SESSION_TOKEN:  IQoJb3JpZ2luX2VjEJ3//////////wEaCXVzLWVhc3QtMSJHMEUCIQD\n", "IQoJb3JpZ2lu"),
    ("  Image:  europe-west1-docker.pkg.dev/acme-prod-123/apps/web:1.0\n", "acme-prod-123"),
    ("  Image:  docker.io/acmeinc/web:1.0\n", "acmeinc"),
    ("  Warning  Failed  kubelet  Failed to pull image \"acmeinc/web:1.0\": pull access denied for acmeinc/web\n", "acmeinc"),
    ("  Normal   Pulling  kubelet, gke-prod-default-pool-3f2a1b4c-x9k2  pulling image \"nginx\"\n", "gke-prod"),
    ("  Normal   Pulling  kubelet, aks-nodepool1-12345678-vmss000003  pulling image \"nginx\"\n", "12345678"),
    ("  External Name:  billing.c9x2kq7v1abc.eu-west-1.rds.amazonaws.com\n", "c9x2kq7v1abc"),
    ("Annotations:  eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/acme-prod-web\n", "123456789012"),
    ("Annotations:  eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/acme-prod-web\n", "acme-prod-web"),
    ("  Warning  Failed  kubelet  User: arn:aws:sts::123456789012:assumed-role/eks-nodes/i-0abc123def4567890 is not "
     "authorized to perform: ecr:BatchGetImage\n", "i-0abc123def4567890"),
    ("  Warning  Failed  kubelet  projects/acme-prod-123456/locations/us-central1/keyRings/ring\n", "acme-prod-123456"),
    ("  Warning  FailedAttachVolume  kubelet  /subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg\n",
     "11111111-2222"),
    ("  Warning  Failed  kubelet  Get \"https://[fd00:10:96::1]:443/apis\": dial tcp [fd00:10:96::1]:443: i/o timeout\n",
     "fd00:10:96::1"),
    ("  IP:  2001:0db8:85a3:0000:0000:8a2e:0370:7334\n", "8a2e"),
    ("  Warning  FailedMount  kubelet  mount -t nfs 10.1.2.3:/exports/data /var/lib/kubelet/pods/x/volumes\n", "10.1.2.3"),
])
def test_more_secrets_people_paste(text, secret):
    r = redact(text)
    assert secret not in r.text, r.text
    assert r.text.count("\n") == text.count("\n")
    assert redact(r.text).text == r.text


def test_a_cloud_account_gets_one_placeholder_in_every_form():
    text = ("    Image:  123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.0\n"
            "  Warning  Failed  kubelet  on resource: arn:aws:ecr:us-east-1:123456789012:repository/web\n"
            "    Image:  us-docker.pkg.dev/acme-prod-123456/apps/web:1.0\n"
            "  Warning  Failed  kubelet  projects/acme-prod-123456/locations/us-central1\n")
    out = redact(text).text
    aws = re.search(r"(<account-\d+>)\.dkr\.ecr", out).group(1)
    gcp = re.search(r"pkg\.dev/(<account-\d+>)/apps", out).group(1)
    assert f":us-east-1:{aws}:repository/web" in out and f"projects/{gcp}/locations" in out and aws != gcp


def test_public_endpoints_stay():
    text = ("    Annotations:  eks.amazonaws.com/role-arn: arn\n"
            "  Warning  Failed  kubelet  driver name ebs.csi.aws.com not found; disk.csi.azure.com; ecr.us-east-1.amazonaws.com\n")
    out = redact(text).text
    for kept in ("eks.amazonaws.com/role-arn", "ebs.csi.aws.com", "disk.csi.azure.com", "ecr.us-east-1.amazonaws.com"):
        assert kept in out, (kept, out)


def test_object_names_in_a_paste_of_thousands_of_pods_stay_linear():
    """`kubectl describe pods -A` of a big cluster: thousands of distinct names. Replacing them
    costs about the same per MB at 0.5 and 1 MB (no pattern grows with the number of names)."""
    def word(i: int) -> str:       # one-word names (`ordersbq`, `teamc`): the costly kind
        return "".join("abcdefghijklmnopqrstuvwxyz"[int(d)] for d in f"{i:05d}")

    def many(n: int) -> str:
        return "".join(FORMS.replace("orders", f"svc{word(i)}").replace("shop", f"team{word(i % 97)}")
                       .replace("node-7", f"node-{i % 300}") for i in range(n))

    def cpu(text: str) -> float:
        best = float("inf")
        for _ in range(2):
            t0 = time.process_time()
            out = redact(text, names=True).text
            best = min(best, time.process_time() - t0)
        assert "svcaaaab" not in out and "teamaaaaf/" not in out
        return best

    unit = len(FORMS)
    small, big = cpu(many(2**19 // unit)), cpu(many(2**20 // unit))
    assert big < 4, f"{big:.1f}s for 1 MB"
    assert big < 3 * small + 0.2, f"grows faster than linearly: {small:.2f}s, {big:.2f}s"


OLD_KUBECTL = """\
$ kubectl describe po elasticsearch-attiy
Name:                           elasticsearch-attiy
Namespace:                      default
Image(s):                       eu.gcr.io/foo-prod/foo_elasticsearch:latest
Node:                           gke-small-cluster-7834f89-node-wke5/10.210.0.1
Labels:                         name=elasticsearch
Status:                         Running
IP:                             10.180.1.11
Replication Controllers:        elasticsearch (2/2 replicas created)
Containers:
  elasticsearch:
    Image:              eu.gcr.io/foo-prod/foo_elasticsearch:latest
Events:
  FirstSeen     LastSeen        Count   From                                            SubobjectPath                           Reason          Message
  1h            1h              1       {scheduler }                                                                            Scheduled       Successfully assigned elasticsearch-attiy to gke-small-cluster-7834f89-node-wke5
  1h            1m              25      {kubelet gke-small-cluster-7834f89-node-wke5}   spec.containers{elasticsearch}          BackOff         Back-off restarting failed docker container
Name:		backend-staging-2119924379-2efjx
Namespace:	default
Node:		gke-yumo-infrastructure-default-pool-98f30fbb-dayh/10.132.0.3
Controllers:	ReplicaSet/backend-staging-2119924379
"""


def test_old_kubectl_forms():
    """kubectl 1.1 to 1.7 (kubernetes/kubernetes#17460, #33336): GKE node names of both eras are
    hosts; `Replication Controllers:` and `Controllers:` name objects; a pod suffix with vowels."""
    out = redact(OLD_KUBECTL).text
    for gone in ("small-cluster", "yumo-infrastructure", "foo-prod", "10.210.0.1"):
        assert gone not in out, gone
    named = redact(OLD_KUBECTL, names=True).text
    for gone in ("elasticsearch ", "elasticsearch}", "=elasticsearch", "backend-staging"):
        assert gone not in named, gone
    assert re.search(r"^Controllers:\tReplicaSet/(name-\d+)-2119924379$", named, re.M)
    owner = re.search(r"ReplicaSet/(name-\d+)-", named).group(1)
    assert f"Name:\t\t{owner}-2119924379-2efjx" in named, "the pod reads as its ReplicaSet's"


POD_YAML = """\
apiVersion: v1
kind: Pod
metadata:
  name: web-5d8f9c6b5-xq5ml
  namespace: shop
spec:
  containers:
  - env:
    - name: DB_PASSWORD
      value: Sup3rS3cretPw
    - name: FEATURE_FLAGS
      value: "checkout-v2,fast-refunds"
    - name: PORT
      value: "8080"
    - value: t0ken-first-0rder
      name: API_TOKEN
    - name: LICENSE
      value: |
        ACME-LICENSE-7731-XQ
        issued-to-acme-corp
    - name: FROM_SECRET
      valueFrom:
        secretKeyRef:
          key: password
          name: db
    image: ghcr.io/acme/web:1.0
    name: web
    ports:
    - name: http
      containerPort: 8080
"""


def test_env_values_of_get_pod_yaml_json_and_kubelets_go_form():
    """`kubectl get pod -o yaml` (name and value on their own lines, either order, block scalars),
    `-o json` on several lines, and the kubelet's `EnvVar{Name:..,Value:..,}` in messages."""
    pod_json = json.dumps({"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "web", "env": [
        {"name": "DB_PASSWORD", "value": "Sup3rS3cretPw"}, {"name": "LEVEL", "value": "debug"}]}]}}, indent=2)
    go = ("  Warning  Failed  kubelet  spec: EnvVar{Name:SFTP_PWD,Value:0000002055d10074a798bff4f14f,ValueFrom:nil,},"
          "EnvVar{Name:SFTP_USER,Value:ftpvrpv8,ValueFrom:nil,},EnvVar{Name:LOG_LEVEL,Value:info,ValueFrom:nil,}\n")
    out = redact(POD_YAML + pod_json + "\n" + go).text
    for gone in ("Sup3rS3cretPw", "checkout-v2", "t0ken-first-0rder", "ACME-LICENSE", "acme-corp",
                 "0000002055d10074a798bff4f14f", "ftpvrpv8"):
        assert gone not in out, gone
    for kept in ('value: "8080"', '"value": "debug"', "Value:info,", "key: password", "containerPort: 8080"):
        assert kept in out, kept
    ph = re.search(r"name: DB_PASSWORD\n      value: (<secret-\d+>)\n", out).group(1)
    assert f'"value": "{ph}"' in out, "the same password in YAML and JSON, the same placeholder"
    assert re.search(r"value: \|\n        (<value-\d+>)\n        \1\n", out)
    assert redact(out).text == out
    named = redact(POD_YAML + pod_json + "\n", names=True).text
    assert re.search(r"^  name: name-\d+-5d8f9c6b5-xq5ml\n  namespace: name-\d+$", named, re.M), named[:200]
    assert "shop" not in named and "name: db\n" not in named and "name: web\n" not in named
    # Still the same pod to the analyzer.
    assert _classes(analyze(redact(POD_YAML).text).to_dict()) == _classes(analyze(POD_YAML).to_dict())


def test_a_credential_flag_and_its_value_as_list_items():
    text = ('    args:\n    - --token\n    - s3cr3tT0kenValue\n    - --verbose\n'
            '    command: ["/app", "--api-key", "k3yV4lu3xyz123", "--port", "8080"]\n'
            '  "args": [\n    "--client-secret",\n    "cl13ntS3cretV4l"\n  ]\n')
    out = redact(text).text
    for gone in ("s3cr3tT0kenValue", "k3yV4lu3xyz123", "cl13ntS3cretV4l"):
        assert gone not in out, gone
    assert '"--port", "8080"' in out and "- --verbose" in out and out.count("\n") == text.count("\n")


def test_a_paste_a_terminal_wrapped():
    """A paste hard-wrapped at 80 columns: a secret cut in two by the wrap is still found, and
    the paste comes back unwrapped (continuation lines empty), with the same line count, each
    logical line on the line it started on, and the same diagnosis."""
    wrapped = []
    for line in PASTE.split("\n"):
        wrapped += [line[i:i + 80] for i in range(0, len(line), 80)] or [""]
    text = "\n".join(wrapped)
    assert sum(len(ln) == 80 for ln in wrapped) >= 2
    out = redact(text).text
    assert len(out.split("\n")) == len(text.split("\n"))
    for secret in SECRETS + ["Sup3rS3cretPw", "10.0.7.23"]:
        assert secret not in out.replace("\n", ""), secret
    before, after = analyze(text).to_dict(), analyze(out).to_dict()
    assert _classes(after) == _classes(before)
    first = lambda r: [f["evidence"][0]["line"] for o in r["objects"] for f in o["findings"]]
    assert first(after) == first(before), "each finding still starts on the same line"
    assert redact(out).text == out
