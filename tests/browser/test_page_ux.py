"""The tool page as people use it: findings and paste lines lead to each other; several objects
open on a summary; the scheduler's node table; what to paste next; paste, keys, clear, files
(UTF-16 too), examples; dark mode, phone, print; install and the offline zip; no CSP violation
anywhere on the way."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import (BOOT_TIMEOUT_MS, DIST, ROOT, Tool, Watched, analyze_in_page as analyze, findings_in_order, read_paste,
                       wait_ready, watch_page)

pytestmark = pytest.mark.browser

FIX = ROOT / "tests" / "fixtures"
MULTI = FIX / "multi" / "describe-pods-seven-pods-six-image-auth-one-healthy.txt"
DEPLOYMENT = FIX / "multi" / "deployment-replicaset-and-two-pods-image-not-found.txt"
SCHEDULING = FIX / "rules" / "node-selector-affinity-mismatch" / "eks-1.25-didnt-match-pod-node-affinity-selector.txt"
UNKNOWN = FIX / "parse" / "k8s-1.9-describe-pod-terminating-expires.txt"

def watch(browser: Browser, base_url: str, **options) -> Watched:
    return watch_page(browser, base_url, **options)


@pytest.fixture()
def fresh(browser: Browser, base_url: str):
    """A page of its own, for what changes the page's state (theme, storage, layout)."""
    w = watch(browser, base_url)
    yield w
    assert w.violations() == [], "a Content-Security-Policy violation"
    assert w.errors == [], "an uncaught error"
    assert w.external == []
    w.context.close()


def lines_of(finding: dict) -> set[int]:
    return {e["line"] for e in finding["evidence"]}


def selected_lines(page: Page) -> set[int]:
    return {int(n) for n in page.locator("#results .paste li.sel").evaluate_all("rows => rows.map(r => r.dataset.line)")}


# ------------------------------------------------------------------ findings <-> lines


def test_a_finding_and_its_lines_lead_to_each_other(tool: Tool):
    report = tool.analyze(read_paste(MULTI))
    page = tool.page
    findings = findings_in_order(report)
    cards = page.locator("#results article.finding")
    expect(cards).to_have_count(len(findings))

    # Clicking a card marks its lines in the paste (and only its lines).
    cards.nth(0).locator(".finding-cause").click()
    expect(cards.nth(0)).to_have_class(re.compile(r"\bselected\b"))
    assert selected_lines(page) == lines_of(findings[0])
    # The same cause in the other pods is folded under the first card, in report order.
    fold = page.locator("#results details.same-cause")
    expect(fold).to_have_count(1)
    expect(fold.locator("summary")).to_contain_text("5 more pods with the same cause")
    fold.locator("summary").click()
    cards.nth(3).locator(".finding-title").click()
    assert selected_lines(page) == lines_of(findings[3])
    expect(cards.nth(0)).not_to_have_class(re.compile(r"\bselected\b"))
    first = min(lines_of(findings[3]))
    expect(page.locator(f"#results .paste #L{first}")).to_be_in_viewport()

    # Clicking a highlighted line lists the findings that cite it; picking one goes to its card.
    line = min(lines_of(findings[1]))
    page.locator(f"#results .paste #L{line} button.ln").click()
    pop = page.locator("#results .line-pop")
    expect(pop).to_contain_text(f"Line {line} is evidence for")
    users = [f for f in findings if line in lines_of(f)]
    expect(pop.locator(".line-pop-item")).to_have_count(len(users))
    pop.locator(".line-pop-item").first.click()
    expect(pop).to_have_count(0)
    expect(cards.nth(1)).to_have_class(re.compile(r"\bselected\b"))
    expect(cards.nth(1).locator(f'.evidence a.ln[href="#L{line}"]')).to_be_focused()
    assert "#" not in page.url


