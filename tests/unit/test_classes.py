"""Behaviour over the corpus, independent of the golden files: a fixture in
tests/fixtures/rules/<class>/ is diagnosed as that class; a `nearmiss-` fixture is not; an
`unknown-` fixture shows the symptom without its cause and must end in `unknown` with a `next`;
the healthy corpus produces no error or warning."""
from __future__ import annotations

import pytest

from analyzer import analyze
from analyzer.rules import RULES
from tests.conftest import FIXTURES, read_fixture

IMPLEMENTED = {r.meta.cls for r in RULES}
RULE_FIXTURES = sorted((FIXTURES / "rules").glob("*/*.txt"))


def _classes(report: dict, severities=("error", "warning")) -> set:
    return {f["class"] for o in report["objects"] for f in o["findings"] if f["severity"] in severities}


@pytest.mark.parametrize("paste", RULE_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_is_diagnosed_as_its_class(paste):
    cls = paste.parent.name
    if cls not in IMPLEMENTED:
        pytest.skip(f"no rule for {cls} yet")
    report = analyze(read_fixture(paste)).to_dict()
    if paste.name.startswith("unknown-"):
        # The paste shows this class's symptom but not its cause: say so, and what to paste next.
        assert report["verdict"] == "unknown", report["message"]
        assert report["next"], "an unknown verdict must say what to paste next"
        return
    if paste.name.startswith("nearmiss-"):
        assert cls not in _classes(report), f"{cls} fired on a near-miss: {report['message']}"
    else:
        assert report["verdict"] == "problem", report["message"]
        assert report["primary"]["class"] == cls, f"primary is {report['primary']}, expected {cls}"
        primary = next(f for o in report["objects"] for f in o["findings"] if f["class"] == cls)
        assert primary["evidence"], "a finding must cite the lines that prove it"
        assert primary["cause"] and primary["fix"]


@pytest.mark.parametrize("paste", sorted((FIXTURES / "healthy").glob("*.txt")), ids=lambda p: p.name)
def test_healthy_stays_healthy(paste):
    report = analyze(read_fixture(paste)).to_dict()
    assert not _classes(report), f"healthy paste produced {_classes(report)}: {report['message']}"
    assert report["verdict"] == "healthy", report["message"]
