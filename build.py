#!/usr/bin/env python3
"""Build the kubeclue site into dist/: gather -> render -> validate -> write.

    python build.py            # build dist/, report problems as warnings
    python build.py --strict   # the same, but any problem fails the build (make test, CI)
    python build.py --base-url https://example.org/kubeclue/   # where the site will live

The build is deterministic: no clock, no randomness, everything sorted, fixed zip
timestamps, so building twice gives byte-identical files. Asset names carry a hash of
their content, and the service worker's cache name is a hash of everything it precaches,
so a new build replaces the old cache cleanly.
"""
from __future__ import annotations

import argparse
import hashlib
import html
import json
import logging
import posixpath
import re
import shutil
import sys
import tomllib
import warnings
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import jinja2
import markdown

sys.path.insert(0, str(Path(__file__).resolve().parent / "site" / "build"))
import runtime as runtime_build  # noqa: E402  the Pyodide runtime pipeline: site/build/runtime.py

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
    statuses: tuple[str, ...]  # the statuses and event reasons it shows up as: each has a hub page
    related: tuple[str, ...]
    source: str  # the Markdown file, relative to the repository
    sections: tuple[Section, ...]
    example: Example | None
    messages: tuple[str, ...] = ()  # words of the error messages that tell this class apart
    search: str = ""  # what people search for this failure, when the page names it (front matter)

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


# A class page may open with front matter naming its example, the clearest typical paste
# among the class's fixtures (the first in sorted order is often an old kubectl format):
#     ---
#     example: containerd-last-state-oomkilled-limits.txt
#     search: Init:CrashLoopBackOff
#     ---
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
FRONT_MATTER_KEYS = ("example", "search")  # search: the words people search, for the page title
# Fixtures that must not fire their class (nearmiss-) or must end unknown (unknown-): never an example.
NOT_EXAMPLES = ("nearmiss-", "unknown-")


def front_matter(text: str, source: str, problems: Problems) -> tuple[dict[str, str], str]:
    """'---\nkey: value\n---\n' at the top of a docs page -> ({key: value}, the rest)."""
    m = FRONT_MATTER.match(text)
    if not m:
        return {}, text
    meta: dict[str, str] = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if not line.strip():
            continue
        if not sep or key not in FRONT_MATTER_KEYS or not value:
            problems.add(f"{source}: front matter line {line!r}: expected one of {', '.join(f'{k}: <value>' for k in FRONT_MATTER_KEYS)}")
        elif key in meta:
            problems.add(f"{source}: front matter names {key} twice")
        else:
            meta[key] = value
    return meta, text[m.end():]


def first_fixture(cls: str) -> Path | None:
    folder = FIXTURES / cls
    candidates = sorted(p for p in folder.glob("*.txt") if not p.name.startswith(NOT_EXAMPLES)) if folder.is_dir() else []
    return candidates[0] if candidates else None


def example_fixture(cls: str, named: str | None, source: str, problems: Problems) -> Path | None:
    """The fixture a class page shows: the one its front matter names, else the first in sorted order."""
    if named is None:
        return first_fixture(cls)
    path = FIXTURES / cls / named
    if "/" in named or not named.endswith(".txt") or not path.is_file():
        problems.add(f"{source}: example {named!r} is not a fixture in {FIXTURES.relative_to(ROOT)}/{cls}/")
        return first_fixture(cls)
    if named.startswith(NOT_EXAMPLES):
        problems.add(f"{source}: example {named!r} is a {named.split('-')[0]} fixture; it must not be the example of {cls}")
        return first_fixture(cls)
    return path


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


def build_example(cls: str, analyze: Any, problems: Problems, named: str | None = None,
                  source: str = "") -> Example | None:
    fixture = example_fixture(cls, named, source or cls, problems)
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
        # META.statuses holds both what kubectl shows (hub pages) and message words (tell-tales).
        front, body = front_matter(doc_path.read_text(encoding="utf-8"), source, problems)
        hub_statuses = tuple(s for s in statuses if is_hub_status(s))
        messages = tuple(s for s in statuses if not is_hub_status(s))
        pages.append(ClassPage(
            cls=cls,
            title=meta.title,
            severity=str(getattr(meta.severity, "value", meta.severity)),  # an Enum in the analyzer
            summary=meta.summary,
            statuses=hub_statuses,
            related=tuple(related),
            source=source,
            sections=split_sections(body, source, problems),
            example=build_example(cls, analyzer.analyze, problems, front.get("example"), source),
            messages=messages,
            search=front.get("search", ""),
        ))
    return pages, titles


# ----------------------------------------------------------------------------- docs: gather

