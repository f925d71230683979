"""Sharing without leaking, in Chromium: "Copy redacted paste" previews and copies what
analyzer.api.redact_json makes of the paste; a share link carries the diagnosis of the redacted
paste in its #fragment (the paste only when asked, and only under the size limit), never reaches
a server, and opens to the same view; a damaged or hostile link stays harmless."""
from __future__ import annotations

import base64
import json
import random
import re
import subprocess
import sys
import zlib
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from analyzer.api import redact_json, report_markdown

from .conftest import DIST, ROOT, Tool, csp_violations, guard_network, read_paste, wait_ready

pytestmark = pytest.mark.browser

# A pod describe with the secrets real pastes carry: credentials in a URL and in an argument,
# literal environment values, an email, node and pod IPs, a private host, a registry account.
SECRETS = ("Sup3rS3cretPw", "ghp_9f8A7b6C5d4E3f2G1h0IjKlMnOpQrStUvWx", "sk_live_51HxYzAbCdEfGhIjKl", "hunter2-very-secret",
           "oncall@acme-payments.com", "10.0.3.17", "10.244.3.107", "db.internal.acme.net", "acme-payments", "svc_api")
PASTE = """Name:             api-6f7c9d8b5-x2w4p
Namespace:        payments
Priority:         0
Service Account:  default
Node:             ip-10-0-3-17.eu-west-1.compute.internal/10.0.3.17
Start Time:       Thu, 14 Mar 2024 09:02:11 +0000
Labels:           app=api
                  pod-template-hash=6f7c9d8b5
Status:           Pending
IP:               10.244.3.107
IPs:
  IP:           10.244.3.107
Controlled By:  ReplicaSet/api-6f7c9d8b5
Containers:
  api:
    Container ID:
    Image:          registry.corp.example.net/acme-payments/api:2.4.1
    Image ID:
    Port:           8080/TCP
    Host Port:      0/TCP
    Args:
      --db-url=postgres://svc_api:Sup3rS3cretPw@db.internal.acme.net:5432/payments
      --token=ghp_9f8A7b6C5d4E3f2G1h0IjKlMnOpQrStUvWx
    State:          Waiting
      Reason:       ImagePullBackOff
    Ready:          False
    Restart Count:  0
    Environment:
      API_KEY:       sk_live_51HxYzAbCdEfGhIjKl
      DB_PASSWORD:   hunter2-very-secret
      ADMIN_EMAIL:   oncall@acme-payments.com
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-5w2qz (ro)
Conditions:
  Type              Status
  Initialized       True
  Ready             False
  ContainersReady   False
  PodScheduled      True
Events:
  Type     Reason     Age                 From               Message
  ----     ------     ----                ----               -------
  Normal   Scheduled  38m                 default-scheduler  Successfully assigned payments/api-6f7c9d8b5-x2w4p to ip-10-0-3-17.eu-west-1.compute.internal
  Normal   Pulling    36m (x4 over 38m)   kubelet            Pulling image "registry.corp.example.net/acme-payments/api:2.4.1"
  Warning  Failed     36m (x4 over 38m)   kubelet            Failed to pull image "registry.corp.example.net/acme-payments/api:2.4.1": rpc error: code = Unknown desc = failed to pull and unpack image "registry.corp.example.net/acme-payments/api:2.4.1": failed to resolve reference "registry.corp.example.net/acme-payments/api:2.4.1": pulling from host registry.corp.example.net failed with status code [manifests 2.4.1]: 401 Unauthorized
  Warning  Failed     36m (x4 over 38m)   kubelet            Error: ErrImagePull
  Normal   BackOff    3m2s (x151 over 38m)  kubelet          Back-off pulling image "registry.corp.example.net/acme-payments/api:2.4.1"
  Warning  Failed     3m2s (x151 over 38m)  kubelet          Error: ImagePullBackOff
"""
NAMES = ("api-6f7c9d8b5-x2w4p", "api-6f7c9d8b5", "payments")
MULTI = ROOT / "tests" / "fixtures" / "multi" / "describe-pods-seven-pods-six-image-auth-one-healthy.txt"
PASTE_LIMIT = 8 * 1024  # share.js PASTE_LIMIT


