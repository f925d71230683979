"""build.py: deterministic output, a complete page per failure class, a true precache list,
a self-contained analyzer bundle; and the dev server that serves the result."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import urllib.request
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

import build

ROOT = Path(build.__file__).resolve().parent


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    build.build(out, strict=False)
    return out


def test_building_twice_gives_identical_bytes(dist: Path, tmp_path: Path):
    again = tmp_path / "again"
    build.build(again, strict=False)
    first, second = tree(dist), tree(again)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_strict_build_passes(tmp_path: Path, capsys):
    assert build.main(["--strict", "--out", str(tmp_path / "dist")]) == 0, capsys.readouterr().err


def rule_classes() -> list[str]:
    from analyzer.rules import RULES

    return sorted({r.meta.cls for r in RULES})


@pytest.mark.parametrize("cls", rule_classes())
def test_every_class_has_a_complete_page(dist: Path, cls: str):
    page = dist / "failures" / cls / "index.html"
    assert page.is_file(), f"no page for {cls}"
    html = page.read_text()
    ids = re.findall(r'<section class="doc-section" id="([^"]+)"', html)
    required = [build.slugify(t) for t in build.REQUIRED_SECTIONS]
    assert ids[:len(required) + 1] == [required[0], "what-it-looks-like", *required[1:]]
    # The example is the analyzer's own output on the fixture the page names (else its first one).
    assert f'data-finding-class="{cls}"' in html
    assert 'class="ev"' in html


def test_home_page_lists_every_class(dist: Path):
    html = (dist / "index.html").read_text()
    for cls in rule_classes():
        assert f'href="failures/{cls}/"' in html


def precache(dist: Path) -> list[str]:
    sw = (dist / "sw.js").read_text()
    return json.loads(re.search(r"const PRECACHE = (\[.*?\]);", sw, re.S).group(1))


def test_precache_list_matches_the_files(dist: Path):
    urls = precache(dist)
    assert len(urls) == len(set(urls))
    files = set(tree(dist))
    assert {build.page_file(u) for u in urls} == {f for f in files if build.precached(f)}
    # The cache name changes whenever a precached file does.
    cache = re.search(r'const CACHE = "(kubeclue-[0-9a-f]{12})";', (dist / "sw.js").read_text())
    assert cache


def test_cache_name_follows_the_content(tmp_path: Path, monkeypatch):
    a = tmp_path / "a"
    build.build(a, strict=False)
    monkeypatch.setattr(build, "CSP", build.CSP + "; upgrade-insecure-requests")  # any content change
    b = tmp_path / "b"
    build.build(b, strict=False)
    name = lambda d: re.search(r'const CACHE = "([^"]+)"', (d / "sw.js").read_text()).group(1)
    assert name(a) != name(b)


def test_assets_are_content_hashed(dist: Path):
    for path in (dist / "assets").iterdir():
        if path.suffix in (".br", ".gz"):  # precompressed copies, named after their file
            continue
        stem, digest, ext = path.name.rsplit(".", 2)
        assert digest == build.short_hash(path.read_bytes()), path.name


def bundle(dist: Path) -> Path:
    (path,) = (dist / "assets").glob("analyzer.*.zip")
    return path


def test_bundle_holds_python_sources_only(dist: Path):
    with zipfile.ZipFile(bundle(dist)) as zf:
        infos = zf.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert all(n.endswith(".py") for n in names)
    assert all(n.startswith(("analyzer/", "yaml/")) for n in names)
    assert "yaml/__init__.py" in names and "analyzer/api.py" in names
    assert all(i.date_time == build.ZIP_DATE for i in infos)


def test_bundle_is_self_contained(dist: Path):
    """The zip alone (no site-packages) runs the analyzer, as Pyodide will."""
    fixture = next(p for p in sorted((ROOT / "tests" / "fixtures").rglob("*.txt")))
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import yaml; assert not yaml.__with_libyaml__\n"
        "from analyzer.api import analyze_json\n"
        "from analyzer.parse.text import decode\n"
        "print(analyze_json(decode(open(sys.argv[2], 'rb').read())))\n"
    )
    # -I: isolated mode, so neither the checkout nor site-packages can fill a gap in the zip.
    run = subprocess.run([sys.executable, "-I", "-c", code, str(bundle(dist)), str(fixture)],
                         capture_output=True, text=True, cwd="/")
    assert run.returncode == 0, run.stderr
    from analyzer.api import analyze_json
    from analyzer.parse.text import decode

    assert json.loads(run.stdout) == json.loads(analyze_json(decode(fixture.read_bytes())))


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize("name", ["index.html", "failures"])
def test_pages_carry_the_csp_and_no_inline_code(dist: Path, name: str):
    pages = [dist / name] if name.endswith(".html") else sorted((dist / name).rglob("*.html"))
    for page in pages:
        parser = Tags()
        parser.feed(page.read_text())
        metas = [a for t, a in parser.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert [m["content"] for m in metas] == [build.CSP], page
        # JSON-LD is data the browser never runs (the CSP does not apply to it); any other script has a src.
        scripts = [a for t, a in parser.tags if t == "script" and a.get("type") != "application/ld+json"]
        assert all(a.get("src") for a in scripts), f"inline script in {page}"
        assert not any(t == "style" or "style" in a for t, a in parser.tags), f"inline style in {page}"


def test_headers_file_carries_the_policy(dist: Path):
    headers = (dist / "_headers").read_text()
    assert f"Content-Security-Policy: {build.HEADER_CSP}" in headers


# ------------------------------------------------------------------ strict checks


def test_missing_section_is_reported():
    problems = build.Problems()
    build.split_sections("## Quick answer\n\nx\n\n## Why it happens\n\n```sh\n## not a heading\n```\n",
                         "x.md", problems)
    assert len(problems.items) == 1 and "'Diagnose it'" in problems.items[0]


def test_sections_in_order_pass():
    problems = build.Problems()
    text = "# Title\n\n" + "".join(f"## {t}\n\ntext\n\n" for t in build.REQUIRED_SECTIONS)
    sections = build.split_sections(text, "x.md", problems)
    assert problems.items == []
    assert [s.slug for s in sections][0] == "quick-answer"


def test_front_matter_is_read_and_never_shown():
    problems = build.Problems()
    meta, rest = build.front_matter("---\nexample: basic.txt\n---\n## Quick answer\n", "x.md", problems)
    assert (meta, rest, problems.items) == ({"example": "basic.txt"}, "## Quick answer\n", [])
    meta, _ = build.front_matter("---\nexampel: basic.txt\n---\n## Quick answer\n", "x.md", problems)
    assert meta == {} and len(problems.items) == 1 and "exampel" in problems.items[0]


def test_a_named_example_must_exist_and_may_not_be_a_nearmiss():
    import analyzer

    problems = build.Problems()
    assert build.build_example("oomkilled", analyzer.analyze, problems, "no-such-paste.txt", "oomkilled.md")
    assert problems.items == ["oomkilled.md: example 'no-such-paste.txt' is not a fixture in tests/fixtures/rules/oomkilled/"]
    nearmiss = sorted((build.FIXTURES / "oomkilled").glob("nearmiss-*.txt"))[0].name
    problems = build.Problems()
    build.build_example("oomkilled", analyzer.analyze, problems, nearmiss, "oomkilled.md")
    assert len(problems.items) == 1 and nearmiss in problems.items[0]


def test_a_named_example_must_fire_its_class(tmp_path: Path, monkeypatch):
    import analyzer

    (tmp_path / "oomkilled").mkdir()
    healthy = sorted((ROOT / "tests" / "fixtures" / "healthy").glob("*.txt"))[0]
    (tmp_path / "oomkilled" / "healthy.txt").write_bytes(healthy.read_bytes())
    monkeypatch.setattr(build, "FIXTURES", tmp_path)
    monkeypatch.setattr(build, "ROOT", tmp_path.parent)
    problems = build.Problems()
    assert build.build_example("oomkilled", analyzer.analyze, problems, "healthy.txt", "oomkilled.md") is None
    assert len(problems.items) == 1 and "finds no oomkilled in" in problems.items[0]


def test_broken_links_and_anchors_are_reported():
    out = build.Output()
    out.add("index.html", '<a href="failures/a/">a</a> <a href="failures/b/">b</a> <a id="x" href="#nope">n</a>')
    out.add("failures/a/index.html", '<a href="../../#x">home</a> <a href="../../assets/gone.css">css</a>')
    out.add("sw.js", 'const PRECACHE = ["./", "failures/a/", "failures/c/"];')
    problems = build.Problems()
    build.validate(out, problems)
    assert sorted(problems.items) == sorted([
        "index.html: broken link failures/b/",
        "index.html: broken anchor #nope",
        "failures/a/index.html: broken link ../../assets/gone.css",
        "sw.js precaches failures/c/, which the build does not produce",
    ])


# ------------------------------------------------------------------ the dev server


@pytest.fixture(scope="module")
def server(dist: Path):
    sys.path.insert(0, str(ROOT / "site"))
    import serve

    (dist / "favicon.svg.gz").write_bytes(b"pretend gzip")
    httpd = serve.make_server(dist, port=0, quiet=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    (dist / "favicon.svg.gz").unlink()


def fetch(url: str, **headers):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as r:
        return r.status, r.headers, r.read()


def test_server_sends_wasm_as_application_wasm_with_the_csp(server: str, dist: Path):
    wasm = next((dist / "pyodide").glob("*/pyodide.asm.wasm")).relative_to(dist).as_posix()
    status, headers, _ = fetch(f"{server}/{wasm}")
    assert status == 200
    assert headers["Content-Type"] == "application/wasm"
    assert headers["Content-Security-Policy"] == build.HEADER_CSP
    assert "immutable" in headers["Cache-Control"]


def test_server_serves_precompressed_files(server: str):
    _, headers, body = fetch(f"{server}/favicon.svg", **{"Accept-Encoding": "gzip, br"})
    assert (headers["Content-Encoding"], headers["Content-Type"], body) == ("gzip", "image/svg+xml", b"pretend gzip")
    _, headers, body = fetch(f"{server}/favicon.svg")
    assert headers["Content-Encoding"] is None and body.startswith(b"<svg")
