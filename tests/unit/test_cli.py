"""The command line: `kubeclue FILE`, `kubectl describe ... | kubeclue`, formats, colour,
symbols, wrapping, exit codes and the errors a person meets."""
from __future__ import annotations

import functools
import io
import json
import os
import re
import subprocess
import sys

import pytest

from analyzer import analyze
from analyzer.__main__ import main
from analyzer.markdown_out import escape, render_markdown
from analyzer.textout import render_text, use_color, wrap
from tests.conftest import FIXTURES, ROOT, read_fixture

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@functools.lru_cache(maxsize=None)
def _pick(kind: str):
    """A fixture whose report has what a test needs, found by running the analyzer (the corpus
    changes; these tests are about rendering)."""
    for path in sorted(FIXTURES.rglob("*.txt")):
        r = analyze(read_fixture(path)).to_dict()
        if kind == "healthy" and r["verdict"] == "healthy" and len(r["objects"]) == 1:
            return path
        if kind == "problem" and r["verdict"] == "problem" and len(r["objects"]) == 1 and \
                r["objects"][0]["findings"][0]["commands"] and r["objects"][0]["findings"][0]["evidence"]:
            return path
        if kind == "multi" and r["verdict"] == "problem" and len(r["objects"]) > 2 and \
                any(len(g["objects"]) > 1 for g in r.get("groups") or []):
            return path
        if kind == "long" and r["verdict"] == "problem" and \
                any(len(e["text"]) > 150 for o in r["objects"] for f in o["findings"] for e in f["evidence"]):
            return path
    pytest.skip(f"no {kind} fixture")


def _run(args: list, capsys) -> tuple:
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _cli(args: list, stdin: bytes | None = b"", env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """The CLI in a child process, as a shell runs it."""
    e = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "analyzer", *map(str, args)], input=stdin, capture_output=True,
                          cwd=ROOT, env=e, timeout=60, **kw)


# --- exit codes and formats ----------------------------------------------------------------

def test_exit_codes(capsys, tmp_path):
    assert _run([_pick("healthy")], capsys)[0] == 0
    assert _run([_pick("problem")], capsys)[0] == 1
    junk = tmp_path / "notes.txt"
    junk.write_text("remember to buy milk\n")
    code, out, _ = _run([junk], capsys)
    assert code == 2 and "does not look like kubectl output" in out


def test_json_is_the_report_and_json_is_an_alias(capsys):
    path = _pick("problem")
    expected = analyze(read_fixture(path)).to_dict()
    for flags in (["--json"], ["--format", "json"], ["--format=json"]):
        code, out, _ = _run([path, *flags], capsys)
        assert code == 1 and json.loads(out) == expected


def test_contradicting_format_flags_are_a_usage_error(capsys):
    code, out, err = _run([_pick("problem"), "--json", "--format", "markdown"], capsys)
    assert code == 2 and not out and "--json and --format markdown disagree" in err


def test_quiet_prints_one_line(capsys):
    code, out, _ = _run([_pick("problem"), "-q"], capsys)
    assert code == 1 and out.count("\n") == 1 and out.startswith("✖ problem — ")
    code, out, _ = _run([_pick("healthy"), "--quiet"], capsys)
    assert code == 0 and out.startswith("✔ healthy")


def test_stdin_and_dash(capsys, monkeypatch):
    text = read_fixture(_pick("problem")).encode()
    for args in ([], ["-"]):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text)))
        code, out, _ = _run([*args, "-q"], capsys)
        assert code == 1 and out.startswith("✖ problem")


def test_text_output_root_cause_first(capsys):
    path = _pick("problem")
    report = analyze(read_fixture(path)).to_dict()
    f = report["objects"][0]["findings"][0]
    code, out, _ = _run([path], capsys)
    assert code == 1 and not ANSI.search(out), "no colour when stdout is not a terminal"
    lines = out.splitlines()
    assert lines[0].startswith("✖ problem — ")
    assert f"✖ {f['class']} · {f['title']}" in out or f"{f['class']} · {f['title']}" in out
    for e in f["evidence"]:
        assert re.search(rf"^\s+{e['line']} │ ", out, re.M)
    for cmd in f["commands"]:
        assert f"      $ {cmd}" in lines
    assert f"docs: " in out and f["doc"] in out


def test_markdown(capsys):
    path = _pick("problem")
    report = analyze(read_fixture(path)).to_dict()
    f = report["objects"][0]["findings"][0]
    code, out, _ = _run([path, "--format", "markdown"], capsys)
    assert code == 1
    assert out.startswith(f"### ✖ Problem: ") and f"(`{f['class']}`)" in out.splitlines()[0]
    evidence = re.search(r"```text\n(.*?)\n```", out, re.S).group(1).splitlines()
    assert [int(ln.split("│")[0]) for ln in evidence] == [e["line"] for e in f["evidence"]]
    commands = re.search(r"```sh\n(.*?)\n```", out, re.S).group(1).splitlines()
    assert commands == f["commands"]
    assert "**Fix**" in out and re.search(r"^- ", out, re.M)
    assert re.search(rf"\[.+\]\(https?://.+{re.escape(f['doc'])}\)", out)