CONTENT = SITE / "content"
# A placeholder that works with `make serve`; a real deployment passes its own --base-url.
DEFAULT_BASE_URL = "http://127.0.0.1:8000/"
# Statuses and event reasons as kubectl prints them (ImagePullBackOff, Init:CrashLoopBackOff,
# "Endpoints: <none>") get a hub page; anything else a rule declares is a message's words.
HUB_STATUS = re.compile(r"(?:Init:)?[A-Z][A-Za-z]+|[A-Z][A-Za-z]+: <none>")
CONTENT_PAGES = ("faq", "about", "privacy")  # site/content/<slug>.md -> dist/<slug>/
# "Download for offline use": the built site in one zip (see offline_zip()); a download, not precached.
OFFLINE_ZIP = "kubeclue-offline.zip"
NOT_PRECACHED = ("robots.txt", "sitemap.xml", OFFLINE_ZIP)  # for crawlers, not for a visit; the download
DESCRIPTION_LENGTH = 158  # what search engines show of a meta description


def is_hub_status(status: str) -> bool:
    return HUB_STATUS.fullmatch(status) is not None


def hub_slug(status: str) -> str:
    """'Init:CrashLoopBackOff' -> 'init-crashloopbackoff', 'Endpoints: <none>' -> 'endpoints-none'."""
    return re.sub(r"[^a-z0-9]+", "-", status.lower().replace(":", "-")).strip("-")


@dataclass(frozen=True)
class Hub:
    """The page of one status or event reason: the classes that show up as it."""

    status: str
    slug: str
    classes: tuple[str, ...]  # in the analyzer's rule order
    intro: str  # Markdown from site/content/errors/<slug>.md, or ""
    source: str

    @property
    def url(self) -> str:
        return f"errors/{self.slug}/"


@dataclass(frozen=True)
class Group:
    title: str
    slug: str
    intro: str  # Markdown
    classes: tuple[str, ...]


@dataclass(frozen=True)
class ContentPage:
    slug: str
    title: str
    description: str
    markdown: str  # without the "# Title" line
    source: str

    @property
    def url(self) -> str:
        return f"{self.slug}/" if self.slug else ""


@dataclass(frozen=True)
class Docs:
    base_url: str
    hubs: tuple[Hub, ...]
    catalogue: ContentPage  # the intro of failures/, from site/content/catalogue.md
    groups: tuple[Group, ...]
    errors: ContentPage  # the intro of errors/, from site/content/errors.md
    pages: tuple[ContentPage, ...]  # FAQ, about, privacy
    examples: dict[str, str]  # class -> the paste "Try it" loads (examples/<class>.txt)

    @property
    def base_path(self) -> str:
        return urlsplit(self.base_url).path


def normalize_base_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise BuildError(f"--base-url {url!r}: give an absolute http(s) URL such as https://example.org/kubeclue/")
    return url if url.endswith("/") else url + "/"


def plain_text(markdown_text: str) -> str:
    """Markdown -> one line of text, for meta descriptions and the search index."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown_text)  # [text](link) -> text
    text = re.sub(r"[`*_]", "", text)
    return " ".join(text.split())


def shorten(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"


def first_paragraph(markdown_text: str) -> str:
    for block in re.split(r"\n\s*\n", markdown_text.strip()):
        if block.strip() and not block.lstrip().startswith(("#", "```", "~~~", "|", "- ", "* ", "1. ")):
            return plain_text(block)
    return ""


def repo_path(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.as_posix()


def load_content(path: Path, slug: str, problems: Problems) -> ContentPage:
    source = repo_path(path)
    if not path.is_file():
        problems.add(f"{source}: missing")
        return ContentPage(slug, slug, "", "", source)
    text = path.read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    if not first.startswith("# "):
        problems.add(f"{source}: must start with '# Title'")
        return ContentPage(slug, slug, first_paragraph(text), text, source)
    description = first_paragraph(rest)
    if not description:
        problems.add(f"{source}: needs a first paragraph (it is the page's description)")
    return ContentPage(slug, first[2:].strip(), shorten(description), rest.strip() + "\n", source)


def rule_order() -> dict[str, int]:
    """Each class's place in analyzer.rules.RULES, which lists them by theme."""
    from analyzer.rules import RULES

    order: dict[str, int] = {}
    for i, rule in enumerate(RULES):
        order.setdefault(rule.meta.cls, i)
    return order


def status_key(status: str) -> tuple[str, str]:
    """Alphabetical, with Init:X right after X."""
    return (status.removeprefix("Init:").lower(), status)


def gather_hubs(pages: list[ClassPage], problems: Problems) -> tuple[Hub, ...]:
    """A hub per status any class declares; its causes are every class that declares it."""
    order = rule_order()
    by_status: dict[str, list[str]] = {}
    for page in sorted(pages, key=lambda p: (order.get(p.cls, len(order)), p.cls)):
        for status in page.statuses:
            by_status.setdefault(status, []).append(page.cls)
    hubs: list[Hub] = []
    owner: dict[str, str] = {}
    for status in sorted(by_status, key=status_key):
        slug = hub_slug(status)
        if slug in owner:
            problems.add(f"statuses {owner[slug]!r} and {status!r} would share the hub errors/{slug}/")
            continue
        owner[slug] = status
        intro_path = CONTENT / "errors" / f"{slug}.md"
        intro = intro_path.read_text(encoding="utf-8").strip() + "\n" if intro_path.is_file() else ""
        if intro.startswith("#"):
            problems.add(f"{repo_path(intro_path)}: a hub intro starts with its text (the page title is the status)")
        hubs.append(Hub(status, slug, tuple(by_status[status]), intro, repo_path(intro_path)))
    folder = CONTENT / "errors"
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        if path.stem not in owner:
            problems.add(f"{repo_path(path)}: no rule declares a status whose hub is errors/{path.stem}/")
    return tuple(hubs)


