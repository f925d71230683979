"""The CLI: `kubectl describe pod web | kubeclue`, `kubeclue FILE [--format text|json|markdown]`.

Exit status: 0 healthy, 1 a problem or unknown, 2 unrecognized input or a usage error.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

from . import __version__, analyze
from .parse.text import decode

EXIT = {"healthy": 0, "problem": 1, "unknown": 1, "unrecognized": 2}
USAGE_ERROR = 2

EXAMPLES = """\
examples:
  kubectl describe pod web -n shop | kubeclue
  kubeclue describe.txt
  kubeclue describe.txt --format markdown          # for a ticket, a pull request, a chat
  kubeclue describe.txt --format json | jq .primary
  kubeclue describe.txt --redact --format markdown # secrets, IPs, hosts, accounts replaced
  kubeclue describe.txt --format redacted          # the paste itself, redacted, to share
  kubectl describe pod web -n shop | kubeclue -q || page-someone
  kubectl clue pod web -n shop                     # the kubectl plugin: runs describe for you

exit status: 0 healthy, 1 a problem (or trouble kubeclue cannot explain), 2 unrecognized input or a
usage error.
colour: on a terminal only; NO_COLOR=1 or --color never turns it off, --color always forces it.
"""


class UsageError(Exception):
    pass


def add_output_options(ap: argparse.ArgumentParser) -> None:
    """The options the CLI and the kubectl plugin share."""
    ap.add_argument("--format", choices=("text", "json", "markdown", "redacted"), default=None,
                    help="text (default), json (the report), markdown (for a ticket), "
                         "redacted (the input itself with secrets and identifying values replaced)")
    ap.add_argument("--json", action="store_true", help="the same as --format json")
    ap.add_argument("-q", "--quiet", action="store_true", help="print only the one-line verdict")
    ap.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                    help="colour the text output: auto (default: on a terminal, unless NO_COLOR is set)")
    ap.add_argument("--width", type=int, default=None, metavar="N",
                    help="wrap text at N columns (default: the terminal's width; 0 or a pipe: no wrapping)")
    ap.add_argument("--redact", action="store_true",
                    help="replace secrets, IPs, host names and registry accounts before diagnosing, so the output "
                         "is safe to share")
    ap.add_argument("--names", action="store_true", help="with --redact: replace object names too")
    ap.add_argument("--version", action="version", version=f"kubeclue {__version__}")


def _format(args: argparse.Namespace) -> str:
    if args.json and args.format not in (None, "json"):
        raise UsageError(f"--json and --format {args.format} disagree: pick one")
    return "json" if args.json else (args.format or "text")


def _width(args: argparse.Namespace, stream) -> int:
    if args.width is not None:
        return max(0, args.width)
    if _isatty(stream):
        return shutil.get_terminal_size().columns
    cols = os.environ.get("COLUMNS", "")
    return int(cols) if cols.isdigit() else 0


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def emit(text: str, args: argparse.Namespace, prog: str = "kubeclue", source: str | None = None) -> int:
    """Diagnose `text` and print it as `args` ask. -> the exit status."""
    from .textout import can_print_marks, render_quiet, render_text, use_color

    fmt = _format(args)
    out = sys.stdout
    ascii = not can_print_marks(getattr(out, "encoding", None))
    if args.redact or args.names or fmt == "redacted":
        from .redact import redact

        red = redact(text, names=args.names)
        text = red.text
        if fmt == "redacted":
            _write(text if text.endswith("\n") or not text else text + "\n")
            print(f"{prog}: {_replacements(red.replacements)}", file=sys.stderr)
            return 0
    report = analyze(text).to_dict()
    color = use_color(args.color, _isatty(out))
    if args.quiet:
        _write(render_quiet(report, color=color, ascii=ascii))
    elif fmt == "json":
        _write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    elif fmt == "markdown":
        from .markdown_out import render_markdown
        from .textout import ASCII

        md = render_markdown(report, source=source)
        _write(md.translate(ASCII) if ascii else md)
    else:
        _write(render_text(report, color=color, width=_width(args, out), ascii=ascii))
    return EXIT[report["verdict"]]


def _replacements(counts: dict) -> str:
    if not counts:
        return "nothing to redact found"
    words = {"secret": "secret", "value": "env value", "user": "user name", "email": "e-mail address",
             "ip": "IP address", "host": "host name", "account": "registry account", "name": "object name"}
    parts = [f"{n} {words[k]}{'' if n == 1 else 's'}" for k, n in counts.items()]
    return "replaced " + ", ".join(parts) + " (the same value has the same placeholder everywhere)"


def _write(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # `kubeclue ... | head`: the reader left. Point stdout at devnull so the interpreter's
        # final flush does not raise again; the exit status is still the verdict's.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass


def _read(path: str | None) -> str:
    if path in (None, "-"):
        stdin = sys.stdin
        if stdin is None or _isatty(stdin):
            raise UsageError("nothing to read: pipe kubectl output in, or give a file\n"
                             "  kubectl describe pod web -n shop | kubeclue\n"
                             "  kubeclue describe.txt\n"
                             "  kubectl clue pod web -n shop\n"
                             "(kubeclue --help for more)")
        return decode(stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read().encode("utf-8"))
    if os.path.isdir(path):
        raise UsageError(f"{path} is a directory: give a file with kubectl output")
    if not os.path.exists(path):
        raise UsageError(f"{path}: no such file")
    try:
        with open(path, "rb") as fh:
            return decode(fh.read())
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


def _prepare_streams() -> None:
    # A terminal or a file whose encoding lacks a character of the paste prints "?" instead of
    # dying with UnicodeEncodeError halfway through the report.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):
                pass


def run(fn, prog: str) -> int:
    """Call fn() -> exit status, with the CLI's answers to Ctrl-C and usage errors."""
    try:
        return fn()
    except UsageError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130


def parse_args(ap: argparse.ArgumentParser, argv: list | None) -> argparse.Namespace | int:
    """argparse, but a usage error returns 2 (and --help/--version 0) instead of exiting."""
    try:
        return ap.parse_args(argv)
    except SystemExit as exc:
        return USAGE_ERROR if exc.code not in (0, None) else 0


def main(argv: list | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="kubeclue",
        description="Diagnose `kubectl describe` output: the root cause, the lines that prove it, and the fix.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("file", nargs="?", help="a file with kubectl output; - or nothing: standard input")
    add_output_options(ap)
    args = parse_args(ap, argv)
    if isinstance(args, int):
        return args
    _prepare_streams()

    def go() -> int:
        _format(args)                 # a contradiction is reported before waiting on stdin
        return emit(_read(args.file), args)

    return run(go, "kubeclue")


if __name__ == "__main__":
    sys.exit(main())