def test_several_objects_open_on_a_summary(tool: Tool):
    report = tool.analyze(read_paste(MULTI))
    page = tool.page
    overview = page.locator("#results .overview")
    expect(overview).to_be_visible()
    # The groups first, then one row per object in trouble; the healthy ones counted.
    expect(overview.locator(".groups li")).to_have_text([re.compile(re.escape(g["summary"]) + "$") for g in report["groups"]])
    troubled = [o for o in report["objects"] if o["verdict"] != "healthy"]
    healthy = [o for o in report["objects"] if o["verdict"] == "healthy"]
    rows = overview.locator("table.objects tbody tr")
    expect(rows).to_have_count(len(troubled))
    for row, obj in zip(rows.all(), troubled):
        cells = row.locator("th, td")
        expect(cells.nth(0)).to_have_text(re.compile(re.escape(f"{obj['kind']}/{obj['name']}")))
        expect(cells.nth(1)).to_have_text(obj["status"])
        expect(cells.nth(2)).to_have_text(obj["findings"][0]["class"])
    expect(overview.locator(".healthy-count")).to_contain_text(f"{len(healthy)} healthy object")
    expect(overview.locator(".healthy-count")).to_contain_text(healthy[0]["name"])
    # The overview comes before the details, and a row's object takes you to its card.
    order = page.locator("#results > *").evaluate_all("nodes => nodes.map(n => n.className)")
    assert order.index("overview") < next(i for i, c in enumerate(order) if "results-grid" in c)
    rows.nth(4).locator(".obj-link").click()
    card = page.locator("#results article.finding.selected")
    expect(card).to_have_count(1)
    expect(card.locator(".finding-where")).to_contain_text(troubled[4]["name"])
    expect(card).to_be_in_viewport()


def test_an_object_nothing_explains_says_what_to_paste_next(tool: Tool):
    report = tool.analyze(read_paste(DEPLOYMENT))
    page = tool.page
    deployment = next(o for o in report["objects"] if o["kind"] == "Deployment")
    assert deployment["verdict"] == "unknown" and not deployment["findings"]
    note = page.locator("#results .object-note")
    expect(note).to_contain_text(f"Deployment {deployment['namespace']}/{deployment['name']}")
    expect(note.locator(".cmd code")).to_have_text(deployment["next"])
    page.locator("#results .objects .obj-link", has_text="Deployment/").click()
    expect(note).to_be_focused()


def test_the_node_table_is_a_table(tool: Tool):
    report = tool.analyze(read_paste(SCHEDULING))
    finding = findings_in_order(report)[0]
    table = finding["details"]["table"]
    rows = tool.page.locator("#results article.finding").first.locator("table.nodes tbody tr")
    expect(rows).to_have_count(len(table))
    for row, expected in zip(rows.all(), table):
        count = "all" if expected["count"] is None else str(expected["count"])
        expect(row.locator("td")).to_have_text([count, expected["reason"], expected["class"] or "—"])
    expect(tool.page.locator("#results article.finding").first.locator("h4", has_text="Why the nodes were rejected")
           ).to_contain_text(str(finding["details"]["nodes_total"]))


def test_unknown_puts_the_next_commands_first(tool: Tool):
    report = tool.analyze(read_paste(UNKNOWN))
    assert report["verdict"] == "unknown" and report["next"]
    page = tool.page
    block = page.locator("#results .verdict .next-steps")
    expect(block.locator("h3")).to_have_text("Run this, then paste its output here")
    expect(block.locator(".cmd code")).to_have_text(report["next"])
    block.locator("button.copy").first.click()
    expect(block.locator("button.copy").first).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == report["next"][0]


# ------------------------------------------------------------------ getting a paste in


def test_clear_empties_the_box_and_the_results(tool: Tool, problem_paste: str):
    tool.analyze(problem_paste)
    page = tool.page
    page.click("#clear")
    expect(page.locator("#input")).to_have_value("")
    expect(page.locator("#input")).to_be_focused()
    expect(page.locator("#results")).to_be_hidden()
    expect(page.locator("#results")).not_to_have_attribute("data-report", re.compile("."))


def utf16_with_bom(text: str) -> bytes:
    return b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le")  # PowerShell's `>`


def test_a_dropped_file_is_read_and_analyzed_utf16_too(fresh: Watched, cli, problem_paste: str):
    page = fresh.page
    page.goto("/")
    wait_ready(page)
    for data in (utf16_with_bom(problem_paste), problem_paste.encode("utf-8"),
                 problem_paste.encode("utf-16-le"), b"\xef\xbb\xbf" + problem_paste.encode("utf-8")):
        transfer = page.evaluate_handle("""bytes => {
            const dt = new DataTransfer();
            dt.items.add(new File([new Uint8Array(bytes)], "describe.txt", {type: "text/plain"}));
            return dt;
        }""", list(data))
        page.dispatch_event("body", "dragenter", {"dataTransfer": transfer})
        expect(page.locator("body")).to_have_attribute("data-dragging", "")
        expect(page.locator(".drop-overlay")).to_be_visible()
        page.dispatch_event("#results", "drop", {"dataTransfer": transfer})
        expect(page.locator("body")).not_to_have_attribute("data-dragging", "")
        expect(page.locator("#input")).to_have_value(problem_paste)
        expect(page.locator("#results")).to_have_attribute("data-state", "done")
        assert json.loads(page.locator("#results").get_attribute("data-report")) == cli.report(problem_paste)
        page.click("#clear")


