#!/usr/bin/env python3
"""Build the kubeclue site into dist/: gather -> render -> validate -> write.

    python build.py            # build dist/, report problems as warnings
    python build.py --strict   # the same, but any problem fails the build (make test, CI)

The build is deterministic: no clock, no randomness, everything sorted, fixed zip
timestamps, so building twice gives byte-identical files. Asset names carry a hash of
their content, and the service worker's cache name is a hash of everything it precaches,
so a new build replaces the old cache cleanly.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import posixpath
import re
import shutil
import sys
import tomllib
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
import markdown

ROOT = Path(__file__).resolve().parent
SITE = ROOT / "site"
FIXTURES = ROOT / "tests" / "fixtures" / "rules"

# The policy every page carries. 'wasm-unsafe-eval' is what Pyodide needs to compile its
# WebAssembly; plain 'unsafe-eval' is not (pyodide-notes §6).
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "connect-src 'self'",
    "worker-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
])
# A <meta> policy ignores frame-ancestors and does not reach the Web Worker, so hosts that
# can send headers get the full policy (site/serve.py and dist/_headers).
HEADER_CSP = CSP + "; frame-ancestors 'none'"

# What Pyodide needs at run time; the rest of the npm package (types, maps, consoles) is not shipped.
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")

# The docs page of a class: these H2 sections, in this order (see analyzer/rules/*.md).
REQUIRED_SECTIONS = ("Quick answer", "Why it happens", "Diagnose it", "Fix it", "Check it is fixed", "FAQ")

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold; any fixed date would do
EXCERPT_CONTEXT = 2  # lines shown around each evidence line in a docs example


class BuildError(Exception):
    pass


@dataclass
class Problems:
    """Everything validation found; fatal under --strict, printed as warnings otherwise."""

    items: list[str] = field(default_factory=list)

    def add(self, message: str) -> None:
        self.items.append(message)


# ----------------------------------------------------------------------------- gather


@dataclass(frozen=True)
class Section:
    title: str
    slug: str
    markdown: str


@dataclass(frozen=True)
class Example:
    """A fixture run through the analyzer at build time, as the docs page shows it."""

    fixture: str  # path relative to the repository, e.g. tests/fixtures/rules/oomkilled/basic.txt
    rows: tuple[dict[str, Any], ...]  # excerpt of the paste: {"gap", "n", "text", "ev"}
    finding: dict[str, Any]
    obj: dict[str, Any]


@dataclass(frozen=True)
class ClassPage:
    cls: str
    title: str
    severity: str
    summary: str
    statuses: tuple[str, ...]
    related: tuple[str, ...]
    source: str  # the Markdown file, relative to the repository
    sections: tuple[Section, ...]
    example: Example | None

    @property
    def url(self) -> str:
        return f"failures/{self.cls}/"


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def split_sections(text: str, source: str, problems: Problems) -> tuple[Section, ...]:
    """Split a rule's Markdown page at its H2 headings (ignoring '## ' inside code fences)."""
    sections: list[tuple[str, list[str]]] = []
    preamble: list[str] = []
    fence: str | None = None
    for line in text.splitlines():
        stripped = line.lstrip()
        marker = re.match(r"(`{3,}|~{3,})", stripped)
        if marker:
            if fence is None:
                fence = marker.group(1)
            elif stripped.startswith(fence) and not stripped[len(fence):].strip():
                fence = None
        if fence is None and line.startswith("## "):
            sections.append((line[3:].strip(), []))
        elif sections:
            sections[-1][1].append(line)
        else:
            preamble.append(line)
    # A leading "# Title" is allowed (the page title comes from the rule's metadata); other
    # text before the first section would silently vanish from the page.
    if any(line.strip() and not line.startswith("# ") for line in preamble):
        problems.add(f"{source}: text before the first '## ' section is not shown; move it into '## Quick answer'")
    titles = [title for title, _ in sections]
    if tuple(titles) != REQUIRED_SECTIONS:
        missing = [t for t in REQUIRED_SECTIONS if t not in titles]
        extra = [t for t in titles if t not in REQUIRED_SECTIONS]
        detail = []
        if missing:
            detail.append("missing " + ", ".join(repr(t) for t in missing))
        if extra:
            detail.append("unexpected " + ", ".join(repr(t) for t in extra))
        if not detail:
            detail.append("out of order")
        problems.add(f"{source}: H2 sections must be {', '.join(REQUIRED_SECTIONS)} ({'; '.join(detail)}; found {titles})")
    return tuple(Section(title, slugify(title), "\n".join(body).strip() + "\n") for title, body in sections)