def gather_groups(pages: list[ClassPage], problems: Problems) -> tuple[ContentPage, tuple[Group, ...]]:
    """site/content/catalogue.md: the groups of failure-classes.md, each a '## Title', its
    intro and a '- <class>' line per class. Every class with a page must be in one group."""
    path = CONTENT / "catalogue.md"
    page = load_content(path, "failures", problems)
    known = {p.cls for p in pages}
    groups: list[Group] = []
    seen: dict[str, str] = {}
    parts = re.split(r"^## (.+)$", page.markdown, flags=re.M)
    intro, rest = parts[0], parts[1:]
    for title, body in zip(rest[0::2], rest[1::2]):
        classes, lines = [], []
        for line in body.splitlines():
            m = re.fullmatch(r"- ([a-z0-9-]+)", line.strip())
            if m:
                cls = m.group(1)
                if cls not in known:
                    problems.add(f"{page.source}: group {title!r} lists {cls}, which no rule reports")
                elif cls in seen:
                    problems.add(f"{page.source}: {cls} is in both {seen[cls]!r} and {title!r}")
                else:
                    seen[cls] = title
                    classes.append(cls)
            else:
                lines.append(line)
        groups.append(Group(title.strip(), slugify(title), "\n".join(lines).strip() + "\n", tuple(classes)))
    for cls in sorted(known - set(seen)):
        problems.add(f"{page.source}: class {cls} is in no group of the catalogue")
    catalogue = ContentPage(page.slug, page.title, page.description, intro.strip() + "\n", page.source)
    return catalogue, tuple(groups)


def gather_docs(pages: list[ClassPage], base_url: str, problems: Problems) -> Docs:
    from analyzer.parse.text import decode

    catalogue, groups = gather_groups(pages, problems)
    examples = {
        p.cls: decode((ROOT / p.example.fixture).read_bytes()) for p in pages if p.example is not None
    }
    return Docs(
        base_url=normalize_base_url(base_url),
        hubs=gather_hubs(pages, problems),
        catalogue=catalogue,
        groups=groups,
        errors=load_content(CONTENT / "errors.md", "errors", problems),
        pages=tuple(load_content(CONTENT / f"{slug}.md", slug, problems) for slug in CONTENT_PAGES),
        examples=examples,
    )


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


