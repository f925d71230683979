"""The tool page in Chromium: the same report as CPython, shown safely, copied, kept local."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import DIST, FIXTURES, ROOT, Tool, csp_violations, findings_in_order, read_paste

pytestmark = pytest.mark.browser


# One round trip for everything the parity test reads from the page.
READ_RESULTS = """results => ({
    verdict: results.dataset.verdict,
    classes: [...results.querySelectorAll("[data-finding-class]")].map(e => e.dataset.findingClass),
    highlighted: [...results.querySelectorAll(".paste li.ev")].map(e => Number(e.dataset.line)),
    pasted: document.getElementById("input").value,
})"""


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.relative_to(ROOT / "tests" / "fixtures").as_posix())
def test_page_reports_what_the_cli_reports(tool: Tool, cli, fixture: Path):
    report = tool.analyze(read_paste(fixture))
    shown = tool.page.locator("#results").evaluate(READ_RESULTS)
    # The CLI reads the text exactly as the textarea holds it (a textarea turns CR LF into LF).
    assert report == cli.report(shown["pasted"])

    findings = findings_in_order(report)
    assert shown["verdict"] == report["verdict"]
    assert shown["classes"] == [f["class"] for f in findings]
    assert set(shown["highlighted"]) == {e["line"] for f in findings for e in f["evidence"]}


def test_evidence_is_highlighted_and_linked(tool: Tool, problem_paste: str):
    report = tool.analyze(problem_paste)
    primary = findings_in_order(report)[0]
    page = tool.page
    card = page.locator("#results [data-finding-class]").first
    expect(card.locator(".finding-cause")).to_have_text(primary["cause"].replace("`", ""))
    for e in primary["evidence"]:
        row = page.locator(f"#results .paste #L{e['line']}")
        expect(row).to_have_class("ev")
        expect(row.locator(".lt")).to_have_text(e["text"].rstrip("\r"))
    # Clicking an evidence line number scrolls the paste to that line and leaves the URL alone.
    first = primary["evidence"][0]["line"]
    card.locator(".evidence a.ln").first.click()
    expect(page.locator(f"#results .paste #L{first}")).to_be_in_viewport()
    assert "#" not in page.url


def test_copy_button_puts_the_command_on_the_clipboard(tool: Tool, problem_paste: str):
    report = tool.analyze(problem_paste)
    command = findings_in_order(report)[0]["commands"][0]
    page = tool.page
    button = page.locator("#results [data-finding-class]").first.locator(".commands button.copy").first
    button.click()
    expect(button).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == command


def test_ctrl_enter_analyzes(tool: Tool, problem_paste: str):
    page = tool.page
    page.fill("#input", problem_paste)
    page.press("#input", "Control+Enter")
    expect(page.locator("#results")).to_have_attribute("data-state", "done")


def test_a_paste_is_analyzed_at_once(tool: Tool, problem_paste: str):
    page = tool.page
    page.fill("#input", "")
    text = problem_paste
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    page.focus("#input")
    page.keyboard.press("Control+V")
    expect(page.locator("#results")).to_have_attribute("data-state", "done")
    expect(page.locator("#results")).to_have_attribute("data-verdict", "problem")


CANARY = "zz-canary-7f3a91"


def test_nothing_leaves_the_page(tool: Tool, problem_paste: str):
    text = problem_paste.replace("Namespace:", f"Labels-{CANARY}: x\nNamespace:", 1)
    # Once the service worker is installed, its precache downloads are over.
    expect(tool.page.locator("body")).to_have_attribute("data-offline", "ready", timeout=60_000)
    before = len(tool.requests)
    tool.analyze(text)
    tool.page.wait_for_timeout(300)  # room for anything the paste might trigger
    assert tool.external == [], "requests for other hosts"
    for request in tool.requests:
        assert request["url"].startswith(tool.base_url + "/"), request["url"]
        assert CANARY not in request["url"]
        assert CANARY.encode() not in (request["body"] or b"")
    # Analyzing needs no request at all: the worker already holds the analyzer.
    assert [r["url"] for r in tool.requests[before:]] == []
    assert csp_violations(tool.console) == []


HOSTILE = """Name:         evil-pod
Namespace:    default
Status:       Pending
Containers:
  app:
    Image:          <img src=x onerror=alert(1)>
    State:          Waiting
      Reason:       ErrImagePull
Events:
  Type     Reason  Age  From     Message
  ----     ------  ---  ----     -------
  Warning  Failed  5s   kubelet  Failed to pull image "<img src=x onerror=alert(1)>": <script>alert(2)</script> not found
"""


def test_pasted_markup_is_shown_as_text(tool: Tool):
    page = tool.page
    tool.analyze(HOSTILE)
    results = page.locator("#results")
    expect(results.locator(".paste")).to_contain_text("<script>alert(2)</script>")
    expect(results.locator(".paste")).to_contain_text("<img src=x onerror=alert(1)>")
    assert results.locator("img").count() == 0
    assert results.locator("script").count() == 0
    # The page's own module scripts (app.js, search.js, tryit.js), nothing added.
    assert page.locator("script").count() == (DIST / "index.html").read_text().count("<script ")
    page.wait_for_timeout(200)
    assert tool.dialogs == []


def test_docs_example_card_is_the_tools_card(tool: Tool):
    """A class page shows its example exactly as the tool shows it (build.py renders it with
    site/templates/_macros.html, the tool with app.js: the two must not drift apart)."""
    pages = sorted((DIST / "failures").glob("*/index.html"))
    with_example = [p for p in pages if 'id="what-it-looks-like"' in p.read_text() and 'class="finding ' in p.read_text()]
    if not with_example:
        pytest.skip("no docs page with an example yet")
    docs = tool.context.new_page()
    try:
        for path in with_example:
            docs.bring_to_front()
            docs.goto("/" + path.relative_to(DIST).parent.as_posix() + "/")
            fixture = docs.locator("#what-it-looks-like p code").first.inner_text()
            card = docs.locator("#what-it-looks-like article.finding")
            cls = card.get_attribute("data-finding-class")
            finding_id = card.get_attribute("data-finding-id")

            tool.page.bring_to_front()  # a background tab is throttled
            tool.analyze(read_paste(ROOT / fixture))
            shown = tool.page.locator(
                f'#results article.finding[data-finding-class="{cls}"][data-finding-id="{finding_id}"]').first
            assert normalized_card(shown) == normalized_card(card), cls
    finally:
        docs.close()


def normalized_card(card) -> str:
    # Jinja and the DOM differ only in whitespace between tags and in the docs link's depth.
    html = card.evaluate("node => node.outerHTML")
    html = re.sub(r">\s+<", "><", html)
    return re.sub(r'href="(?:\./|(?:\.\./)*)(failures/[^"]*)"', r'href="\1"', html)


def test_any_unicode_in_the_paste_comes_back_exactly(tool: Tool, cli):
    """The paste goes to Python and the report comes back as UTF-8 bytes (worker.js): accents,
    arrows, CJK and characters outside the BMP (emoji: two UTF-16 units in JavaScript) must reach
    the report and the highlighted evidence unchanged."""
    odd = "Ünïcødé → 日本語 🚀 ok"
    paste = HOSTILE.replace("not found", f"not found ({odd})")
    report = tool.analyze(paste)
    assert report == cli.report(paste)
    evidence = [e["text"] for f in findings_in_order(report) for e in f["evidence"]]
    assert any(odd in text for text in evidence), evidence
    expect(tool.page.locator("#results .paste li.ev").filter(has_text=odd)).to_have_count(1)