def first_fixture(cls: str) -> Path | None:
    folder = FIXTURES / cls
    candidates = sorted(p for p in folder.glob("*.txt") if not p.name.startswith("nearmiss-")) if folder.is_dir() else []
    return candidates[0] if candidates else None


def excerpt(lines: list[str], evidence: set[int]) -> tuple[dict[str, Any], ...]:
    """The evidence lines with a little context, and the pod's name; gaps between them."""
    keep = {n for n in (1, 2) if n <= len(lines)}
    for n in evidence:
        keep.update(range(max(1, n - EXCERPT_CONTEXT), min(len(lines), n + EXCERPT_CONTEXT) + 1))
    # A gap of a single line would take as much room as the line itself: show the line.
    keep.update(n + 1 for n in list(keep) if n + 2 in keep and n + 1 <= len(lines))
    rows: list[dict[str, Any]] = []
    previous = 0
    for n in sorted(keep):
        if n > previous + 1:
            rows.append({"gap": True, "n": 0, "text": "", "ev": False})
        rows.append({"gap": False, "n": n, "text": lines[n - 1].rstrip("\r"), "ev": n in evidence})
        previous = n
    return tuple(rows)


def build_example(cls: str, analyze: Any, problems: Problems) -> Example | None:
    fixture = first_fixture(cls)
    if fixture is None:
        problems.add(f"class {cls}: no fixture in {FIXTURES.relative_to(ROOT)}/{cls}/ to show on its page")
        return None
    rel = fixture.relative_to(ROOT).as_posix()
    text = fixture.read_text(encoding="utf-8")
    report = analyze(text).to_dict()
    # Prefer the primary finding; any finding of the class will do otherwise.
    primary = report.get("primary") or {}
    found = [
        (0 if (f.get("id"), f.get("class")) == (primary.get("id"), primary.get("class")) else 1, i, f, obj)
        for obj in report.get("objects", [])
        for i, f in enumerate(obj.get("findings", []))
        if f.get("class") == cls
    ]
    if not found:
        problems.add(f"class {cls}: the analyzer finds no {cls} in {rel}, so its page has no example")
        return None
    _, _, finding, obj = min(found, key=lambda t: (t[0], t[1]))
    lines = text.split("\n")
    evidence = {e["line"] for e in finding.get("evidence", [])}
    return Example(fixture=rel, rows=excerpt(lines, evidence), finding=finding, obj=obj)


def gather_pages(problems: Problems) -> tuple[list[ClassPage], dict[str, str]]:
    """One page per failure class, from the rules the analyzer runs. Returns (pages, titles)."""
    sys.path.insert(0, str(ROOT))
    import analyzer
    from analyzer.rules import CLASS_PAGES, RULES

    classes = sorted({rule.meta.cls for rule in RULES})
    titles = {cls: CLASS_PAGES[cls].meta.title for cls in classes if cls in CLASS_PAGES}
    pages = []
    for cls in classes:
        rule = CLASS_PAGES.get(cls)
        if rule is None:
            problems.add(f"class {cls}: no rule in analyzer.rules.CLASS_PAGES carries its docs page")
            continue
        doc_path = getattr(rule, "doc_path", None)
        if doc_path is None or not Path(doc_path).is_file():
            problems.add(f"class {cls}: no docs page (the Markdown file beside its rule module is missing)")
            continue
        doc_path = Path(doc_path)
        source = doc_path.relative_to(ROOT).as_posix() if doc_path.is_relative_to(ROOT) else doc_path.as_posix()
        meta = rule.meta
        # Related classes: the page rule's own first, then what finer rules of the class add.
        related: list[str] = []
        for r in (rule, *(r for r in RULES if r.meta.cls == cls and r is not rule)):
            related += [c for c in r.meta.related if c != cls and c not in related]
        statuses: list[str] = []
        for r in (rule, *(r for r in RULES if r.meta.cls == cls and r is not rule)):
            statuses += [s for s in r.meta.statuses if s not in statuses]
        pages.append(ClassPage(
            cls=cls,
            title=meta.title,
            severity=str(getattr(meta.severity, "value", meta.severity)),  # an Enum in the analyzer
            summary=meta.summary,
            statuses=tuple(statuses),
            related=tuple(related),
            source=source,
            sections=split_sections(doc_path.read_text(encoding="utf-8"), source, problems),
            example=build_example(cls, analyzer.analyze, problems),
        ))
    return pages, titles


