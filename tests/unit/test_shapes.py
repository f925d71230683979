"""The shapes people really paste: terminal wraps, prompts, chat and Markdown quoting, CRLF/UTF-16, line numbers,
timestamps, cut pastes, several commands, YAML/JSON, events tables, consoles. Every paste in tests/fixtures/shapes/
must give the verdict, primary class and primary object its SOURCES.md row states, plus the row's extra checks."""
from __future__ import annotations

import re

import pytest

from analyzer import analyze
from tests.conftest import FIXTURES, read_fixture

SHAPES = FIXTURES / "shapes"
_ROW = re.compile(r"^\| `([^`]+\.txt)` \|(.*)$", re.M)


def _cells(rest: str) -> list[str]:
    """The cells after the file name; `\\|` inside a cell is text, not a separator."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", rest)][:-1]


def _rows():
    if not (SHAPES / "SOURCES.md").exists():
        return []
    rows = []
    for name, rest in _ROW.findall((SHAPES / "SOURCES.md").read_text(encoding="utf-8")):
        cells = _cells(rest)          # source, shape, era, verdict, class, object, checks, diagnosis
        verdict, cls, obj, checks = cells[3], cells[4], cells[5], cells[6]
        rows.append((name, verdict, None if cls == "—" else cls, None if obj == "—" else obj,
                     re.findall(r"`([^`]+)`", checks)))
    return rows


ROWS = _rows()

# Known parser bugs (/tmp/kc/parse-bugs.md, "field tester p7"). strict: when the parser is fixed the row passes, the
# test reports XPASS as a failure, and the marker below must be removed.
KNOWN = {
    "openshift-console-copy-crashloop-completed.txt":
        "parse-bugs p7-12: the OpenShift web console's label/value lines are unrecognized",
    "gcp-console-2016-copy-then-describe-cut.txt":
        "parse-bugs p7-35: the Cloud Console copy (Waiting / Reason: CrashLoopBackOff, 7 restarts) is ignored and the "
        "cut describe is called healthy",
}


def _param(row):
    reason = KNOWN.get(row[0])
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(*row, id=row[0], marks=marks)


def test_every_paste_has_a_row_and_every_row_a_paste():
    pastes = {p.name for p in SHAPES.glob("*.txt")}
    named = {r[0] for r in ROWS}
    assert pastes == named, (pastes - named, named - pastes)
    assert len(ROWS) >= 40
    assert set(KNOWN) <= named, set(KNOWN) - named


@pytest.mark.parametrize("name,verdict,cls,obj,checks", [_param(r) for r in ROWS])
def test_shape_is_read_as_a_senior_sre_reads_it(name, verdict, cls, obj, checks):
    report = analyze(read_fixture(SHAPES / name)).to_dict()
    primary = report.get("primary") or {}
    assert report["verdict"] == verdict, report["message"]
    assert primary.get("class") == cls, report["message"]
    assert primary.get("object") == obj, (primary, report["message"])
    for check in checks:
        key, _, want = check.partition("=")
        if key == "objects":
            assert len(report["objects"]) == int(want), [(o["kind"], o["name"]) for o in report["objects"]]
        elif key == "status":
            assert want in {o["status"] for o in report["objects"]}, [o["status"] for o in report["objects"]]
        elif key == "says":
            assert want in report["message"], report["message"]
        elif key == "not":
            assert want not in report["message"], report["message"]
        elif key == "next":
            assert any(want in n for n in report["next"]), report["next"]
        elif key == "name":
            assert want in {o["name"] for o in report["objects"]}, [o["name"] for o in report["objects"]]
        elif key == "objverdict":
            who, _, v = want.partition(":")
            assert [o["verdict"] for o in report["objects"] if o["name"] == who] == [v], report["objects"]
        else:
            raise AssertionError(f"unknown check {check!r} in SOURCES.md")
