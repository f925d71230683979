"""A fast reader for the block YAML that kubectl prints (`kubectl get ... -o yaml`).

PyYAML's pure-Python composer reads a 1.4 MB `kind: List` in seconds; this reader walks the
paste line by line and builds the same tree as `structured.read_yaml` over PyYAML does: `LDict`
/ `LList` with their first and last pasted line, `Val(text, line)` for scalars, None for null,
"true"/"false" for YAML 1.1 booleans, numbers as their text, keys as their raw text.

It knows the subset sigs.k8s.io/yaml (go-yaml) emits: block mappings and sequences (with the
`- key: v` compact form and sequences at their key's indent), plain, single- and double-quoted
scalars (folded over lines as YAML defines), block scalars `|` `>` with chomping and indentation
indicators, explicit `? key` / `: value` entries with a scalar key (how kubectl prints a key over
128 characters), empty flow `{}` / `[]`, comments, `---` and `...`. Everything else (anchors,
aliases, tags, flow collections with content, a mapping or a sequence as a key, directives, tabs,
NEL/LS/PS line breaks, odd indentation, a line it cannot place) makes it decline: `read`
returns None and the caller reads the text with PyYAML, which also gives the error message of a
malformed document. Correctness first: every rule below mirrors what PyYAML's scanner and
parser do, and declines where they would fail.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

from ..model import Val
from .structured import LDict, LList


class _Decline(Exception):
    """Something this reader does not fully understand: PyYAML reads the text instead."""


# Characters PyYAML reads differently (tabs, other line breaks, BOM) or rejects (non-printable).
_UNSUPPORTED = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")

# Plain scalars: SafeLoader's implicit null and bool, as `structured._from_node` turns them.
_RESOLVE = {"": None, "~": None, "null": None, "Null": None, "NULL": None}
_RESOLVE.update({w: "true" for w in ("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON")})
_RESOLVE.update({w: "false" for w in ("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF")})

# First characters that cannot start a plain scalar in block context ('-', '?', ':' can, when
# followed by a non-space).
_NOT_PLAIN = frozenset(",[]{}#&*!|>'\"%@`")

_NOT_PLAIN_VALUE = _NOT_PLAIN | {"-", "?", ":"}     # (the last three only sometimes: `plain` sees)
# The usual key: a word, a dotted or slashed name (`app.kubernetes.io/name`), then `: ` or `:`.
_SIMPLE_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_./-]{0,900}):(?: +|$)").match

_ESCAPES = {"0": "\0", "a": "\x07", "b": "\x08", "t": "\x09", "n": "\x0a", "v": "\x0b", "f": "\x0c",
            "r": "\x0d", "e": "\x1b", " ": " ", '"': '"', "\\": "\\", "/": "/", "N": "\x85", "_": "\xa0",
            "L": "\u2028", "P": "\u2029"}
_ESCAPE_CODES = {"x": 2, "u": 4, "U": 8}
_DIGITS = frozenset("0123456789")
_HEX = frozenset("0123456789abcdefABCDEF")
_FLOW_RUN = re.compile(r"[^'\"\\ \n]*")

_KEY_MAX = 1000       # PyYAML forgets a possible simple key after 1024 characters


def read(text: str, first_line: int):
    """-> one value per YAML document (as `read_yaml`), or None when PyYAML must read the text."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    if _UNSUPPORTED.search(text):
        return None
    try:
        return _Reader(text, first_line).documents()
    except (_Decline, RecursionError):
        return None


def _is_entry(t: str) -> bool:
    return t[0] == "-" and (len(t) == 1 or t[1] == " ")


