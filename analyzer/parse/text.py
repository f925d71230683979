"""Stage 0: the pasted text -> numbered, cleaned lines.

Line numbers always refer to the text as pasted (split on "\\n"), so evidence can be
highlighted in the user's own paste. Cleaning never adds or removes lines; it only marks
lines that are noise around the output (prompts, fences, klog, kubectl's stderr).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# ANSI CSI sequences from kubecolor, grep --color, CI logs; kubectl >= 1.26 prints an ESC
# inside a value as the two characters "^[" (printers.WriteEscaped), so strip that form too.
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]|\^\[\[[0-9;]*[A-Za-z]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_TRANSLATE = str.maketrans({
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u200b": "", "\ufeff": "",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'",
    "\u2013": "-", "\u2014": "--", "\u2026": "...",
})

# Shell prompts and the command line itself: `$ kubectl ...`, `user@host:~$ ...`,
# `[root@master ~]# ...`, `PS C:\> ...`, PowerShell `>> `, zsh `❯`, `%`.
_PROMPT = re.compile(
    r"^\s*(?:"
    r"\$\s|\$$|#\s*kubectl\b|%\s|❯|➜|>>\s|"
    r"PS [A-Za-z]:\\[^>]*>|"
    r"\[[^\]\s]+@[^\]]+\][#$]|"
    r"[\w.-]+@[\w.-]+(?::[^$#\s]*)?\s*[$#%]|"
    r"(?:kubectl|oc|k|kubecolor)\s+(?:describe|get|logs|-n\b|--namespace)\b"
    r")"
)
_FENCE = re.compile(r"^\s*(```|~~~)")
# klog: "E0412 10:11:12.123456   12345 memcache.go:265] message"
_KLOG = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [\w.-]+:\d+\] ")
_STDERR = re.compile(
    r"^(?:Warning: |Error from server|No resources found|error: |Unable to connect to the server|"
    r"The connection to the server )"
)


@dataclass(frozen=True)
class Line:
    no: int          # 1-based line number in the text as pasted
    text: str        # cleaned: no ANSI, no \r, tabs expanded, quote prefix removed, rstripped
    raw: str         # as pasted, minus the line ending
    noise: str = ""  # why the line is not output: "prompt", "fence", "klog", "stderr"; "" otherwise

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip(" "))

    @property
    def display(self) -> str:
        """The pasted line fit to show as evidence: control codes gone, trailing spaces gone."""
        return _CONTROL.sub("", _ANSI.sub("", self.raw)).rstrip()


def decode(data: bytes) -> str:
    """Bytes from a file or stdin -> text, for what people save: UTF-8 (with or without BOM)
    and the UTF-16LE with BOM that Windows PowerShell 5's `>` writes."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16", errors="replace")
    if len(data) >= 4 and data[1:2] == b"\x00" and data[3:4] == b"\x00" and data[0:1] != b"\x00":
        return data.decode("utf-16-le", errors="replace")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", errors="replace")


def looks_binary(text: str) -> bool:
    """True for text that is mostly not printable (a binary file pasted or dropped)."""
    sample = text[:4096]
    if not sample:
        return False
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\x1b") or ch == "\ufffd")
    return bad / len(sample) > 0.1


def split_lines(text: str) -> list:
    """Split exactly as the page numbers lines: on "\\n", dropping a trailing "\\r"."""
    if text.startswith("\ufeff"):
        text = text[1:]
    parts = text.split("\n")
    if parts and parts[-1] == "" and len(parts) > 1:
        parts.pop()                    # a final newline does not start a new line
    return [p[:-1] if p.endswith("\r") else p for p in parts]


def _clean(raw: str) -> str:
    s = _ANSI.sub("", raw)
    s = s.replace("\r", "")
    if "\t" in s:
        s = s.expandtabs(8)
    s = _CONTROL.sub("", s).translate(_TRANSLATE)
    return s.rstrip()


def _quote_prefix(texts: list) -> re.Pattern | None:
    """Chat and Markdown quotes prefix every line with "> " (or "│ ", "| ")."""
    nonblank = [t for t in texts if t.strip()]
    if len(nonblank) < 2:
        return None
    for pat in (r"^\s{0,3}>(?!>) ?", r"^\s{0,3}\| ?", r"^\s{0,3}│ ?"):
        rx = re.compile(pat)
        if sum(1 for t in nonblank if rx.match(t)) >= 0.8 * len(nonblank):
            return rx
    return None


def clean_lines(text: str) -> list:
    """Stage 0. Returns one `Line` per pasted line."""
    raws = split_lines(text)
    texts = [_clean(r) for r in raws]
    quote = _quote_prefix(texts)
    if quote is not None:
        texts = [quote.sub("", t, count=1) for t in texts]

    lines = []
    for i, (raw, t) in enumerate(zip(raws, texts)):
        noise = ""
        if _FENCE.match(t):
            noise = "fence"
        elif _KLOG.match(t):
            noise = "klog"
        elif _STDERR.match(t):
            noise = "stderr"
        elif _PROMPT.match(t):
            noise = "prompt"
        lines.append(Line(i + 1, t, raw, noise))

    # A paste indented as a whole (Markdown code block, a quote in an e-mail): remove the
    # common indentation so describe's own indentation levels read as kubectl printed them.
    content = [ln for ln in lines if not ln.blank and not ln.noise]
    if content:
        common = min(ln.indent for ln in content)
        if common and all(ln.text[:common].strip() == "" for ln in content):
            lines = [
                Line(ln.no, ln.text[common:] if not ln.noise and not ln.blank else ln.text, ln.raw, ln.noise)
                for ln in lines
            ]
    return lines