def test_open_a_file(tool: Tool, problem_paste: str):
    page = tool.page
    page.set_input_files("#file", files=[{"name": "describe.txt", "mimeType": "text/plain",
                                           "buffer": utf16_with_bom(problem_paste)}])
    expect(page.locator("#input")).to_have_value(problem_paste)
    expect(page.locator("#results")).to_have_attribute("data-state", "done")


def test_the_examples_menu_loads_an_example_through_try_it(fresh: Watched):
    page = fresh.page
    page.goto("/")
    options = page.locator("#examples option").evaluate_all("os => os.map(o => o.value)")
    classes = sorted(p.stem for p in (DIST / "examples").glob("*.txt"))
    assert sorted(options[1:]) == classes, "one example per class with a page"
    page.select_option("#examples", "oomkilled")
    expect(page).to_have_url(re.compile(r"/#example=oomkilled$"))
    expect(page.locator("#input")).to_have_value((DIST / "examples" / "oomkilled.txt").read_text())
    expect(page.locator('#results [data-finding-class="oomkilled"]').first).to_be_visible(timeout=BOOT_TIMEOUT_MS)
    # The same example again reloads it (the hash does not change).
    page.fill("#input", "edited")
    expect(page.locator("#examples")).to_have_value("")
    page.select_option("#examples", "oomkilled")
    expect(page.locator("#input")).to_have_value((DIST / "examples" / "oomkilled.txt").read_text())
    # A paste of one's own leaves the example's address behind (a reload would bring it back).
    page.fill("#input", "")
    page.focus("#input")
    page.evaluate("text => navigator.clipboard.writeText(text)", "Name: x\n")
    page.keyboard.press("Control+V")
    expect(page).not_to_have_url(re.compile("#"))


def test_unrecognized_input_points_at_the_examples(tool: Tool):
    tool.analyze("hello, this is not kubectl")
    page = tool.page
    expect(page.locator("#results .verdict-help")).to_contain_text("Try an example")
    page.locator("#results .verdict-help a").click()
    expect(page.locator("#examples")).to_be_focused()


# ------------------------------------------------------------------ looks: dark, phone, print


