"""analyzer.api, the worker's boundary: what the page gets for a paste of many objects."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from analyzer.api import analyze_for_page, analyze_json

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from parse_bench import paste as many_pods  # noqa: E402

CARDS, ROWS = 20, 15


def _split(both: str) -> tuple:
    view, _, report = both.partition("\n")
    return json.loads(view), report


def test_a_short_report_comes_whole_and_without_a_view():
    text = many_pods(5 * 1024)
    view, report = _split(analyze_for_page(text, 10**9, CARDS, ROWS))
    assert view is None
    assert report == analyze_json(text)


def test_a_long_report_comes_with_the_part_the_page_shows():
    text = many_pods(300 * 1024)
    view, report = _split(analyze_for_page(text, 1024, CARDS, ROWS))
    assert report == analyze_json(text)
    whole = json.loads(report)
    objects, shown = whole["objects"], view["objects"]
    # Every object is there, in order, with what the page counts (kind, names, verdict, findings' classes)...
    assert [(o["kind"], o["namespace"], o["name"], o["verdict"]) for o in shown] == \
        [(o["kind"], o["namespace"], o["name"], o["verdict"]) for o in objects]
    assert [[(f["id"], f["class"], f["severity"]) for f in o["findings"]] for o in shown] == \
        [[(f["id"], f["class"], f["severity"]) for f in o["findings"]] for o in objects]
    assert {k: v for k, v in view.items() if k != "objects"} == {k: v for k, v in whole.items() if k != "objects"}
    # ...in full only those the page can show, and the root cause's object among them.
    full = [o for o in shown if "lines" in o]
    assert full and len(full) < len(objects) / 3
    assert all(o == objects[i] for i, o in enumerate(shown) if "lines" in o)
    primary = whole["primary"]
    holder = next(o for o in shown if any(f["id"] == primary["id"] for f in o["findings"]))
    assert "lines" in holder
    # The first CARDS findings are all in full objects.
    seen = 0
    for o in shown:
        if seen >= CARDS:
            break
        assert "lines" in o or not o["findings"]
        seen += len(o["findings"])
    assert len(view["objects"]) == len(objects) > CARDS + ROWS
