"""The Content-Security-Policy holds in every state of every page, in the page and in the Web
Worker (which the <meta> policy does not reach: the policy there comes from the HTTP header
site/serve.py sends from dist/_headers, as a static host would).

A violation is caught three ways: the document's `securitypolicyviolation` events (recorded
from before the first script runs), the worker's own `securitypolicyviolation` events (a
recorder is put at the top of the worker's script as it is served; Chromium does not pass a
worker's CSP errors to the page's console), and any console message about the policy. A
control test makes a violation of each kind on purpose and checks that the watch sees it, so
these tests can fail."""
from __future__ import annotations

import json
import re
import zlib
import base64

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, Worker, expect

from .conftest import (BOOT_TIMEOUT_MS, DIST, ROOT, Watched, analyze_in_page as analyze, clipboard_paste as put, csp_violations,
                       read_paste, wait_ready, watch_page)

pytestmark = pytest.mark.browser

FIX = ROOT / "tests" / "fixtures"
MULTI = FIX / "multi" / "describe-pods-seven-pods-six-image-auth-one-healthy.txt"
UNKNOWN = FIX / "parse" / "k8s-1.9-describe-pod-terminating-expires.txt"

WORKER_RECORDER = (
    "self.__cspViolations = [];"
    "self.addEventListener('securitypolicyviolation', (e) => self.__cspViolations.push("
    "`worker: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));\n"
)
WORKER_SCRIPT = re.compile(r"/assets/worker\.[0-9a-f]+\.js$")


def expected_policy() -> str:
    """The policy the build writes for every path (dist/_headers)."""
    text = (DIST / "_headers").read_text()
    block = text.split("/*\n", 1)[1]
    return re.search(r"^\s+Content-Security-Policy:\s*(.+)$", block, re.M).group(1).strip()


class Watch(Watched):
    def __init__(self, context: BrowserContext, page: Page):
        super().__init__(context, page)
        self.workers: list[Worker] = []
        self.worker_headers: list[dict] = []
        self.seen: list[str] = []  # violations from documents and workers that are gone

    def worker_violations(self) -> list[str]:
        out = []
        for w in list(self.workers):
            try:
                got = w.evaluate("self.__cspViolations")
            except Exception:  # a worker that was stopped (Cancel, a new page)
                self.workers.remove(w)
                continue
            out += got if got is not None else [f"worker {w.url}: no recorder (its script was not the one served)"]
        return out

    def check(self, state: str) -> None:
        """No violation so far, in the page, its workers or the console; called at each state."""
        found = self.violations() + self.worker_violations()
        assert found == [], f"{state}: Content-Security-Policy violations {found}"
        assert self.errors == [], f"{state}: uncaught errors {self.errors}"
        assert self.external == [], f"{state}: requests off the site {self.external}"


def watch(browser: Browser, base_url: str, **options) -> Watch:
    w = watch_page(browser, base_url, Watch, **options)
    context, page = w.context, w.page

    def worker_script(route: Route) -> None:
        response = route.fetch()
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-encoding")}
        w.worker_headers.append(headers)
        route.fulfill(status=response.status, headers=headers, body=WORKER_RECORDER + response.text())

    context.route(WORKER_SCRIPT, worker_script)
    page.on("worker", lambda wk: w.workers.append(wk))
    return w


@pytest.fixture()
def watched(browser: Browser, base_url: str):
    w = watch(browser, base_url, service_workers="block")
    yield w
    w.context.close()


def share_fragment(payload: dict) -> str:
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = raw.compress(json.dumps(payload).encode()) + raw.flush()
    return "#s=" + base64.urlsafe_b64encode(data).decode().rstrip("=")


# ------------------------------------------------------------------ the watch works


