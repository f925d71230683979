"""Any paste gets a valid report: random text, mangled real fixtures, hostile strings.
analyze() never raises, and its time grows linearly with the input."""
from __future__ import annotations

import json
import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer import MAX_BYTES, analyze
from tests.conftest import FIXTURES, read_fixture

CORPUS = sorted(p for p in FIXTURES.rglob("*.txt"))[:400]
VERDICTS = {"problem", "healthy", "unknown", "unrecognized"}


def assert_valid(report, text: str) -> None:
    d = report.to_dict()
    json.dumps(d)
    assert d["schema"] == 1 and d["verdict"] in VERDICTS
    n = len(text.split("\n"))
    for o in d["objects"]:
        for f in o["findings"]:
            for e in f["evidence"]:
                assert 1 <= e["line"] <= n, f"evidence line {e['line']} outside the paste"
    if d["verdict"] == "problem":
        assert d["primary"] is not None
    else:
        assert d["primary"] is None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_random_text(text):
    assert_valid(analyze(text), text)


_MUTATIONS = ("drop", "dup", "truncate", "reindent", "crlf", "binary", "hugeline", "deepindent", "shuffle", "tabs")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CORPUS), st.lists(st.sampled_from(_MUTATIONS), min_size=1, max_size=3), st.randoms())
def test_mangled_fixtures(path, mutations, rnd):
    lines = read_fixture(path).split("\n")
    for m in mutations:
        if not lines:
            break
        i = rnd.randrange(len(lines))
        if m == "drop":
            del lines[i: i + rnd.randint(1, 5)]
        elif m == "dup":
            lines[i:i] = lines[i: i + rnd.randint(1, 5)]
        elif m == "truncate":
            lines = lines[: i]
            if lines:
                lines[-1] = lines[-1][: rnd.randint(0, len(lines[-1]))]
        elif m == "reindent":
            lines[i] = " " * rnd.randint(0, 12) + lines[i].lstrip()
        elif m == "crlf":
            lines = [ln + "\r" for ln in lines]
        elif m == "binary":
            lines[i] = lines[i] + "".join(chr(rnd.randint(0, 0x2FF)) for _ in range(20))
        elif m == "hugeline":
            lines[i] = lines[i] + " x" * 20000
        elif m == "deepindent":
            lines[i] = " " * 3000 + lines[i]
        elif m == "shuffle":
            rnd.shuffle(lines)
        elif m == "tabs":
            lines = [ln.replace("  ", "\t") for ln in lines]
    text = "\n".join(lines)
    assert_valid(analyze(text), text)


@pytest.mark.parametrize("text", [
    "",
    "\n\n\n",
    "\x00" * 1000,
    "Name:",
    "Name:\n" * 5000,
    "Events:\n" + "  Warning  Failed  1s  kubelet  " + "a " * 50000,
    " " * 100000,
    "Name: x\nContainers:\n" + "  " * 2000 + "a:\n",
    "0/3 nodes are available: " + "1 Insufficient cpu, " * 5000,
    "Failed to pull image \"" + "a" * 100000 + "\": x",
    ("  Warning  Failed  1s  kubelet  Failed to pull image \"x\": " + "dial tcp " * 5000 + "\n") * 3,
    "Name: p\nStatus: Pending\n" + "Message:  " + "(" * 20000,
])
def test_hostile_inputs(text):
    assert_valid(analyze(text), text)


def test_oversized_paste_gets_a_clear_message():
    report = analyze("x" * (MAX_BYTES + 1)).to_dict()
    assert report["verdict"] == "unrecognized"
    assert "MB" in report["message"]


def _many_pods(target: int) -> str:
    base = read_fixture(FIXTURES / "rules" / "image-not-found" / sorted(
        p.name for p in (FIXTURES / "rules" / "image-not-found").glob("*.txt") if not p.name.startswith("nearmiss"))[0])
    out = []
    size = 0
    while size < target:
        out.append(base)
        size += len(base) + 2
    return "\n\n".join(out)


def test_time_grows_linearly():
    """Not a benchmark: a guard against quadratic behaviour (10x the input may not cost 30x the time).
    CPU time, best of three, so a busy machine does not make it flaky."""
    small, big = _many_pods(100_000), _many_pods(1_000_000)

    def cpu(text):
        best = None
        for _ in range(3):
            t0 = time.process_time()
            analyze(text)
            t = time.process_time() - t0
            best = t if best is None else min(best, t)
        return best

    assert cpu(big) < 30 * max(cpu(small), 0.01)


def test_random_line_noise_is_reported_not_crashing():
    rnd = random.Random(7)
    text = "\n".join("".join(chr(rnd.randint(32, 126)) for _ in range(rnd.randint(0, 120))) for _ in range(2000))
    assert_valid(analyze(text), text)