def render_site(pages: list[ClassPage], titles: dict[str, str], problems: Problems, docs: Docs) -> Output:
    out = Output()
    version = project_version()
    bundle = analyzer_bundle()
    try:
        runtime = runtime_build.build_runtime(bundle)  # the precompiled stdlib depends on the bundle
    except runtime_build.RuntimeBuildError as e:
        raise BuildError(str(e)) from e
    pyodide_version = runtime.version
    for name, data in sorted(runtime.files.items()):
        out.add(f"pyodide/{pyodide_version}/{name}", data)

    static = SITE / "static"
    assets = {}
    for key, name in (("css", "style.css"), ("app", "app.js"), ("worker", "worker.js"), ("share", "share.js"),
                      ("theme", "theme.js"), ("start", "start.js")):
        data = (static / name).read_bytes()
        if key == "worker":
            data = runtime_build.configure_worker(data, runtime.config)
        assets[key] = hashed_name(name, data)
        out.add(assets[key], data)
    assets["bundle"] = hashed_name("analyzer.zip", bundle)
    out.add(assets["bundle"], bundle)
    out.add("favicon.svg", (static / "favicon.svg").read_bytes())
    for icon in sorted((static / "icons").glob("*.png")):
        out.add(f"icons/{icon.name}", icon.read_bytes())
    out.add("manifest.webmanifest", render_manifest())
    docs_text = convert_docs(pages, docs, problems)
    assets.update(add_docs_assets(out, pages, titles, docs, docs_text))

    env = template_env()
    common = {
        "csp": CSP,
        "assets": assets,
        "version": version,
        "pyodide_version": pyodide_version,
        # what start.js downloads for the worker on a first visit: the snapshot (the page taking
        # the stdlib too measured no better: it competes for the first connections)
        "page_files": [runtime.config[k] for k in ("snapshot",) if runtime.config.get(k)],
        "pages": pages,
        "class_titles": titles,
        **docs_context(docs),
    }
    out.add("index.html", env.get_template("index.html").render(common, root="./", page_kind="tool"))
    render_docs(env, common, out, pages, titles, docs, docs_text)

    # Everything a visit needs, for the service worker to precache. Pages are cached under the
    # URL people navigate to ("./", "failures/x/"), not under their index.html file name.
    precache = ["./"] + docs_page_urls(out) + sorted(
        path for path in out.files if not path.endswith(".html") and precached(path)
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
    # Last: every file of the site so far goes into it.
    out.add(OFFLINE_ZIP, offline_zip(out.files, version))
    # X.br and X.gz beside X, for site/serve.py and the static hosts that serve them.
    for path, data in runtime_build.precompress(out.files).items():
        out.add(path, data)
    return out


def precached(path: str) -> bool:
    """Whether the service worker precaches this dist/ file (pages: under their URL)."""
    return not (path in ("sw.js", "_headers") or path in NOT_PRECACHED or path.endswith((".br", ".gz"))
                or runtime_build.not_precached(path))


# ----------------------------------------------------------------------------- docs: render


class MarkdownLog(logging.Handler):
    """Collects what Python-Markdown logs while it converts one text."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass(frozen=True)
class Rendered:
    html: str
    headings: tuple[tuple[int, str, str], ...]  # (level, text, id) of the H2-H6 in the text


def docs_markdown(text: str, source: str, problems: Problems) -> Rendered:
    """Markdown -> HTML with a fresh instance (it keeps state between runs); anything it logs or
    warns, and anything that looks like Markdown it did not understand, is a problem."""
    md = markdown.Markdown(
        extensions=["fenced_code", "tables", "sane_lists", "toc"],
        extension_configs={"toc": {"permalink": "#", "permalink_class": "anchor", "permalink_title": "Link to this section"}},
        output_format="html",
    )
    log = MarkdownLog()
    logger = logging.getLogger("MARKDOWN")
    logger.addHandler(log)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = md.convert(text)
    finally:
        logger.removeHandler(log)
    said = log.messages + [str(w.message) for w in caught if not issubclass(w.category, DeprecationWarning)]
    for message in said:
        problems.add(f"{source}: Markdown: {message}")
    lint_html(out, source, problems)
    headings = []

    def walk(tokens: list[dict]) -> None:
        for t in tokens:
            headings.append((t["level"], html.unescape(t["name"]), t["id"]))
            walk(t["children"])

    walk(md.toc_tokens)
    return Rendered(out, tuple(headings))


def lint_html(out: str, source: str, problems: Problems) -> None:
    """Markdown that did not render: an unclosed fence or code span, a link that stayed text.
    Raw HTML that the page's CSP would block (or that could smuggle script) is refused too."""
    prose = re.sub(r"<pre>.*?</pre>|<code>.*?</code>", "", out, flags=re.S)
    checks = [
        (r"^(```|~~~)", "an unclosed code fence"),
        (r"`", "an unpaired backtick"),
        (r"\]\(", "a link that did not render: ](…)"),
        (r"\[[^\]]+\]\[[^\]]*\]", "a reference link without its definition"),
    ]
    for pattern, what in checks:
        m = re.search(pattern, html.unescape(re.sub(r"<[^>]+>", "", prose)), re.M)
        if m:
            problems.add(f"{source}: {what} near {m.string[max(0, m.start() - 40):m.end() + 40]!r}")
    m = re.search(r"<(script|style|iframe|object|embed|form)\b|\sstyle=|\son[a-z]+=", out, re.I)
    if m:
        problems.add(f"{source}: raw HTML {m.group(0).strip()!r} is not allowed in docs Markdown")


class TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(fragment: str) -> str:
    fragment = re.sub(r'<a class="anchor"[^>]*>.*?</a>', "", fragment)  # heading permalinks
    parser = TextOnly()
    parser.feed(fragment)
    parser.close()
    return " ".join("".join(parser.parts).split())


def faq_entries(rendered: str, source: str, problems: Problems) -> list[tuple[str, str]]:
    """A FAQ's HTML, '<h3>Question</h3>' + answer -> [(question, answer as text)], for schema.org FAQPage."""
    parts = re.split(r"<h3[^>]*>(.*?)</h3>", rendered, flags=re.S)
    entries = []
    for question, answer in zip(parts[1::2], parts[2::2]):
        q, a = html_text(question), html_text(answer)
        if not a:
            problems.add(f"{source}: FAQ {q!r} has no answer")
        entries.append((q, a))
    return entries


def json_ld(data: dict[str, Any]) -> str:
    """JSON for a <script type="application/ld+json">: '<' can never close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def faq_jsonld(entries: list[tuple[str, str]]) -> str:
    return json_ld({
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {"@type": "Question", "name": q, "acceptedAnswer": {"@type": "Answer", "text": a}} for q, a in entries
        ],
    })


def breadcrumb_jsonld(base_url: str, trail: list[tuple[str, str]]) -> str:
    """schema.org BreadcrumbList for [(name, site-relative URL)], the trail the page's crumbs show."""
    return json_ld({
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": base_url + url}
            for i, (name, url) in enumerate(trail, 1)
        ],
    })


def link_class_mentions(out: str, classes: set[str]) -> str:
    """'see the node-not-ready page' in a class page's prose -> a link to that page."""
    parts = re.split(r"(<[^>]+>)", out)
    inside = {"a": 0, "code": 0, "pre": 0}
    for i, part in enumerate(parts):
        tag = re.match(r"<(/?)(a|code|pre)\b", part)
        if tag:
            inside[tag.group(2)] += -1 if tag.group(1) else 1
        elif not part.startswith("<") and not any(inside.values()):
            parts[i] = re.sub(
                r"\bthe ([a-z0-9]+(?:-[a-z0-9]+)+) page\b",
                lambda m: f'the <a href="../{m.group(1)}/">{m.group(1)}</a> page' if m.group(1) in classes else m.group(0),
                part,
            )
    return "".join(parts)


