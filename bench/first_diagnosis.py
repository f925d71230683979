#!/usr/bin/env python3
"""Time from navigation to the first diagnosis, in headless Chromium against dist/.

    python bench/first_diagnosis.py [--runs 5] [--fixture PATH]

cold: a new browser (empty HTTP cache, no service worker) for every run.
warm: one persistent profile; a first visit installs the service worker, then each run reloads.
The paste is made as soon as the page exists, so the figures are how long a person who
pastes at once waits. Prints a table of medians (min-max) and writes bench/results/*.json.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or (
    "/usr/lib/chromium/chromium" if os.path.exists("/usr/lib/chromium/chromium") else None)
DEFAULT_FIXTURE = ROOT / "tests" / "fixtures" / "rules" / "image-not-found"


def start_server():
    proc = subprocess.Popen([sys.executable, str(ROOT / "site" / "serve.py"), "--port", "0", "--quiet", str(DIST)],
                            stdout=subprocess.PIPE, text=True)
    port = re.search(r":(\d+)/", proc.stdout.readline()).group(1)
    return proc, f"http://127.0.0.1:{port}"


def visit(page, url: str, text: str) -> dict:
    page.goto(url, wait_until="commit")
    page.fill("#input", text)  # before app.js runs: it analyzes what is already in the box
    page.click("#analyze")  # after: the button does
    expect(page.locator("#results")).to_have_attribute("data-state", "done", timeout=120_000)
    marks = page.evaluate(
        "() => Object.fromEntries(performance.getEntriesByType('mark').map(m => [m.name, [m.startTime, m.detail]]))")
    ready, detail = marks["kubeclue:ready"]
    return {"ready": ready, "diagnosis": marks["kubeclue:first-diagnosis"][0], **detail}


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):6.0f} ({min(values):.0f}-{max(values):.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fixture", type=Path)
    args = parser.parse_args()
    fixture = args.fixture or sorted(p for p in DEFAULT_FIXTURE.glob("*.txt") if not p.name.startswith("nearmiss-"))[0]
    text = fixture.read_text(encoding="utf-8")
    launch = {"executable_path": CHROMIUM} if CHROMIUM else {}

    proc, base = start_server()
    results: dict[str, list[dict]] = {"cold": [], "warm": []}
    try:
        with sync_playwright() as p:
            for _ in range(args.runs):
                browser = p.chromium.launch(**launch)
                page = browser.new_page()
                results["cold"].append(visit(page, base + "/", text))
                browser.close()
            with tempfile.TemporaryDirectory() as profile:
                context = p.chromium.launch_persistent_context(profile, **launch)
                page = context.new_page()
                visit(page, base + "/", text)
                expect(page.locator("body")).to_have_attribute("data-offline", "ready", timeout=120_000)
                for _ in range(args.runs):
                    results["warm"].append(visit(page, base + "/", text))
                context.close()
    finally:
        proc.terminate()
        proc.wait(5)

    size = sum(f.stat().st_size for f in DIST.rglob("*") if f.is_file())
    print(f"kubeclue first diagnosis, ms since navigation, median (min-max) of {args.runs}; paste: {fixture.name}")
    columns = (("runtimeMs", "of which Pyodide"), ("analyzerMs", "of which analyzer"),
               ("ready", "Python ready"), ("diagnosis", "first diagnosis"))
    print(f"{'':6}" + "".join(f" {title:>20}" for _, title in columns))
    for kind, runs in results.items():
        print(f"{kind:6}" + "".join(f" {summary([r[key] for r in runs]):>20}" for key, _ in columns))
    print(f"dist/: {size / 1e6:.1f} MB")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "first_diagnosis.json").write_text(json.dumps({"fixture": fixture.name, "dist_bytes": size, **results}, indent=2))


if __name__ == "__main__":
    main()