def test_markdown_several_objects_has_a_table_and_says_same_once(capsys):
    path = _pick("multi")
    report = analyze(read_fixture(path)).to_dict()
    code, out, _ = _run([path, "--format", "markdown"], capsys)
    assert "| Object | Status | Diagnosis | Why |" in out
    rows = [ln for ln in out.splitlines() if ln.startswith("| ") and not ln.startswith("| Object")]
    assert len(rows) == len(report["objects"])
    assert "the same diagnosis as" in out
    group = next(g for g in report["groups"] if len(g["objects"]) > 1)
    assert out.count(f"(`{group['class']}`)") >= 1


def test_markdown_escapes_what_came_from_the_paste():
    assert escape("kubectl -n <namespace> get pod") == "kubectl -n \\<namespace\\> get pod"
    assert escape("run `kubectl -n <ns> get pod` now") == "run `kubectl -n <ns> get pod` now"
    assert escape("[click](javascript:alert(1)) *bold* _x_ snake_case") == \
        "\\[click](javascript:alert(1)) \\*bold\\* \\_x\\_ snake_case"
    report = analyze(read_fixture(_pick("problem"))).to_dict()
    f = report["objects"][0]["findings"][0]
    f["evidence"][0]["text"] = "before ``` inside | pipe"
    md = render_markdown(report)
    assert "````text" in md, "a fence longer than any backtick run in the evidence"


# --- colour, symbols, width -----------------------------------------------------------------

def test_color_decision():
    assert use_color("auto", True, {}) is True
    assert use_color("auto", False, {}) is False
    assert use_color("auto", True, {"NO_COLOR": "1"}) is False
    assert use_color("auto", True, {"NO_COLOR": ""}) is True, "no-color.org: an empty NO_COLOR is unset"
    assert use_color("auto", True, {"TERM": "dumb"}) is False
    assert use_color("auto", False, {"FORCE_COLOR": "1"}) is True
    assert use_color("always", False, {"NO_COLOR": "1"}) is True, "a flag beats the environment"
    assert use_color("never", True, {"FORCE_COLOR": "1"}) is False


def test_color_flags_end_to_end():
    path = _pick("problem")
    assert ANSI.search(_cli([path, "--color", "always"]).stdout.decode())
    assert not ANSI.search(_cli([path]).stdout.decode()), "a pipe is plain"
    assert not ANSI.search(_cli([path, "--color", "auto"], env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout.decode())


def _in_a_terminal(argv: list, env: dict) -> str:
    """Run a command with a pseudo-terminal as its stdout and stderr, as a person's shell would."""
    import pty

    master, slave = pty.openpty()
    e = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    e.update(TERM="xterm-256color", **env)
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, cwd=ROOT, env=e)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:           # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    proc.wait(60)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(os.name == "nt", reason="a POSIX pseudo-terminal")
def test_a_real_terminal_gets_colour_unless_no_color_or_never(tmp_path):
    """Both commands, on a real (pseudo-)terminal: coloured, with the symbol; NO_COLOR and --color
    never make it plain, and plain is the coloured text without its colours."""
    path = _pick("problem")
    fake = tmp_path / "kubectl"
    fake.write_text(f"#!{sys.executable}\nimport sys\nsys.stdout.write(open({str(path)!r}, encoding='utf-8').read())\n")
    fake.chmod(0o755)
    for argv in ([sys.executable, "-m", "analyzer", str(path)],
                 [sys.executable, "-m", "analyzer.plugin", "pod", "web", "-n", "shop"]):
        env = {"KUBECTL": str(fake)}
        coloured = _in_a_terminal(argv, env)
        assert ANSI.search(coloured) and "\u2716" in coloured, coloured[:300]
        plain = _in_a_terminal(argv, {**env, "NO_COLOR": "1"})
        assert not ANSI.search(plain) and "\u2716" in plain, "the symbol stays without colour"
        assert ANSI.sub("", coloured) == plain
        assert not ANSI.search(_in_a_terminal([*argv, "--color", "never"], env))
        assert not ANSI.search(_in_a_terminal([*argv, "--format", "markdown"], env)), "markdown is for a ticket"


def test_severity_is_a_symbol_as_well_as_a_colour(capsys):
    _, plain, _ = _run([_pick("problem")], capsys)
    _, colored, _ = _run([_pick("problem"), "--color", "always"], capsys)
    assert ANSI.sub("", colored) == plain, "colour adds nothing a plain terminal would miss"
    assert "✖" in plain