def search_keyword(page: ClassPage, hubs: tuple[Hub, ...]) -> str:
    """What someone with this failure types into a search engine, for the page title: the
    words its page names (front matter `search:`), else the short words of its message,
    else a status only this class shows, else its first status."""
    if page.search:
        return page.search
    vague = {"Pending", "Running", "Succeeded", "Failed", "Unknown", "Terminating", "Error"}
    causes = {h.status: len(h.classes) for h in hubs}
    # 'configmap "…" not found' is searched as its words: 'configmap not found'.
    words = [re.sub(r'\s*"…"\s*', " ", m).strip() for m in page.messages]
    words = [w for w in words if "…" not in w and len(w) <= 40 and re.search(r"[A-Za-z]{3}", w)]
    own = [s for s in page.statuses if causes.get(s) == 1 and s not in vague]
    return (words + own + list(page.statuses) + [""])[0]


def hub_description(hub: Hub, titles: dict[str, str]) -> str:
    lead = first_paragraph(hub.intro)
    causes = "; ".join(titles[c].rstrip(".") for c in hub.classes if c in titles)
    if len(hub.classes) == 1:
        tail = f"The cause: {causes}. How to confirm it and fix it."
    else:
        tail = f"{len(hub.classes)} causes: {causes}. How to tell which one you have, and the fix for each."
    return shorten(f"{lead} {tail}" if lead else f"{hub.status} in Kubernetes. {tail}")


@dataclass(frozen=True)
class DocsText:
    """Every docs Markdown text converted once, for the pages and for the search index."""

    sections: dict[str, tuple[tuple[Section, Rendered], ...]]  # class -> its sections
    faqs: dict[str, list[tuple[str, str]]]  # page URL -> its FAQ entries
    hubs: dict[str, Rendered]  # hub slug -> its intro
    groups: dict[str, Rendered]  # group slug -> its intro
    content: dict[str, Rendered]  # content page slug (faq, about, privacy, failures, errors) -> its body


def convert_docs(pages: list[ClassPage], docs: Docs, problems: Problems) -> DocsText:
    sections: dict[str, tuple[tuple[Section, Rendered], ...]] = {}
    faqs: dict[str, list[tuple[str, str]]] = {}
    classes = {p.cls for p in pages}
    for page in pages:
        sections[page.cls] = tuple(
            (s, Rendered(link_class_mentions(r.html, classes), r.headings))
            for s in page.sections for r in [docs_markdown(s.markdown, page.source, problems)]
        )
        for s, r in sections[page.cls]:
            if s.title == "FAQ":
                faqs[page.url] = faq_entries(r.html, page.source, problems)
    content = {p.slug: docs_markdown(p.markdown, p.source, problems) for p in (*docs.pages, docs.catalogue, docs.errors)}
    faq_page = next((p for p in docs.pages if p.slug == "faq"), None)
    if faq_page is not None:
        faqs[faq_page.url] = faq_entries(content[faq_page.slug].html, faq_page.source, problems)
    return DocsText(
        sections=sections,
        faqs=faqs,
        hubs={h.slug: docs_markdown(h.intro, h.source, problems) for h in docs.hubs},
        groups={g.slug: docs_markdown(g.intro, docs.catalogue.source, problems) for g in docs.groups},
        content=content,
    )


def heading_slug(text: str) -> str:
    """Python-Markdown's toc slug for ASCII text; search.js computes the same (slug())."""
    return re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", text).strip().lower())


def index_headings(headings: Any) -> list[list[str]]:
    """[text] when the anchor is the text's slug (search.js rebuilds it), else [text, anchor]."""
    return [[t] if heading_slug(t) == i else [t, i] for t, i in headings]


