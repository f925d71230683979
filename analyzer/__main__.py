"""The CLI: `kubectl describe pod web | kubeclue`, `python -m analyzer FILE [--json]`.

Exit status: 0 healthy, 1 a problem or unknown, 2 unrecognized input or a usage error.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from . import __version__, analyze
from .parse.text import decode
from .textout import render_text

EXIT = {"healthy": 0, "problem": 1, "unknown": 1, "unrecognized": 2}


def _read(path: str | None) -> str:
    if path in (None, "-"):
        if sys.stdin.isatty():
            raise SystemExit(_usage_error("nothing on standard input: pipe kubectl output in, or give a file"))
        return decode(sys.stdin.buffer.read())
    with open(path, "rb") as fh:
        return decode(fh.read())


def _usage_error(msg: str) -> int:
    print(f"kubeclue: {msg}", file=sys.stderr)
    return 2


def main(argv: list | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="kubeclue",
        description="Diagnose `kubectl describe` output: the root cause, the lines that prove it, and the fix.",
        epilog="Examples: kubectl describe pod web -n shop | kubeclue    kubeclue describe.txt --json",
    )
    ap.add_argument("file", nargs="?", help="a file with kubectl output (default: standard input)")
    ap.add_argument("--json", action="store_true", help="print the JSON report")
    ap.add_argument("--version", action="version", version=f"kubeclue {__version__}")
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code not in (0, None) else 0
    try:
        text = _read(args.file)
    except OSError as exc:
        return _usage_error(f"cannot read {args.file}: {exc.strerror or exc}")
    except SystemExit as exc:
        return int(exc.code or 2)
    report = analyze(text).to_dict()
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        sys.stdout.write(render_text(report, color=color))
    return EXIT[report["verdict"]]


if __name__ == "__main__":
    sys.exit(main())