def test_ascii_fallback_when_the_terminal_cannot_print_symbols():
    for fmt in ("text", "markdown"):
        r = _cli([_pick("multi"), "--format", fmt], env={"PYTHONIOENCODING": "ascii"})
        assert r.returncode == 1 and not r.stderr, r.stderr
        out = r.stdout.decode("ascii")           # raises if anything is not ASCII
        assert out.startswith("X problem --") or out.startswith("### X Problem")


def test_wrapping_to_the_width_never_breaks_a_command(capsys):
    path = _pick("long")
    report = analyze(read_fixture(path)).to_dict()
    code, out, _ = _run([path, "--width", "72"], capsys)
    lines = out.splitlines()
    commands = {c for o in report["objects"] for f in o["findings"] for c in f["commands"]}
    for cmd in commands:
        assert f"      $ {cmd}" in lines, "a command is printed whole, on one line"
    for ln in lines:
        if ln.startswith("      $ ") or "`" in ln:
            continue                       # commands and code spans may run over
        assert len(ln) <= 72 or " " not in ln.strip(), ln
    code, piped, _ = _run([path], capsys)
    assert max(len(ln) for ln in piped.splitlines()) > 72, "in a pipe, lines are not wrapped"


def test_wrap_keeps_code_spans_whole():
    text = "Run `kubectl -n shop rollout status deployment/web --timeout=5m` and wait for it to finish"
    lines = wrap(text, 40, "  • ", "    ")
    assert any("`kubectl -n shop rollout status deployment/web --timeout=5m`" in ln for ln in lines)
    assert all(ln.startswith("    ") for ln in lines[1:])


def test_identical_findings_are_said_once_in_text():
    report = analyze(read_fixture(_pick("multi"))).to_dict()
    out = render_text(report)
    assert "same as " in out and "above; evidence lines" in out


# --- reading and usage errors ---------------------------------------------------------------

def test_missing_file_and_directory(capsys, tmp_path):
    code, out, err = _run([tmp_path / "nope.txt"], capsys)
    assert code == 2 and not out and "nope.txt: no such file" in err
    code, out, err = _run([tmp_path], capsys)
    assert code == 2 and "is a directory" in err


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_terminal_on_stdin_gets_a_usage_hint():
    import pty

    master, slave = pty.openpty()
    try:
        r = subprocess.run([sys.executable, "-m", "analyzer"], stdin=slave, capture_output=True, cwd=ROOT, timeout=30)
    finally:
        os.close(master)
        os.close(slave)
    assert r.returncode == 2
    err = r.stderr.decode()
    assert "nothing to read" in err and "kubectl describe pod web -n shop | kubeclue" in err


def test_version_and_help(capsys):
    code, out, _ = _run(["--version"], capsys)
    assert code == 0 and re.fullmatch(r"kubeclue \d+\.\d+\.\d+\n", out)
    code, out, _ = _run(["--help"], capsys)
    assert code == 0 and "examples:" in out and "kubectl clue pod web -n shop" in out and "exit status" in out
    code, _, err = _run(["--no-such-flag"], capsys)
    assert code == 2 and "unrecognized arguments" in err


def test_a_closed_pipe_is_not_a_traceback():
    big = (read_fixture(_pick("multi")) + "\n") * 30
    r = subprocess.run(f"{sys.executable} -m analyzer --format json | head -c 10", shell=True, input=big.encode(),
                       capture_output=True, cwd=ROOT, timeout=60)
    assert b"Traceback" not in r.stderr and b"BrokenPipe" not in r.stderr


def test_non_utf8_stdout_does_not_crash():
    r = _cli(["-"], stdin="Name: caf\u00e9\u2603\n".encode(), env={"PYTHONIOENCODING": "latin-1"})
    assert r.returncode in (0, 1, 2) and b"Traceback" not in r.stderr


# --- redaction from the command line ---------------------------------------------------------

def test_redacted_paste_and_redacted_diagnosis(tmp_path):
    paste = read_fixture(_pick("problem"))
    secret = "DB_PASSWORD:  Sup3rS3cretPw\n"
    f = tmp_path / "p.txt"
    f.write_text(paste + "\n# 10.1.2.3 " + secret)
    r = _cli([f, "--format", "redacted"])
    out = r.stdout.decode()
    assert r.returncode == 0 and "10.1.2.3" not in out and "<ip-" in out
    assert len(out.splitlines()) == len((paste + "\n# 10.1.2.3 " + secret).splitlines())
    assert "replaced" in r.stderr.decode() and "IP address" in r.stderr.decode()
    r = _cli([f, "--redact", "--format", "markdown"])
    assert r.returncode == 1 and "10.1.2.3" not in r.stdout.decode()
