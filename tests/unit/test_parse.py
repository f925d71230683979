"""The parser over its corpus (tests/fixtures/parse/): golden parse results, every line
accounted for, line numbers that point into the paste, and no crash on anything.

Regenerate goldens with `UPDATE_GOLDEN=1 pytest tests/unit/test_parse.py` and review the diff:
a `.parse.json` is the claim "this is what the paste says".
"""
from __future__ import annotations

import json
import os
import re

import pytest

from analyzer.model import KubeObject, Val
from analyzer.parse import parse
from tests.conftest import FIXTURES, read_fixture

CORPUS = FIXTURES / "parse"
PASTES = sorted(CORPUS.glob("*.txt"))

# Lines the parser reports as not understood, per fixture, with the reason that is expected.
# Prose around the output ("not kubectl output"), other `kubectl get` tables and repairs are
# reported too, but they are what a reader should see; anything else in the corpus is a bug.
EXPECTED_NOT_UNDERSTOOD: dict = {}


def dumps(value, indent: str = "") -> str:
    """JSON with one line per field and short lists (a `[value, line]`) kept on one line."""
    inner = indent + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {dumps(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, list):
        flat = json.dumps(value, ensure_ascii=False)
        if not any(isinstance(v, (dict, list)) and v for v in value) and len(flat) <= 100:
            return flat
        return "[\n" + ",\n".join(inner + dumps(v, inner) for v in value) + "\n" + indent + "]"
    return json.dumps(value, ensure_ascii=False)


def _golden(paste):
    return paste.with_name(paste.name[: -len(".txt")] + ".parse.json")


@pytest.mark.parametrize("paste", PASTES, ids=lambda p: p.name)
def test_parse_matches_golden(paste):
    result = parse(read_fixture(paste)).to_dict()
    text = dumps(result) + "\n"
    golden = _golden(paste)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
        return
    assert golden.exists(), f"no golden for {paste.name}: run UPDATE_GOLDEN=1 and review it"
    assert json.loads(golden.read_text(encoding="utf-8")) == result


@pytest.mark.parametrize("paste", PASTES, ids=lambda p: p.name)
def test_no_unexpected_warnings(paste):
    result = parse(read_fixture(paste))
    odd = [w for w in result.warnings if "not understood" in w.message or "not part of" in w.message
           or "cannot be read" in w.message]
    expected = EXPECTED_NOT_UNDERSTOOD.get(paste.name, ())
    assert [w.line for w in odd] == list(expected), [f"{w.line}: {w.message}" for w in odd]


@pytest.mark.parametrize("paste", PASTES, ids=lambda p: p.name)
def test_every_line_is_accounted_for(paste):
    """Each pasted line is noise (prompt, fence, klog...), inside a block that was read, or in a
    block that was reported with a warning."""
    result = parse(read_fixture(paste))
    covered = set()
    for kind, first, last in result.blocks:
        covered.update(range(first, last + 1))
        if kind in ("prose", "get-table"):
            assert any(w.line == first for w in result.warnings), f"block {kind} {first}-{last} not reported"
    for ln in result.lines:
        if ln.blank or ln.noise:
            continue
        assert ln.no in covered, f"line {ln.no} is in no block: {ln.text!r}"


def _vals(x, seen=None):
    """Every Val inside a parsed object."""
    if isinstance(x, Val):
        yield x
    elif isinstance(x, dict):
        for v in x.values():
            yield from _vals(v)
    elif isinstance(x, (list, tuple)):
        for v in x:
            yield from _vals(v)
    elif hasattr(x, "__dataclass_fields__"):
        for name in x.__dataclass_fields__:
            yield from _vals(getattr(x, name))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("paste", PASTES, ids=lambda p: p.name)
def test_values_point_at_their_line(paste):
    """A value's line holds the value (its start, for values continued on later lines)."""
    result = parse(read_fixture(paste))
    lines = result.lines
    bad = []
    for obj in result.objects:
        for v in _vals(obj):
            if v.line <= 0 or not str(v).strip():
                continue
            assert v.line <= len(lines), f"{v!r} points past the paste (line {v.line})"
            ln = lines[v.line - 1]
            text = _squash(ln.text if not ln.cmd else ln.text + ln.cmd)
            if ln.last:
                text = _squash(ln.text)
            value = str(v)
            if value.startswith("<") and value.endswith(">") and value not in ln.text:
                continue              # a placeholder for what the paste does not show (`<container>`)
            if obj.source in ("json", "yaml"):
                value = re.split(r"[/\s]", value)[0]       # node `name/hostIP` is joined from two fields
            head = _squash(value)[:12]
            if obj.source in ("json",) and "\\" in ln.raw:
                continue              # JSON escapes (\u0026, \n) differ from the decoded value
            # A value that goes on over the next lines starts at the end of its line.
            starts_here = any(text.endswith(head[:n]) for n in range(len(head), 1, -1))
            if head and head not in text and head.lower() not in text.lower() and not starts_here:
                bad.append(f"line {v.line}: {str(v)[:40]!r} not in {ln.text[:60]!r}")
    assert not bad, "\n".join(bad[:10])


def test_format_names():
    assert parse("").format == "empty"
    assert parse("hello\nworld\n").format == "unrecognized"
    text = read_fixture(CORPUS / "k8s-1.29-get-pods-all-namespaces-mixed-statuses.txt")
    assert parse(text).format == "get-pods"
    mixed = text + "\n" + read_fixture(CORPUS / "k8s-1.29-get-events-all-namespaces.txt")
    assert parse(mixed).format == "mixed"


def test_objects_are_typed():
    for paste in PASTES:
        for obj in parse(read_fixture(paste)).objects:
            assert isinstance(obj, KubeObject)
            assert obj.lines[0] <= obj.lines[1]
