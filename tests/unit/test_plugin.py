"""The kubectl plugin `kubectl clue`: runs `kubectl describe` with the user's arguments and
diagnoses its output. kubectl here is a fake on PATH that prints a fixture and records its argv."""
from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib

import pytest

from analyzer import analyze
from analyzer.plugin import main, split_args
from tests.conftest import FIXTURES, ROOT, read_fixture

FAKE = """#!{python}
import json, os, sys
with open(os.environ["FAKE_ARGV"], "w") as fh:
    json.dump(sys.argv[1:], fh)
sys.stderr.write(os.environ.get("FAKE_STDERR", ""))
fixture = os.environ.get("FAKE_FIXTURE")
if fixture:
    sys.stdout.buffer.write(open(fixture, "rb").read())
sys.exit(int(os.environ.get("FAKE_EXIT", "0")))
"""


def _problem_fixture():
    for path in sorted((FIXTURES / "rules").glob("*/*.txt")):
        if not path.name.startswith("nearmiss-") and analyze(read_fixture(path)).verdict.value == "problem":
            return path
    pytest.skip("no problem fixture")


@pytest.fixture
def kubectl(tmp_path, monkeypatch):
    """A fake kubectl first on PATH. Returns a function that reads the argv it was called with."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / ("kubectl.py" if os.name == "nt" else "kubectl")
    fake.write_text(FAKE.format(python=sys.executable))
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    argv_file = tmp_path / "argv.json"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("KUBECTL", raising=False)
    monkeypatch.setenv("FAKE_ARGV", str(argv_file))
    monkeypatch.setenv("FAKE_FIXTURE", str(_problem_fixture()))
    for name in ("FAKE_EXIT", "FAKE_STDERR", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    if os.name == "nt":
        monkeypatch.setenv("KUBECTL", f'"{sys.executable}" "{fake}"')

    def argv() -> list:
        return json.loads(argv_file.read_text())
    argv.path = fake
    return argv


def test_runs_kubectl_describe_with_the_users_arguments(kubectl, capsys):
    args = ["pod", "web", "-n", "shop", "--context", "prod", "-l", "app=web", "-A", "--kubeconfig=/tmp/k"]
    code = main([*args, "--format", "json"])
    out = capsys.readouterr().out
    assert kubectl() == ["describe", *args], "kubectl's flags pass through, kubeclue's do not"
    expected = analyze(read_fixture(_problem_fixture())).to_dict()
    assert code == 1 and json.loads(out) == expected


def test_prints_the_diagnosis_like_kubeclue(kubectl, capsys):
    from analyzer.__main__ import main as kubeclue

    code = main(["pod", "web", "-n", "shop"])
    plugin_out = capsys.readouterr().out
    kubeclue([str(_problem_fixture())])
    assert code == 1 and plugin_out == capsys.readouterr().out


def test_quiet_and_markdown_name_the_command(kubectl, capsys):
    assert main(["-q", "pod", "web", "-n", "shop"]) == 1
    assert capsys.readouterr().out.count("\n") == 1
    main(["pod", "web", "-n", "shop", "--format=markdown"])
    out = capsys.readouterr().out
    assert out.startswith("### ✖ Problem") and "From `kubectl describe pod web -n shop`." in out


def test_not_found_is_a_clear_message_and_exit_2(kubectl, capsys, monkeypatch):
    monkeypatch.delenv("FAKE_FIXTURE")
    monkeypatch.setenv("FAKE_EXIT", "1")
    monkeypatch.setenv("FAKE_STDERR", 'Error from server (NotFound): pods "web" not found\n')
    code = main(["pod", "web", "-n", "shop"])
    cap = capsys.readouterr()
    assert code == 2 and not cap.out
    assert "kubectl-clue: `kubectl describe pod web -n shop` failed (exit 1):" in cap.err
    assert 'Error from server (NotFound): pods "web" not found' in cap.err
    assert "hint: check the name and the namespace: kubectl get pod -n shop" in cap.err


def test_nothing_described_is_exit_2(kubectl, capsys, monkeypatch):
    monkeypatch.delenv("FAKE_FIXTURE")
    monkeypatch.setenv("FAKE_STDERR", "No resources found in shop namespace.\n")
    code = main(["pods", "-l", "app=nope", "-n", "shop"])
    err = capsys.readouterr().err
    assert code == 2 and "printed nothing" in err and "No resources found in shop namespace." in err


def test_part_of_several_objects_failing_still_diagnoses_the_rest(kubectl, capsys, monkeypatch):
    monkeypatch.setenv("FAKE_EXIT", "1")
    monkeypatch.setenv("FAKE_STDERR", 'Error from server (NotFound): pods "gone" not found\n')
    code = main(["pod", "web", "gone", "-q"])
    cap = capsys.readouterr()
    assert code >= 1 and cap.out.startswith("✖ problem") and 'pods "gone" not found' in cap.err


def test_kubectl_missing_and_kubectl_from_the_environment(kubectl, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("KUBECTL", raising=False)
    assert main(["pod", "web"]) == 2
    assert "kubectl not found on PATH" in capsys.readouterr().err
    # $KUBECTL may be a command line (`microk8s kubectl`, `python fake`).
    monkeypatch.setenv("KUBECTL", f"{sys.executable} {kubectl.path}")
    assert main(["pod", "web", "-q"]) == 1
    assert kubectl() == ["describe", "pod", "web"]
    monkeypatch.setenv("KUBECTL", str(tmp_path / "no-such-kubectl"))
    assert main(["pod", "web"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_usage(kubectl, capsys):
    assert main([]) == 2
    assert "kubectl clue pod web -n shop" in capsys.readouterr().err
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "usage: kubectl clue" in out and "examples:" in out
    assert main(["--version"]) == 0


def test_split_args():
    assert split_args(["pod", "web", "-n", "shop", "--json", "--color", "never", "--width=80", "-q"]) == \
        (["--json", "--color", "never", "--width=80", "-q"], ["pod", "web", "-n", "shop"])
    assert split_args(["pods", "--format", "markdown", "--", "--json"]) == (["--format", "markdown"], ["pods", "--json"])
    assert split_args(["pod", "-ntest", "--context=prod"]) == ([], ["pod", "-ntest", "--context=prod"])


def test_the_package_installs_kubectl_clue():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["kubectl-clue"] == "analyzer.plugin:main"


@pytest.mark.skipif(shutil.which("kubectl") is None or os.name == "nt", reason="needs a real kubectl")
def test_real_kubectl_finds_the_plugin(tmp_path, kubectl):
    """`kubectl clue ...` through a real kubectl, which finds kubectl-clue on PATH."""
    real = None
    for d in os.environ["PATH"].split(os.pathsep)[1:]:
        candidate = os.path.join(d, "kubectl")
        if os.access(candidate, os.X_OK):
            real = candidate
            break
    if real is None:
        pytest.skip("no real kubectl behind the fake")
    plugin_dir = tmp_path / "plugins"
    plugin_dir.mkdir()
    shim = plugin_dir / "kubectl-clue"
    shim.write_text(f"#!/bin/sh\nexec {sys.executable} -m analyzer.plugin \"$@\"\n")
    shim.chmod(0o755)
    env = dict(os.environ, PATH=f"{plugin_dir}{os.pathsep}{os.environ['PATH']}", KUBECTL=str(kubectl.path),
               PYTHONPATH=str(ROOT))
    r = subprocess.run([real, "clue", "pod", "web", "-n", "shop", "-q"], capture_output=True, env=env,
                       cwd=ROOT, timeout=60)
    assert r.returncode == 1, r.stderr.decode()
    assert r.stdout.decode().startswith("✖ problem")
    assert kubectl() == ["describe", "pod", "web", "-n", "shop"]


@pytest.mark.skipif(shutil.which("kubectl") is None or os.name == "nt", reason="needs a real kubectl")
def test_no_cluster_with_a_real_kubectl_is_said_plainly(tmp_path):
    """A real kubectl with no cluster to talk to: its own words, its exit status, a hint; no
    traceback, nothing on stdout, exit 2."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUBERNETES_")}
    env.update(KUBECONFIG=str(tmp_path / "no-such-config"), KUBECTL=shutil.which("kubectl"), HOME=str(tmp_path),
               PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "analyzer.plugin", "pod", "web", "-n", "shop"], capture_output=True,
                       env=env, cwd=ROOT, timeout=120)
    err = r.stderr.decode()
    assert r.returncode == 2 and r.stdout == b"", err
    assert re.search(r"^kubectl-clue: `kubectl describe pod web -n shop` failed \(exit [1-9]\d*\):$", err, re.M), err
    assert "Traceback" not in err
    assert "hint: kubectl cannot reach the cluster" in err, err
