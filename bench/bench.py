#!/usr/bin/env python3
"""`make bench`: how fast the tool starts and analyzes, in headless Chromium against dist/.

    python bench/bench.py [--runs 5] [--sizes 5K,1M,10M] [--skip-analysis]

A benchmark prints numbers; it is not a test. Every figure is the median (min-max) of the
runs. The reference, bare Pyodide (bench/bare/: the same runtime booted the plain way in a
module worker, then `1+1`), is measured in the same run, interleaved with the tool, so the
ratios hold on a noisy machine.

* cold: a new browser (empty profile: no HTTP cache, no service worker) for every run, left
  alone for a few seconds after its launch (SETTLE_MS) so that its own start-up is not counted;
* warm: one persistent profile per page; a first visit (not counted) fills the HTTP cache and,
  for the tool, installs the service worker; then every run is a new navigation.

Times are ms since navigation start. The paste (Ctrl+V) is made as soon as the page exists, so
"first diagnosis" is how long a person who pastes at once waits: until the diagnosis is
painted (app.js marks it after the frame that shows it). While it measures, the benchmark
only reads a few numbers from the page: Playwright's expect() and locators compute the page's
accessibility tree, or a preview of an element with its attributes (#results carries the
report, megabytes of it for a big paste), each time they look: hundreds of milliseconds of
work on the page's main thread that the page itself does not do. Also printed: analysis time
for pastes of many pods in CPython and in the page, the bytes a first visit downloads
(compressed, as served; counted by bench/server.py) and the renderer's peak memory.
Raw figures go to bench/results/bench.json.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from parse_bench import paste as many_pods  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

DIST = ROOT / "dist"
FIXTURE_DIR = ROOT / "tests" / "fixtures" / "rules" / "image-not-found"
TIMEOUT = 120_000
SIZES = {"5K": 5 * 1024, "1M": 2**20, "10M": 10 * 2**20}
# A browser that was just launched spends its first seconds on its own start-up: Chromium
# preloads the WebUI of its address bar's popup, ~0.8 s of CPU in a renderer of its own (a
# trace shows ~400 chrome://resources modules). A person's browser is already running when they
# open the page; a cold run lets the new browser (empty profile, empty caches) settle first.
SETTLE_MS = 3000


# ------------------------------------------------------------------ the site and its server


def site_tree(dist: Path, tmp: Path) -> Path:
    """A copy of dist/ (a build may rewrite dist/ meanwhile), plus the bare page at
    /bench-bare/ and its runtime at /bench-pyodide/: the site's runtime files, with the npm
    package's own stdlib and lock file."""
    tree = tmp / "site"
    shutil.copytree(dist, tree)
    shutil.copytree(ROOT / "bench" / "bare", tree / "bench-bare")
    (version,) = [p.name for p in (dist / "pyodide").iterdir() if p.is_dir()]
    runtime = tree / "bench-pyodide"
    shutil.copytree(tree / "pyodide" / version, runtime)
    npm = ROOT / "node_modules" / "pyodide"
    for name in ("python_stdlib.zip", "pyodide-lock.json"):
        if not (runtime / name).exists():
            shutil.copyfile(npm / name, runtime / name)
    return tree