def pyodide_runtime() -> tuple[str, dict[str, bytes]]:
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["pyodide"]
    package = ROOT / "node_modules" / "pyodide"
    if not (package / "package.json").is_file():
        raise BuildError("node_modules/pyodide is missing: run `make setup` (npm ci)")
    installed = json.loads((package / "package.json").read_text())["version"]
    if installed != pinned:
        raise BuildError(f"node_modules has pyodide {installed} but package.json pins {pinned}: run `npm ci`")
    return pinned, {name: (package / name).read_bytes() for name in PYODIDE_FILES}


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, whatever machine builds it
            zf.writestr(info, members[name], compresslevel=9)
    return buf.getvalue()


def analyzer_bundle() -> bytes:
    """The analyzer's .py files plus PyYAML's pure-Python package, for pyodide.unpackArchive()."""
    members: dict[str, bytes] = {}
    for path in sorted((ROOT / "analyzer").rglob("*.py")):
        if "__pycache__" not in path.parts:
            members[path.relative_to(ROOT).as_posix()] = path.read_bytes()
    if not members:
        raise BuildError("analyzer/ holds no Python files")
    import yaml

    yaml_dir = Path(yaml.__file__).parent
    # Only the .py files: the _yaml C extension cannot load in Pyodide, and yaml/__init__.py
    # falls back to the pure-Python loader when `from .cyaml import *` fails.
    for path in sorted(yaml_dir.glob("*.py")):
        members["yaml/" + path.name] = path.read_bytes()
    return zip_bytes(members)


def short_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def hashed_name(name: str, data: bytes) -> str:
    stem, dot, ext = name.rpartition(".")
    return f"assets/{stem}.{short_hash(data)}.{ext}"


def project_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


# ----------------------------------------------------------------------------- render


def markdown_to_html(text: str) -> str:
    # A fresh instance per call: Python-Markdown keeps state (toc ids, references) between runs.
    md = markdown.Markdown(extensions=["fenced_code", "tables", "sane_lists", "toc"], output_format="html")
    return md.convert(text)


def split_command(command: str) -> tuple[str, str]:
    """'kubectl … # risky: …' -> ('kubectl …', '  # risky: …'); app.js splits the same way."""
    i = command.find("  # ")
    return (command, "") if i < 0 else (command[:i], command[i:])


