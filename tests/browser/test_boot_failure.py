"""A runtime that cannot start ends in a clear message and a retry, never an endless spinner."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Route, expect

from .conftest import BOOT_TIMEOUT_MS, DIST, wait_ready

pytestmark = pytest.mark.browser

WASM = "**/pyodide.asm.wasm"


def open_tool(browser: Browser, base_url: str):
    # No service worker: these tests are about the network path.
    context = browser.new_context(base_url=base_url, service_workers="block")
    return context, context.new_page()


def assert_failed(page, message: str) -> None:
    expect(page.locator("body")).to_have_attribute("data-runtime", "error", timeout=20_000)
    expect(page.locator("#runtime-text")).to_contain_text(re.compile(message))
    expect(page.locator("#retry")).to_be_visible()


def test_missing_runtime_fails_fast_with_retry(browser: Browser, base_url: str):
    context, page = open_tool(browser, base_url)
    try:
        context.route(WASM, lambda route: route.fulfill(status=404, body="not here"))
        page.goto("/")
        page.fill("#input", "Name: x\n")
        page.click("#analyze")
        assert_failed(page, "HTTP 404")
        expect(page.locator("#results")).to_have_attribute("data-state", "error")

        # Retry once the runtime is back: the waiting paste is analyzed.
        context.unroute(WASM)
        page.click("#retry")
        wait_ready(page)
        expect(page.locator("#results")).to_have_attribute("data-state", "done")
    finally:
        context.close()


def test_wrong_wasm_mime_type_is_named(browser: Browser, base_url: str):
    wasm = (DIST / "pyodide").glob("*/pyodide.asm.wasm")
    body = next(wasm).read_bytes()
    context, page = open_tool(browser, base_url)
    try:
        context.route(WASM, lambda route: route.fulfill(
            status=200, body=body, headers={"Content-Type": "application/octet-stream"}))
        page.goto("/")
        assert_failed(page, "application/wasm")
    finally:
        context.close()


def test_a_hung_runtime_times_out(browser: Browser, base_url: str):
    hung: list[Route] = []
    context, page = open_tool(browser, base_url)
    try:
        context.route(WASM, lambda route: hung.append(route))  # never answered
        page.clock.install()
        page.goto("/")
        expect(page.locator("body")).to_have_attribute("data-runtime", "loading")
        page.clock.run_for(11_000)
        expect(page.locator("#runtime-text")).to_contain_text("Still loading")
        expect(page.locator("#retry")).to_be_visible()
        page.clock.run_for(20_000)
        assert_failed(page, "did not start within")
    finally:
        for route in hung:
            route.abort()
        context.close()


def test_a_worker_ready_before_the_page_script_runs_is_not_missed(browser: Browser, base_url: str):
    """start.js starts the worker from <head>; when app.js comes late (a slow connection), the
    worker can be ready before the page listens. What it said meanwhile is not lost: the page
    gets to ready and analyzes."""
    context, page = open_tool(browser, base_url)
    held: list[Route] = []
    try:
        context.route("**/assets/app.*.js", lambda route: held.append(route))
        page.goto("/", wait_until="commit")
        expect(page.locator("#input")).to_be_attached()
        page.evaluate("""(ms) => new Promise((resolve, reject) => {
            setTimeout(() => reject(new Error(`the worker was not ready within ${ms} ms`)), ms);
            self.kubeclue.worker.addEventListener('message', (event) => event.data.type === 'ready' && resolve());
        })""", BOOT_TIMEOUT_MS)
        assert len(held) == 1 and page.evaluate("() => document.body.dataset.runtime") == "loading"
        held[0].continue_()
        wait_ready(page)
        page.fill("#input", "Name: x\n")
        page.click("#analyze")
        expect(page.locator("#results")).to_have_attribute("data-state", "done")
    finally:
        context.close()