class Server:
    def __init__(self, tree: Path, log: Path) -> None:
        self.log = log
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "server.py"), "--log", str(log), str(tree)],
                                     stdout=subprocess.PIPE, text=True)
        self.url = re.search(r"(http://127\.0\.0\.1:\d+)/", self.proc.stdout.readline()).group(1)

    def mark(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def responses(self, since: int) -> list[tuple[int, int, str, str]]:
        with self.log.open("rb") as f:
            f.seek(since)
            rows = f.read().decode().splitlines()
        return [(int(s), int(n), enc, path) for s, n, enc, path in (r.split("\t", 3) for r in rows)]

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(5)


# ------------------------------------------------------------------ measuring


def marks(page: Page) -> dict:
    return page.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const out = {interactive: nav ? nav.domContentLoadedEventEnd : null};
        for (const m of performance.getEntriesByType('mark')) out[m.name] = [m.startTime, m.detail];
        return out;
    }""")


def wait_for(page: Page, js: str) -> object:
    """Until the function `js` returns something true on the page; returns it. A cheap call
    every 10 ms (see above: not expect(), not a locator)."""
    deadline = time.monotonic() + TIMEOUT / 1000
    while not (value := page.evaluate(js)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the page did not get to {js}")
        time.sleep(0.01)
    return value


def visit_tool(page: Page, url: str, text: str) -> dict:
    origin = re.match(r"https?://[^/]+", url).group(0)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page.goto(url, wait_until="commit")
    # Pasted as a person does, with Ctrl+V, as soon as the box exists: the page analyzes a
    # paste at once (app.js, once it runs, analyzes what is already in the box). Not
    # page.fill(): it types the text in, line by line, and that costs the page's main thread
    # ~200 ms of layouts that a real paste does not.
    page.focus("#input")
    page.evaluate("(text) => navigator.clipboard.writeText(text)", text)
    page.keyboard.press("Control+V")
    # The mark comes after the frame that paints the diagnosis.
    wait_for(page, "() => performance.getEntriesByName('kubeclue:first-diagnosis').length")
    m = marks(page)
    ready, detail = m["kubeclue:ready"]
    pasted = page.evaluate("() => document.getElementById('input').value.length")
    if pasted != len(text):
        raise RuntimeError(f"the paste put {pasted} characters in the box, not {len(text)}")
    return {"interactive": m["interactive"], "ready": ready, "diagnosis": m["kubeclue:first-diagnosis"][0],
            **(detail or {})}


def visit_bare(page: Page, url: str) -> dict:
    page.goto(url, wait_until="commit")
    body = page.locator("body")
    wait_for(page, "() => ['ready', 'error'].includes(document.body.dataset.state)")
    if body.get_attribute("data-state") == "error":
        raise RuntimeError(f"bare Pyodide failed: {body.get_attribute('data-error')}")
    m = marks(page)
    return {"interactive": m["interactive"], "ready": m["bare:ready"][0]}


def renderer_peak_mb(after_pid_scan: set[int] | None = None) -> float:
    """The largest peak resident size (VmHWM) among Chromium renderers started by this process."""
    me = os.getpid()
    parents: dict[int, int] = {}
    renderers = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
            if b"--type=renderer" in Path(f"/proc/{entry}/cmdline").read_bytes():
                renderers.append(int(entry))
        except OSError:
            continue

    def mine(pid: int) -> bool:
        while pid > 1:
            if pid == me:
                return True
            pid = parents.get(pid, 0)
        return False

    peak = 0
    for pid in renderers:
        if mine(pid):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            m = re.search(r"VmHWM:\s+(\d+) kB", status)
            if m:
                peak = max(peak, int(m.group(1)))
    return peak / 1024


INSTALL_PROBE = """() => {
    const results = document.getElementById('results');
    const probe = window.__bench = {gap: 0, last: performance.now()};
    setInterval(() => { const now = performance.now(); probe.gap = Math.max(probe.gap, now - probe.last); probe.last = now; }, 10);
    new MutationObserver(() => {
        if (results.dataset.state === 'done' && probe.t0 !== undefined && probe.t1 === undefined) {
            requestAnimationFrame(() => setTimeout(() => { probe.t1 = performance.now(); }));
        }
    }).observe(results, {attributes: true, attributeFilter: ['data-state']});
}"""


def analyze_in_page(page: Page, text: str) -> dict:
    """Put `text` in the box, press Analyze; the worker's Python time and click -> painted."""
    page.evaluate("""(text) => {
        const probe = window.__bench;
        probe.t0 = undefined; probe.t1 = undefined; probe.gap = 0; probe.last = performance.now();
        document.getElementById('results').dataset.state = 'bench';
        document.getElementById('input').value = '';
        window.__benchData = new DataTransfer();
        window.__benchData.setData('text/plain', text);
    }""", text)
    # Pasted, as a person does: the page analyzes a paste at once (a small one goes in the box,
    # and then Analyze runs it).
    page.evaluate("""() => {
        const box = document.getElementById('input');
        const text = window.__benchData.getData('text/plain');
        window.__bench.t0 = performance.now();
        const taken = box.dispatchEvent(new ClipboardEvent('paste', {clipboardData: window.__benchData, bubbles: true, cancelable: true}));
        if (taken) { box.value = text; document.getElementById('analyze').click(); }
    }""")
    probe = wait_for(page, "() => window.__bench.t1 !== undefined && window.__bench")
    stats = page.evaluate("() => document.querySelector('#results .verdict-stats').textContent")
    m = re.search(r"analyzed in (<?)(\d+) ms", stats)
    return {"python": (0.5 if m.group(1) else float(m.group(2))) if m else None,
            "page": probe["t1"] - probe["t0"], "gap": probe["gap"]}


def analyze_in_cpython(text: str, runs: int) -> list[float]:
    from analyzer.api import analyze_json

    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        analyze_json(text)
        times.append((time.perf_counter() - t0) * 1000)
    return times


# ------------------------------------------------------------------ reporting


def med(values: list[float]) -> float:
    return statistics.median(values)


def cell(values: list[float], unit: str = "") -> str:
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0]:.0f}{unit}"
    return f"{med(values):.0f}{unit} ({min(values):.0f}-{max(values):.0f})"


