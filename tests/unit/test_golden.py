"""Golden reports: each fixture paste beside the report it must produce.

Regenerate with `UPDATE_GOLDEN=1 pytest tests/unit/test_golden.py` and review the diff:
a golden file is a claim about what kubeclue tells a user.
"""
from __future__ import annotations

import json
import os

import pytest

from analyzer import analyze
from tests.conftest import FIXTURES, read_fixture

PASTES = sorted(p for p in FIXTURES.rglob("*.txt") if "parse" not in p.relative_to(FIXTURES).parts)


@pytest.mark.parametrize("paste", PASTES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_report_matches_golden(paste):
    report = analyze(read_fixture(paste)).to_dict()
    golden = paste.with_suffix(".json")
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
        return
    assert golden.exists(), f"no golden report for {paste.name}: run UPDATE_GOLDEN=1 and review it"
    assert json.loads(golden.read_text(encoding="utf-8")) == report


def test_output_is_deterministic():
    for paste in PASTES[:40]:
        text = read_fixture(paste)
        assert analyze(text).to_dict() == analyze(text).to_dict()
