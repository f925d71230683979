"""The docs pages in Chromium: Try it opens the analyzer on the page's example and shows that
class; search works, offline too; pages read on a phone, in dark mode and in print."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import BOOT_TIMEOUT_MS, DIST, csp_violations, guard_network, wait_ready

pytestmark = pytest.mark.browser

CLASSES = sorted(p.parent.name for p in (DIST / "failures").glob("*/index.html"))


@pytest.fixture()
def docs_page(browser: Browser, base_url: str):
    context = browser.new_context(base_url=base_url)
    external: list[str] = []
    guard_network(context, base_url, external)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.console_messages = console  # type: ignore[attr-defined]
    yield page
    assert external == [], "a docs page asked for something outside the site"
    context.close()


def report_classes(page: Page) -> set[str]:
    report = json.loads(page.locator("#results").get_attribute("data-report") or "{}")
    return {f["class"] for o in report.get("objects", []) for f in o.get("findings", [])}


@pytest.mark.parametrize("cls", ["taint-not-tolerated", "oomkilled", "image-rate-limit"])
def test_try_it_shows_the_class_in_the_tool(docs_page: Page, cls: str):
    page = docs_page
    page.goto(f"/failures/{cls}/")
    page.locator("a[data-try]").click()
    expect(page).to_have_url(re.compile(rf"/#example={cls}$"))
    wait_ready(page)
    results = page.locator("#results")
    expect(results).to_have_attribute("data-state", "done", timeout=BOOT_TIMEOUT_MS)
    expect(results.locator(f'[data-finding-class="{cls}"]').first).to_be_visible()
    assert cls in report_classes(page)
    # The card links back to the page it came from.
    expect(results.locator(f'a[href$="failures/{cls}/"]').first).to_be_visible()
    assert csp_violations(page.console_messages) == []  # type: ignore[attr-defined]


def test_every_example_shows_its_class(docs_page: Page, cli):
    """All the Try it links, in one booted tool page: each hash change loads and analyzes another,
    and the page shows what the CLI reports for that paste, its class among the findings."""
    page = docs_page
    page.goto("/")
    wait_ready(page)
    results = page.locator("#results")
    for cls in CLASSES:
        expected = (DIST / "examples" / f"{cls}.txt").read_text()
        page.goto(f"/#example={cls}")
        expect(page.locator("#input")).to_have_value(expected)
        report = cli.report(expected)
        assert cls in {f["class"] for o in report["objects"] for f in o["findings"]}, cls
        for _ in range(300):  # the report of this paste, not the previous one (expect() cannot compare JSON)
            shown = results.get_attribute("data-report")
            if results.get_attribute("data-state") == "done" and shown and json.loads(shown) == report:
                break
            page.wait_for_timeout(100)
        else:
            pytest.fail(f"{cls}: the page did not show the CLI's report for its example")
        expect(results.locator(f'[data-finding-class="{cls}"]').first).to_be_attached()


def test_class_page_has_no_csp_violation_and_json_ld(docs_page: Page):
    page = docs_page
    page.goto("/failures/oomkilled/")
    expect(page.locator("h1")).to_have_text(re.compile("OOMKilled"))
    assert page.locator('script[type="application/ld+json"]').count() == 2  # the FAQ and the breadcrumbs
    page.goto("/faq/")
    expect(page.locator("h1")).to_be_visible()
    page.wait_for_timeout(200)
    assert csp_violations(page.console_messages) == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("query, first", [
    ("toomanyrequests", "failures/image-rate-limit/"),
    ("0/3 nodes are available: 1 node(s) had untolerated taint", "failures/taint-not-tolerated/"),
    ("Init:CrashLoopBackOff", "errors/init-crashloopbackoff/"),
    ("imagepullbackoff", "errors/imagepullbackoff/"),
])
def test_search_finds_the_page(docs_page: Page, query: str, first: str):
    page = docs_page
    page.goto("/failures/oomkilled/")
    page.fill("#site-search", query)
    hit = page.locator(".search-hit").first
    expect(hit).to_be_visible()
    assert re.search(rf"^\.\./\.\./{re.escape(first)}(#.*)?$", hit.get_attribute("href")), hit.get_attribute("href")
    page.locator("#site-search").press("Enter")
    expect(page).to_have_url(re.compile(re.escape(first)))
    anchor = page.url.partition("#")[2]
    if anchor:
        expect(page.locator(f"#{anchor}")).to_be_attached()


def test_search_from_the_tool_page_and_with_the_keyboard(docs_page: Page):
    page = docs_page
    page.goto("/")
    page.fill("#site-search", "exec format error")
    expect(page.locator(".search-hit").first).to_be_visible()
    page.locator("#site-search").press("ArrowDown")
    expect(page.locator(".search-hit").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#site-search")).to_be_focused()
    expect(page.locator(".search-results")).to_be_hidden()


def test_search_works_offline(browser: Browser, base_url: str):
    context = browser.new_context(base_url=base_url)
    try:
        page = context.new_page()
        page.goto("/errors/")
        expect(page.locator("body")).to_have_attribute("data-offline", "ready", timeout=BOOT_TIMEOUT_MS)
        context.set_offline(True)
        page.goto("/errors/crashloopbackoff/")
        page.fill("#site-search", "liveness probe failed")
        expect(page.locator(".search-hit").first).to_have_attribute("href", re.compile("liveness-probe-failure"))
        page.locator(".search-hit").first.click()
        expect(page.locator("h1")).to_contain_text("Liveness")
    finally:
        context.close()


def test_404_page_searches_the_address(docs_page: Page):
    page = docs_page
    page.goto("/404.html")
    expect(page.locator("h1")).to_have_text("Page not found")
    box = page.locator("#not-found-search")
    expect(box).to_have_value("")
    box.fill("crashloopbackoff")
    expect(page.locator("#not-found-search-results .search-hit").first).to_have_attribute(
        "href", "/errors/crashloopbackoff/")


@pytest.mark.parametrize("url", ["failures/taint-not-tolerated/", "errors/imagepullbackoff/", "faq/", "failures/",
                                 "errors/"])
def test_pages_fit_a_phone_in_dark_mode(browser: Browser, base_url: str, url: str):
    context = browser.new_context(base_url=base_url, viewport={"width": 360, "height": 740}, color_scheme="dark")
    try:
        page = context.new_page()
        page.goto("/" + url)
        expect(page.locator("h1")).to_be_visible()
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 360, f"{url} scrolls sideways on a phone ({width}px)"
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background != "rgb(246, 247, 249)", "dark mode keeps the light background"
    finally:
        context.close()


def test_print_shows_the_page_not_the_site(docs_page: Page):
    page = docs_page
    page.goto("/failures/oomkilled/")
    page.emulate_media(media="print")
    expect(page.locator(".search").first).to_be_hidden()
    expect(page.locator(".toc")).to_be_hidden()
    expect(page.locator("#fix-it")).to_be_visible()
    expect(page.locator(".example .paste-view")).to_have_css("max-height", "none")