def test_the_watch_sees_a_violation_in_the_page_and_in_the_worker(watched: Watch):
    """The control: an inline style in the page and a string evaluated in the worker are refused
    and seen. The worker's refusal also shows the header's policy reaches the worker."""
    page = watched.page
    page.goto("/")
    wait_ready(page)
    page.evaluate("() => { const d = document.createElement('div'); d.setAttribute('style', 'color: red'); document.body.append(d); }")
    (worker,) = watched.workers
    ran = worker.evaluate("""() => new Promise((done) => {
        setTimeout("self.__ran = true", 0);
        fetch("http://127.0.0.1:9/elsewhere").catch(() => null).finally(() => setTimeout(() => done(self.__ran === true), 100));
    })""")
    assert ran is False, "the worker evaluated a string: no policy reached it"
    page.wait_for_timeout(100)
    doc = page.evaluate("window.__cspViolations")
    inside = worker.evaluate("self.__cspViolations")
    assert any("style-src" in v for v in doc), doc
    assert any("script-src" in v for v in inside) and any("connect-src" in v for v in inside), inside
    assert any("style-src" in m for m in csp_violations(watched.console))
    with pytest.raises(AssertionError, match="Content-Security-Policy violations"):
        watched.check("control")


def test_every_response_carries_the_policy(watched: Watch, base_url: str):
    """The header on the page, its scripts, the worker, the runtime, the service worker, a docs
    page and the 404: the same policy as the build's _headers, the <meta> one plus frame-ancestors."""
    policy = expected_policy()
    for directive in ("script-src 'self' 'wasm-unsafe-eval'", "connect-src 'self'", "object-src 'none'",
                      "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in policy, directive
    assert "unsafe-inline" not in policy and "'unsafe-eval'" not in policy
    page = watched.page
    page.goto("/")
    wait_ready(page)
    meta = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert meta == policy.replace("; frame-ancestors 'none'", ""), "the <meta> policy is the header's"
    body, start = page.locator("body"), page.locator("script[data-worker]")
    worker_url = start.get_attribute("data-worker")
    paths = ["/", worker_url, body.get_attribute("data-share"), start.get_attribute("data-bundle"), "sw.js",
             "/failures/oomkilled/", "/privacy/", "/no/such/page"]
    paths += [s.get_attribute("src") for s in page.locator("script[src]").all()]
    for wasm in (DIST / "pyodide").rglob("*.wasm"):
        paths.append("/" + wasm.relative_to(DIST).as_posix())
        break
    for path in paths:
        url = base_url + "/" + path.lstrip("./").lstrip("/") if not path.startswith("/") else base_url + path
        response = page.request.get(url)
        assert response.headers.get("content-security-policy") == policy, (path, response.status)
    # The worker the page started got its script with the policy.
    assert watched.worker_headers and all(h.get("content-security-policy") == policy for h in watched.worker_headers)


# ------------------------------------------------------------------ every state of the tool


def test_no_violation_in_any_state_of_the_tool(watched: Watch, problem_paste: str):
    page = watched.page
    results = page.locator("#results")
    page.goto("/")
    # Booting: a paste waits for the runtime.
    page.fill("#input", problem_paste)
    page.click("#analyze")
    watched.check("booting")
    wait_ready(page)
    expect(results).to_have_attribute("data-state", "done", timeout=BOOT_TIMEOUT_MS)
    watched.check("home, then one object")

    # One object: a finding and its lines, both ways.
    page.locator("#results article.finding").first.locator(".finding-cause").click()
    page.locator("#results .paste button.ln").first.click()
    watched.check("one object, selected lines")

    # Several objects: the summary table.
    analyze(page, read_paste(MULTI))
    expect(results.locator(".overview")).to_be_visible()
    watched.check("many objects")

    # Unknown: what to paste next.
    report = analyze(page, read_paste(UNKNOWN))
    assert report["verdict"] == "unknown", report["verdict"]
    watched.check("unknown verdict")

    # Errors: empty, not kubectl output, a binary file, a paste over the limit.
    page.click("#clear")
    page.click("#analyze")
    expect(results).not_to_have_attribute("data-state", "running")
    watched.check("empty")
    page.fill("#input", "hello, this is not kubectl")
    page.click("#analyze")
    expect(results).to_have_attribute("data-verdict", "unrecognized", timeout=30_000)
    watched.check("unrecognized")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    page.set_input_files("#file", files=[{"name": "screenshot.png", "mimeType": "image/png", "buffer": png}])
    expect(results).to_have_attribute("data-state", re.compile("done|error"), timeout=30_000)
    watched.check("binary file")
    put(page, ("x" * 8191 + "\n") * (21 * 2**20 // 8192))
    expect(results).to_have_attribute("data-state", "error")
    expect(results).to_contain_text("20 MB")
    watched.check("too big")
    page.click("#clear")

    # The dialogs, with their options.
    analyze(page, problem_paste)
    page.click("#results [data-action=share]")
    expect(page.locator("dialog .size-note").last).to_contain_text("link:", timeout=30_000)
    page.locator("dialog .option input").nth(0).check()
    page.locator("dialog .option input").nth(1).check()
    expect(page.locator("dialog .size-note").last).to_contain_text("redacted paste", timeout=30_000)
    link = page.locator("dialog .link-row input").input_value()
    watched.check("share dialog")
    page.keyboard.press("Escape")
    page.click("#results [data-action=redact]")
    expect(page.locator("dialog .counts")).to_be_visible(timeout=30_000)
    page.locator("dialog .option input").check()
    expect(page.locator("dialog mark.ph").first).to_be_visible()
    watched.check("redacted-copy dialog")
    page.keyboard.press("Escape")
    page.click("#results [data-action=markdown]")
    page.locator(".theme-toggle").click()
    page.emulate_media(media="print")
    page.emulate_media(media="screen")
    watched.check("markdown, theme, print")

    # A restored share link (with its paste), a diagnosis-only one, a damaged one.
    page.goto(link)
    expect(results).to_have_attribute("data-shared", "paste", timeout=30_000)
    watched.check("restored share link with the paste")
    report = json.loads(results.get_attribute("data-report"))
    page.goto("/" + share_fragment({"v": 1, "report": report}))
    expect(results).to_have_attribute("data-shared", "diagnosis", timeout=30_000)
    watched.check("restored share link, diagnosis only")
    page.goto("/#s=bm90IGEgbGluaw")
    expect(results).to_have_attribute("data-state", "error", timeout=30_000)
    watched.check("damaged share link")

    # An example through the menu.
    page.goto("/")
    page.select_option("#examples", "oomkilled")
    expect(page.locator('#results [data-finding-class="oomkilled"]').first).to_be_visible(timeout=BOOT_TIMEOUT_MS)
    watched.check("example")


@pytest.mark.parametrize("path", ["/failures/node-selector-affinity-mismatch/", "/failures/", "/errors/crashloopbackoff/",
                                  "/privacy/", "/about/", "/faq/", "/no/such/page"])
def test_no_violation_on_the_docs_pages_and_the_404(watched: Watch, path: str):
    page = watched.page
    response = page.goto(path)
    assert response.status == (404 if path == "/no/such/page" else 200), response.status
    page.wait_for_load_state("networkidle")
    search = page.locator("input[type=search]:visible")
    if search.count():
        search.first.fill("image pull")
        page.wait_for_timeout(300)
    watched.check(path)


def test_no_violation_offline(browser: Browser, base_url: str, problem_paste: str):
    """Offline, every file comes from the service worker's cache, with the headers it was
    cached with: the worker is still under the policy, and nothing is refused."""
    w = watch(browser, base_url)
    try:
        page = w.page
        page.goto("/")
        wait_ready(page)
        expect(page.locator("body")).to_have_attribute("data-offline", "ready", timeout=BOOT_TIMEOUT_MS)
        w.check("online, before the service worker serves")
        w.context.set_offline(True)
        w.workers.clear()
        page.reload()
        wait_ready(page)
        analyze(page, problem_paste)
        w.check("offline, results")
        (worker,) = w.workers
        blocked = worker.evaluate("""() => new Promise((done) => {
            setTimeout("self.__ran = true", 0);
            setTimeout(() => done(self.__ran !== true), 100);
        })""")
        assert blocked, "offline, the worker runs without the policy"
        worker.evaluate("self.__cspViolations.length = 0")  # the probe's own refusal
        page.goto("/failures/oomkilled/")
        expect(page.locator("h1")).to_be_visible()
        w.check("offline, a docs page")
        page.goto("/no/such/page")
        w.check("offline, the 404")
    finally:
        w.context.close()
