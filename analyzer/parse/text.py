"""Stage 0: the pasted text -> numbered, cleaned lines.

Line numbers always refer to the text as pasted (split on "\\n"), so evidence can be
highlighted in the user's own paste. Cleaning never adds or removes lines; it only marks
lines that are noise around the output (prompts, fences, klog, kubectl's stderr).
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from .command import COMMAND, other_binary
from .events import is_row_start

# ANSI CSI sequences from kubecolor, grep --color, CI logs; kubectl >= 1.26 prints an ESC
# inside a value as the two characters "^[" (printers.WriteEscaped), so strip that form too.
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]|\^\[\[[0-9;]*[A-Za-z]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_TRANSLATE = str.maketrans({
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u200b": "", "\ufeff": "",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'",
    "\u2013": "-", "\u2014": "--", "\u2026": "...",
})

# A prompt with no command after it (the end of a session): `$`, `user@host:~$`, `[root@m ~]#`,
# `PS C:\>`, `C:\work>`, macOS `host:dir user$`, zsh themes ending in an arrow.
_PROMPT_ONLY = re.compile(
    r"^\s*(?:[$#%>]|❯|➜|→|»|"
    r"PS [A-Za-z]:\\[^>]*>|[A-Za-z]:\\[^>]*>|"
    r"\[[^\]]{1,80}@[^\]]{1,80}\]\s?[#$%]|"
    r"[\w.-]+@[\w.-]+(?::\S*)?\s*[$#%]|"
    r"[\w.-]+:\S+\s+[\w.-]+[$#]|"
    r"\S.{0,118}[❯➜→»])\s*$"
)
# A command line: a prompt (optional) then kubectl/oc; or any `$ ...` / `% ...` / `# kubectl` line.
_PROMPT_PREFIX = re.compile(
    r"^\s*(?:"
    r"\$\s|%\s|#\s*(?:kubectl|oc|k)\s|❯|➜|>>\s|"
    r"PS [A-Za-z]:\\[^>]*>|[A-Za-z]:\\[^>]*>\s*\S|"
    r"\[[^\]]{1,80}@[^\]]{1,80}\]\s?[#$%]|"
    r"[\w.-]+@[\w.-]+(?::[^$#\s]*)?\s*[$#%]|"
    r"[\w.-]+:\S+\s+[\w.-]+[$#]\s"
    r")"
)
# A line classify() reads as output with no pattern to try: it does not start like klog or
# kubectl's stderr, its first character starts no fence, elision, decoration or prompt, and it
# holds no prompt character (a `>` only in `>>` or after `C:\`; checked apart).
_PLAIN = re.compile(r"^(?![IWEF]\d|Warning: |Error|No resources found|error: |Unable to connect|The connection to|"
                    r"Flag --)\s*[A-Za-z0-9/\"'][^$%#❯➜→»`]*$")
# Every prompt above holds one of these characters, and a prompt alone ends with one.
_PROMPT_CHAR = re.compile(r"[$%#>❯➜]")
_PROMPT_END = frozenset("$#%>❯➜→»")
_FENCE = re.compile(r"^\s*(```|~~~)")
# klog: "E0412 10:11:12.123456   12345 memcache.go:265] message"
_KLOG = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [\w.-]+:\d+\] ")
_STDERR = re.compile(
    r"^(?:Warning: |W\d{4} |Error from server|No resources found|error: |Unable to connect to the server|"
    r"The connection to the server |Error: |Flag --[\w-]+ has been deprecated|E\d{4} )"
)
# Elisions a person typed into the paste: `...`, `[...]`, `<snip>`, `... (truncated)`; and `--` at
# column 0, the line grep prints between its -A/-B/-C groups (an indented `--` is an argv item).
_ELISION = re.compile(
    r"^--$|^\s*(?:#\s*)?(?:\.{3,}|\[\s*\.{3,}\s*\]|\(\s*\.{3,}\s*\)|<\s*\.{3,}\s*>|\{\s*\.{3,}\s*\}|"
    r"<\s*/?\s*snip(?:ped)?\s*>|\[\s*/?\s*snip(?:ped)?\s*\]|-+\s*snip(?:ped)?\s*-+|"
    r"\.{3,}\s*\(?(?:truncated|snipped|omitted|more|cut|trimmed|removed|redacted|etc)\b[^\n]{0,60})\s*$",
    re.IGNORECASE,
)
# A line a person drew between parts of a paste (`-----`, `=====`); kubectl's own rule lines have
# one run per column, and `---` alone starts a YAML document.
_DECORATION = re.compile(r"^\s*(?:-{4,}|={3,}|_{3,}|\*{3,}|#{3,}|~{3,}|━{3,})\s*$")
# The top or bottom border of a terminal pane (k9s, tmux, bat): `┌──── Describe(ns/pod) ────┐`, `└────┘`.
_PANE_BORDER = re.compile(r"^\s*[┌└╭╰┏┗╔╚][─━═]{3,}(?:.*[─━═]{3,}[┐┘╮╯┓┛╗╝]?)?\s*$")
# `bat`'s frame around a file: `───────┬────`, `       │ File: describe.txt`, `───────┼────`, `───────┴────`.
_BAT_FRAME = re.compile(r"^\s*(?:─+[┬┼┴]─*|│ (?:File|Size): .*|│ STDIN)\s*$")
# The output joined onto the command line by a bad copy: `$ kubectl describe jobs Name:<tab>flaky`.
_JOINED_NAME = re.compile(r"\s(Name:\s+\S.*)$")

# Not frozen, with slots: one Line per pasted line, and every stage reads its fields many times. A
# slots instance is built in half the time of a frozen dataclass's, and its fields read in half the
# time of ones written into an instance dict. Nothing assigns to a Line after it is built (a new one
# is made with dataclasses.replace), except _undouble() below; it hashes and compares as before.
@dataclass(slots=True, unsafe_hash=True)
class Line:
    no: int          # 1-based line number in the text as pasted
    text: str        # cleaned: no ANSI, no \r, tabs expanded, quote prefix removed, rstripped
    raw: str         # as pasted, minus the line ending
    noise: str = ""  # why the line is not output: prompt, fence, klog, stderr, elision, wrapped; "" otherwise
    cmd: str = ""    # the kubectl command typed on this line (prompt lines), continuation lines joined
    last: int = 0    # a line a terminal wrapped: its text is the whole logical line, up to this line
    # Computed once: every stage asks for them.
    blank: bool = field(init=False, repr=False, compare=False, hash=False)
    indent: int = field(init=False, repr=False, compare=False, hash=False)

    def __init__(self, no: int, text: str, raw: str, noise: str = "", cmd: str = "", last: int = 0):
        stripped = text.lstrip(" ")
        self.no = no
        self.text = text
        self.raw = raw
        self.noise = noise
        self.cmd = cmd
        self.last = last
        self.blank = not stripped or stripped.isspace()
        self.indent = len(text) - len(stripped)

    @property
    def display(self) -> str:
        """The pasted line fit to show as evidence: control codes gone, trailing spaces gone."""
        raw = self.raw
        if raw.isascii() and raw.isprintable() and "^[" not in raw:
            return raw.rstrip()        # nothing to remove (most lines; the rules ask often)
        return _CONTROL.sub("", _ANSI.sub("", raw)).rstrip()


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
    if "\r" not in text:
        return parts
    return [p[:-1] if p.endswith("\r") else p for p in parts]


# kubectl output carried inside a string (a JSON log field, an API response, a CI variable): one line whose
# `\n` escapes are the output's line ends. Read only when an escaped line end is followed by a line kubectl
# starts its output with.
_ESCAPED_OUTPUT = re.compile(r'\\n(?: |\\t)*(?:(?:Name|Namespace|Status):(?:\s|\\t)|Events:|Containers:|Conditions:|NAME\s|'
                             r'LAST SEEN\s|Type\s+Reason\s)')
# One value of an indented -o json / -o yaml document (`    "message": "…\n…",`, `  message: "…\n…"`): the
# document is read as such, the string in it as a value.
_DOCUMENT_VALUE = re.compile(r'^\s+(?:"[\w./-]+"|[\w./-]+):\s+"')
_JSON_STRING = re.compile(r'"((?:\\.|[^"\\])*)"')


def carried_strings(line: str) -> list | None:
    """None when `line` carries no kubectl output as an escaped string; else the matches of its JSON strings that
    carry it (group 1: the string's body), [] when it carries it outside any JSON string (a plain log line with
    `\n` escapes: the whole line)."""
    if "\\n" not in line or not _ESCAPED_OUTPUT.search(line) or _DOCUMENT_VALUE.match(line):
        return None
    return [m for m in _JSON_STRING.finditer(line) if _ESCAPED_OUTPUT.search(m.group(0))]


def unescape_embedded(text: str) -> tuple:
    """-> (text, [(line number, lines it became)]): each line that carries kubectl output as an escaped string is
    replaced by that output's lines (the string's, when the line is JSON or holds a JSON string; else the line with
    its `\n`, `\t`, `\"` escapes read)."""
    import json

    # (A backslash is rare in kubectl output, and one character is found fastest: most pastes stop here.)
    if "\\" not in text or "\\n" not in text or not _ESCAPED_OUTPUT.search(text):
        return text, []
    out = []
    notes = []
    for no, line in enumerate(text.split("\n"), 1):
        strings = carried_strings(line)
        if strings is None:
            out.append(line)
            continue
        bodies = []
        for m in strings:
            try:
                bodies.append(json.loads(m.group(0)).rstrip("\n"))
            except ValueError:
                bodies = []
                break
        # (Several strings: a tool's report of several commands; each one's output, a blank line between.)
        body = "\n\n".join(bodies) if bodies else None
        if body is None:
            body = line.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\\t", "\t").replace('\\"', '"')
        parts = body.rstrip("\n").split("\n")
        notes.append((len(out) + 1, len(parts), no))
        out.extend(parts)
    return "\n".join(out), notes


_ENTITY = re.compile(r"&(?:quot|lt|gt|amp|apos|#39|#x27|nbsp);")
_ENTITIES = {"&quot;": '"', "&lt;": "<", "&gt;": ">", "&amp;": "&", "&apos;": "'", "&#39;": "'", "&#x27;": "'",
             "&nbsp;": " "}


def _unentity(m: re.Match) -> str:
    return _ENTITIES[m.group(0)]


# What _clean() changes: control codes (TAB, CR, ESC among them) and, past ASCII, typography.
_UNCLEAN = bytes(list(range(0x0a)) + list(range(0x0b, 0x20)) + [0x7f])


def _all_clean(text: str) -> bool:
    """True when _clean() would return every line of `text` as it is: ASCII, no control code but
    the line breaks, no `^[` (checked on the whole text at once instead of line by line)."""
    if not text.isascii():
        return False
    data = text.encode("ascii")
    return len(data.translate(None, _UNCLEAN)) == len(data) and data.find(b"^[") < 0


def _clean(raw: str) -> str:
    """ANSI and control codes gone, tabs expanded, typographic characters made plain. Trailing
    spaces are kept here: a terminal wrap can fall right after one."""
    if raw.isascii() and raw.isprintable() and "^[" not in raw:
        return raw                     # nothing to do (most lines): no ESC, \r, tab, control or typography
    s = _ANSI.sub("", raw)
    s = s.replace("\r", "")
    if "\t" in s:
        s = s.expandtabs(8)
    return _CONTROL.sub("", s).translate(_TRANSLATE)


_STRUCTURE = re.compile(r"^\s{0,8}(?:[A-Z][\w ()-]{0,40}:(?:\s|$)|(?:Normal|Warning)\s{2,}\S|\$ |```)")


_GAP = re.compile(r"(?<=\S)  +(?=\S)")


def _continues(line: str, nxt: str) -> bool:
    """Does `nxt` read as the rest of `line`, cut by a hard wrap? A wrap keeps every character:
    the cut falls mid-word (the next line starts at column 0 with no structure of its own) or on
    a space (the next line starts with exactly one space). kubectl's own next line starts with a
    label at column 0 or is indented by two or more."""
    if not nxt.strip():
        return False
    if line[:1] in "┌└╭╰┏┗╔╚─" or line.lstrip()[:1] in "┌└╭╰┏┗╔╚─":
        return False                   # a frame's border line is as wide as the frame, and complete
    lead = len(nxt) - len(nxt.lstrip(" "))
    if _STRUCTURE.match(nxt) and not (lead > 1 and _cut_in_a_gap(line) and not _EVENT_ROW_START.match(nxt)):
        return False
    if lead > 1 and not line.endswith(" "):
        # (A row cut in a gap between its cells ends with spaces, and the gap goes on at the start of
        # the next line, followed by the cells left (a Node's Conditions header cut after
        # `LastTransitionTime `: `Reason  Message` follow): kubectl never ends a line with a space
        # before more text. The cells must not start where the line's own cells do, checked below.)
        return False
    # Rows of one table start their cells at the same columns; a wrapped remainder does not.
    if _KLOG.match(nxt) or _FENCE.match(nxt) or _PROMPT_PREFIX.match(nxt):
        return False
    # `error: ` at column 0 is kubectl's stderr, unless the line before it was cut on a space (a
    # message wrapped right before the word "error", e.g. "... failed " / "error: Internal error").
    if _STDERR.match(nxt) and not (line.endswith(" ") and not line.endswith("  ")):
        return False
    cells = {m.end() for m in _GAP.finditer(nxt)}
    return not cells & {m.end() for m in _GAP.finditer(line)}


_EVENT_ROW_START = re.compile(r"^\s*(?:Normal|Warning)\s")


def _cut_in_a_gap(line: str) -> bool:
    """A table row (three gaps between cells or more) that ends in the gap before its last cell:
    the cell (a Node condition's message: `PLEG is not healthy: ...`) went to the next line, even
    when it reads like a label."""
    return line.endswith("  ") and len(_GAP.findall(line)) >= 3


def wrap_width(texts: list) -> int:
    """The width a terminal or a chat window hard-wrapped the paste at, or 0.

    kubectl itself never wraps (reference A.3) and never pads the last cell of a line, so
    several lines of exactly the widest length, each continued on the next line, mean the
    paste was wrapped. (Rows of a table can share a length: they are not continued.)
    A terminal's hard wrap cuts at exactly its width, so at a usual terminal width (80, 100,
    120, ...) one such line is enough: a describe with one long event message wraps once."""
    lens = list(map(len, texts))
    if not lens:
        return 0
    width = max(lens)
    if width < 60:
        return 0
    wrapped = []
    at = lens.index(width)             # (the lines of that length, found without a Python step per line)
    last = len(lens) - 1
    while at < last:
        if _continues(texts[at], texts[at + 1]):
            wrapped.append(at)
        try:
            at = lens.index(width, at + 1)
        except ValueError:
            break
    if len(wrapped) >= 2:
        return width
    if len(wrapped) == 1 and width in _TERMINAL_WIDTHS:
        # One wrap only: the rest of a word cut mid-way, or a line cut on a space; not a sentence a
        # person wrote under a line that happens to be that long ("Any idea?").
        i = wrapped[0]
        return width if texts[i].endswith(" ") or not texts[i + 1][:1].isupper() else 0
    return 0


# Widths terminals and consoles are usually set to (VT100 80 and 132, Windows console 120).
_TERMINAL_WIDTHS = frozenset({80, 100, 120, 132, 140, 150, 160, 180, 200})


_RUN = re.compile(r"\S {2,}\S")


def _padded(texts: list) -> bool:
    """A console copy that pads every row to the window's width with spaces (Windows conhost):
    most lines are exactly as long as the longest, and many end in a run of spaces. Its lines
    are not hard wraps of one another; the padding is not text."""
    if not texts or not texts[0].endswith("  ") and not (len(texts) > 1 and texts[1].endswith("  ")):
        return False                   # (a padded copy pads its first lines too)
    lens = [len(t) for t in texts if t.strip()]
    if len(lens) < 3:
        return False
    width = max(lens)
    full = [t for t in texts if len(t) == width and t.strip()]
    return len(full) >= 0.8 * len(lens) and sum(1 for t in full if t.endswith("  ")) >= 0.5 * len(full)


def _collapsed(texts: list) -> bool:
    """Every run of spaces made one (a Slack or chat plain-text copy): no line holds two spaces in a
    row between words or indents by more than one, while several lines are indented by exactly
    one. kubectl aligns its columns and nests describe by two spaces or more, so its own output
    always has such runs."""
    one = zero = 0
    for t in texts:
        s = t.rstrip()
        if not s:
            continue
        if s[0] == " ":
            if s[1] == " ":
                return False
            one += 1
        else:
            zero += 1
        if "  " in s and _RUN.search(s):
            return False
    # Only a pod's containers nest three deep (State, its Reason): other describes and tables read
    # right as they are, and the labels of a flattened one are not all known.
    return one >= 3 and zero >= 3 and any(_NESTED.match(t) for t in texts)


_NESTED = re.compile(r"^ ?(?:State|Last State|Restart Count): ")


def _unwrap(texts: list, width: int) -> tuple:
    """Join each wrapped line with its continuation lines. -> (texts, last physical line index
    of each logical line or -1 for a continuation line)."""
    out = list(texts)
    last = list(range(len(texts)))
    i = 0
    while i < len(texts):
        j = i
        parts = [texts[i]]
        while len(texts[j]) == width and j + 1 < len(texts) and _continues(texts[j], texts[j + 1]):
            j += 1
            parts.append(texts[j])
        if j > i:
            out[i] = "".join(parts)
            last[i] = j
            for k in range(i + 1, j + 1):
                last[k] = -1
        i = j + 1
    return out, last


def _quote_prefix(texts: list, nonblank: list | None = None) -> re.Pattern | None:
    """Chat and Markdown quotes prefix every line with "> " (or "│ ", "| ")."""
    if nonblank is None:
        nonblank = [t for t in texts if t.strip()]
    if len(nonblank) == 1:
        # One quoted line (`> 11s  Warning  FailedScheduling  pod/x  …`): a quote unless it is a
        # prompt with its command (`> kubectl get pods`).
        m = _QUOTES[1].match(nonblank[0])
        return _QUOTES[1] if m and not _command_of(nonblank[0][m.end():]) and \
            not nonblank[0][m.end():].lstrip().startswith(("kubectl", "oc ", "k ")) else None
    if len(nonblank) < 2:
        return None
    if _mostly(_QUOTE_START, nonblank) is None:
        return None                    # (every quote below starts so: when most lines do not, none is the prefix)
    for rx in _QUOTES:
        if _mostly(rx, nonblank) is not None:
            return rx
    return None


# One level of quoting, or an e-mail reply's several (`>> `, `> > `).
_QUOTES = tuple(re.compile(p) for p in (r"^\s{0,3}>(?: ?>)+ ?", r"^\s{0,3}>(?!>) ?", r"^\s{0,3}\| ?", r"^\s{0,3}│ ?"))
_QUOTE_START = re.compile(r"^\s{0,3}[>|│]")


def _mostly(rx: re.Pattern, texts: list, share: float = 0.8) -> list | None:
    """The matches of `rx` at the start of `texts` when at least `share` of them match, else None.
    Stops as soon as too many lines missed (on most pastes, after the first few)."""
    n = len(texts)
    need = share * n
    hits = []
    misses = 0
    match = rx.match
    for start in range(0, n, 256):     # (a slice at a time, matched without a Python call per line)
        chunk = list(map(match, texts[start:start + 256]))
        got = list(filter(None, chunk))
        misses += len(chunk) - len(got)
        if n - misses < need:
            return None
        hits += got
    return hits


# Prefixes a tool adds to every line: line numbers (`  12 | `, `12:`), CI log timestamps.
_LINENO = re.compile(r"^\s{0,6}(\d{1,7})(?:\s?[|│:]\s?|\t|\. )")
# moreutils `ts` (`kubectl describe ... | ts`): `Nov 24 21:03:11 ` before every line. Not a syslog or
# journalctl line (`Nov 24 21:03:11 node-1 kubelet[812]: ...`), whose stamp is part of the log.
_TS_STAMP = re.compile(r"^[A-Z][a-z]{2} [ 0-3]\d \d\d:\d\d:\d\d(?:\.\d+)?(?: |$)(?!\S+ [\w./-]+(?:\[\d+\])?: )")
# `cat -n`: the number right-aligned in 6 columns and a TAB, which expands to 2 spaces (column 8).
_CAT_N = re.compile(r"^( {5}\d| {4}\d\d| {3}\d{3}| {2}\d{4}| \d{5}|\d{6})  ")
_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)? ")
# What _LINENO, _CAT_N and _TIMESTAMP all start with: a digit within the first seven characters.
_DIGIT_START = re.compile(r"^\s{0,6}\d")


def _line_prefix(texts: list, nonblank: list | None = None) -> re.Pattern | None:
    if nonblank is None:
        nonblank = [t for t in texts if t.strip()]
    if len(nonblank) < 3:
        return None
    if "─" in nonblank[0] or "─" in nonblank[-1]:      # `bat`'s frame lines carry no number
        nonblank = [t for t in nonblank if not _BAT_FRAME.match(t)] or nonblank
    # (Each of the three below matches only where _DIGIT_START does: when it does not on most lines, none of them can.)
    if _mostly(_DIGIT_START, nonblank) is not None:
        for rx in (_LINENO, _CAT_N):
            hits = _mostly(rx, nonblank)
            if hits is not None:
                nums = [int(m.group(1)) for m in hits]
                if sum(1 for a, b in zip(nums, nums[1:]) if b == a + 1) >= 0.7 * (len(nums) - 1):
                    return rx
        if _mostly(_TIMESTAMP, nonblank) is not None:
            return _TIMESTAMP
    if nonblank[0][:1].isupper() and _mostly(_TS_STAMP, nonblank) is not None:
        return _TS_STAMP
    return None


def _unquote_inline(text: str) -> str:
    """A whole line in Markdown inline code (`` `  Warning  Failed  13s  kubelet  Error: ...` ``,
    a message in backticks in a chat) -> the line without the two backticks."""
    s = text.strip()
    if len(s) > 2 and s[0] == "`" and s[-1] == "`" and s.count("`") == 2:
        start = text.index("`")
        return text[:start] + s[1:-1]
    return text


def _unbold_line(text: str) -> str:
    """A whole line in Markdown bold (`**Status:           Failed**`, `      **Reason:  Error**`, a
    `**NAME  READY  STATUS ...**` header) -> the line without the two `**`."""
    s = text.strip()
    if len(s) > 4 and s.startswith("**") and s.endswith("**") and s.count("**") == 2 and "***" not in s:
        start = text.index("**")
        return text[:start] + s[2:-2]
    return text


def _unbold_event_row(text: str) -> str:
    """An event row a person marked in Markdown bold (`  **Warning  Unhealthy  49m ...**`, or the
    bold starting in the Age column): the row without the `**`, columns kept."""
    if is_row_start(text):
        return text                    # a row already (`to ************`: a redacted node name)
    plain = text.replace("**", "  ").rstrip()
    return plain if is_row_start(plain) else text


def _command_of(text: str) -> str:
    m = COMMAND.search(text)
    return m.group("cmd").strip() if m else ""


def classify(text: str) -> tuple:
    """-> (noise, cmd, text) for one cleaned line. A command line joined with the first line of
    its output (`$ kubectl describe jobs Name:  flaky`) is split: the output part stays."""
    # Each pattern is tried only when the line has the character it needs (its first character,
    # its first one after the indentation, or one it must contain): most lines need none.
    first = text.lstrip()[:1]
    if not first:
        return "", "", text
    start = text[0]
    if first in "`~" and _FENCE.match(text):
        return "fence", "", text
    if start in "IWEF" and _KLOG.match(text):
        return "klog", "", text
    if start in "WENeUTF" and _STDERR.match(text):
        return "stderr", "", text
    if first in ".[(<{-#" and _ELISION.match(text):
        return "elision", "", text
    if first in "-=_*#~━" and _DECORATION.match(text):
        return "decoration", "", text
    if first in "┌└╭╰┏┗╔╚─│" and (_PANE_BORDER.match(text) or _BAT_FRAME.match(text)):
        return "decoration", "", text
    prompt = _PROMPT_PREFIX.match(text) if _PROMPT_CHAR.search(text) else None
    cmd = _command_of(text) if (prompt or "kubectl" in text or
                                (("oc " in text or "k " in text) and other_binary(text))) else ""
    if cmd and not prompt:
        # A bare command line is only a prompt line when the command starts it (an echoed
        # command), or a prompt-like prefix ends in a prompt character.
        before = text[: text.index(cmd)] if cmd in text else text
        # Powerline themes end the prompt with a glyph a copy often loses: `~/repo | main  k get ...`.
        if before.strip() and not re.search(r"[$#%>❯➜→»λ]\s*$", before) and \
                not re.search(r"[~/]\S*(?: [^ ]+)*\s{2,}$", before):
            cmd = ""
    if cmd:
        joined = _JOINED_NAME.search(cmd)
        if joined and "describe" in cmd:
            return "", cmd[: joined.start()].strip(), joined.group(1)
        return "prompt", cmd, text
    if prompt or (text.rstrip()[-1:] in _PROMPT_END and _PROMPT_ONLY.match(text)):
        return "prompt", "", text
    return "", "", text


def _undouble(lines: list) -> None:
    """A double-spaced copy (RDP, some web terminals: an empty line after every line) has each
    pasted line followed by an empty one: those are spacing, not blank lines that end a table or
    a section. The line list keeps every line (rules find lines by number)."""
    n = len(lines)
    if n < 8:
        return
    for off in (0, 1):
        head = range(off, min(n - 1, off + 16), 2)
        if sum(1 for i in head if lines[i + 1].blank) < 0.85 * len(head):
            continue                   # (most pastes: decided on their first lines)
        pairs = range(off, n - 1, 2)
        texts = sum(1 for i in pairs if not lines[i].blank)
        if texts < 4:
            continue
        spaced = sum(1 for i in pairs if lines[i + 1].blank)
        if spaced >= 0.95 * len(pairs):
            for i in pairs:
                if lines[i + 1].blank:
                    ln = dataclasses.replace(lines[i + 1], noise="spacing")
                    ln.blank = False
                    lines[i + 1] = ln
            return


def _join_continuations(lines: list, starts: list) -> None:
    """A command continued with a backslash (PowerShell: a backtick) goes on over the next lines: they
    are part of the command line, and the whole command is kept on its first line. `starts`: the
    indexes of the prompt lines whose command ends with one, in order."""
    done = -1                          # lines up to here belong to a command already joined
    for i in starts:
        if i <= done:
            continue
        ln = lines[i]
        cmd = ln.cmd.rstrip("\\`").rstrip()
        j = i + 1
        while j < len(lines):
            t = lines[j].text.strip()
            lines[j] = dataclasses.replace(lines[j], noise="prompt", cmd="")
            cmd += " " + t.rstrip("\\`").rstrip()
            if not t.endswith(("\\", "`")):
                break
            j += 1
        lines[i] = dataclasses.replace(ln, cmd=cmd)
        done = j


_PANE_LEFT = re.compile(r"^\s*│ ?")
# A `kubectl get events` row starts with its LAST SEEN age: it starts a line, it continues none.
_ROW_START = re.compile(r"^\s*(?:<unknown>|<invalid>|\d+[smhd](?:\d+[smh])?)\s{2,}\S")


def _unpane(texts: list) -> tuple:
    """A copy from a terminal pane (k9s, tmux with borders) frames lines with `│`. Remove the
    frame; a line whose text reaches the right border was wrapped by the pane and goes on in the
    next framed line. -> (texts, last physical line index per line, -1 for continuation lines)."""
    lasts = list(range(len(texts)))
    right = {}
    for i, t in enumerate(texts):
        r = t.rstrip()
        if r.endswith("│") and len(r) > 2:
            right[i] = len(r) - 1
    if len(right) < 2:
        return [_PANE_LEFT.sub("", t, count=1) if "│" in t[:4] else t for t in texts], lasts
    col = max(set(right.values()), key=list(right.values()).count)
    out = list(texts)
    for i, t in enumerate(texts):
        body = t[: right[i]] if i in right else t
        out[i] = _PANE_LEFT.sub("", body, count=1) if "│" in body[:4] else body
    framed = {i for i, t in enumerate(texts) if "│" in t[:4]}

    def wrapped(j: int) -> bool:
        # Text up to the border (only the one-space margin before `│`), and the next framed line
        # starts right after its frame with no structure of its own: the pane wrapped the line.
        if j not in right or j + 1 not in framed or not texts[j][right[j] - 2:right[j] - 1].strip():
            return False
        nxt = out[j + 1]
        if not nxt.strip() or _STRUCTURE.match(nxt) or _ROW_START.match(nxt):
            return False
        # Rows of one table (`get events` in a pane) start their cells at the same columns.
        if {m.end() for m in _GAP.finditer(nxt)} & {m.end() for m in _GAP.finditer(out[j])}:
            return False
        return right[j] == col or not nxt[0].isspace()

    i = 0
    while i < len(out):
        j = i
        parts = [out[i]]
        while wrapped(j):
            j += 1
            parts[-1] = parts[-1].rstrip(" ")
            parts.append(out[j])
            lasts[j] = -1
        if j > i:
            out[i] = "".join(parts)
            lasts[i] = j
        i = j + 1
    return out, lasts


def clean_lines(text: str) -> list:
    """Stage 0. Returns one `Line` per pasted line."""
    raws = split_lines(text)
    if _all_clean(text):
        texts = raws                   # (most pastes: every line is its own clean text; never changed in place)
    else:
        texts = [_clean(r) for r in raws]
    if "&" in text and _ENTITY.search(text):
        # Copied from a page's HTML source (`<pre><code>`): `&quot;gatus&quot;`, `&lt;none&gt;`.
        texts = [_ENTITY.sub(_unentity, t) if "&" in t else t for t in texts]
    nonblank = [t for t in texts if t.strip()]
    prefix = _line_prefix(texts, nonblank)
    if prefix is not None:
        texts = [prefix.sub("", t, count=1) for t in texts]
        nonblank = None
    unwrapped = False                  # lasts is no longer each line's own index
    if "│" in text:                   # cleaning never adds one
        texts, lasts = _unpane(texts)
        nonblank = None
        unwrapped = True
    else:
        lasts = list(range(len(texts)))
    quote = _quote_prefix(texts, nonblank)
    if quote is not None:
        texts = [quote.sub("", t, count=1) for t in texts]
    if _collapsed(texts):
        # A chat copy that made every run of spaces one (Slack): the one-space indentation no longer
        # says how deep a line is (a State's Reason sits with the State). Read it as the paste
        # flattened to column 0, whose indentation is rebuilt from the labels.
        texts = [t[1:] if t[:1] == " " else t for t in texts]
    if _padded(texts):
        texts = [t.rstrip(" ") for t in texts]
    width = wrap_width(texts)
    more = None
    if width:
        texts, more = _unwrap(texts, width)
    elif "\t" in text and prefix is None and quote is None and not unwrapped:
        # Wrapped at N characters by something that counts a tab as one (an e-mail client, a web form), not at N
        # columns as a terminal shows it: the cut lines have N characters as pasted, not once tabs are expanded.
        width = wrap_width(raws)
        if width:
            joined, more = _unwrap(raws, width)
            texts = [t if more[i] < 0 else _clean(t) for i, t in enumerate(joined)]
    if more is not None:
        lasts = [-1 if m < 0 or lasts[i] < 0 else max(lasts[m], m) for i, m in enumerate(more)]
        unwrapped = True
    texts = [t.rstrip() for t in texts]

    lines = []
    append = lines.append              # (one pass, few calls per line: this runs for every pasted line)
    joined = lasts if unwrapped else None
    continued = []                     # prompt lines whose command goes on on the next line
    # Markdown marks (a backtick, a `**`) are looked for line by line only when the text holds one.
    marks = "`" in text or "*" in text
    no = 0
    # _PLAIN matched over all lines at once (no Python call per line); a line `**` unbolds is matched again.
    for raw, t, m in zip(raws, texts, map(_PLAIN.match, texts)):
        no += 1
        last = 0
        if joined is not None:
            at = joined[no - 1]
            if at < 0:
                append(Line(no, t, raw, "wrapped"))
                continue
            if at != no - 1:
                last = at + 1
        if not t:
            append(Line(no, t, raw, "", "", last))      # an empty line: classify() says nothing of it
            continue
        if marks:
            t0 = t
            if "`" in t:
                t = _unquote_inline(t)
            if "**" in t:
                t = _unbold_line(t)
            if t is not t0:
                m = _PLAIN.match(t)
        if m and "kubectl" not in t and "oc " not in t and "k " not in t and \
                (">" not in t or (">>" not in t and ":\\" not in t)):
            # What classify() says of it, without asking (most lines).
            append(Line(no, _unbold_event_row(t) if marks and "**" in t else t, raw, "", "", last))
            continue
        noise, cmd, out = classify(t)
        if "**" in out and not noise:
            out = _unbold_event_row(out)
        if cmd and noise == "prompt" and cmd.endswith(("\\", "`")):
            continued.append(no - 1)   # (only classify() finds a command)
        append(Line(no, out, raw, noise, cmd, last))
    _join_continuations(lines, continued)
    _undouble(lines)

    # A paste indented as a whole (Markdown code block, a quote in an e-mail): remove the
    # common indentation so describe's own indentation levels read as kubectl printed them.
    # (Most pastes have output at column 0: no common indentation, decided at the first such line.)
    flush = next((True for ln in lines if not ln.indent and not ln.blank and not ln.noise), False)
    content = [ln for ln in lines if not ln.blank and not ln.noise] if not flush else ()
    if content:
        common = min(ln.indent for ln in content)
        if common and all(ln.text[:common].strip() == "" for ln in content):
            lines = [dataclasses.replace(ln, text=ln.text[common:]) if not ln.noise and not ln.blank else ln
                     for ln in lines]
    return lines
