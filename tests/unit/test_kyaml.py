"""kyaml, the fast reader of the YAML kubectl prints, against PyYAML (the reader it stands in for).

Whatever it reads must give exactly the tree `read_yaml` built with PyYAML: the same keys and
values, the same pasted line of every value, the same first and last line of every mapping and
list (a rule's evidence points at them). What it does not fully understand it must decline, so
PyYAML reads it, and a malformed document keeps PyYAML's error and line.
"""
from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.model import Val
from analyzer.parse import kyaml
from analyzer.parse.structured import LDict, LList, _from_node, read_yaml
from tests.conftest import FIXTURES, read_fixture


def pyyaml_tree(text: str, first: int) -> list:
    """What read_yaml returned before kyaml (and still returns when kyaml declines)."""
    return [_from_node(node, first) for node in yaml.compose_all(text, Loader=yaml.SafeLoader) if node is not None]


def difference(a, b, path: str = "$"):
    """-> None when the trees are the same (values, lines, ends), else where they differ."""
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} {a!r:.60} != {type(b).__name__} {b!r:.60}"
    if isinstance(a, (LDict, LList)) and (a.line, a.end) != (b.line, b.end):
        return f"{path}: lines {a.line}-{a.end} != {b.line}-{b.end}"
    if isinstance(a, LDict):
        if list(a) != list(b):
            return f"{path}: keys {list(a)} != {list(b)}"
        return next((d for k in a if (d := difference(a[k], b[k], f"{path}.{k}"))), None)
    if isinstance(a, LList):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
        return next((d for k, (x, y) in enumerate(zip(a, b)) if (d := difference(x, y, f"{path}[{k}]"))), None)
    if isinstance(a, Val):
        return None if (str(a), a.line) == (str(b), b.line) else f"{path}: {str(a)!r}@{a.line} != {str(b)!r}@{b.line}"
    return None if a == b else f"{path}: {a!r} != {b!r}"


def same_or_declined(text: str, first: int = 1):
    """-> kyaml's documents (None when it declined); fails when it reads anything differently."""
    fast = kyaml.read(text, first)
    try:
        ref = pyyaml_tree(text, first)
    except (yaml.YAMLError, ValueError) as exc:
        assert fast is None, f"PyYAML cannot read this ({exc}) but kyaml returned {fast!r:.200}"
        return None
    if fast is not None:
        assert len(fast) == len(ref), f"{len(fast)} documents != {len(ref)}"
        for a, b in zip(fast, ref):
            assert difference(a, b) is None, difference(a, b)
    return fast


# ---- the fixtures: every YAML block the analyzer reads, and every fixture as a whole ------
def _fixture_yaml_blocks() -> list:
    """(fixture, text, first line) of each text the analyzer hands read_yaml."""
    import analyzer.parse as parse

    blocks = []
    real = parse.read_yaml

    def spy(text, first):
        blocks.append((text, first))
        return real(text, first)

    out = []
    parse.read_yaml = spy
    try:
        for path in sorted(FIXTURES.rglob("*.txt")):
            text = read_fixture(path)
            if not re.search(r"^\s*(apiVersion|kind):", text, re.M):
                continue
            del blocks[:]
            parse.parse(text)
            out += [(path.relative_to(FIXTURES).as_posix(), t, f) for t, f in blocks]
    finally:
        parse.read_yaml = real
    return out


FIXTURE_BLOCKS = _fixture_yaml_blocks()


def test_fixtures_have_yaml():
    assert len(FIXTURE_BLOCKS) >= 5


@pytest.mark.parametrize("name,text,first", FIXTURE_BLOCKS, ids=[f"{n}:{f}" for n, _, f in FIXTURE_BLOCKS])
def test_fixture_yaml_is_read_fast_and_the_same(name, text, first):
    """Real kubectl -o yaml pastes take the fast path, and give PyYAML's tree."""
    assert same_or_declined(text, first) is not None, "kyaml declined a real kubectl -o yaml paste"


