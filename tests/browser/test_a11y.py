"""Accessibility: axe-core (npm, a dev dependency: tests only, never shipped) finds nothing on
the tool page, its results (one object, many objects, a share dialog), and a docs page, in light
and dark; and the whole flow works with the keyboard alone, with a visible focus."""
from __future__ import annotations


import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import analyze_in_page as analyze, BOOT_TIMEOUT_MS, ROOT, csp_violations, guard_network, read_paste, wait_ready

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
MULTI = ROOT / "tests" / "fixtures" / "multi" / "describe-pods-seven-pods-six-image-auth-one-healthy.txt"
SCHEDULING = ROOT / "tests" / "fixtures" / "rules" / "node-selector-affinity-mismatch" / "eks-1.25-didnt-match-pod-node-affinity-selector.txt"
# WCAG 2.x A and AA, and axe's best practices (landmarks, headings, regions).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core in the page. It is evaluated over DevTools, so the page's CSP (which
    forbids inline and foreign scripts) needs no exception and nothing is served to users."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS)
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5], "summary": v["nodes"][0].get("failureSummary", "")[:300]}
        for v in result["violations"]
    ]


@pytest.fixture(params=["light", "dark"])
def a11y_page(request, browser: Browser, base_url: str):
    if not AXE.is_file():
        pytest.fail("node_modules/axe-core is missing: run `make setup` (npm ci)")
    context = browser.new_context(base_url=base_url, color_scheme=request.param,
                                  permissions=["clipboard-read", "clipboard-write"])
    external: list[str] = []
    guard_network(context, base_url, external)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    yield page
    assert csp_violations(console) == []
    assert external == []
    context.close()


def test_home_page_has_no_violations(a11y_page: Page):
    page = a11y_page
    page.goto("/")
    wait_ready(page)
    assert axe_violations(page) == []


def test_results_have_no_violations(a11y_page: Page):
    page = a11y_page
    page.goto("/")
    wait_ready(page)
    analyze(page, read_paste(SCHEDULING))
    assert axe_violations(page) == [], "one object, with a node table"
    analyze(page, read_paste(MULTI))
    page.locator(".same-cause summary").first.click()  # the folded cards too
    page.locator(".paste button.ln").first.click()  # and a line's findings
    expect(page.locator(".line-pop")).to_be_visible()
    assert axe_violations(page) == [], "several objects"


def test_dialogs_have_no_violations(a11y_page: Page):
    page = a11y_page
    page.goto("/")
    wait_ready(page)
    analyze(page, read_paste(MULTI))
    page.click("[data-action=share]")
    expect(page.locator("dialog .size-note").last).to_contain_text("link:", timeout=30_000)
    assert axe_violations(page) == [], "the share dialog"
    page.keyboard.press("Escape")
    page.click("[data-action=redact]")
    expect(page.locator("dialog .counts")).to_be_visible(timeout=30_000)
    assert axe_violations(page) == [], "the redaction dialog"


@pytest.mark.parametrize("url", ["failures/oomkilled/", "failures/node-selector-affinity-mismatch/", "privacy/"])
def test_docs_page_has_no_violations(a11y_page: Page, url: str):
    page = a11y_page
    page.goto("/" + url)
    expect(page.locator("h1")).to_be_visible()
    assert axe_violations(page) == []


# ------------------------------------------------------------------ the keyboard alone


def focused(page: Page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className, text: (el.textContent || "").trim().slice(0, 60),
                action: el.dataset.action || null, outline: style.outlineStyle, outlineWidth: style.outlineWidth,
                shadow: style.boxShadow};
    }""")


def tab_to(page: Page, match, limit: int = 80) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        f = focused(page)
        if match(f):
            return f
    pytest.fail("Tab never reached the element")


def visibly_focused(f: dict) -> bool:
    return (f["outline"] not in ("none", "") and f["outlineWidth"] != "0px") or f["shadow"] not in ("none", "")


def test_the_whole_flow_works_with_the_keyboard(browser: Browser, base_url: str):
    context = browser.new_context(base_url=base_url, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto("/")
        wait_ready(page)
        # The skip link comes first, then the site's header, then the paste box.
        f = tab_to(page, lambda f: True)
        assert f["cls"] == "skip"
        f = tab_to(page, lambda f: f["id"] == "input")
        assert visibly_focused(f)
        page.keyboard.insert_text(read_paste(MULTI))
        page.keyboard.press("Control+Enter")
        expect(page.locator("#results")).to_have_attribute("data-state", "done", timeout=30_000)
        expect(page.locator("#announce")).to_contain_text("Diagnosis")

        # Tab order after the box: Analyze, Clear, Open a file, the examples, then the results.
        order = []
        for _ in range(5):
            page.keyboard.press("Tab")
            f = focused(page)
            order.append(f["id"] or f["action"])
            assert visibly_focused(f), f
        assert order == ["analyze", "clear", "file", "examples", "share"]

        # Share opens a dialog; Escape closes it and gives the focus back.
        page.keyboard.press("Enter")
        expect(page.locator("dialog[open]")).to_be_visible()
        expect(page.locator("dialog .size-note").last).to_contain_text("link:", timeout=30_000)
        page.keyboard.press("Escape")
        expect(page.locator("dialog")).to_have_count(0)
        assert focused(page)["action"] == "share"

        # The objects table: a row's object takes the focus to its finding.
        f = tab_to(page, lambda f: "obj-link" in f["cls"])
        assert visibly_focused(f)
        page.keyboard.press("Enter")
        assert focused(page)["cls"] in ("ln", "copy") or focused(page)["tag"] in ("a", "button")

        # The paste's evidence lines are one tab stop; arrows move between them; Enter lists the
        # findings that use the line; Escape comes back.
        f = tab_to(page, lambda f: f["tag"] == "button" and f["cls"] == "ln", limit=200)
        assert visibly_focused(f)
        first = f["text"]
        page.keyboard.press("ArrowDown")
        assert focused(page)["text"] != first
        page.keyboard.press("Enter")
        expect(page.locator(".line-pop")).to_be_visible()
        assert focused(page)["cls"] == "line-pop-item"
        page.keyboard.press("Escape")
        expect(page.locator(".line-pop")).to_have_count(0)
        assert focused(page)["cls"] == "ln"
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")  # the finding: focus lands in its card, on this line's link
        f = focused(page)
        assert f["tag"] == "a" and f["cls"] == "ln"
        expect(page.locator("#results article.finding.selected")).to_have_count(1)
    finally:
        context.close()


def test_status_changes_are_announced(browser: Browser, base_url: str):
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    try:
        page.goto("/")
        expect(page.locator("#runtime")).to_have_attribute("role", "status")
        expect(page.locator("#announce")).to_have_attribute("aria-live", "polite")
        wait_ready(page)
        analyze(page, "this is not kubectl output")
        expect(page.locator("#announce")).to_contain_text("Not recognized", timeout=BOOT_TIMEOUT_MS)
    finally:
        context.close()