def search_index(pages: list[ClassPage], titles: dict[str, str], docs: Docs, text: DocsText) -> bytes:
    """What search.js searches: per page its URL, title, kind, description, statuses, message
    words, headings (with their anchors) and the short code spans of its first two sections."""
    entries: list[dict[str, Any]] = []
    for page in pages:
        rendered = text.sections.get(page.cls, ())
        code: list[str] = []
        for _, r in rendered[:2]:  # Quick answer, Why it happens: where the error strings are
            for span in re.findall(r"<code>([^<]{4,60})</code>", re.sub(r"<pre>.*?</pre>", "", r.html, flags=re.S)):
                span = html.unescape(span)
                if span not in code and not span.startswith("kubectl") and span not in page.statuses:
                    code.append(span)
        entries.append({
            "u": page.url, "t": page.title, "k": "failure", "d": page.summary,
            "s": list(page.statuses), "m": list(page.messages),
            "h": index_headings((t, i) for _, r in rendered for level, t, i in r.headings if level >= 3),
            "c": code,
        })
    for hub in docs.hubs:
        entries.append({
            "u": hub.url, "t": hub.status, "k": "error", "d": hub_description(hub, titles), "s": [hub.status],
        })
    for page in (docs.catalogue, docs.errors, *docs.pages):
        entries.append({
            "u": page.url, "t": page.title, "k": "page", "d": page.description,
            "h": index_headings((t, i) for _, t, i in text.content[page.slug].headings),
        })
    return json.dumps({"v": 1, "docs": entries}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def add_docs_assets(out: "Output", pages: list[ClassPage], titles: dict[str, str], docs: Docs, text: DocsText) -> dict[str, str]:
    """docs.css, search.js, tryit.js and the search index, content-hashed like the other assets."""
    static = SITE / "static"
    assets = {}
    for key, name in (("docs_css", "docs.css"), ("search", "search.js"), ("tryit", "tryit.js")):
        data = (static / name).read_bytes()
        assets[key] = hashed_name(name, data)
        out.add(assets[key], data)
    index = search_index(pages, titles, docs, text)
    assets["search_index"] = hashed_name("search-index.json", index)
    out.add(assets["search_index"], index)
    return assets


def docs_context(docs: Docs) -> dict[str, Any]:
    return {
        "base_url": docs.base_url,
        "hubs": docs.hubs,
        "hub_urls": {h.status: h.url for h in docs.hubs},
    }


def render_page(env: jinja2.Environment, template: str, **context: Any) -> str:
    try:
        return env.get_template(template).render(**context)
    except jinja2.TemplateError as e:
        where = f"{e.filename}:{e.lineno}" if isinstance(e, jinja2.TemplateSyntaxError) else template
        raise BuildError(f"{where}: {type(e).__name__}: {e}") from e


def render_docs(env: jinja2.Environment, common: dict[str, Any], out: "Output", pages: list[ClassPage],
                titles: dict[str, str], docs: Docs, text: DocsText) -> None:
    """Every docs page: one per class, one per hub, the two indexes, FAQ/about/privacy, 404;
    the pastes "Try it" loads; sitemap.xml and robots.txt."""
    by_cls = {p.cls: p for p in pages}
    hubs_of = {p.cls: [h for h in docs.hubs if p.cls in h.classes] for p in pages}
    for page in pages:
        sections = [
            {"title": s.title, "slug": s.slug, "html": r.html} for s, r in text.sections.get(page.cls, ())
        ]
        related = [{"cls": c, "title": titles.get(c), "page": by_cls.get(c)} for c in page.related]
        for r in related:
            if r["page"] is None:
                print(f"build: note: {page.cls} lists related class {r['cls']}, which has no page yet", file=sys.stderr)
        faq = text.faqs.get(page.url)
        html_text_ = render_page(
            env, "failure.html", **common, root="../../", path=page.url, page_kind="failure", og_type="article",
            page=page, sections=sections, related=related, keyword=search_keyword(page, docs.hubs),
            faq_jsonld=faq_jsonld(faq) if faq else "", example_url=f"examples/{page.cls}.txt",
            crumbs_jsonld=breadcrumb_jsonld(docs.base_url, [("kubeclue", ""), ("Failures", "failures/"), (page.title, page.url)]),
        )
        out.add(f"{page.url}index.html", html_text_)

    for hub in docs.hubs:
        causes = [by_cls[c] for c in hub.classes if c in by_cls]
        # Hubs that share a cause, most shared first; Init:X and X always see each other.
        twins = {hub.status.removeprefix("Init:"), "Init:" + hub.status.removeprefix("Init:")} - {hub.status}
        see_also = sorted(
            (h for h in docs.hubs if h is not hub and (set(h.classes) & set(hub.classes) or h.status in twins)),
            key=lambda h: (h.status not in twins, -len(set(h.classes) & set(hub.classes)), status_key(h.status)),
        )[:8]
        single = causes[0] if len(causes) == 1 else None
        quick = text.sections[single.cls][0][1].html if single and text.sections.get(single.cls) else ""
        out.add(f"{hub.url}index.html", render_page(
            env, "hub.html", **common, root="../../", path=hub.url, page_kind="hub", og_type="article",
            hub=hub, intro=text.hubs[hub.slug].html, causes=causes, see_also=see_also, quick_answer=quick,
            description=hub_description(hub, titles),
            crumbs_jsonld=breadcrumb_jsonld(docs.base_url, [("kubeclue", ""), ("Errors", "errors/"), (hub.status, hub.url)]),
        ))

    out.add("errors/index.html", render_page(
        env, "errors.html", **common, root="../", path="errors/", page_kind="errors",
        page=docs.errors, intro=text.content[docs.errors.slug].html, by_cls=by_cls,
    ))
    groups = [
        {"group": g, "intro": text.groups[g.slug].html, "pages": [by_cls[c] for c in g.classes]} for g in docs.groups
    ]
    out.add("failures/index.html", render_page(
        env, "catalogue.html", **common, root="../", path="failures/", page_kind="catalogue",
        page=docs.catalogue, intro=text.content[docs.catalogue.slug].html, groups=groups, hubs_of=hubs_of,
    ))
    for page in docs.pages:
        faq = text.faqs.get(page.url)
        out.add(f"{page.url}index.html", render_page(
            env, "page.html", **common, root="../", path=page.url, page_kind="page", page=page,
            body=text.content[page.slug].html, faq_jsonld=faq_jsonld(faq) if faq else "",
        ))
    # Served for any missing URL, at any depth: its links start at the site's root path.
    out.add("404.html", render_page(
        env, "404.html", **common, root=docs.base_path, path="404.html", page_kind="404", noindex=True,
    ))
    for cls, paste in sorted(docs.examples.items()):
        out.add(f"examples/{cls}.txt", paste)

    urls = [""] + sorted(path.removesuffix("index.html") for path in out.files
                         if path.endswith("index.html") and path != "index.html")
    out.add("sitemap.xml", "".join([
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n',
        *(f"  <url><loc>{html.escape(docs.base_url + quote(u))}</loc></url>\n" for u in urls),
        "</urlset>\n",
    ]))
    out.add("robots.txt", f"User-agent: *\nAllow: /\n\nSitemap: {docs.base_url}sitemap.xml\n")


def docs_page_urls(out: "Output") -> list[str]:
    """The URLs people navigate to, besides "./": "failures/x/" (not …/index.html), and 404.html."""
    urls = sorted(path.removesuffix("index.html") for path in out.files
                  if path.endswith("/index.html"))
    return urls + (["404.html"] if "404.html" in out.files else [])


def page_file(url: str) -> str:
    """The dist/ file a site-relative URL serves ('./' -> index.html, 'failures/x/' -> …/index.html)."""
    if url in ("./", ""):
        return "index.html"
    return url + "index.html" if url.endswith("/") else url


def render_manifest() -> str:
    """The web app manifest: the tool installs as an app (its icons: site/static/icons/)."""
    icon = lambda src, size, kind="image/png", **more: {"src": src, "sizes": size, "type": kind, **more}
    return json.dumps({
        "id": "./",
        "name": "kubeclue — why is my pod failing?",
        "short_name": "kubeclue",
        "description": "Paste kubectl describe output; get the root cause, the lines that prove it and the fix. "
                       "Runs in the browser, offline too.",
        "start_url": "./",
        "scope": "./",
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": "#326ce5",
        "icons": [
            icon("favicon.svg", "any", "image/svg+xml"),
            icon("icons/icon-192.png", "192x192"),
            icon("icons/icon-512.png", "512x512"),
            icon("icons/maskable-512.png", "512x512", purpose="maskable"),
        ],
    }, ensure_ascii=False, indent=2) + "\n"


def offline_zip(files: dict[str, bytes], version: str) -> bytes:
    """The built site under kubeclue/ with a two-line README, for "Download for offline use".
    Precompressed copies stay out (a local server does not serve them)."""
    members = {f"kubeclue/{path}": data for path, data in files.items()
               if path != OFFLINE_ZIP and not path.endswith((".br", ".gz"))}
    members["kubeclue/README.txt"] = (
        f"kubeclue {version}, offline: in this folder run `python3 -m http.server`\n"
        "then open http://localhost:8000/ (the page needs a web server; file:// cannot run it).\n"
    ).encode("utf-8")
    return zip_bytes(members)


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
    URL_ATTRS = {"href", "src", "data-worker", "data-bundle", "data-pyodide", "data-index"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "link" and ("rel", "canonical") in attrs:
            return  # the page's own absolute URL under --base-url (checked by validate_docs)
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            elif name in self.URL_ATTRS:
                self.links.append((name, value))
            elif name == "data-files":  # start.js: URLs separated by spaces
                self.links.extend((name, url) for url in value.split())


def resolve(page: str, link_path: str, base_path: str = "/") -> str:
    """The dist/ path a relative link on `page` points at ('' when it leaves the site).
    A link from the site's root path ("/failures/x/", used by 404.html) starts at dist/."""
    if link_path.startswith("/"):
        if not link_path.startswith(base_path):
            return ""
        page, link_path = "index.html", link_path[len(base_path):] or "."
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), link_path))
    if joined == ".." or joined.startswith("../"):
        return ""
    if joined == ".":
        return "index.html"
    return joined + "/index.html" if link_path.endswith("/") else joined


