"""The kubectl plugin: `kubectl clue pod web -n shop` runs `kubectl describe pod web -n shop`
and diagnoses what it prints.

kubectl finds any executable named `kubectl-clue` on PATH and passes it the arguments after
`clue`. The arguments kubeclue knows (--format, --json, -q, --color, --width, --redact, --names)
are its own; everything else (-n, --context, -l, -A, --kubeconfig...) goes to `kubectl describe`.
kubectl is $KUBECTL (a path or a command line such as `microk8s kubectl`), or `kubectl` on PATH.

Exit status as kubeclue's; 2 as well when kubectl fails or prints nothing.
"""
from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys

from .__main__ import EXIT, USAGE_ERROR, UsageError, add_output_options, emit, parse_args, run, _format, \
    _prepare_streams

PROG = "kubectl clue"

EXAMPLES = """\
examples:
  kubectl clue pod web-7f8d9c6b5-xq5ml -n shop
  kubectl clue deployment web -n shop --format markdown
  kubectl clue pods -l app=web -n shop -q
  kubectl clue node ip-10-0-1-5.ec2.internal --context prod
  kubectl clue pod web -n shop --redact --format markdown   # safe to paste into a ticket

Everything kubeclue does not know goes to `kubectl describe` (see `kubectl describe --help`).
exit status: 0 healthy, 1 a problem (or trouble kubeclue cannot explain), 2 kubectl failed,
printed nothing, or a usage error.
"""

# kubeclue's own options: flags, and options that take a value.
_FLAGS = {"--json", "-q", "--quiet", "--redact", "--names", "-h", "--help", "--version"}
_VALUED = {"--format", "--color", "--width"}

# What kubectl's error means, and what to try.
_HINTS = (
    ("doesn't have a resource type", "the first argument is the kind of object: kubectl clue pod <name> -n <namespace>"),
    ("NotFound", "check the name and the namespace: kubectl get {kind} -n <namespace>, or -A for all namespaces"),
    ("Forbidden", "your account may not read this object: kubectl auth can-i get {kind} -n <namespace>"),
    ("Unauthorized", "your credentials were refused: log in to the cluster again"),
    ("You must be logged in", "your credentials were refused: log in to the cluster again"),
    ("Unable to connect to the server", "kubectl cannot reach the cluster: check kubectl config current-context"),
    ("The connection to the server", "kubectl cannot reach the cluster: check kubectl config current-context"),
    ("connection refused", "kubectl cannot reach the cluster: check kubectl config current-context"),
    ("no such host", "kubectl cannot reach the cluster: check kubectl config current-context"),
)


def split_args(argv: list) -> tuple:
    """-> (kubeclue's arguments, kubectl describe's arguments). After `--`, all are kubectl's."""
    ours, theirs = [], []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            theirs.extend(argv[i + 1:])
            break
        if a in _FLAGS or any(a.startswith(v + "=") for v in _VALUED):
            ours.append(a)
        elif a in _VALUED:
            ours.extend(argv[i:i + 2])
            i += 1
        else:
            theirs.append(a)
        i += 1
    return ours, theirs


def kubectl_command() -> list:
    """$KUBECTL split like a shell would, or kubectl on PATH."""
    env = os.environ.get("KUBECTL", "").strip()
    if env:
        return shlex.split(env, posix=os.name != "nt")
    found = shutil.which("kubectl")
    if not found:
        raise UsageError("kubectl not found on PATH: install it, or set KUBECTL to its path")
    return [found]


def describe(kargs: list) -> tuple:
    """Run kubectl describe. -> (stdout text, stderr text, exit status)."""
    from .parse.text import decode

    cmd = kubectl_command() + ["describe", *kargs]
    try:
        # stdin stays the terminal's, for a credential plugin that asks for a login.
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    except FileNotFoundError:
        raise UsageError(f"cannot run {cmd[0]}: no such file (is KUBECTL set right?)") from None
    except PermissionError:
        raise UsageError(f"cannot run {cmd[0]}: permission denied") from None
    return decode(proc.stdout), decode(proc.stderr), proc.returncode


_KLOG = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [\w.-]+:\d+\] ")


def _hint(err: str, kargs: list) -> str:
    kind = next((a for a in kargs if not a.startswith("-")), "pods").split("/")[0]
    ns = "<namespace>"
    for i, a in enumerate(kargs):
        if a in ("-n", "--namespace") and i + 1 < len(kargs):
            ns = kargs[i + 1]
        elif a.startswith("--namespace="):
            ns = a.split("=", 1)[1]
        elif a.startswith("-n") and len(a) > 2 and not a.startswith("--"):
            ns = a[2:]
    for needle, hint in _HINTS:
        if needle in err:
            return hint.replace("{kind}", kind).replace("<namespace>", ns)
    return ""


def _error_lines(err: str) -> list:
    """kubectl's stderr without its klog chatter (client-go's `E1124 ... memcache.go:265]` lines),
    unless that is all there is."""
    lines = [ln for ln in err.splitlines() if ln.strip()]
    plain = [ln for ln in lines if not _KLOG.match(ln)]
    return (plain or lines)[:20]


def _say(lines: list) -> None:
    print("\n".join(f"kubectl-clue: {ln}" if i == 0 else f"  {ln}" for i, ln in enumerate(lines)), file=sys.stderr)


def main(argv: list | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    ours, kargs = split_args(argv)
    ap = argparse.ArgumentParser(
        prog=PROG, usage=f"{PROG} [options] TYPE [NAME | -l SELECTOR] [kubectl describe flags]",
        description="Run `kubectl describe` and diagnose its output: the root cause, the lines that prove it, "
                    "and the fix.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_output_options(ap)
    args = parse_args(ap, ours)
    if isinstance(args, int):
        return args
    _prepare_streams()

    def go() -> int:
        _format(args)
        if not kargs:
            raise UsageError("what should kubectl describe? e.g. kubectl clue pod web -n shop "
                             "(kubectl clue --help for more)")
        shown = "kubectl describe " + " ".join(shlex.quote(a) for a in kargs)
        out, err, code = describe(kargs)
        err_lines = _error_lines(err)
        if code != 0 and not out.strip():
            hint = _hint(err, kargs)
            _say([f"`{shown}` failed (exit {code}):", *err_lines, *([f"hint: {hint}"] if hint else [])])
            return USAGE_ERROR
        if not out.strip():
            _say([f"`{shown}` printed nothing" + (":" if err_lines else "."), *err_lines])
            return USAGE_ERROR
        if err_lines:
            # Warnings (a deprecated API), or an error for some of several objects: show them as
            # kubectl would have, then the diagnosis of what it did print.
            print("\n".join(err_lines), file=sys.stderr)
        status = emit(out, args, prog="kubectl-clue", source=shown)
        if code != 0 and status == EXIT["healthy"]:
            return EXIT["problem"]        # part of what was asked for could not be described
        return status

    return run(go, "kubectl-clue")


if __name__ == "__main__":
    sys.exit(main())
