"""Several objects in one paste: the primary is the root cause of the whole paste, as the
fixture's SOURCES.md row states ("primary `<class>`"), and identical causes are grouped."""
from __future__ import annotations

import re

import pytest

from analyzer import analyze
from tests.conftest import FIXTURES, read_fixture

MULTI = FIXTURES / "multi"
ROWS = re.findall(r"^\| `([^`]+\.txt)`.*?primary `([a-z-]+)`", (MULTI / "SOURCES.md").read_text(), re.M) \
    if (MULTI / "SOURCES.md").exists() else []


@pytest.mark.parametrize("name,cls", ROWS, ids=[r[0] for r in ROWS])
def test_primary_is_the_root_cause_of_the_paste(name, cls):
    report = analyze(read_fixture(MULTI / name)).to_dict()
    assert len(report["objects"]) >= 2, "a multi-object fixture must be read as several objects"
    assert report["verdict"] == "problem"
    assert report["primary"]["class"] == cls, report["message"]


def test_identical_causes_are_grouped_and_healthy_objects_counted():
    name = next(n for n, _ in ROWS if "seven-pods" in n)
    report = analyze(read_fixture(MULTI / name)).to_dict()
    top = report["groups"][0]
    assert top["class"] == "image-auth" and top["count"] == 6 and top["of"] == 7
    assert top["summary"].startswith("6 of 7 pods: image-auth")
    healthy = [o for o in report["objects"] if o["verdict"] == "healthy"]
    assert len(healthy) == 1 and not healthy[0]["findings"]
