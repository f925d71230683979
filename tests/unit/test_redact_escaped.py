"""Redacting a paste that carries kubectl output as a JSON/Go string: a one-line log
(`{"level":"error","describe":"Name:  web\\nNamespace:  shop\\n..."}`), a CI tool's JSON. Its columns count from each
`\\n` escape, not from the start of the pasted line, and a host may start right after an escape: the redacted paste
must read as the original does."""
from __future__ import annotations

import json

import pytest

from analyzer import analyze
from analyzer.redact import redact
from tests.conftest import FIXTURES, read_fixture
from tests.unit.test_redact import _classes

CORPUS = sorted(p for p in FIXTURES.rglob("*.txt"))


def _python_json(text: str) -> str:
    return json.dumps({"level": "error", "msg": "pod not ready", "describe": text})     # non-ASCII as \uXXXX


def _go_json(text: str) -> str:
    # Go's encoding/json keeps non-ASCII and escapes <, > and & (`\u003cnone\u003e`).
    return (json.dumps({"level": "error", "msg": "pod not ready", "describe": text}, ensure_ascii=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@pytest.mark.parametrize("escape", [_python_json, _go_json], ids=["python-json", "go-json"])
def test_every_fixture_carried_in_a_json_log_line_keeps_its_diagnosis_when_redacted(escape):
    """Every fixture the analyzer reads the same inside a one-line JSON log as pasted plain: the redacted log line
    gets the same verdict and classes, object by object."""
    from tests.unit.test_shapes import KNOWN

    wrong, read = [], 0
    for path in CORPUS:
        if path.name in KNOWN:
            continue
        text = read_fixture(path)
        plain = _classes(analyze(text).to_dict())
        if plain[0] == "unrecognized":
            continue
        line = escape(text)
        if _classes(analyze(line).to_dict()) != plain:
            continue                      # (read differently inside JSON: the parser's business, not redaction's)
        read += 1
        out = redact(line).text
        assert "\n" not in out, path.name
        if _classes(analyze(out).to_dict()) != plain:
            wrong.append(str(path.relative_to(FIXTURES)))
    assert read >= 200, read
    assert not wrong, f"redaction changed the diagnosis of {len(wrong)} JSON-carried fixtures: {wrong}"


def test_an_events_table_inside_a_json_string_keeps_its_columns():
    row = '  Warning  Failed      33m (x313 over 1d)   kubelet, 192.168.106.5  Failed to pull image \\"x\\"'
    line = '{"msg": "Events:\\n  Type     Reason      Age                  From                    Message\\n' + row + '"}'
    out = redact(line).text
    o_row, n_row = line.split("\\n")[-1], out.split("\\n")[-1]
    assert "<ip-1>" in n_row
    assert n_row.index("Failed to pull") == o_row.index("Failed to pull")
    assert out.split("\\n")[0] == line.split("\\n")[0]          # the text before the first escape is not padded


@pytest.mark.parametrize("line,gone,kept", [
    ('"describe": "Image:  quay\\n.io/acme/web"', None, "quay\\n.io/"),            # no host `n.io` from an escape
    ('"m": "pulling\\u00a0registry.acme.corp/web"', "registry.acme.corp", "\\u00a0<host-1>"),
    ('"m": "IP:\\n10.0.7.23\\tnode-a"', "10.0.7.23", "\\n<ip-1>\\t"),
])
def test_a_value_right_after_a_string_escape(line, gone, kept):
    out = redact(line).text
    if gone:
        assert gone not in out, out
    assert kept in out, out