def validate(out: Output, problems: Problems, base_path: str = "/") -> None:
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
            target = resolve(path, unquote(parts.path), base_path) if parts.path else path
            if attr == "data-pyodide":
                target = target.removesuffix("index.html") + "pyodide.mjs"
            if target not in out.files:
                problems.add(f"{path}: broken link {link}")
            elif parts.fragment.startswith("example="):
                if f"examples/{parts.fragment[len('example='):]}.txt" not in out.files:
                    problems.add(f"{path}: {link} names no example (tryit.js loads examples/<class>.txt)")
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


class PageFacts(HTMLParser):
    """What validate_docs checks on a page: its head (title, description, canonical, Open Graph,
    JSON-LD), every id (for duplicates) and the section ids of a class page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.sections: list[str] = []
        self.canonical: list[str] = []
        self.meta: dict[str, str] = {}
        self.title = ""
        self.jsonld: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
            if tag == "section" and "doc-section" in a.get("class", "").split():
                self.sections.append(a["id"])
        if tag == "link" and a.get("rel") == "canonical":
            self.canonical.append(a.get("href", ""))
        elif tag == "meta" and ("name" in a or "property" in a):
            self.meta[a.get("name") or a["property"]] = a.get("content", "")
        elif tag == "title":
            self._in = "title"
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in = "jsonld"
            self.jsonld.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "jsonld":
            self.jsonld[-1] += data


def validate_docs(out: Output, pages: list[ClassPage], docs: Docs, problems: Problems) -> None:
    """Every page has its head (title, description, canonical URL, Open Graph), unique ids and
    valid JSON-LD; every class has its complete page, is in the catalogue and in a hub, and
    every hub names only classes with a page; sitemap.xml lists every page."""
    facts: dict[str, PageFacts] = {}
    for path in sorted(out.files):
        if path.endswith(".html"):
            f = facts[path] = PageFacts()
            f.feed(out.files[path].decode("utf-8"))
            f.close()
    for path, f in facts.items():
        url = path.removesuffix("index.html")
        dup = sorted({i for i in f.ids if f.ids.count(i) > 1})
        if dup:
            problems.add(f"{path}: duplicate ids {dup} (two headings with the same text?)")
        if not f.title.strip() or not f.meta.get("description", "").strip():
            problems.add(f"{path}: needs a <title> and a meta description")
        for key in ("og:title", "og:description", "og:url", "og:type"):
            if not f.meta.get(key):
                problems.add(f"{path}: no Open Graph {key}")
        if path == "404.html":
            if f.meta.get("robots") != "noindex" or f.canonical:
                problems.add(f"{path}: must be noindex and without a canonical URL")
        elif f.canonical != [docs.base_url + url] or f.meta.get("og:url") != docs.base_url + url:
            problems.add(f"{path}: canonical {f.canonical} and og:url must be {docs.base_url + url}")
        for block in f.jsonld:
            try:
                data = json.loads(block)
            except json.JSONDecodeError as e:
                problems.add(f"{path}: JSON-LD does not parse: {e}")
                continue
            if data.get("@type") == "FAQPage" and not all(
                q.get("name") and q.get("acceptedAnswer", {}).get("text") for q in data.get("mainEntity") or [{}]
            ):
                problems.add(f"{path}: FAQPage JSON-LD needs a name and an answer for every question")

    required = [slugify(REQUIRED_SECTIONS[0]), "what-it-looks-like", *(slugify(t) for t in REQUIRED_SECTIONS[1:])]
    in_hub = {c for h in docs.hubs for c in h.classes}
    in_catalogue = {c for g in docs.groups for c in g.classes}
    classes = {p.cls for p in pages}
    for page in pages:
        f = facts.get(f"{page.url}index.html")
        if f is None:
            problems.add(f"class {page.cls}: no page")
            continue
        missing = [s for s in required if s not in f.sections]
        if missing:
            problems.add(f"{page.url}: missing the sections {missing}")
        if page.cls not in in_hub:
            problems.add(f"class {page.cls}: in no hub; give its rule a status people search (META.statuses)")
        if page.cls not in in_catalogue:
            problems.add(f"class {page.cls}: not in the catalogue (site/content/catalogue.md)")
    for hub in docs.hubs:
        unknown = [c for c in hub.classes if c not in classes]
        if unknown:
            problems.add(f"{hub.url}: names {unknown}, which have no page")
        if f"{hub.url}index.html" not in facts:
            problems.add(f"{hub.url}: not built")

    sitemap = out.files.get("sitemap.xml", b"").decode("utf-8")
    listed = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    expected = {docs.base_url + p.removesuffix("index.html") for p in facts if p.endswith("index.html")}
    if listed != expected:
        problems.add(f"sitemap.xml: missing {sorted(expected - listed)[:5]}, extra {sorted(listed - expected)[:5]}")


# ----------------------------------------------------------------------------- write


def write(out: Output, dist: Path) -> None:
    if dist.exists():
        shutil.rmtree(dist)
    for path in sorted(out.files):
        target = dist / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(out.files[path])


def build(dist: Path, strict: bool, base_url: str = DEFAULT_BASE_URL) -> Output:
    problems = Problems()
    pages, titles = gather_pages(problems)
    docs = gather_docs(pages, base_url, problems)
    out = render_site(pages, titles, problems, docs)
    validate(out, problems, docs.base_path)
    validate_docs(out, pages, docs, problems)
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
    parser.add_argument(
        "--base-url", default=DEFAULT_BASE_URL,
        help=f"the URL the site is served from, for canonical links, Open Graph, sitemap.xml and robots.txt "
             f"(default: {DEFAULT_BASE_URL}, a placeholder for local use)",
    )
    args = parser.parse_args(argv)
    try:
        out = build(args.out.resolve(), args.strict, args.base_url)
    except BuildError as e:
        print(f"build: {e}", file=sys.stderr)
        return 1
    total = sum(len(data) for data in out.files.values())
    print(f"build: wrote {len(out.files)} files, {total / 1e6:.1f} MB, to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
