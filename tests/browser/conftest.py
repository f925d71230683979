"""Browser tests: the built dist/ in a real Chromium (pytest-playwright), per pyodide-notes §1.3.

`playwright install` cannot download browsers here, so the tests drive Debian's chromium
package; CHROMIUM_PATH overrides it, and without either Playwright's own browser is used.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

ROOT = Path(__file__).resolve().parents[2]
DIST = Path(os.environ.get("KUBECLUE_DIST", ROOT / "dist"))
SYSTEM_CHROMIUM = "/usr/lib/chromium/chromium"  # the real binary; /usr/bin/chromium is a wrapper script
CHROMIUM = os.environ.get("CHROMIUM_PATH") or (SYSTEM_CHROMIUM if os.path.exists(SYSTEM_CHROMIUM) else None)

# Playwright already passes --headless --no-sandbox --disable-background-networking and its own
# --disable-features list; a second --disable-features replaces that list, so restate it.
PW_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,HttpsUpgrades,"
    "HttpsFirstBalancedModeAutoEnable,LensOverlay,MediaRouter,PaintHolding,ThirdPartyStoragePartitioning,"
    "AvoidCorsURLLoaderRestartOnRedirect,TcpPortRandomizationWin,OptimizationHints,"
    "NetworkTimeServiceQuerying,AimEnabled,PreconnectToSearch"
)
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-sync",
    "--disable-quic",
    f"--disable-features={PW_DISABLED_FEATURES},AutofillServerCommunication",
    # Only loopback resolves: nothing the page (or Chromium itself) does can leave the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]

BOOT_TIMEOUT_MS = 60_000  # a cold Pyodide boot takes 3-4 s here; CI machines can be slower


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = {**browser_type_launch_args, "args": CHROMIUM_ARGS}
    if CHROMIUM:
        args["executable_path"] = CHROMIUM
    return args


@pytest.fixture(scope="session")
def site_server():
    """site/serve.py (the dev server: wasm MIME, CSP header) on a free loopback port."""
    if not (DIST / "index.html").is_file():
        pytest.fail(f"{DIST}/index.html is missing: run `make build` first (`make test` does)")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "site" / "serve.py"), "--port", "0", "--quiet", str(DIST)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            pytest.fail(f"site/serve.py did not start: {line!r}")
        yield f"http://127.0.0.1:{match.group(1)}"
    finally:
        proc.terminate()
        proc.wait(5)


@pytest.fixture(scope="session")
def base_url(site_server):
    return site_server


# Records every securitypolicyviolation the document sees. Chromium does not pass a worker's CSP
# errors to the page's console: test_csp.py also watches the worker from inside it.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`page: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


class Watched:
    """A page in a context of its own, with what it logged, threw, violated and asked off the site."""

    def __init__(self, context: BrowserContext, page: Page):
        self.context, self.page = context, page
        self.console: list[str] = []
        self.errors: list[str] = []
        self.external: list[str] = []

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations || []") + csp_violations(self.console)


def watch_page(browser: Browser, base_url: str, cls: type = Watched, **options):
    context = browser.new_context(base_url=base_url, permissions=["clipboard-read", "clipboard-write"], **options)
    context.add_init_script(CSP_RECORDER)
    page = context.new_page()
    w = cls(context, page)
    guard_network(context, base_url, w.external)
    page.on("console", lambda m: w.console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: w.errors.append(str(e)))
    return w


def analyze_in_page(page: Page, text: str) -> dict:
    """Type `text` into the box, click Analyze, wait for the report; -> the report's JSON."""
    page.fill("#input", text)
    page.click("#analyze")
    expect(page.locator("#results")).to_have_attribute("data-state", "done", timeout=30_000)
    return json.loads(page.locator("#results").get_attribute("data-report"))


def clipboard_paste(page: Page, text: str) -> None:
    """Paste `text` into the box as the clipboard would (the page analyzes a paste at once)."""
    page.evaluate("""(text) => {
        const box = document.getElementById('input');
        box.focus();
        const data = new DataTransfer();
        data.setData('text/plain', text);
        box.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""", text)


def wait_ready(page: Page) -> None:
    # expect() polls from Python; page.wait_for_function would eval a string, which the CSP forbids.
    expect(page.locator("body")).to_have_attribute("data-runtime", "ready", timeout=BOOT_TIMEOUT_MS)


