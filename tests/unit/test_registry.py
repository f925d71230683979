"""Completeness: every rule has its page, its fixtures and a class from the contract."""
from __future__ import annotations

import re

import pytest

from analyzer.rules import CLASS_PAGES, RULES
from tests.conftest import FIXTURES, ROOT

CONTRACT = ROOT.parent / "shared" / "reference" / "failure-classes.md"
REQUIRED = ["## Quick answer", "## Why it happens", "## Diagnose it", "## Fix it", "## Check it is fixed", "## FAQ"]


def contract_classes() -> set:
    if not CONTRACT.exists():
        pytest.skip("shared/reference/failure-classes.md is not beside the project")
    return set(re.findall(r"^\| `([a-z0-9-]+)` \|", CONTRACT.read_text(), re.M))


def test_rule_ids_are_unique():
    ids = [r.meta.id for r in RULES]
    assert len(ids) == len(set(ids))


def test_every_class_is_in_the_contract():
    known = contract_classes()
    for r in RULES:
        assert r.meta.cls in known, f"{r.meta.id}: class {r.meta.cls} is not in failure-classes.md"


@pytest.mark.parametrize("cls", sorted({r.meta.cls for r in RULES}))
def test_every_class_has_a_page_with_every_section(cls):
    assert cls in CLASS_PAGES, f"no rule with id == class for {cls}"
    page = CLASS_PAGES[cls].doc_path
    assert page is not None and page.exists(), f"{cls}: no Markdown page beside its rule"
    text = page.read_text()
    positions = [text.find(h + "\n") for h in REQUIRED]
    assert all(p >= 0 for p in positions), f"{page.name} lacks {[h for h, p in zip(REQUIRED, positions) if p < 0]}"
    assert positions == sorted(positions), f"{page.name}: sections out of order"


@pytest.mark.parametrize("cls", sorted({r.meta.cls for r in RULES}))
def test_every_class_has_firing_and_nearmiss_fixtures(cls):
    d = FIXTURES / "rules" / cls
    pastes = sorted(d.glob("*.txt"))
    firing = [p for p in pastes if not p.name.startswith("nearmiss-")]
    assert len(firing) >= 2, f"{cls}: needs at least two firing fixtures"
    assert any(p.name.startswith("nearmiss-") for p in pastes), f"{cls}: needs a near-miss fixture"


def test_meta_is_complete():
    for r in RULES:
        m = r.meta
        assert m.title and m.summary.endswith("."), m.id
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", m.cls)