def background(page: Page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


LIGHT_BG, DARK_BG = "rgb(246, 247, 249)", "rgb(15, 18, 22)"


def test_dark_mode_follows_the_system_and_the_toggle_is_remembered(browser: Browser, base_url: str):
    w = watch(browser, base_url, color_scheme="dark")
    page = w.page
    try:
        page.goto("/")
        assert background(page) == DARK_BG
        toggle = page.locator(".theme-toggle")
        expect(toggle).to_have_text(re.compile("Auto"))
        toggle.click()  # auto -> light
        expect(toggle).to_have_text(re.compile("Light"))
        assert background(page) == LIGHT_BG
        page.goto("/failures/oomkilled/")  # remembered on every page, before the first paint
        expect(page.locator("html")).to_have_attribute("data-theme", "light")
        assert background(page) == LIGHT_BG
        page.locator(".theme-toggle").click()  # light -> dark
        assert background(page) == DARK_BG
        page.locator(".theme-toggle").click()  # dark -> auto: the system again
        expect(page.locator("html")).not_to_have_attribute("data-theme", re.compile("."))
        assert page.evaluate("localStorage.getItem('kubeclue-theme')") is None
        assert background(page) == DARK_BG
        assert w.violations() == []
    finally:
        w.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_results_fit_a_phone(browser: Browser, base_url: str, scheme: str):
    w = watch(browser, base_url, viewport={"width": 360, "height": 740}, color_scheme=scheme, has_touch=True)
    page = w.page
    try:
        page.goto("/")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
        wait_ready(page)
        for fixture in (MULTI, SCHEDULING):
            analyze(page, read_paste(fixture))
            width = page.evaluate("document.scrollingElement.scrollWidth")
            assert width <= 360, f"{fixture.name}: the page scrolls sideways on a phone ({width}px)"
        # Findings first, the paste below them; the objects table reads as one block per object.
        analyze(page, read_paste(MULTI))
        main_bottom, paste_top = page.evaluate("""() => [
            document.querySelector("#results .results-main").getBoundingClientRect().bottom,
            document.querySelector("#results .paste-view").getBoundingClientRect().top]""")
        assert paste_top >= main_bottom
        expect(page.locator("#results table.objects thead")).to_be_hidden()
        assert w.violations() == []
    finally:
        w.context.close()


def test_print_shows_the_diagnosis(tool: Tool):
    tool.analyze(read_paste(MULTI))
    page = tool.page
    page.emulate_media(media="print")
    try:
        for hidden in (".site-header", ".input-card", ".hero", "#failures", ".keep", ".verdict-actions",
                       "#results .paste-view", ".theme-toggle"):
            expect(page.locator(hidden).first).to_be_hidden()
        for shown in ("#results .verdict", "#results .overview", "#results article.finding >> nth=0",
                      "#results .evidence >> nth=0"):
            expect(page.locator(shown)).to_be_visible()
    finally:
        page.emulate_media(media="screen")


# ------------------------------------------------------------------ install, offline zip, CSP


def test_installable_manifest_and_icons(tool: Tool):
    page = tool.page
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    response = page.request.get(tool.base_url + "/" + href.removeprefix("./"))
    assert response.ok
    manifest = response.json()
    assert manifest["start_url"] == "./" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        got = page.request.get(tool.base_url + "/" + icon["src"])
        assert got.ok and got.headers["content-type"].startswith(icon["type"]), icon
        if icon["type"] == "image/png":
            width, height = int.from_bytes(got.body()[16:20], "big"), int.from_bytes(got.body()[20:24], "big")
            assert f"{width}x{height}" == icon["sizes"], icon
    assert page.request.get(tool.base_url + "/" + page.locator('link[rel="apple-touch-icon"]').get_attribute("href")
                            .removeprefix("./")).ok


def test_the_offline_zip_is_the_site_with_a_readme(tmp_path: Path, browser: Browser, cli, problem_paste: str):
    archive = DIST / "kubeclue-offline.zip"
    link = re.search(r'<a href="([^"]+)" download="kubeclue-offline.zip"', (DIST / "index.html").read_text())
    assert link and link.group(1) == "kubeclue-offline.zip"
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
        readme = z.read("kubeclue/README.txt").decode()
        z.extractall(tmp_path)
    assert readme.count("\n") == 2 and "python3 -m http.server" in readme
    assert "kubeclue/index.html" in names and "kubeclue/sw.js" in names
    assert not [n for n in names if n.endswith((".br", ".gz")) or n.endswith("kubeclue-offline.zip")]
    shipped = {p.relative_to(DIST).as_posix() for p in DIST.rglob("*") if p.is_file()}
    expected = {n for n in shipped if not n.endswith((".br", ".gz")) and n != "kubeclue-offline.zip"}
    assert {n.removeprefix("kubeclue/") for n in names} - {"README.txt"} == expected

    # The README's way: Python's own server in the unzipped folder, and the tool works.
    server = subprocess.Popen([sys.executable, "-m", "http.server", "0", "--bind", "127.0.0.1"],
                              cwd=tmp_path / "kubeclue", stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = re.search(r"port (\d+)", server.stdout.readline()).group(1)
        base = f"http://127.0.0.1:{port}"
        context = browser.new_context(base_url=base)
        try:
            page = context.new_page()
            page.goto("/")
            wait_ready(page)
            assert analyze(page, problem_paste) == cli.report(problem_paste)
        finally:
            context.close()
    finally:
        server.terminate()
        server.wait(5)


def test_no_csp_violation_on_the_whole_way(fresh: Watched, problem_paste: str):
    """Everything the page does, under the policy the server sends: boot, analyze, select, share,
    redact, a shared link, theme, docs pages. The fixture fails on any violation."""
    page = fresh.page
    page.goto("/")
    wait_ready(page)
    analyze(page, read_paste(MULTI))
    page.locator("#results article.finding").first.locator(".finding-cause").click()
    page.locator("#results .paste button.ln").first.click()
    page.click("#results [data-action=share]")
    expect(page.locator("dialog .size-note").last).to_contain_text("link:", timeout=30_000)
    link = page.locator("dialog .link-row input").input_value()
    page.keyboard.press("Escape")
    page.click("#results [data-action=redact]")
    expect(page.locator("dialog .counts")).to_be_visible(timeout=30_000)
    page.keyboard.press("Escape")
    page.locator(".theme-toggle").click()
    page.goto(link)
    expect(page.locator("#results")).to_have_attribute("data-shared", "diagnosis", timeout=30_000)
    page.goto("/failures/node-selector-affinity-mismatch/")
    expect(page.locator("table.nodes")).to_be_visible()
