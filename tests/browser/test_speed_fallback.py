"""The fast start (a memory snapshot and a precompiled stdlib made for this exact runtime
build, site/build/runtime.py) falls back to a slower start, never to a broken page."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Browser, expect

from .conftest import BOOT_TIMEOUT_MS, DIST, wait_ready

pytestmark = pytest.mark.browser

SNAPSHOT = "**/pyodide/*/snapshot.*.bin"
STDLIB = "**/pyodide/*/stdlib.*.zip"


def runtime_config() -> dict:
    (worker,) = [p for p in (DIST / "assets").glob("worker.*.js")]
    return json.loads(re.search(r"const RUNTIME = (\{.*\});", worker.read_text()).group(1))


def fulfil(answer: dict):
    return lambda route: route.fulfill(**answer)


def boot(browser: Browser, base_url: str, broken: dict[str, dict], problem_paste: str) -> tuple[dict, list[str]]:
    """Open the tool with some fast files broken, paste, return (report, requested paths)."""
    context = browser.new_context(base_url=base_url, service_workers="block")  # routes see every request
    requested: list[str] = []
    context.on("request", lambda r: requested.append(r.url.removeprefix(base_url)))
    for pattern, answer in broken.items():
        context.route(pattern, fulfil(answer))
    try:
        page = context.new_page()
        page.goto("/")
        page.fill("#input", problem_paste)
        page.click("#analyze")
        wait_ready(page)
        results = page.locator("#results")
        expect(results).to_have_attribute("data-state", "done", timeout=BOOT_TIMEOUT_MS)
        return json.loads(results.get_attribute("data-report")), requested
    finally:
        context.close()


def fetched(requested: list[str], pattern: str) -> bool:
    return any(re.search(pattern, path) for path in requested)


def test_the_fast_start_needs_neither_the_bundle_nor_the_full_stdlib(browser: Browser, base_url: str, cli,
                                                                     problem_paste: str):
    config = runtime_config()
    if "snapshot" not in config:
        pytest.skip("this build has no snapshot")
    report, requested = boot(browser, base_url, {}, problem_paste)
    assert report == cli.report(problem_paste)
    # Each once: on a first visit the page downloads the snapshot for the worker (start.js),
    # which must not download it again.
    for fast in (r"/snapshot\.[0-9a-f]{12}\.bin$", r"/stdlib\.[0-9a-f]{12}\.zip$"):
        assert sum(bool(re.search(fast, path)) for path in requested) == 1, (fast, requested)
    for slow in (r"/python_stdlib\.zip$", r"/pyodide-lock\.json$", r"/assets/analyzer\.[0-9a-f]+\.zip$"):
        assert not fetched(requested, slow), slow


@pytest.mark.parametrize("answer", [
    {"status": 200, "body": b"\0garbage" * 1000, "content_type": "application/octet-stream"},
    {"status": 404, "body": "not here"},
], ids=["corrupted", "missing"])
def test_a_broken_snapshot_starts_from_the_precompiled_stdlib(browser: Browser, base_url: str, cli,
                                                              problem_paste: str, answer: dict):
    if "snapshot" not in runtime_config():
        pytest.skip("this build has no snapshot")
    report, requested = boot(browser, base_url, {SNAPSHOT: answer}, problem_paste)
    assert report == cli.report(problem_paste)
    assert fetched(requested, r"/assets/analyzer\.[0-9a-f]+\.zip$")  # imported, not restored
    assert not fetched(requested, r"/python_stdlib\.zip$")


@pytest.mark.parametrize("answer", [
    {"status": 200, "body": b"PK\x03\x04" + b"\x01" * 5000, "content_type": "application/zip"},
    {"status": 404, "body": "not here"},
], ids=["corrupted", "missing"])
def test_a_broken_precompiled_stdlib_starts_the_plain_way(browser: Browser, base_url: str, cli,
                                                          problem_paste: str, answer: dict):
    report, requested = boot(browser, base_url, {STDLIB: answer}, problem_paste)
    assert report == cli.report(problem_paste)
    assert fetched(requested, r"/python_stdlib\.zip$")


def test_a_stdlib_of_another_runtime_build_starts_the_plain_way(browser: Browser, base_url: str, cli,
                                                                problem_paste: str):
    """A stdlib whose bytecode another CPython made (here: Pyodide's own .py stdlib under the
    precompiled one's name) fails its check; so does a snapshot that does not fit it."""
    body = next((DIST / "pyodide").glob("*/python_stdlib.zip")).read_bytes()
    report, requested = boot(browser, base_url, {STDLIB: {"status": 200, "body": body}}, problem_paste)
    assert report == cli.report(problem_paste)
    assert fetched(requested, r"/python_stdlib\.zip$")


BIG_FILES = r"pyodide\.asm\.wasm$|snapshot\.[0-9a-f]+\.bin$|stdlib\.[0-9a-f]+\.zip$"


def test_a_corrupted_cache_heals(browser: Browser, base_url: str, cli, problem_paste: str):
    """The service worker's copies of the big runtime files are broken (a disk error, a bad
    write): the page still diagnoses, downloads them again and puts them back."""
    context = browser.new_context(base_url=base_url)
    try:
        page = context.new_page()
        page.goto("/")
        wait_ready(page)
        expect(page.locator("body")).to_have_attribute("data-offline", "ready", timeout=BOOT_TIMEOUT_MS)
        sizes = page.evaluate("""async (pattern) => {
            const cache = await caches.open((await caches.keys()).find((n) => n.startsWith("kubeclue-")));
            const sizes = {};
            for (const request of await cache.keys()) {
                if (!new RegExp(pattern).test(request.url)) continue;
                const good = await cache.match(request);
                sizes[request.url] = (await good.clone().arrayBuffer()).byteLength;
                await cache.put(request, new Response(new Uint8Array(4096).fill(7), {headers: good.headers}));
            }
            return sizes;
        }""", BIG_FILES)
        assert len(sizes) == 3, sizes
        page.reload()
        page.fill("#input", problem_paste)
        page.click("#analyze")
        results = page.locator("#results")
        expect(results).to_have_attribute("data-state", "done", timeout=BOOT_TIMEOUT_MS)
        assert json.loads(results.get_attribute("data-report")) == cli.report(problem_paste)
        healed = page.evaluate("""async (urls) => {
            const out = {};
            for (const url of urls) out[url] = (await (await caches.match(url)).arrayBuffer()).byteLength;
            return out;
        }""", list(sizes))
        assert healed == sizes
    finally:
        context.close()


def test_pastes_made_while_python_starts_the_latest_is_analyzed(browser: Browser, base_url: str, cli,
                                                                 problem_paste: str):
    # The page hands a paste to the worker at once, even while Python starts; a newer paste
    # replaces it. The runtime's big files are held back until both pastes are made.
    context = browser.new_context(base_url=base_url, service_workers="block")
    held, holding = [], [True]
    context.route(re.compile(r"/pyodide/[^/]+/(snapshot\.[0-9a-f]+\.bin|stdlib\.[0-9a-f]+\.zip|python_stdlib\.zip)$"),
                  lambda route: held.append(route) if holding[0] else route.continue_())
    try:
        page = context.new_page()
        page.goto("/")
        results = page.locator("#results")
        for text in ("not kubectl output at all\n", problem_paste):
            page.fill("#input", text)
            page.click("#analyze")
            expect(results).to_have_attribute("data-state", "waiting")
        assert page.locator("body").get_attribute("data-runtime") == "loading"
        holding[0] = False
        for route in held:
            route.continue_()
        expect(results).to_have_attribute("data-state", "done", timeout=BOOT_TIMEOUT_MS)
        assert json.loads(results.get_attribute("data-report")) == cli.report(problem_paste)
        expect(page.locator("body")).to_have_attribute("data-runtime", "ready")
    finally:
        context.close()