@pytest.mark.parametrize("path", sorted(FIXTURES.rglob("*.txt")), ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fixture_as_a_whole(path):
    """Any paste (describe output is often YAML too, or almost): the same as PyYAML, or declined."""
    text = read_fixture(path)
    if len(text) < 60_000:
        same_or_declined(text, 3)


# ---- hand-written documents: each construct, each decline ---------------------------------
READ = {
    "mapping": "a: 1\nb: two\nc:\n  d: x\n",
    "indentless sequence": "a:\n- x\n- y\nb: 1\n",
    "indented sequence": "a:\n  - x\n  - y\nb: 1\n",
    "compact mappings": "items:\n- name: a\n  v: 1\n- name: b\n  v: [] \n",
    "nested compact sequences": "- - a\n  - b\n- - c\n",
    "null entries": "a:\n-\n- x\n-\n",
    "entry on the next line": "-\n  a: 1\n  b: 2\n- c\n",
    "null and bool words": "a: null\nb: ~\nc:\nd: yes\ne: Off\nf: y\ng: n\nh: 'true'\ni: \"null\"\nj: TRUE\n"
                           "k: NULL\nl: 0x1F\nm: 1e3\nn: .inf\no: NO\np: on\n",
    "keys are raw text": "true: 1\nnull: 2\n~: 3\n'q k': 4\n\"d\\tk\": 5\n\"a\": 6\n",
    "single quotes": "a: 'it''s'\nb: 'x  y  '\nc: ''\n",
    "double quote escapes": "a: \"x\\ty\\n\\\"z\\\\ \\u00e9 \\x41 \\U0001F600 \\/ \\_ \\0 \\e \\N \\L \\P\"\nb: \"\"\n",
    "double quotes over lines": "a: \"one two\n  three\n\n  four \\\n  five\"\nb: 1\n",
    "single quotes over lines": "msg: 'Back-off pulling image \"x\": ErrImagePull: rpc error: code = Unknown\n"
                                "    desc = failed to pull'\nnext: 1\n",
    "plain over lines": "a:\n  message: back-off 1m20s restarting failed container=c pod=c-6d8f7c9b54-q2w9r_shop(7a6b)\n"
                        "    and then some more\n\n    after a blank\n  b: 2\n",
    "plain on the next line": "a:\n  foo\n  bar\nb: 1\n",
    "plain entry goes on with a dash": "a:\n- foo\n  - bar\nb: 1\n",
    "literal": "a: |\n  line1\n  line2\n\n  line4\nb: 1\n",
    "literal strip": "a: |-\n  x\n\n\nb: 1\n",
    "literal keep": "a: |+\n  x\n\n\nb: 1\n",
    "literal keep at the end": "a: |+\n  x\n\n",
    "indentation indicator": "a: |2\n    x\n  y\nb: 1\n",
    "indicator and chomping": "a: |-2\n    x\n  y\nb: 1\nc: |2+\n    x\n  y\n\nd: 1\n",
    "folded": "a: >\n  one\n  two\n\n  three\n    more\n  four\nb: >-\n  x\n  y\nc: >+\n  one\n\n",
    "empty literal": "a: |\nb: 1\n",
    "literal at the very end": "a: |",
    "literal after blank lines": "a: |\n\n  x\nb: 1\n",
    "literal with a longer blank line": "a: |\n  x\n     \n  y\n",
    "literal keeps its # lines": "a: |\n  # not a comment\n  x\n# a comment\nb: 1\n",
    "literal entries": "- |\n  x\n- >-\n  y\n  z\n",
    "literal header comment": "a: | # c\n  x\n",
    "literal in a compact mapping": "- a: |\n    x\n  b: 1\n",
    "literal under an indentless dash": "a:\n- |\n  x\n- y\n",
    "literal with trailing spaces at the end": "a: |\n  x\n   ",
    "last-applied-configuration": "metadata:\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n"
                                  "      {\"apiVersion\":\"v1\"}\n  name: x\n",
    "empty flow": "a: {}\nb: []\nc:\n- {}\n- []\nd: {} # c\n",
    "comments": "# top\na: 1 # c\n# mid\n  # indented\nb:\n  # before\n  c: 2\n\n# end\n",
    "documents": "---\na: 1\n---\nb: 2\n...\n---\nc: 3\n",
    "empty documents": "---\n---\na: 1\n",
    "only a marker": "---\n",
    "document end": "a: 1\n...\n",
    "document end with a comment": "a: 1\n... # end\n",
    "document start with a comment": "--- # first\na: 1\n",
    "only comments": "# nothing\n\n",
    "nothing": "",
    "CRLF": "a: 1\r\nb:\r\n  c: 'x\r\n    y'\r\nd: |\r\n  l1\r\n  l2\r\n",
    "no final newline": "a:\n  b: 1",
    "spaces at the end": "a:\n  b: 1\n   ",
    "comment at the end": "a:\n  b: 1\n# x",
    "ends at every depth": "a:\n  b:\n    c: 1\n  d: 2\ne: 3\n\n\n",
    "duplicate keys": "a: 1\nb: 2\na: 3\n",
    "spaces in and after keys": "a  b: 1\nc : 2\n",
    "colons and hashes in plain": "image: docker.io/library/nginx:1.25\nurl: http://x:80/y\nk: a:b\nh: a#b\nc: x #y\n",
    "colon in a key": "a:b: c\n",
    "plain starting with - ? :": "a: -1\nb: -foo\nc: ?x\nd: :x\n-e: 1\n",
    "indented document": "  a: 1\n  b: 2\n",
    "indented sequence document": "  - a\n  - b\n",
    "quoted keys with spaces": "\"a\" : 1\n'b'  : 2\n",
    "comment right after quotes": "a: 'x'#c\nb: \"y\"#c\n",
    "unicode": "a: héllo wörld ✓\nb: '日本'\n",
    "merge key word": "<<: {}\na: 1\n",
    "sequence of a key ends at a key": "a:\n  b:\n  - x\n  c: 1\nd: 2\n",
    "blank line after plain": "a: x\n\nb: 1\n",
    "comment after plain": "a: x\n  # c\nb: 1\n",
    "compact quoted key": "- \"a b\": 1\n  c: 2\n",
    "empty value with a comment": "a: # c\n  b: 1\nc: # d\ne: 2\n",
    "document-marker-like plain": "a: ---x\nb: ...\n",
    "plain entries over lines": "- a\n  b\n- c\n",
    "deep mix": "a:\n  - b:\n    - c:\n        d: 1\n    - e\n  - f\n",
    "spaces inside plain": "a: x   y\nb:   z  \n",
    "quotes inside plain": "a: it's \"fine\"\n",
    "end then start": "a: 1\n...\n---\nb: 2\n",
    "empty document then end": "---\n...\n",
    "compact mapping with a sequence": "- a:\n  - x\n  - y\n- b\n",
    "deeper sequence": "a:\n    - x\n    - y\nb: 1\n",
    "null last entry": "a:\n- x\n-\nb: 1\n",
    "large indent": "a:\n          b: 1\n          c: 2\n",
    "space-only lines": "a:\n  b: 1\n    \n  c: 2\n",
    "escaped line break": "a: \"x \\\n   y\"\n",
    "spaces before a folded break": "a: \"x   \n   y\"\n",
    "blank lines in quotes": "a: 'x\n\n\n  y'\n",
    "quoted on the next line": "a:\n  'x\n  y'\nb: 1\n",
    "literal on the next line": "a:\n  |\n   x\nb: 1\n",
    "flow on the next line": "a:\n  {}\nb: 1\n",
    "space before a colon": "a :\n  b: 1\n",
    "entry comments": "- # c\n  a: 1\n- x # y\n",
    "plain in a compact mapping goes on": "- a: 1\n    b\n",
    "managedFields keys": "metadata:\n  managedFields:\n  - fieldsV1:\n      f:metadata:\n        f:finalizers:\n"
                          "          .: {}\n          v:\"foo\": {}\n      f:spec:\n        f:containers:\n"
                          "          k:{\"name\":\"web\"}:\n            .: {}\n    manager: kubectl\n  name: p\n",
    "explicit keys (kubectl prints keys over 128 characters so)": "metadata:\n  annotations:\n    ? " + "a" * 130
    + "\n    : x\n    b: 1\n  name: p\n? k\n: a: 1\n  b: 2\n? 'q k'\n: - 1\n  - 2\n? |\n  ---\n:\n  v\n? null\n:\n- 1\n"
    "? aaa bbb\n  ccc\n: # c\n  x: 1\n",
    "explicit first key": "? " + "a" * 130 + "\n: x\n",
    "explicit key in an entry": "- ? k\n  : v\n  x: 1\n- y\n",
    "keep before a document": "a: |+\n  x\n\n---\nb: 1\n",
}

DECLINE = {
    "anchor and alias": "a: &x 1\nb: *x\n",
    "tag": "a: !!str 1\n",
    "flow sequence": "a: [1, 2]\n",
    "flow mapping": "a: {b: 1}\n",
    "spaced empty flow": "a: { }\n",
    "explicit key without a value": "? k\nc: 3\n",
    "explicit empty key": "?\n: 1\n",
    "explicit mapping key": "? a: 1\n: v\n",
    "explicit key's value too deep": "? k\n  : v\n",
    "tab indentation": "a:\n\tb: 1\n",
    "tab in a value": "a: x\ty\n",
    "directive": "%YAML 1.1\n---\na: 1\n",
    "odd indentation": "a:\n    b: 1\n  c: 2\n",
    "value with ': '": "a: b: c\n",
    "dash after a key": "a: - b\n",
    "unterminated single": "a: 'abc\n",
    "unterminated double": "a: \"abc\n",
    "separator in quotes": "a: 'abc\n---\n'\n",
    "bad escape": "a: \"\\q\"\n",
    "stray line": "a: 1\nfoo\n",
    "scalar document": "hello\n",
    "flow document": "{}\n",
    "text after a comment": "a: x # c\n  y\n",
    "key inside a plain": "a: x\n  y: z\n",
    "text after quotes": "a: 'x' y\n",
    "deeper after quotes": "a: 'x'\n  b: 1\n",
    "key after a sequence": "- a\nb: 1\n",
    "sequence after a key": "a: 1\n- b\n",
    "bad block header": "a: |x\n  y\n",
    "zero indentation indicator": "a: |0\n  y\n",
    "NEL": "a: x\x85y\n",
    "BOM": "\ufeffa: 1\n",
    "lone CR": "a: 1\rb: 2\n",
    "control character": "a: \x01\n",
    "text after document end": "a: 1\n...\nb: 2\n",
    "document end first": "...\na: 1\n",
    "question mark": "a: ?\n",
    "lone dash": "a: -\n",
    "lone colon": "a: :\n",
    "at sign": "a: @x\n",
    "backtick": "a: `x`\n",
    "comma": "a: ,x\n",
    "percent": "a: %x\n",
    "block as key": "|: 1\n",
    "value after ---": "--- a: 1\n",
    "block after ---": "--- |\n  x\n",
    "text after a comment line": "a: x\n  # c\n  y\n",
    "multi-line quoted key": "\"a\n b\": 1\n",
    "key with ' #'": "a #b: c\n",
    "less indented literal line": "a: |\n    x\n  y\n",
    "longer blank line before literal": "a: |\n      \n  x\n",
    "very long key": "k" * 1500 + ": 1\n",
}


@pytest.mark.parametrize("name", list(READ))
def test_read_like_pyyaml(name):
    text = READ[name]
    for first in (1, 40):
        assert same_or_declined(text, first) is not None, "kyaml declined"
        assert same_or_declined(text, first) == read_yaml(text, first)


@pytest.mark.parametrize("name", list(DECLINE))
def test_declines(name):
    text = DECLINE[name]
    assert kyaml.read(text, 1) is None
    # read_yaml is PyYAML's: its tree, or its error with its line.
    try:
        ref = pyyaml_tree(text, 7)
    except yaml.YAMLError as exc:
        with pytest.raises(yaml.YAMLError) as got:
            read_yaml(text, 7)
        mark, want = getattr(got.value, "problem_mark", None), getattr(exc, "problem_mark", None)
        assert str(got.value) == str(exc) and (mark and mark.line) == (want and want.line)
    else:
        got = read_yaml(text, 7)
        assert len(got) == len(ref) and all(difference(a, b) is None for a, b in zip(got, ref))


def test_values_and_lines_a_rule_reads():
    """One kubectl-shaped pod, spot-checked by hand (not only against PyYAML)."""
    text = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  containers:\n"
            "  - name: app\n    image: nginx:1.25\n    ports:\n    - containerPort: 80\nstatus:\n"
            "  containerStatuses:\n  - name: app\n    ready: false\n    state:\n      waiting:\n"
            "        message: 'Back-off pulling image \"nginx:1.25\": ErrImagePull: not\n"
            "          found'\n        reason: ImagePullBackOff\n")
    [pod] = kyaml.read(text, 10)
    c = pod["status"]["containerStatuses"][0]
    assert c["ready"] == "false" and c["ready"].line == 25
    w = c["state"]["waiting"]
    assert w["message"] == 'Back-off pulling image "nginx:1.25": ErrImagePull: not found' and w["message"].line == 28
    assert (w.line, w.end) == (27, 30)
    assert (pod["spec"]["containers"].line, pod["spec"]["containers"].end) == (17, 21)
    assert (pod.line, pod.end) == (10, 30)