def category(path: str) -> str:
    if path.startswith(("/pyodide/", "/bench-pyodide/")):
        return "runtime"
    if re.match(r"/assets/analyzer\.", path):
        return "analyzer"
    if path in ("/", "/index.html", "/sw.js", "/favicon.svg") or re.match(r"/assets/.*\.(css|js)$", path):
        return "ours"
    return "docs"  # the other pages and their data, precached for offline reading


def byte_table(rows: list[tuple[int, int, str, str]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for status, n, _, path in rows:
        out[category(path)] = out.get(category(path), 0) + n
    return out


def kb(n: int) -> str:
    return f"{n / 1024:,.0f} KB" if n < 10 * 2**20 else f"{n / 2**20:,.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="5K,1M,10M", help="paste sizes to analyze (5K,1M,10M)")
    parser.add_argument("--skip-analysis", action="store_true", help="only the start-up figures")
    parser.add_argument("--dist", type=Path, default=DIST, help="the built site (default: dist/)")
    args = parser.parse_args()
    if not (args.dist / "index.html").is_file():
        sys.exit("dist/ is not built: run `make build`")
    fixture = sorted(p for p in FIXTURE_DIR.glob("*.txt") if not p.name.startswith("nearmiss-"))[0]
    text = fixture.read_text(encoding="utf-8")
    launch = {"args": CHROMIUM_ARGS, **({"executable_path": CHROMIUM} if CHROMIUM else {})}
    sizes = [] if args.skip_analysis else [s for s in args.sizes.split(",") if s]
    pastes = {s: many_pods(SIZES[s]) for s in sizes}

    results: dict = {"fixture": fixture.name, "runs": args.runs, "tool": {"cold": [], "warm": []},
                     "bare": {"cold": [], "warm": []}, "analysis": {}}
    with tempfile.TemporaryDirectory() as tmp:
        tree = site_tree(args.dist, Path(tmp))
        server = Server(tree, Path(tmp) / "requests.log")
        tool_url, bare_url = server.url + "/", f"{server.url}/bench-bare/?../bench-pyodide/"
        try:
            with sync_playwright() as p:
                # Cold: a fresh browser per run, the tool and the bare page in turn.
                for i in range(args.runs):
                    for kind in ("bare", "tool"):
                        profile = tempfile.TemporaryDirectory()
                        browser = p.chromium.launch_persistent_context(profile.name, **launch)
                        page = browser.new_page()
                        page.wait_for_timeout(SETTLE_MS)
                        since = server.mark()
                        r = visit_tool(page, tool_url, text) if kind == "tool" else visit_bare(page, bare_url)
                        if kind == "tool":
                            r["peak_mb"] = renderer_peak_mb()
                            r["bytes_page"] = byte_table(server.responses(since))
                            if i == 0:  # what the service worker adds, for offline use
                                expect(page.locator("body")).to_have_attribute("data-offline", "ready", timeout=TIMEOUT)
                                page.wait_for_timeout(500)
                                r["bytes_total"] = byte_table(server.responses(since))
                                r["requests"] = server.responses(since)
                        results[kind]["cold"].append(r)
                        browser.close()
                        profile.cleanup()
                # Warm: one persistent profile per page; runs interleaved.
                with tempfile.TemporaryDirectory() as p1, tempfile.TemporaryDirectory() as p2:
                    contexts = {"tool": p.chromium.launch_persistent_context(p1, **launch),
                                "bare": p.chromium.launch_persistent_context(p2, **launch)}
                    pages = {k: c.new_page() for k, c in contexts.items()}
                    visit_tool(pages["tool"], tool_url, text)
                    expect(pages["tool"].locator("body")).to_have_attribute("data-offline", "ready", timeout=TIMEOUT)
                    visit_bare(pages["bare"], bare_url)
                    pages["tool"].wait_for_timeout(1000)  # let the precache settle
                    for _ in range(args.runs):
                        results["bare"]["warm"].append(visit_bare(pages["bare"], bare_url))
                        since = server.mark()
                        r = visit_tool(pages["tool"], tool_url, text)
                        r["requests"] = server.responses(since)
                        r["bytes_page"] = byte_table(r["requests"])
                        results["tool"]["warm"].append(r)
                    for c in contexts.values():
                        c.close()
                # Analysis in the page: a fresh browser, so its peak memory is boot plus these.
                if sizes:
                    browser = p.chromium.launch(**launch)
                    page = browser.new_page()
                    page.goto(tool_url)
                    expect(page.locator("body")).to_have_attribute("data-runtime", "ready", timeout=TIMEOUT)
                    # The steady state: not while the service worker downloads the site for offline use.
                    expect(page.locator("body")).to_have_attribute("data-offline", "ready", timeout=TIMEOUT)
                    page.wait_for_timeout(1000)
                    page.evaluate(INSTALL_PROBE)
                    for s in sizes:
                        n = max(args.runs, 10) if s == "5K" else 3
                        results["analysis"][s] = {"bytes": len(pastes[s].encode()),
                                                  "page": [analyze_in_page(page, pastes[s]) for _ in range(n)]}
                    results["analysis_peak_mb"] = renderer_peak_mb()
                    browser.close()
        finally:
            server.close()
    for s in sizes:
        n = 9 if s == "5K" else 3
        analyze_in_cpython(text, 1)  # imports and regex compilation out of the way
        results["analysis"][s]["cpython"] = analyze_in_cpython(pastes[s], n)

    report(results)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(results, indent=1))


def report(results: dict) -> None:
    tool, bare = results["tool"], results["bare"]
    runs = results["runs"]
    print(f"\nkubeclue start-up, ms since navigation, median (min-max) of {runs}; paste: {results['fixture']}")
    head = ("page interactive", "Python ready", "first diagnosis", "bare Pyodide 1+1", "diagnosis/bare")
    print(f"{'':6}" + "".join(f" {h:>22}" for h in head))
    for kind in ("cold", "warm"):
        t, b = tool[kind], bare[kind]
        ratio = [r["diagnosis"] / q["ready"] for r, q in zip(t, b)]
        print(f"{kind:6}" + "".join(f" {c:>22}" for c in (
            cell([r["interactive"] for r in t]), cell([r["ready"] for r in t]), cell([r["diagnosis"] for r in t]),
            cell([r["ready"] for r in b]),
            f"{med(ratio):.2f} ({min(ratio):.2f}-{max(ratio):.2f})")))
    if "bootAt" in tool["cold"][0]:
        print("  the worker took the boot message at, ms since navigation: " + "; ".join(
            f"{kind} {cell([r.get('bootAt') for r in tool[kind]])}" for kind in ("cold", "warm")))
    stages = [k for k in ("runtimeMs", "analyzerMs") if k in tool["cold"][0]]
    if stages:
        print("  worker stages (ms from boot message): " + "; ".join(
            f"{kind} " + ", ".join(f"{k.removesuffix('Ms')} {cell([r.get(k) for r in tool[kind]])}" for k in stages)
            for kind in ("cold", "warm")))

    names = [k for k in ("loader", "wasm", "stdlib-bytes", "stdlib", "snapshot-bytes", "snapshot", "checked", "instantiated", "start")
             if k in (tool["cold"][0].get("stages") or {})]
    if names:
        print("  worker: ready at, ms from the boot message: " + "; ".join(
            f"{kind} " + ", ".join(f"{k} {cell([(r.get('stages') or {}).get(k) for r in tool[kind]])}" for k in names)
            for kind in ("cold", "warm")))

    if results["analysis"]:
        print("\nanalysis of pastes of many pods, ms: median (min-max)")
        print(f"{'paste':>10} {'CPython':>18} {'page: Python':>18} {'page: to painted':>18} {'page ms/MB':>11}"
              f" {'max main-thread stall':>22}")
        for s, a in results["analysis"].items():
            mb = a["bytes"] / 2**20
            py = [r["python"] for r in a["page"]]
            per_mb = f"{med([r['page'] for r in a['page']]) / mb:.0f}" if mb >= 1 else "-"
            print(f"{s + ' ' + format(a['bytes'] / 1024, ',.0f') + 'K':>10} {cell(a['cpython']):>18} {cell(py):>18}"
                  f" {cell([r['page'] for r in a['page']]):>18} {per_mb:>11}"
                  f" {cell([r['gap'] for r in a['page']]):>22}")

    first = tool["cold"][0]
    print("\nbytes on a first visit, as served (compressed)")
    cats = ("ours", "analyzer", "runtime", "docs")
    names = {"ours": "our HTML/CSS/JS", "analyzer": "analyzer bundle", "runtime": "Pyodide runtime",
             "docs": "docs pages, data"}
    print(f"{'':34}" + "".join(f" {names[c]:>18}" for c in cats) + f" {'total':>10}")
    for label, table in (("page, to the first diagnosis", first["bytes_page"]),
                         ("with the offline precache", first.get("bytes_total", {}))):
        print(f"{label:34}" + "".join(f" {kb(table.get(c, 0)):>18}" for c in cats) + f" {kb(sum(table.values())):>10}")
    warm = tool["warm"][0]["bytes_page"]
    print(f"{'warm visit':34}" + "".join(f" {kb(warm.get(c, 0)):>18}" for c in cats) + f" {kb(sum(warm.values())):>10}")
    print("\npeak memory (renderer VmHWM): after a cold first diagnosis "
          f"{cell([r['peak_mb'] for r in tool['cold']], ' MB')}"
          + (f"; after the analyses above {results['analysis_peak_mb']:.0f} MB" if "analysis_peak_mb" in results else ""))


if __name__ == "__main__":
    main()