def code_spans(text: str) -> list[tuple[bool, str]]:
    """'run `kubectl get pod`' -> [(False, 'run '), (True, 'kubectl get pod')]; app.js does the same."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: plain text
        return [(False, text)]
    return [(i % 2 == 1, part) for i, part in enumerate(parts) if part]


def template_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([SITE / "templates", SITE / "static"]),  # static/sw.js is a template
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(("html",), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["split_command"] = split_command
    env.filters["code_spans"] = code_spans
    return env


@dataclass
class Output:
    """The files of dist/, by path relative to it."""

    files: dict[str, bytes] = field(default_factory=dict)

    def add(self, path: str, data: bytes | str) -> None:
        if path in self.files:
            raise BuildError(f"two outputs want {path}")
        self.files[path] = data.encode("utf-8") if isinstance(data, str) else data


def render_site(pages: list[ClassPage], titles: dict[str, str], problems: Problems) -> Output:
    out = Output()
    version = project_version()
    pyodide_version, runtime = pyodide_runtime()
    for name, data in runtime.items():
        out.add(f"pyodide/{pyodide_version}/{name}", data)

    static = SITE / "static"
    assets = {}
    for key, name in (("css", "style.css"), ("app", "app.js"), ("worker", "worker.js")):
        data = (static / name).read_bytes()
        assets[key] = hashed_name(name, data)
        out.add(assets[key], data)
    bundle = analyzer_bundle()
    assets["bundle"] = hashed_name("analyzer.zip", bundle)
    out.add(assets["bundle"], bundle)
    out.add("favicon.svg", (static / "favicon.svg").read_bytes())

    env = template_env()
    common = {
        "csp": CSP,
        "assets": assets,
        "version": version,
        "pyodide_version": pyodide_version,
        "pages": pages,
        "class_titles": titles,
    }
    out.add("index.html", env.get_template("index.html").render(common, root="./", page_kind="tool"))
    for page in pages:
        sections = [
            {"title": s.title, "slug": s.slug, "html": markdown_to_html(s.markdown)} for s in page.sections
        ]
        related = [{"cls": c, "title": titles.get(c), "has_page": c in titles} for c in page.related]
        for r in related:
            if not r["has_page"]:
                print(f"build: note: {page.cls} lists related class {r['cls']}, which has no page yet", file=sys.stderr)
        html = env.get_template("failure.html").render(
            common, root="../../", page_kind="failure", page=page, sections=sections, related=related
        )
        out.add(f"{page.url}index.html", html)

    # Everything a visit needs, for the service worker to precache. Pages are cached under the
    # URL people navigate to ("./", "failures/x/"), not under their index.html file name.
    precache = ["./"] + [p.url for p in pages] + sorted(
        path for path in out.files if not path.endswith(".html")
    )
    # Content-hashed and versioned URLs never change content: the worker reuses them from an
    # older cache (or the HTTP cache) instead of downloading ~13 MB again after every build.
    immutable = sorted(p for p in precache if p.startswith(("assets/", f"pyodide/{pyodide_version}/")))
    digest = hashlib.sha256()
    for url in precache:
        digest.update(url.encode() + b"\0" + out.files[page_file(url)] + b"\0")
    sw = env.get_template("sw.js").render(
        cache=f"kubeclue-{digest.hexdigest()[:12]}", precache=precache, immutable=immutable
    )
    out.add("sw.js", sw)
    out.add("_headers", render_headers(pyodide_version))
    return out


def page_file(url: str) -> str:
    """The dist/ file a site-relative URL serves ('./' -> index.html, 'failures/x/' -> …/index.html)."""
    if url in ("./", ""):
        return "index.html"
    return url + "index.html" if url.endswith("/") else url


def render_headers(pyodide_version: str) -> str:
    """Response headers for static hosts that read a _headers file (Netlify, Cloudflare Pages)."""
    immutable = "public, max-age=31536000, immutable"
    return "\n".join([
        "/*",
        f"  Content-Security-Policy: {HEADER_CSP}",
        "  X-Content-Type-Options: nosniff",
        "  Referrer-Policy: no-referrer",
        "/assets/*",
        f"  Cache-Control: {immutable}",
        f"/pyodide/{pyodide_version}/*",
        f"  Cache-Control: {immutable}",
        "/sw.js",
        "  Cache-Control: no-cache",
        "",
    ])


# ----------------------------------------------------------------------------- validate


class LinkCollector(HTMLParser):
    # data-* attributes that name files the page's scripts load (see site/templates/_base.html).
    URL_ATTRS = {"href", "src", "data-worker", "data-bundle", "data-pyodide"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            elif name in self.URL_ATTRS:
                self.links.append((name, value))


def resolve(page: str, link_path: str) -> str:
    """The dist/ path a relative link on `page` points at ('' when it leaves the site)."""
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), link_path))
    if joined == ".." or joined.startswith("../"):
        return ""
    if joined == ".":
        return "index.html"
    return joined + "/index.html" if link_path.endswith("/") else joined


def validate(out: Output, problems: Problems) -> None:
    """Every internal link and anchor resolves; the precache list names real files."""
    parsed: dict[str, LinkCollector] = {}
    for path in sorted(out.files):
        if path.endswith(".html"):
            collector = LinkCollector()
            collector.feed(out.files[path].decode("utf-8"))
            parsed[path] = collector
    for path, collector in parsed.items():
        for attr, link in collector.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                problems.add(f"{path}: external URL {link} (the site loads nothing from elsewhere)")
                continue
            target = resolve(path, unquote(parts.path)) if parts.path else path
            if attr == "data-pyodide":
                target = target.removesuffix("index.html") + "pyodide.mjs"
            if target not in out.files:
                problems.add(f"{path}: broken link {link}")
            elif parts.fragment and (target not in parsed or parts.fragment not in parsed[target].ids):
                problems.add(f"{path}: broken anchor {link}")

    sw = out.files["sw.js"].decode("utf-8")
    match = re.search(r"const PRECACHE = (\[.*?\]);", sw, re.S)
    if not match:
        problems.add("sw.js: no PRECACHE list")
    else:
        for url in json.loads(match.group(1)):
            if page_file(url) not in out.files:
                problems.add(f"sw.js precaches {url}, which the build does not produce")


# ----------------------------------------------------------------------------- write


def write(out: Output, dist: Path) -> None:
    if dist.exists():
        shutil.rmtree(dist)
    for path in sorted(out.files):
        target = dist / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(out.files[path])


def build(dist: Path, strict: bool) -> Output:
    problems = Problems()
    pages, titles = gather_pages(problems)
    out = render_site(pages, titles, problems)
    validate(out, problems)
    if problems.items:
        for message in problems.items:
            print(f"build: {'error' if strict else 'warning'}: {message}", file=sys.stderr)
        if strict:
            raise BuildError(f"{len(problems.items)} problem(s); not writing {dist}")
    write(out, dist)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--strict", action="store_true", help="fail on any validation problem")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="output directory (default: dist/)")
    args = parser.parse_args(argv)
    try:
        out = build(args.out.resolve(), args.strict)
    except BuildError as e:
        print(f"build: {e}", file=sys.stderr)
        return 1
    total = sum(len(data) for data in out.files.values())
    print(f"build: wrote {len(out.files)} files, {total / 1e6:.1f} MB, to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