class _Reader:
    def __init__(self, text: str, first: int):
        self.text = text
        self.lines = lines = text.split("\n")
        self.n = len(lines)
        self.st = st = [ln.lstrip(" ") for ln in lines]     # each line from its first non-space
        self.ind = [len(a) - len(b) for a, b in zip(lines, st)]
        self.first = first
        self.offs = None

    # ---- lines ------------------------------------------------------------------------------
    def sig(self, i: int):
        """-> (index, indent, content) of the first line from i that is not blank or a comment.
        Indent -1 for a document marker or directive at column 0, and for the end of the text."""
        st = self.st
        n = self.n
        while i < n:
            t = st[i]
            if t and t[0] != "#":
                s = self.ind[i]
                if s == 0 and (t[0] == "%" or (t[:3] in ("---", "...") and (len(t) == 3 or t[3] == " "))):
                    return i, -1, t
                return i, s, t
            i += 1
        return n, -1, ""

    def end(self, start: int, j: int, s: int) -> int:
        """The `.end` of a collection starting at line `start` whose next token is line j
        (`structured._end_line` over PyYAML's end mark: the position of that next token)."""
        if j >= self.n:
            ln, col = self.n - 1, len(self.lines[-1])
        else:
            ln, col = j, (s if s > 0 else 0)
        return self.first + (ln - 1 if col == 0 and ln > start else ln)

    # ---- documents --------------------------------------------------------------------------
    def documents(self) -> list:
        docs = []
        n = self.n
        i = 0
        first_doc = True
        while True:
            j, s, u = self.sig(i)
            if j >= n:
                return docs
            if s == -1:
                if not u.startswith("---"):
                    raise _Decline              # a directive, or `...` with no document open
                rest = u[3:].lstrip(" ")
                if rest and rest[0] != "#":
                    raise _Decline              # `--- value`, `--- !tag`, `--- |`
                explicit = True
                i = j + 1
            elif first_doc:
                explicit = False
                i = j
            else:
                raise _Decline
            first_doc = False
            j, s, u = self.sig(i)
            if j >= n or s == -1:
                if explicit:
                    docs.append(None)           # `---` with nothing: an empty (null) document
            else:
                if _is_entry(u):
                    val, j = self.seq(j, s, u, False)
                elif u[0] == "?" and (len(u) == 1 or u[1] == " "):
                    val, j = self.mapping(j, s, None, u, 0)
                else:
                    kv = self.split_key(u)
                    if kv is None:
                        raise _Decline          # a top-level scalar or flow collection
                    val, j = self.mapping(j, s, kv[0], kv[1], s + kv[2])
                docs.append(val)
                j, s, u = self.sig(j)
                if j < n and s != -1:
                    raise _Decline
            if j >= n:
                return docs
            if u.startswith("..."):
                rest = u[3:].lstrip(" ")
                if rest and rest[0] != "#":
                    raise _Decline
                j, s, u = self.sig(j + 1)
                if j >= n:
                    return docs
                if not u.startswith("---"):
                    raise _Decline
            elif not u.startswith("---"):
                raise _Decline
            i = j

    # ---- collections ------------------------------------------------------------------------
    def node(self, i: int, col: int, t: str, pind: int):
        """The block node whose first token is `t` (line i from column col), inside a
        collection indented `pind`. -> (value, index of the first line after it)."""
        c = t[0]
        if c == "-" and (len(t) == 1 or t[1] == " "):
            return self.seq(i, col, t, False)
        if c == "|" or c == ">":
            return self.block(i, t, pind)
        m = _SIMPLE_KEY(t)
        if m is not None:
            e = m.end()
            return self.mapping(i, col, m.group(1), t[e:], col + e)
        if c == "?" and (len(t) == 1 or t[1] == " "):
            return self.mapping(i, col, None, t, 0)
        if c != "{" and c != "[":
            kv = self.split_key(t)
            if kv is not None:
                return self.mapping(i, col, kv[0], kv[1], col + kv[2])
        return self.value(i, col, t, pind)

    def mapping(self, i: int, col: int, key: str, v: str, vcol: int):
        """A block mapping whose keys are at column col; its first key (on line i) is read:
        `key`, and `v` is what follows its ':' (at column vcol). Key None: `v` is a `? key` line."""
        d = LDict()
        start = i
        first = self.first
        st = self.st
        ind = self.ind
        n = self.n
        while True:
            kline = i                           # a nested block's line: its key's
            explicit = key is None
            if explicit:
                key, i, v, vcol = self.explicit_key(i, col, v)
            if not v or v[0] == "#":
                j, s, u = self.sig(i + 1)
                if s > col:
                    val, j = self.node(j, s, u, col)
                    if val.__class__ is LDict or val.__class__ is LList:
                        val.line = first + kline
                elif s == col and u[0] == "-" and (len(u) == 1 or u[1] == " "):
                    val, j = self.seq(j, s, u, True)
                    val.line = first + kline
                else:
                    val = None
                d[key] = val
            elif explicit:
                val, j = self.node(i, vcol, v, col)        # `: a: 1` and `: - x` too
                if val.__class__ is LDict or val.__class__ is LList:
                    val.line = first + kline
                d[key] = val
            elif (v[0] not in _NOT_PLAIN_VALUE and ": " not in v and " #" not in v and v[-1] != ":"
                  and (j := i + 1) < n and st[j] and ind[j] <= col):
                # The common case: a plain scalar, alone on its line (`plain` without its checks).
                if v[-1] == " ":
                    v = v.rstrip(" ")
                if v in _RESOLVE:
                    v = _RESOLVE[v]
                    val = None if v is None else Val(v, first + i)
                else:
                    val = Val(v, first + i)
                d[key] = val
            else:
                val, j = self.value(i, vcol, v, col)
                if val.__class__ is LDict or val.__class__ is LList:
                    val.line = first + i
                d[key] = val
            # The next entry: most often the very next line, at this indent.
            if j < n and (t := st[j]) and t[0] != "#" and ind[j] == col and (col or t[0] not in "-.%"):
                s, u = col, t
            else:
                j, s, u = self.sig(j)
            if s != col:
                if s > col:
                    raise _Decline
                d.line = first + start
                d.end = self.end(start, j, s)
                return d, j
            i = j
            m = _SIMPLE_KEY(u)
            if m is not None:
                key = m.group(1)
                e = m.end()
                v = u[e:]
                vcol = col + e
                continue
            if u[0] == "?" and (len(u) == 1 or u[1] == " "):
                key, v = None, u
                continue
            kv = self.split_key(u)
            if kv is None:
                raise _Decline                  # `- x` or a scalar among the keys
            key, v, off = kv
            vcol = col + off

    def explicit_key(self, i: int, col: int, t: str):
        """`? key` (line i, at the mapping's column) then `: value` at the same column: how kubectl
        prints a key over 128 characters (a long annotation key) or over lines. The key must be a
        scalar. -> (key, index of the `:` line, what follows the `:`, its column)."""
        r = t[1:].lstrip(" ")
        if not r or r[0] == "#":
            raise _Decline                      # an empty or a nested key
        c = r[0]
        if c == '"' or c == "'":
            k, j = self.quoted(i, col + len(t) - len(r), r)
        elif c == "|" or c == ">":
            k, j = self.block(i, r, col)
        elif c in _NOT_PLAIN or ((c == "-" or c == "?" or c == ":") and (len(r) == 1 or r[1] == " ")):
            raise _Decline
        else:
            k, j = self.plain(i, r, col, False)
        j, s, u = self.sig(j)
        if s != col or u[0] != ":" or (len(u) > 1 and u[1] != " "):
            raise _Decline                      # no value, or not where PyYAML looks for it
        v = u[1:].lstrip(" ")
        return str(k), j, v, col + len(u) - len(v)

    def seq(self, i: int, col: int, t: str, indentless: bool):
        """A block sequence whose `-` are at column col, the first on line i (`t` from it).
        `indentless`: the value of a key at the same indent (ends at the next key)."""
        arr = LList()
        start = i
        while True:
            r = t[1:].lstrip(" ")
            if not r or r[0] == "#":
                j, s, u = self.sig(i + 1)
                if s > col:
                    val, j = self.node(j, s, u, col)
                else:
                    val = None
            else:
                val, j = self.node(i, col + len(t) - len(r), r, col)
            arr.append(val)
            j, s, u = self.sig(j)
            if s == col and u[0] == "-" and (len(u) == 1 or u[1] == " "):
                i, t = j, u
                continue
            if s > col or (s == col and not indentless):
                raise _Decline
            arr.line = self.first + start
            arr.end = self.end(start, j, s)
            return arr, j

    def split_key(self, t: str):
        """`key: value` -> (key, the value text, its offset in t); None when t is no simple key."""
        c = t[0]
        if c == '"' or c == "'":
            r = self.quoted_here(t)
            if r is None:
                return None
            key, e = r
            rest = t[e:].lstrip(" ")
            if rest[:1] != ":" or (len(rest) > 1 and rest[1] != " "):
                return None
            if e > _KEY_MAX:
                raise _Decline
            v = rest[1:].lstrip(" ")
            return key, v, len(t) - len(v)
        if c in _NOT_PLAIN or ((c == "-" or c == "?" or c == ":") and (len(t) == 1 or t[1] == " ")):
            return None
        p = t.find(": ")
        if p < 0:
            if t[-1] != ":":
                return None
            p = len(t) - 1
        h = t.find(" #")
        if 0 <= h < p:
            return None
        if p > _KEY_MAX:
            raise _Decline
        v = t[p + 1:].lstrip(" ")
        return t[:p].rstrip(" "), v, len(t) - len(v)

    # ---- scalars ----------------------------------------------------------------------------
    def value(self, i: int, col: int, v: str, pind: int):
        """A scalar (or `{}` / `[]`) starting at `v` (line i, column col) where no mapping or
        sequence may start. -> (value, next line index)."""
        c = v[0]
        if c == '"' or c == "'":
            return self.quoted(i, col, v)
        if c == "|" or c == ">":
            return self.block(i, v, pind)
        if c == "{" or c == "[":
            if v[1:2] == ("}" if c == "{" else "]"):
                rest = v[2:].lstrip(" ")
                if not rest or rest[0] == "#":
                    o = LDict() if c == "{" else LList()
                    o.line = o.end = self.first + i
                    return o, i + 1
            raise _Decline                      # a flow collection with content
        if c in _NOT_PLAIN or ((c == "-" or c == "?" or c == ":") and (len(v) == 1 or v[1] == " ")):
            raise _Decline                      # anchor, alias, tag, `- x` after a key...
        return self.plain(i, v, pind)

    def plain(self, i: int, v: str, pind: int, resolve: bool = True):
        h = v.find(" #")
        text = (v[:h] if h >= 0 else v).rstrip(" ")
        if ": " in text or text[-1] == ":":
            raise _Decline                      # `a: b: c`: an error for PyYAML
        j = i + 1
        st = self.st
        n = self.n
        if h < 0 and j < n and not (st[j] and self.ind[j] <= pind):
            # Maybe continued on the next lines (indented more than the collection, as PyYAML
            # reads a plain scalar); blank lines between become line breaks.
            ind = self.ind
            parts = [text]
            while True:
                k = j
                while k < n and not st[k]:
                    k += 1
                if k >= n:
                    break
                t = st[k]
                if ind[k] <= pind or t[0] == "#":
                    break
                h = t.find(" #")
                seg = (t[:h] if h >= 0 else t).rstrip(" ")
                if ": " in seg or seg[-1] == ":":
                    raise _Decline
                parts.append("\n" * (k - j) if k > j else " ")
                parts.append(seg)
                j = k + 1
                if h >= 0:
                    break
            text = "".join(parts)
        if resolve and text in _RESOLVE:
            r = _RESOLVE[text]
            return (None if r is None else Val(r, self.first + i)), j
        return Val(text, self.first + i), j

    def quoted_here(self, t: str):
        """A quoted scalar that ends on its line -> (text, offset in t after the closing quote);
        None when it goes on over lines."""
        if t[0] == "'":
            k = 1
            while True:
                e = t.find("'", k)
                if e < 0:
                    return None
                if t.startswith("'", e + 1):
                    k = e + 2
                    continue
                s = t[1:e]
                return (s.replace("''", "'") if "''" in s else s), e + 1
        e = t.find('"', 1)
        if e < 0:
            return None
        if "\\" not in t[1:e]:
            return t[1:e], e + 1
        # Escapes: the general scanner, on this line only.
        line = t
        try:
            s, e2 = _scan_flow(line, 0)
        except _Decline:
            return None
        return s, e2

    def quoted(self, i: int, col: int, v: str):
        r = self.quoted_here(v)
        if r is not None:
            s, e = r
            nxt = i + 1
        else:
            # Over several lines: PyYAML's flow scalar scanner over the whole text.
            if self.offs is None:
                self.offs = list(accumulate((len(ln) + 1 for ln in self.lines[:-1]), initial=0))
            offs = self.offs
            s, pos = _scan_flow(self.text, offs[i] + col)
            k = bisect_right(offs, pos) - 1
            v = self.lines[k]
            e = pos - offs[k]
            nxt = k + 1
        rest = v[e:].lstrip(" ")
        if rest and rest[0] != "#":
            raise _Decline                      # `"a": b` at a value, `"a" b`...
        return Val(s, self.first + i), nxt

    def block(self, i: int, t: str, pind: int):
        """A literal `|` or folded `>` block scalar whose header `t` is on line i, as PyYAML's
        scan_block_scalar reads it (over lines instead of characters)."""
        folded = t[0] == ">"
        h = t[1:]
        chomp = None
        inc = None
        k = 0
        if h[:1] in ("+", "-"):
            chomp = h[0] == "+"
            k = 1
            if h[1:2] in _DIGITS:
                inc = int(h[1])
                k = 2
        elif h[:1] in _DIGITS:
            inc = int(h[0])
            k = 1
            if h[1:2] in ("+", "-"):
                chomp = h[1] == "+"
                k = 2
        if inc == 0:
            raise _Decline
        rest = h[k:]
        if rest and rest[0] != " ":
            raise _Decline
        rest = rest.lstrip(" ")
        if rest and rest[0] != "#":
            raise _Decline
        lines = self.lines
        st = self.st
        ind = self.ind
        n = self.n
        min_indent = pind + 1 if pind >= 0 else 1
        j = i + 1
        eof = j >= n
        nb = 0
        column = 0
        if inc is None:
            max_indent = 0
            while not eof:
                if st[j]:
                    column = ind[j]
                    if column > max_indent:
                        max_indent = column
                    break
                ln = len(lines[j])
                if ln > max_indent:
                    max_indent = ln
                if j == n - 1:
                    eof = True
                    break
                nb += 1
                j += 1
            indent = max(min_indent, max_indent)
        else:
            indent = min_indent + inc - 1
            if not eof:
                j, nb, column, eof = self._breaks(j, indent)
        chunks = []
        line_break = ""
        while not eof and column == indent:
            if nb:
                chunks.append("\n" * nb)
            content = lines[j][indent:]
            leading_non_space = content[:1] != " "
            chunks.append(content)
            if j == n - 1:
                line_break = ""
                nb = 0
                eof = True
                break
            line_break = "\n"
            j, nb, column, eof = self._breaks(j + 1, indent)
            if not eof and column == indent:
                if folded and leading_non_space and lines[j][indent:indent + 1] != " ":
                    if not nb:
                        chunks.append(" ")
                else:
                    chunks.append("\n")
            else:
                break
        if chomp is not False:
            chunks.append(line_break)
        if chomp is True and nb:
            chunks.append("\n" * nb)
        return Val("".join(chunks), self.first + i), (n if eof else j)

    def _breaks(self, j: int, indent: int):
        """PyYAML's scan_block_scalar_breaks from the start of line j -> (line, breaks, column, eof)."""
        st = self.st
        n = self.n
        nb = 0
        while True:
            if not st[j] and self.ind[j] <= indent:
                if j == n - 1:
                    return j, nb, self.ind[j], True
                nb += 1
                j += 1
                continue
            c = self.ind[j]
            return j, nb, (c if c < indent else indent), False