# ---- generated documents, dumped the way kubectl / PyYAML print them ----------------------
class _Styled(str):
    style = None


class _Dumper(yaml.SafeDumper):
    pass


class _IndentedDumper(yaml.SafeDumper):
    """Sequences indented under their key (`key:\\n  - x`), as some tools print them."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


for _d in (_Dumper, _IndentedDumper):
    _d.add_representer(_Styled, lambda dumper, s: dumper.represent_scalar("tag:yaml.org,2002:str", str(s), style=s.style))

_WORDS = ["null", "Null", "~", "yes", "No", "on", "OFF", "true", "y", "n", "", " ", "-", "- a", "a: b", "a:", ":a", "#x",
          "x #y", "x#y", "'", '"', "it's", "|", ">", "{}", "[]", "[a]", "---", "...", "--- x", " lead", "trail ",
          "a  b", "multi\nline", "a\n\nb", "trailing\n", "\n", "\nlead", "tab\there", "\\", "0x1F", "1e3", "0755",
          "2025-03-18T09:31:05Z", "&a", "*a", "!t", "%x", "@x", "`x`", "?", "? x", "<<", "=", "é ✓ 日本", "\x85",
          "\u2028", "\x07", "a\\nb", "=" * 90, "word " * 25]


def _text(draw_style):
    return st.builds(lambda s, style: _styled(s, style),
                     st.one_of(st.sampled_from(_WORDS), st.text(max_size=30),
                               st.lists(st.sampled_from(_WORDS), max_size=6).map(" ".join)),
                     draw_style)


def _styled(s, style):
    s = _Styled(s)
    s.style = style
    return s


_STYLE = st.sampled_from([None, None, None, "'", '"', "|", ">"])
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), _text(_STYLE))
_KEYS = st.one_of(st.sampled_from(["name", "image", "a b", "true", "null", "x:y", "-k", "é", "k" * 130] + _WORDS),
                  st.text(max_size=12))
_DATA = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(_KEYS, inner, max_size=5)), max_leaves=25)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=st.lists(st.one_of(st.dictionaries(_KEYS, _DATA, min_size=1, max_size=6), st.lists(_DATA, min_size=1, max_size=4)),
                     min_size=1, max_size=3),
       indent=st.sampled_from([2, 2, 3, 4, 8]), width=st.sampled_from([20, 40, 80, 120, 10_000]),
       indented=st.booleans(), explicit=st.booleans(), sort_keys=st.booleans(), first=st.integers(1, 500),
       crlf=st.booleans())
def test_generated_documents(docs, indent, width, indented, explicit, sort_keys, first, crlf):
    text = yaml.dump_all(docs, Dumper=_IndentedDumper if indented else _Dumper, default_flow_style=False,
                         indent=indent, width=width, allow_unicode=True, explicit_start=explicit or len(docs) > 1,
                         sort_keys=sort_keys)
    if crlf:
        text = text.replace("\n", "\r\n")
    same_or_declined(text, first)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.dictionaries(st.from_regex(r"[a-zA-Z][a-zA-Z0-9./-]{0,20}", fullmatch=True),
                            st.recursive(st.one_of(st.none(), st.booleans(), st.integers(),
                                                   st.from_regex(r"[a-zA-Z0-9][a-zA-Z0-9 ./:=()\[\]-]{0,60}", fullmatch=True)),
                                         lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                                 st.dictionaries(st.from_regex(r"[a-z][a-zA-Z]{0,12}", fullmatch=True),
                                                                                 inner, max_size=4)), max_leaves=20),
                            min_size=1, max_size=5),
       width=st.sampled_from([40, 80, 10_000]))
def test_kubectl_shaped_documents_are_read_fast(data, width):
    """Names, words, numbers and nested objects (what kubectl prints): never declined."""
    text = yaml.safe_dump(data, default_flow_style=False, width=width, allow_unicode=True)
    assert same_or_declined(text, 1) is not None, text


# ---- kubectl's own printer, when kubectl is installed ------------------------------------
_KUBECTL_WORDS = ["a", "hello world", "x: y", "a:b", "- x", "-x", "#c", "x #c", "'", '"', "it's", "\\", "|", ">", "{}",
                  "[]", "[a]", "{a: 1}", "---", "...", "null", "~", "yes", "NO", "on", "y", "1", "0x1F", "1e3", "0755",
                  "2025-03-18T09:31:05Z", "&a", "*a", "!t", "%x", "@x", "`x`", "?", "? x", "<<", " ", "  ", "\n", "\n\n",
                  "\t", "\r", "\r\n", "\ufeff", "\x00", "\x07", "\x1b", "é", "日本語", "\U0001F600", "\xa0", "word " * 30,
                  "http://x:80/p?q=1#f", "a" * 120, ",", ":", "- ", "#", " #", "key: value\n  nested: x"]
# Mostly keys on one line and short, as Kubernetes keys are; kubectl prints others as `? key` then `: value`.
_KUBECTL_KEY_WORDS = [w for w in _KUBECTL_WORDS if "\n" not in w and "\r" not in w and len(w) < 20]


def _kubectl_objects(seed: int, count: int) -> list:
    import random

    r = random.Random(seed)

    def text(n, words=_KUBECTL_WORDS):
        return "".join(r.choice(words) for _ in range(r.randint(0, n)))

    def value(depth):
        k = r.random()
        if depth > 4 or k < 0.55:
            return r.choice([lambda: text(8), lambda: text(8), lambda: r.randint(-10**6, 10**12),
                             lambda: r.random() * 10 ** r.randint(-5, 30), lambda: r.random() < 0.5, lambda: None])()
        if k < 0.78:
            return [value(depth + 1) for _ in range(r.randint(0, 4))]
        return {key(): value(depth + 1) for _ in range(r.randint(0, 5))}

    def key():
        return text(3, _KUBECTL_WORDS if r.random() < 0.2 else _KUBECTL_KEY_WORDS)

    return [{"apiVersion": "v1", "kind": "ConfigMap",
             "metadata": {"name": f"o{i}", "annotations": {f"k{j}": text(12) for j in range(r.randint(0, 6))}},
             "data": {f"d{j}": text(12) for j in range(r.randint(0, 6))},
             "extra": {key(): value(0) for _ in range(r.randint(1, 6))}} for i in range(count)]


@pytest.mark.skipif(__import__("shutil").which("kubectl") is None, reason="kubectl is not installed")
@pytest.mark.parametrize("seed", range(4))
def test_kubectl_printed_yaml_is_read_fast_and_the_same(seed, tmp_path):
    """`kubectl ... -o yaml` (its own printer, offline: `label --local`) of objects full of awkward
    strings (quotes, colons, #, newlines, long words, control characters), in a sequence of mappings as in a List.
    (A field named `items` makes kubectl print them one after the other: `objects`.)"""
    import json
    import subprocess

    whole = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "all"}, "objects": _kubectl_objects(seed, 30)}
    (tmp_path / "all.json").write_text(json.dumps(whole, ensure_ascii=False), encoding="utf-8")
    out = subprocess.run(["kubectl", "label", "--local", "-f", str(tmp_path / "all.json"), "seen=yes", "-o", "yaml"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    docs = same_or_declined(out.stdout, 3)
    assert docs is not None, "kyaml declined kubectl's own output"
    assert docs[0]["metadata"]["labels"]["seen"] == "yes" and len(docs[0]["objects"]) == 30


def test_a_big_list_reads_many_times_faster_than_pyyaml():
    """The point of kyaml: a `kubectl get pods -A -o yaml` paste must not keep a person waiting.
    (~25x in CPython and in Pyodide; asserted with a wide margin, the machine may be busy.)"""
    import time

    text = next(t for n, t, _ in FIXTURE_BLOCKS if "get-pods-yaml-list" in n)
    head, _, rest = text.partition("items:\n")
    items, _, tail = rest.partition("\nkind: List")
    big = head + "items:\n" + "\n".join([items] * 60) + "\nkind: List" + tail

    def best(fn, runs):
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            fn(big, 1)
            times.append(time.perf_counter() - start)
        return min(times)

    assert len(big) > 200_000
    fast = best(kyaml.read, 3)
    assert kyaml.read(big, 1) is not None
    assert best(pyyaml_tree, 2) > 5 * fast