def guard_network(context: BrowserContext, base_url: str, seen: list[str]) -> None:
    """Abort, and record, any request that is not for the test server."""
    def block(route):
        seen.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith(base_url + "/"), block)


def csp_violations(console: list[str]) -> list[str]:
    return [m for m in console if "Content Security Policy" in m or "Content-Security-Policy" in m]


class Tool:
    """One booted page of the tool, shared by the tests that only paste and read."""

    def __init__(self, context: BrowserContext, page: Page, base_url: str) -> None:
        self.context, self.page, self.base_url = context, page, base_url
        self.requests: list[dict] = []  # every request the context made: page, worker, service worker
        self.external: list[str] = []  # requests for anything but the test server (aborted)
        self.dialogs: list[str] = []
        self.console: list[str] = []

    def analyze(self, text: str) -> dict:
        """Paste `text`, press Analyze, return what the page shows: the report it got and its DOM."""
        page = self.page
        page.fill("#input", text)
        page.click("#analyze")
        results = page.locator("#results")
        expect(results).to_have_attribute("data-state", "done", timeout=30_000)
        return json.loads(results.get_attribute("data-report"))


@pytest.fixture(scope="session")
def tool(browser: Browser, base_url: str):
    context = browser.new_context(base_url=base_url, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    t = Tool(context, page, base_url)
    guard_network(context, base_url, t.external)
    context.on("request", lambda r: t.requests.append({"url": r.url, "method": r.method, "body": r.post_data_buffer}))
    page.on("dialog", lambda d: (t.dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: t.console.append(f"{m.type}: {m.text}"))
    page.goto("/")
    wait_ready(page)
    yield t
    context.close()


# ------------------------------------------------------------------ pastes

FIXTURES = sorted((ROOT / "tests" / "fixtures").rglob("*.txt"))


def read_paste(path: Path) -> str:
    from analyzer.parse.text import decode  # fixtures may be UTF-16, as PowerShell saves them

    return decode(path.read_bytes())


def findings_in_order(report: dict) -> list[dict]:
    """Findings as the page must list them: the primary first, then report order."""
    found = [(f, obj) for obj in report.get("objects", []) for f in obj.get("findings", [])]
    primary = report.get("primary")
    if primary and found:
        same = [i for i, (f, _) in enumerate(found) if (f["id"], f["class"]) == (primary["id"], primary["class"])]
        ref = lambda o: f"{o['kind']}/{o.get('namespace') or '?'}/{o.get('name') or '?'}"  # report.py's ref
        exact = [i for i in same if ref(found[i][1]) == primary["object"]]
        at = (exact or same or [0])[0]
        found.insert(0, found.pop(at))
    return [f for f, _ in found]


# Runs the CLI's main() once per line of input, from the very bundle dist/ ships, in an isolated
# CPython (-I: neither the checkout nor site-packages on the path). The page and the CLI then
# run identical code, so a parity failure is a CPython/Pyodide difference, never a stale build.
CLI_LOOP = """
import contextlib, io, json, sys
sys.path.insert(0, sys.argv[1])
from analyzer.__main__ import main
for path in sys.stdin:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([path.rstrip("\\n"), "--json"])
    print(json.dumps({"code": code, "out": out.getvalue()}), flush=True)
"""


class BundledCli:
    def __init__(self, bundle: Path, workdir: Path) -> None:
        env = {k: v for k, v in os.environ.items() if k != "KUBECLUE_STRICT"}
        self.proc = subprocess.Popen([sys.executable, "-I", "-c", CLI_LOOP, str(bundle)], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.paste = workdir / "paste.txt"

    def report(self, text: str) -> dict:
        self.paste.write_text(text, encoding="utf-8")
        self.proc.stdin.write(f"{self.paste}\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        return json.loads(answer["out"])

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(5)


@pytest.fixture(scope="session")
def cli(tmp_path_factory):
    (bundle,) = (DIST / "assets").glob("analyzer.*.zip")
    c = BundledCli(bundle, tmp_path_factory.mktemp("cli"))
    yield c
    c.close()


@pytest.fixture(scope="session")
def problem_paste(cli) -> str:
    """The first rule fixture whose primary finding comes with a command, as text."""
    for path in FIXTURES:
        if "/rules/" in path.as_posix() and not path.name.startswith("nearmiss-"):
            text = read_paste(path)
            report = cli.report(text)
            if report["verdict"] == "problem" and findings_in_order(report)[0]["commands"]:
                return text
    pytest.skip("no fixture with a problem and a command yet")
