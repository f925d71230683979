"""Any paste, any size: refused over the limit, cancellable while it runs, shown in part when
its report is huge, without freezing the tab; a worker that stops after the start is said and
can be restarted."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import clipboard_paste as paste, BOOT_TIMEOUT_MS, wait_ready

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from parse_bench import paste as many_pods  # noqa: E402

pytestmark = pytest.mark.browser

MAX_CARDS = 200  # app.js
MAX_PASTE_ROWS = 5000


@pytest.fixture
def page(browser: Browser, base_url: str):
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    page.goto("/")
    wait_ready(page)
    yield page
    context.close()


def put(page: Page, text: str) -> None:
    """The text in the box (fill() types megabytes too slowly), then Analyze."""
    page.evaluate("(text) => { document.getElementById('input').value = text; document.getElementById('analyze').click(); }",
                  text)


def test_a_paste_over_the_limit_is_refused_with_a_message(page: Page):
    paste(page, ("x" * 8191 + "\n") * (21 * 2**20 // 8192))
    results = page.locator("#results")
    expect(results).to_have_attribute("data-state", "error")
    expect(results).to_contain_text("kubeclue reads up to 20 MB")


def test_a_long_paste_is_held_not_put_in_the_box(page: Page, cli):
    text = many_pods(2 * 2**20)
    paste(page, text)
    box = page.locator("#input").input_value()
    assert len(box) < 64 * 1024 and text.startswith(box.split("\n[… and the rest")[0])
    results = page.locator("#results")
    expect(results).to_have_attribute("data-state", "done", timeout=BOOT_TIMEOUT_MS)
    report = json.loads(results.get_attribute("data-report"))
    assert report["input"]["lines"] == cli.report(text)["input"]["lines"]  # all of it, not the box
    page.click("#analyze")  # again: still the whole paste
    expect(results).to_have_attribute("data-state", "done", timeout=BOOT_TIMEOUT_MS)
    assert json.loads(results.get_attribute("data-report"))["input"] == report["input"]


def test_a_long_analysis_can_be_cancelled_and_the_page_stays_usable(page: Page):
    # Pasted, so the page holds it and the box shows its start: a 6 MB textarea alone would keep
    # the page busy laying it out for seconds, which is what this test once waited on.
    paste(page, many_pods(6 * 2**20))
    cancel = page.locator("#cancel")
    expect(cancel).to_be_visible(timeout=5_000)
    # The main thread answers while Python works in the worker.
    t0 = time.monotonic()
    page.evaluate("() => 1 + 1")
    assert time.monotonic() - t0 < 1.5
    cancel.click()
    expect(page.locator("#results")).to_have_attribute("data-state", "cancelled")
    wait_ready(page)  # a fresh worker
    put(page, many_pods(5 * 1024))
    expect(page.locator("#results")).to_have_attribute("data-state", "done", timeout=BOOT_TIMEOUT_MS)


def test_a_huge_report_is_shown_in_part(page: Page, cli):
    text = many_pods(2 * 2**20)  # about 2,700 pods, most of them failing
    paste(page, text)
    results = page.locator("#results")
    expect(results).to_have_attribute("data-state", "done", timeout=BOOT_TIMEOUT_MS)
    assert page.locator("[data-finding-class]").count() <= MAX_CARDS
    expect(results.locator(".more-note").first).to_be_visible()
    # The page got only the part of the report it shows (analyzer.api.page_view), yet it counts
    # what it does not show from the whole report.
    report = cli.report(text)
    objects = report["objects"]
    findings = sum(len(o["findings"]) for o in objects)
    expect(page.locator("#overview-title")).to_have_text(f"{len(objects)} objects in this paste")
    expect(results).to_contain_text(f"{findings - MAX_CARDS} more findings not shown")
    healthy = [o for o in objects if o["verdict"] == "healthy"]
    if len(healthy) > 6:
        expect(page.locator(".healthy-count")).to_contain_text(f"and {len(healthy) - 6} more")
    rows = page.locator(".paste li:not(.gap)").count()
    assert 0 < rows <= MAX_PASTE_ROWS + 4 < text.count("\n")
    # The root cause's evidence line is among them.
    first = page.locator("[data-finding-class]").first.locator(".evidence .ln").first
    expect(page.locator(f"#L{first.inner_text().strip()}")).to_have_count(1)


def test_the_tab_keeps_answering_while_a_huge_report_is_shown(page: Page):
    # A heartbeat every 10 ms on the page: its longest silence is the longest the tab froze,
    # from the paste to the whole report on the page. Putting a report of thousands of objects
    # on the page in one go froze it for half a second and more (the page now does it in
    # slices). Read with page.evaluate, not expect(): Playwright's own checks work on the page.
    # The clipboard's contents are handed to the page first: that is the test's work, not the page's.
    page.evaluate("""(text) => {
        window.__clip = new DataTransfer();
        window.__clip.setData('text/plain', text);
    }""", many_pods(2 * 2**20))
    page.evaluate("""() => {
        const beat = window.__beat = {gap: 0, last: performance.now()};
        setInterval(() => { const now = performance.now(); beat.gap = Math.max(beat.gap, now - beat.last); beat.last = now; }, 10);
        const box = document.getElementById('input');
        box.focus();
        box.dispatchEvent(new ClipboardEvent('paste', {clipboardData: window.__clip, bubbles: true, cancelable: true}));
    }""")
    deadline = time.monotonic() + BOOT_TIMEOUT_MS / 1000
    while (state := page.evaluate("() => document.getElementById('results').dataset.state")) != "done":
        assert state not in ("error", "cancelled") and time.monotonic() < deadline, state
        time.sleep(0.02)
    gap = page.evaluate("() => window.__beat.gap")
    assert gap < 300, f"the page froze for {gap:.0f} ms"
    assert page.locator("[data-finding-class]").count() > 0


def test_a_worker_that_stops_after_the_start_is_said_and_restarted(page: Page):
    (worker,) = page.workers
    worker.evaluate("() => { setTimeout(() => { throw new Error('boom'); }); }")
    expect(page.locator("body")).to_have_attribute("data-runtime", "error")
    expect(page.locator("#runtime-text")).to_contain_text("stopped")
    page.click("#retry")
    wait_ready(page)
    put(page, many_pods(5 * 1024))
    expect(page.locator("#results")).to_have_attribute("data-state", "done", timeout=BOOT_TIMEOUT_MS)