def decode_fragment(url: str) -> dict:
    fragment = urlsplit(url).fragment
    assert fragment.startswith("s="), url
    data = fragment[2:]
    raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    return json.loads(zlib.decompress(raw, -15))  # deflate-raw


def open_dialog(tool: Tool, action: str) -> None:
    page = tool.page
    page.click(f"#results [data-action={action}]")
    expect(page.locator("dialog[open]")).to_be_visible()


def share_link(page: Page) -> str:
    expect(page.locator("dialog .size-note").last).to_contain_text("link:", timeout=30_000)
    return page.locator("dialog .link-row input").input_value()


def close_dialog(page: Page) -> None:
    page.keyboard.press("Escape")
    expect(page.locator("dialog")).to_have_count(0)


@pytest.fixture()
def fresh_view(browser: Browser, base_url: str):
    """A second tab that opens links, watching every request it makes."""
    context = browser.new_context(base_url=base_url)
    seen: list[str] = []
    external: list[str] = []
    guard_network(context, base_url, external)
    context.on("request", lambda r: seen.append(r.url))
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.seen = seen  # type: ignore[attr-defined]
    yield page
    assert external == []
    assert csp_violations(console) == []
    context.close()


# ------------------------------------------------------------------ copy redacted paste


def test_copy_redacted_paste_previews_and_copies_the_redacted_text(tool: Tool):
    tool.analyze(PASTE)
    page = tool.page
    open_dialog(tool, "redact")
    expected = json.loads(redact_json(PASTE))
    preview = page.locator("dialog pre.redacted")
    expect(preview).to_have_text(expected["text"])
    for secret in SECRETS:
        assert secret not in preview.inner_text(), secret
    # The same value, the same placeholder: the pod IP twice, one <ip-2>.
    assert expected["text"].count("<ip-2>") == 2
    expect(page.locator("dialog mark.ph").first).to_be_visible()
    expect(page.locator("dialog .counts")).to_contain_text("IP address")
    page.click("dialog .dialog-actions button")
    expect(page.locator("dialog .dialog-actions button")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == expected["text"]
    assert expected["text"].count("\n") == PASTE.count("\n"), "no line moves"

    # Object names too, on request.
    page.locator("dialog .option input").check()
    with_names = json.loads(redact_json(PASTE, True))["text"]
    expect(preview).to_have_text(with_names)
    assert with_names.splitlines()[0].split() == ["Name:", "name-1-6f7c9d8b5-x2w4p"]  # the workload's name goes
    page.click("dialog .dialog-actions button")
    expect(page.locator("dialog .dialog-actions button")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == with_names
    close_dialog(page)
    expect(page.locator("#results [data-action=redact]")).to_be_focused()


# ------------------------------------------------------------------ share links


def test_share_link_carries_the_diagnosis_of_the_redacted_paste_only(tool: Tool, cli, fresh_view: Page):
    report = tool.analyze(PASTE)
    page = tool.page
    open_dialog(tool, "share")
    link = share_link(page)
    assert link.startswith(tool.base_url + "/#s=")
    payload = decode_fragment(link)
    redacted = json.loads(redact_json(PASTE))["text"]
    assert payload == {"v": 1, "report": cli.report(redacted)}, "the diagnosis of the redacted paste, no paste"
    assert payload["report"]["primary"] == report["primary"], "redaction keeps the diagnosis"
    assert payload["report"]["primary"]["object"].endswith("/api-6f7c9d8b5-x2w4p"), "names stay unless asked"
    text = json.dumps(payload)
    for secret in SECRETS:
        assert secret not in text, secret
    page.click("dialog .link-row button")
    expect(page.locator("dialog .link-row button")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == link
    close_dialog(page)

    # Opening the link shows that diagnosis, without a runtime round trip and without a request
    # that carries any of it: the fragment stays in the tab.
    view = fresh_view
    view.goto(link[len(tool.base_url):])
    results = view.locator("#results")
    expect(results).to_have_attribute("data-state", "done", timeout=30_000)
    expect(results).to_have_attribute("data-shared", "diagnosis")
    assert json.loads(results.get_attribute("data-report")) == payload["report"]
    primary = payload["report"]["objects"][0]["findings"][0]
    expect(results.locator("[data-finding-class]").first).to_have_attribute("data-finding-class", primary["class"])
    shown = sorted(int(n) for n in results.locator(".paste li.ev").evaluate_all("rows => rows.map(r => r.dataset.line)"))
    assert shown == sorted({e["line"] for o in payload["report"]["objects"] for f in o["findings"] for e in f["evidence"]})
    expect(view.locator("#input")).to_have_value("")
    expect(results.locator("[data-action=redact]")).to_have_count(0)  # no paste to redact
    fragment = urlsplit(link).fragment
    assert all(fragment[2:40] not in url for url in view.seen), "the fragment reached a request"
    # "Analyze your own paste" leaves the shared view (and the address) behind.
    results.locator("[data-action=own]").click()
    expect(results).to_be_hidden()
    assert "#" not in view.url
    expect(view.locator("#input")).to_be_focused()


def test_share_link_with_the_redacted_paste_is_an_opt_in(tool: Tool, cli, fresh_view: Page):
    tool.analyze(PASTE)
    page = tool.page
    open_dialog(tool, "share")
    share_link(page)
    boxes = page.locator("dialog .option input")
    boxes.nth(0).check()  # object names too
    boxes.nth(1).check()  # and the paste
    expect(page.locator("dialog .size-note").last).to_contain_text("and the redacted paste", timeout=30_000)
    link = share_link(page)
    close_dialog(page)
    payload = decode_fragment(link)
    redacted = json.loads(redact_json(PASTE, True))["text"]
    assert payload["paste"] == redacted
    assert payload["report"] == cli.report(redacted)
    text = json.dumps(payload)
    for secret in SECRETS:
        assert secret not in text, secret
    for obj in payload["report"]["objects"]:
        assert not obj["name"].startswith("api") and obj["namespace"] != "payments", obj

    view = fresh_view
    view.goto(link[len(tool.base_url):])
    results = view.locator("#results")
    expect(results).to_have_attribute("data-shared", "paste", timeout=30_000)
    expect(view.locator("#input")).to_have_value(redacted)
    assert json.loads(results.get_attribute("data-report")) == payload["report"]
    expect(results.locator(".paste li")).to_have_count(len(redacted.rstrip("\n").split("\n")))
    # The view works like any other: the paste can be redacted again (it is already).
    wait_ready(view)
    results.locator("[data-action=redact]").click()
    expect(view.locator("dialog pre.redacted")).to_have_text(json.loads(redact_json(redacted))["text"])


def test_a_paste_over_the_limit_is_not_offered(tool: Tool, cli):
    # Seven pods' describes and 600 lines of words that do not repeat: about 16 KB compressed.
    rng = random.Random(7)
    words = ("pod node image pull back off failed error container restart probe liveness readiness volume mount "
             "secret config map deployment replica set scheduled kubelet registry manifest timeout connection "
             "refused denied quota memory cpu limit request taint toleration affinity").split()
    big = read_paste(MULTI) + "".join(
        f"  Normal   Note{i:04d}  {rng.randint(1, 59)}m  kubelet  {' '.join(rng.choice(words) for _ in range(10))}"
        f" {rng.randint(1000, 99999)}\n" for i in range(600))
    page = tool.page
    page.locator("#input").evaluate("(box, text) => { box.value = text; }", big)  # fill() types: slow for 200 KB
    page.click("#analyze")
    expect(page.locator("#results")).to_have_attribute("data-state", "done", timeout=30_000)
    open_dialog(tool, "share")
    link = share_link(page)
    box = page.locator("dialog .option input").nth(1)
    expect(box).to_be_disabled()
    expect(page.locator("dialog .option small.size-note")).to_contain_text("over the 8.0 KB")
    close_dialog(page)
    assert "paste" not in decode_fragment(link)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    redacted = json.loads(redact_json(big))["text"].encode()
    assert len(packer.compress(redacted) + packer.flush()) > PASTE_LIMIT


def test_a_damaged_link_says_so(fresh_view: Page):
    view = fresh_view
    view.goto("/#s=not-a-share-link")
    results = view.locator("#results")
    expect(results).to_have_attribute("data-state", "error", timeout=30_000)
    expect(results).to_contain_text("could not be read")


def deflated(data: bytes) -> str:
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    return base64.urlsafe_b64encode(raw.compress(data) + raw.flush()).decode().rstrip("=")


@pytest.mark.parametrize("fragment", [
    "cut",            # a link a chat app cut short
    "v2",             # a payload this version does not know
    "not json",       # base64 of deflate of something else
    "no objects",     # JSON, but not a report
    "null objects",   # a report whose objects are not objects
    "not base64",
])
def test_a_foreign_or_broken_link_gives_a_clear_message(fresh_view: Page, cli, fragment: str):
    good = craft({"v": 1, "report": cli.report(PASTE)})[len("/#s="):]
    data = {
        "cut": good[: len(good) // 2],
        "v2": craft({"v": 2, "report": {"objects": []}})[len("/#s="):],
        "not json": deflated(b"<html>hello</html>"),
        "no objects": deflated(json.dumps({"v": 1, "report": {"verdict": "problem"}}).encode()),
        "null objects": deflated(json.dumps({"v": 1, "report": {"verdict": "problem", "objects": [None, 3, "x"]}}).encode()),
        "not base64": "%3Cscript%3E!!",
    }[fragment]
    view = fresh_view
    errors: list[str] = []
    view.on("pageerror", lambda e: errors.append(str(e)))
    view.goto("/#s=" + data)
    results = view.locator("#results")
    expect(results).to_have_attribute("data-state", "error", timeout=30_000)
    expect(results).to_contain_text("This share link could not be read")
    assert errors == []
    # The page still works: the paste box analyzes as usual.
    wait_ready(view)
    view.fill("#input", PASTE)
    view.click("#analyze")
    expect(results).to_have_attribute("data-state", "done", timeout=30_000)
    expect(results).not_to_have_attribute("data-shared", re.compile("."))


def test_a_fragment_that_is_not_a_share_link_is_left_alone(fresh_view: Page):
    view = fresh_view
    view.goto("/#failures")
    wait_ready(view)
    expect(view.locator("#results")).to_be_hidden()
    assert view.locator("#results").get_attribute("data-state") in (None, "", "empty")


def test_the_fragment_never_reaches_the_server(browser: Browser, tmp_path):
    """The server's own request log, and every request header the browser sent, while a link
    with the redacted paste is made, opened, and used: no trace of the fragment or its contents."""
    log = tmp_path / "server.log"
    with log.open("w") as err:
        server = subprocess.Popen([sys.executable, str(ROOT / "site" / "serve.py"), "--port", "0", str(DIST)],
                                  stdout=subprocess.PIPE, stderr=err, text=True)
        try:
            base = re.search(r"http://127\.0\.0\.1:\d+", server.stdout.readline()).group(0)
            context = browser.new_context(base_url=base, permissions=["clipboard-read", "clipboard-write"])
            sent: list[str] = []
            context.on("request", lambda r: sent.append(r.url + "\n" + json.dumps(r.headers)))
            try:
                page = context.new_page()
                page.goto("/")
                wait_ready(page)
                page.fill("#input", PASTE)
                page.click("#analyze")
                expect(page.locator("#results")).to_have_attribute("data-state", "done", timeout=30_000)
                page.click("#results [data-action=share]")
                share_link(page)
                page.locator("dialog .option input").nth(1).check()
                expect(page.locator("dialog .size-note").last).to_contain_text("and the redacted paste", timeout=30_000)
                link = share_link(page)
                page.keyboard.press("Escape")
                other = context.new_page()
                other.goto(link)
                expect(other.locator("#results")).to_have_attribute("data-shared", "paste", timeout=30_000)
                other.locator("#results article.finding").first.locator(".finding-cause").click()
                other.reload()
                expect(other.locator("#results")).to_have_attribute("data-shared", "paste", timeout=30_000)
            finally:
                context.close()
        finally:
            server.terminate()
            server.wait(5)
    fragment = urlsplit(link).fragment
    logged = log.read_text()
    assert "GET / " in logged or "GET /index.html" in logged, "the server logged the requests"
    everything = logged + "\n".join(sent)
    for trace in (fragment[2:50], fragment[-40:], "#s=", "s=" + fragment[2:12], "x2w4p", "ImagePullBackOff"):
        assert trace not in everything, trace


def craft(payload: dict) -> str:
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = raw.compress(json.dumps(payload).encode()) + raw.flush()
    return "/#s=" + base64.urlsafe_b64encode(data).decode().rstrip("=")


def test_a_hostile_link_stays_text(fresh_view: Page):
    hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    finding = {"id": "x", "class": "image-auth", "title": hostile, "severity": "error", "confidence": "confirmed",
               "container": hostile, "cause": f"`{hostile}` {hostile}", "evidence": [{"line": 3, "text": hostile}],
               "fix": [hostile], "commands": [hostile], "next": [], "doc": "javascript:alert(3)",
               "details": {"table": [{"count": 1, "reason": hostile, "class": hostile}]}}
    report = {"schema": 1, "version": hostile, "input": {"format": "describe", "lines": 9, "objects": 1},
              "verdict": "problem", "primary": None, "message": hostile, "next": [hostile], "groups": [],
              "objects": [{"kind": hostile, "name": hostile, "namespace": hostile, "status": hostile, "verdict": "problem",
                           "summary": hostile, "findings": [finding], "next": []}], "warnings": []}
    view = fresh_view
    dialogs: list[str] = []
    view.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    view.goto(craft({"v": 1, "report": report, "paste": hostile + "\n" + hostile}))
    results = view.locator("#results")
    expect(results).to_have_attribute("data-state", "done", timeout=30_000)
    expect(results.locator(".finding-title")).to_have_text(hostile)
    assert results.locator("img").count() == 0 and results.locator("script").count() == 0
    assert results.locator(".finding-doc").count() == 0, "a doc that is not a docs path is no link"
    view.wait_for_timeout(200)
    assert dialogs == []


def test_copy_as_markdown(tool: Tool):
    report = tool.analyze(PASTE)
    page = tool.page
    button = page.locator("#results [data-action=markdown]")
    button.click()
    expect(button).to_have_text("Copied")
    expected = report_markdown(json.dumps(report), tool.base_url + "/")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == expected
    assert re.search(r"image-auth", copied)


def test_names_option_leaves_no_object_name():
    """With object names too, none of the pod's, the ReplicaSet's or the namespace's names is left,
    in the scheduler's `Successfully assigned payments/api-... to node` either."""
    text = json.loads(redact_json(PASTE, True))["text"]
    for name in NAMES:
        assert not re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text), name
    assert re.search(r"Successfully assigned name-\d+/name-\d+-6f7c9d8b5-x2w4p to name-\d+\n", text)


def test_what_the_privacy_page_says_is_true(tool: Tool, cli, tmp_path):
    """site/content/privacy.md: its command prints exactly what a share link carries; after a
    paste, a share and a theme choice, the browser holds no cookie, no session storage, no
    database, and in local storage the theme choice only; the caches hold the site's files only."""
    privacy = (ROOT / "site" / "content" / "privacy.md").read_text()
    command = re.search(r"```sh\n(python3 .+)\n```", privacy).group(1)
    page = tool.page
    tool.analyze(PASTE)
    open_dialog(tool, "share")
    share_link(page)
    page.locator("dialog .option input").nth(1).check()
    expect(page.locator("dialog .size-note").last).to_contain_text("and the redacted paste", timeout=30_000)
    link = share_link(page)
    close_dialog(page)
    printed = subprocess.run(["sh", "-c", command.replace("PASTE-THE-LINK-HERE", link)], capture_output=True,
                             text=True, timeout=60)
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout) == decode_fragment(link)
    assert set(json.loads(printed.stdout)) == {"v", "report", "paste"}

    page.locator(".theme-toggle").click()
    stored = page.evaluate("""async () => ({
        local: Object.keys(localStorage), session: sessionStorage.length, cookie: document.cookie,
        databases: indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : [],
        cached: (await Promise.all((await caches.keys()).map(async (k) => (await (await caches.open(k)).keys()).map((r) => r.url)))).flat(),
    })""")
    assert stored["local"] == ["kubeclue-theme"] and "kubeclue-theme" in privacy
    assert stored["session"] == 0 and stored["cookie"] == "" and stored["databases"] == []
    assert all(url.startswith(tool.base_url + "/") and "#" not in url and "?" not in url for url in stored["cached"])
    page.locator(".theme-toggle").click()
    page.locator(".theme-toggle").click()  # Light, Dark, back to Auto: nothing stored
    assert page.evaluate("Object.keys(localStorage)") == []
