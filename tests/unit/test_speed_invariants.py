"""What keeps a big paste fast, checked on every fixture (bench/parse_bench.py measures the speed itself).

The page and analyze() pause Python's cycle collector during an analysis and free what it built by
reference counting. Anything that survives the analysis (a reference cycle, a module-level cache that
holds the paste) is walked by the collector's first pass afterwards: a self-calling closure that held
each describe's tree made that pass 0.2-0.5 s after a 10 MB paste, a sixth of the whole analysis.
"""
from __future__ import annotations

import gc

import pytest

from analyzer.api import analyze_json
from analyzer.model import KubeObject
from analyzer.parse.text import Line
from tests.conftest import FIXTURES, read_fixture

ALL = sorted(FIXTURES.glob("**/*.txt"))


def test_an_analysis_leaves_no_cyclic_garbage():
    """Every fixture, analysed with the collector paused, leaves nothing only the collector could free."""
    gc.collect()
    cyclic = []
    for path in ALL:
        text = read_fixture(path)
        gc.disable()
        try:
            analyze_json(text)
            found = gc.collect(0)        # (what the analysis allocated and did not free is all in the young generation)
        finally:
            gc.enable()
        if found:
            cyclic.append(f"{path.relative_to(FIXTURES)}: {found} objects")
    assert not cyclic, "reference cycles survive the analysis of:\n" + "\n".join(cyclic)


@pytest.mark.parametrize("name", [
    "multi/k8s-1.29-get-pods-three-crashlooping-plus-one-describe.txt",   # rows and a describe: per-paste indexes
    "multi/node-diskpressure-plus-pod-evicted-from-it.txt",              # an Evicted pod: evicted's Running index
    "multi/describe-pods-seven-pods-six-image-auth-one-healthy.txt",     # many pods: exec-format lines, kind index
])
def test_nothing_of_the_paste_outlives_its_analysis(name):
    """Once the report is made, no object or line read from the paste is still alive (a rule's cache held the
    last paste's objects and Lines until the next paste)."""
    text = read_fixture(FIXTURES / name)
    gc.collect()
    before = {id(o) for o in gc.get_objects() if isinstance(o, (KubeObject, Line))}
    gc.disable()
    try:
        analyze_json(text)
        left = [o for o in gc.get_objects() if isinstance(o, (KubeObject, Line)) and id(o) not in before]
    finally:
        gc.enable()
    assert not left, f"{len(left)} objects of the paste still alive, e.g. {left[:3]!r}"