def _scan_flow(s: str, pos: int):
    """PyYAML's scan_flow_scalar from the quote at s[pos] -> (text, position after the quote)."""
    q = s[pos]
    double = q == '"'
    pos += 1
    size = len(s)
    chunks = []
    run = _FLOW_RUN.match
    while True:
        while True:                             # scan_flow_scalar_non_spaces
            e = run(s, pos).end()
            if e > pos:
                chunks.append(s[pos:e])
                pos = e
            ch = s[pos] if pos < size else "\0"
            if not double and ch == "'" and s.startswith("'", pos + 1):
                chunks.append("'")
                pos += 2
            elif (double and ch == "'") or (not double and (ch == '"' or ch == "\\")):
                chunks.append(ch)
                pos += 1
            elif double and ch == "\\":
                pos += 1
                ch = s[pos] if pos < size else "\0"
                if ch in _ESCAPES:
                    chunks.append(_ESCAPES[ch])
                    pos += 1
                elif ch in _ESCAPE_CODES:
                    length = _ESCAPE_CODES[ch]
                    pos += 1
                    code = s[pos:pos + length]
                    if len(code) < length or not all(x in _HEX for x in code):
                        raise _Decline
                    try:
                        chunks.append(chr(int(code, 16)))
                    except ValueError:
                        raise _Decline from None
                    pos += length
                elif ch == "\n":
                    pos = _flow_breaks(s, pos + 1, chunks)
                else:
                    raise _Decline
            else:
                break
        if pos >= size:
            raise _Decline                      # the text ends inside the quotes
        if s[pos] == q:
            return "".join(chunks), pos + 1
        k = pos                                 # scan_flow_scalar_spaces
        while k < size and s[k] == " ":
            k += 1
        if k >= size:
            raise _Decline
        if s[k] == "\n":
            breaks = []
            pos = _flow_breaks(s, k + 1, breaks)
            if not breaks:
                chunks.append(" ")
            chunks.extend(breaks)
        else:
            chunks.append(s[pos:k])
            pos = k


def _flow_breaks(s: str, pos: int, chunks: list) -> int:
    """PyYAML's scan_flow_scalar_breaks from the start of a line -> where the text goes on."""
    size = len(s)
    while True:
        if s.startswith(("---", "..."), pos) and (pos + 3 >= size or s[pos + 3] in " \n"):
            raise _Decline                      # a document separator inside quotes
        while pos < size and s[pos] == " ":
            pos += 1
        if pos < size and s[pos] == "\n":
            chunks.append("\n")
            pos += 1
        else:
            return pos
