"""After one visit the tool works with the network off (the service worker's precache)."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import Browser, expect

from .conftest import BOOT_TIMEOUT_MS, guard_network, wait_ready

pytestmark = pytest.mark.browser


def test_works_offline_after_one_visit(browser: Browser, base_url: str, cli, problem_paste: str):
    context = browser.new_context(base_url=base_url)
    external: list[str] = []
    guard_network(context, base_url, external)
    try:
        page = context.new_page()
        page.goto("/")
        wait_ready(page)
        expect(page.locator("body")).to_have_attribute("data-offline", "ready", timeout=BOOT_TIMEOUT_MS)
        expect(page.locator("#offline-status")).to_be_visible()

        context.set_offline(True)
        served: list[bool] = []
        page.on("response", lambda r: served.append(r.from_service_worker))
        page.reload()
        # Paste before the runtime is up: it is analyzed as soon as it is ready.
        page.fill("#input", problem_paste)
        page.click("#analyze")
        if page.locator("body").get_attribute("data-runtime") != "ready":
            expect(page.locator("#results")).to_have_attribute("data-state", "waiting")
        expect(page.locator("#results")).to_have_attribute("data-verdict", "problem", timeout=BOOT_TIMEOUT_MS)
        assert json.loads(page.locator("#results").get_attribute("data-report")) == cli.report(problem_paste)
        assert served and all(served), "every response came from the service worker"
        assert external == []

        # A link with a query (a tracking parameter) opens the same cached tool, offline too.
        page.goto("/?utm_source=chat")
        wait_ready(page)
        page.fill("#input", problem_paste)
        page.click("#analyze")
        expect(page.locator("#results")).to_have_attribute("data-verdict", "problem", timeout=BOOT_TIMEOUT_MS)
    finally:
        context.close()


def test_docs_pages_work_offline(browser: Browser, base_url: str):
    context = browser.new_context(base_url=base_url, service_workers="allow")
    try:
        page = context.new_page()
        page.goto("/")
        links = page.locator("#failures a")
        if links.count() == 0:
            pytest.skip("no docs pages yet")
        href = links.first.get_attribute("href")
        page.goto("/" + href)
        expect(page.locator("body")).to_have_attribute("data-offline", "ready", timeout=BOOT_TIMEOUT_MS)
        context.set_offline(True)
        page.goto("/" + href)
        expect(page.locator("h1")).to_be_visible()
        page.goto("/" + href.rstrip("/"))  # no server to redirect to the slash: the worker does
        expect(page.locator("h1")).to_be_visible()
        page.goto("/index.html")
        expect(page.locator("#input")).to_be_visible()
        page.goto("/")
        expect(page.locator("#input")).to_be_visible()
    finally:
        context.close()


def test_an_unknown_path_gets_the_404_page_online_and_offline(browser: Browser, base_url: str):
    context = browser.new_context(base_url=base_url)
    try:
        page = context.new_page()
        # The server (site/serve.py, as a static host): the site's 404 page with status 404, for
        # a path it does not have and for a folder without a page (no directory listing).
        for path in ("/no-such-page/", "/failures/no-such-class", "/assets/"):
            response = page.goto(path)
            assert response.status == 404, path
            expect(page.locator("h1")).to_have_text("Page not found")
            assert page.locator("body").get_attribute("data-page") != "tool"
        page.goto("/")
        wait_ready(page)
        expect(page.locator("body")).to_have_attribute("data-offline", "ready", timeout=BOOT_TIMEOUT_MS)
        # The service worker: the same, through the network, then with the network off.
        for offline in (False, True):
            context.set_offline(offline)
            response = page.goto("/no-such-page/")
            assert response.status == 404 and response.from_service_worker, offline
            expect(page.locator("h1")).to_have_text("Page not found")
    finally:
        context.close()
