"""The docs site build.py writes: a page per class, a hub per status, the catalogue, FAQ, about,
privacy, 404, search, Try it, and the head every page carries; and the build's own checks."""
from __future__ import annotations

import json
import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest

import build
from analyzer.parse.text import decode
from analyzer.rules import RULES

ROOT = Path(build.__file__).resolve().parent
CONTRACT = ROOT.parent / "shared" / "reference" / "failure-classes.md"
BASE = "https://docs.example.test/kubeclue/"  # a base URL with a path, as on a project page
FIXTURES = ROOT / "tests" / "fixtures" / "rules"

# The statuses the docs issue names; each must have its hub (the rules declare them).
SEARCHED = [
    "ImagePullBackOff", "ErrImagePull", "CrashLoopBackOff", "CreateContainerConfigError", "CreateContainerError",
    "RunContainerError", "ContainerCreating", "Pending", "FailedScheduling", "OOMKilled", "Evicted",
    "Init:CrashLoopBackOff", "FailedMount", "FailedCreatePodSandBox", "ProgressDeadlineExceeded",
    "BackoffLimitExceeded",
]
# Phases say nothing about the cause: a Running or Pending pod can fail for any of them.
PHASES = {"Pending", "Running", "Succeeded", "Failed", "Unknown", "Terminating"}


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docs")
    build.build(out, strict=True, base_url=BASE)
    return out


def rule_classes() -> list[str]:
    return sorted({r.meta.cls for r in RULES})


def contract_groups() -> dict[str, list[str]]:
    """failure-classes.md: '## Title [B.n]' -> its classes, in order."""
    groups: dict[str, list[str]] = {}
    title = None
    for line in CONTRACT.read_text().splitlines():
        if line.startswith("## "):
            title = re.sub(r"\s*\[.*\]$", "", line[3:]).strip()
        m = re.match(r"^\| `([a-z0-9-]+)` \|", line)
        if m and title:
            groups.setdefault(title, []).append(m.group(1))
    return groups


def documented_classes() -> list[str]:
    """The classes of failure-classes.md that have a rule (every rule class without the contract)."""
    if not CONTRACT.exists():
        return rule_classes()
    return sorted({c for cs in contract_groups().values() for c in cs} & set(rule_classes()))


class Page(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.jsonld: list[str] = []
        self._jsonld = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        self._jsonld = tag == "script" and a.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._jsonld:
            self.jsonld.append(data)

    def handle_endtag(self, tag):
        self._jsonld = False

    def attr(self, tag: str, key: str, value: str, want: str) -> list[str]:
        return [a.get(want, "") for t, a in self.tags if t == tag and a.get(key) == value]

    def hrefs(self) -> list[str]:
        return [a["href"] for t, a in self.tags if t == "a" and "href" in a]

    def ids(self) -> list[str]:
        return [a["id"] for _, a in self.tags if "id" in a]


def page(dist: Path, url: str) -> Page:
    return Page((dist / build.page_file(url)).read_text())


def html_pages(dist: Path) -> list[str]:
    return sorted(p.relative_to(dist).as_posix() for p in dist.rglob("*.html"))


# ------------------------------------------------------------------ every class: page, catalogue, hub


@pytest.mark.parametrize("cls", documented_classes())
def test_class_has_a_page_in_the_catalogue_and_a_hub(dist: Path, cls: str):
    assert (dist / "failures" / cls / "index.html").is_file()
    assert f"../failures/{cls}/" in page(dist, "failures/").hrefs()
    hubs = [p for p in (dist / "errors").glob("*/index.html") if f'href="../../failures/{cls}/"' in p.read_text()]
    assert hubs, f"{cls} is in no hub"


@pytest.mark.skipif(not CONTRACT.exists(), reason="shared/reference/failure-classes.md is not beside the project")
def test_catalogue_groups_are_the_contract_groups():
    problems = build.Problems()
    pages, _ = build.gather_pages(problems)
    _, groups = build.gather_groups(pages, problems)
    have = set(rule_classes())
    expected = {title: [c for c in classes if c in have] for title, classes in contract_groups().items()}
    assert {g.title: sorted(g.classes) for g in groups} == {t: sorted(cs) for t, cs in expected.items() if cs}


def test_catalogue_page_lists_every_class_under_its_group(dist: Path):
    html = (dist / "failures" / "index.html").read_text()
    sections = re.findall(r'<section class="doc-section catalogue-group" id="([^"]+)">(.*?)</section>', html, re.S)
    listed = [c for _, body in sections for c in re.findall(r'<li id="([a-z0-9-]+)">', body)]
    assert sorted(listed) == rule_classes()


# ------------------------------------------------------------------ hubs


def test_hub_slugs_are_normalised():
    assert build.hub_slug("Init:CrashLoopBackOff") == "init-crashloopbackoff"
    assert build.hub_slug("ImagePullBackOff") == "imagepullbackoff"
    assert build.hub_slug("Endpoints: <none>") == "endpoints-none"
    assert build.is_hub_status("Init:OOMKilled") and build.is_hub_status("Endpoints: <none>")
    assert not build.is_hub_status("toomanyrequests") and not build.is_hub_status("Insufficient cpu")


@pytest.mark.parametrize("status", SEARCHED)
def test_searched_statuses_have_their_hub(dist: Path, status: str):
    hub = dist / "errors" / build.hub_slug(status) / "index.html"
    assert hub.is_file(), f"no hub for {status}: add it to the statuses of the rules it comes from"


def hub_classes(dist: Path, status: str) -> list[str]:
    html = (dist / "errors" / build.hub_slug(status) / "index.html").read_text()
    return re.findall(r'<li class="cause" id="([a-z0-9-]+)">', html)


def test_hubs_are_composed_from_the_rules(dist: Path):
    """Each hub lists exactly the classes whose rules declare its status, each once, in rule order."""
    declared: dict[str, list[str]] = {}
    for rule in RULES:
        for status in rule.meta.statuses:
            if build.is_hub_status(status) and rule.meta.cls not in declared.setdefault(status, []):
                declared[status].append(rule.meta.cls)
    hubs = sorted(p.parent.name for p in (dist / "errors").glob("*/index.html"))
    assert hubs == sorted(build.hub_slug(s) for s in declared)
    for status, classes in declared.items():
        assert sorted(hub_classes(dist, status)) == sorted(classes), status


def test_hub_tells_the_causes_apart(dist: Path):
    html = (dist / "errors" / "imagepullbackoff" / "index.html").read_text()
    for cls in ("image-not-found", "image-auth", "image-rate-limit", "image-registry-unreachable"):
        assert f'href="../../failures/{cls}/"' in html
    # The words of each cause's message, from its rule's metadata.
    assert "<code class=\"message\">toomanyrequests</code>" in html
    assert "<code class=\"message\">pull access denied</code>" in html
    # Init:X and X point at each other.
    assert 'href="../../errors/init-imagepullbackoff/"' in html


def fixture_statuses():
    """(status, class) for every object of a firing fixture whose status names a reason."""
    import analyzer

    seen = []
    for path in sorted(FIXTURES.rglob("*.txt")):
        if path.name.startswith("nearmiss-"):
            continue
        report = analyzer.analyze(decode(path.read_bytes())).to_dict()
        for obj in report["objects"]:
            found = [f for f in obj["findings"] if f["severity"] != "info"]
            status = obj.get("status")
            if found and status and build.is_hub_status(status) and status not in PHASES:
                seen.append((status, found[0]["class"], path.relative_to(FIXTURES).as_posix()))
    return seen


def test_a_status_seen_in_a_fixture_leads_to_a_hub_with_its_class(dist: Path):
    """Someone who searches the STATUS their pod shows finds the cause kubeclue finds for it."""
    missing = [(s, c, f) for s, c, f in fixture_statuses()
               if not (dist / "errors" / build.hub_slug(s)).is_dir() or c not in hub_classes(dist, s)]
    assert missing == [], "add these statuses to the rules' META.statuses"


def test_declared_messages_are_in_the_fixtures():
    """Every message a rule declares (the hubs' tell-tales) is in one of its class's firing fixtures."""
    ungrounded = []
    for rule in RULES:
        pastes = [decode(p.read_bytes()) for p in sorted((FIXTURES / rule.meta.cls).glob("*.txt"))
                  if not p.name.startswith("nearmiss-")]
        for message in rule.meta.statuses:
            if build.is_hub_status(message):
                continue
            pattern = re.escape(message).replace("…", '[^"]+').replace(r"\ ", r"\s+")
            if not any(re.search(pattern, text) for text in pastes):
                ungrounded.append((rule.meta.id, message))
    assert ungrounded == []


# ------------------------------------------------------------------ class pages


@pytest.mark.parametrize("cls", rule_classes())
def test_class_page_has_the_sections_in_order_and_tries_its_example(dist: Path, cls: str):
    html = (dist / "failures" / cls / "index.html").read_text()
    ids = re.findall(r'<section class="doc-section" id="([^"]+)"', html)
    assert ids == ["quick-answer", "what-it-looks-like", "why-it-happens", "diagnose-it", "fix-it",
                   "check-it-is-fixed", "faq", "not-this"][:len(ids)] and len(ids) >= 7
    # The example: the paste with its evidence lines marked, and the card as the tool shows it.
    example = html[html.index('id="what-it-looks-like"'):html.index('id="why-it-happens"')]
    assert 'class="ev"' in example and f'data-finding-class="{cls}"' in example
    assert f'href="../../#example={cls}"' in html
    text = (dist / "examples" / f"{cls}.txt").read_text()
    import analyzer

    report = analyzer.analyze(text).to_dict()
    assert cls in {f["class"] for o in report["objects"] for f in o["findings"]}


def named_examples() -> list[tuple[str, str]]:
    """(class, fixture) for each class page whose front matter names its example."""
    from analyzer.rules import CLASS_PAGES

    found = []
    for cls in rule_classes():
        meta, _ = build.front_matter(CLASS_PAGES[cls].doc_path.read_text(), cls, build.Problems())
        if "example" in meta:
            found.append((cls, meta["example"]))
    return found


@pytest.mark.parametrize("cls,name", named_examples())
def test_a_page_shows_the_example_it_names(dist: Path, cls: str, name: str):
    fixture = FIXTURES / cls / name
    assert fixture.is_file() and not name.startswith(("nearmiss-", "unknown-"))
    html = (dist / "failures" / cls / "index.html").read_text()
    assert f"<code>tests/fixtures/rules/{cls}/{name}</code>" in html
    assert f"example: {name}" not in html  # the front matter is not text
    assert (dist / "examples" / f"{cls}.txt").read_text() == decode(fixture.read_bytes())


def test_not_this_section_names_what_tells_each_related_class_apart(dist: Path):
    html = (dist / "failures" / "image-auth" / "index.html").read_text()
    section = html[html.index('id="not-this"'):]
    assert 'href="../../failures/image-not-found/"' in section and "manifest unknown" in section
    assert 'href="../../failures/image-rate-limit/"' in section and "toomanyrequests" in section


def test_every_class_page_names_its_example():
    """The first fixture in sorted order is often a paste from an old kubectl; each page picks its own."""
    missing = sorted(set(rule_classes()) - {cls for cls, _ in named_examples()})
    assert missing == [], f"name an example (front matter 'example: <fixture>.txt') on the pages of {missing}"


@pytest.mark.parametrize("url", ["failures/oomkilled/", "failures/taint-not-tolerated/", "faq/"])
def test_faq_is_faqpage_json_ld(dist: Path, url: str):
    p = page(dist, url)
    (block,) = [b for b in p.jsonld if json.loads(b)["@type"] == "FAQPage"]
    data = json.loads(block)
    assert data["@type"] == "FAQPage" and data["@context"] == "https://schema.org"
    questions = [q["name"] for q in data["mainEntity"]]
    html = (dist / build.page_file(url)).read_text()
    faq = html[html.index('id="faq"'):] if 'id="faq"' in html else html
    assert len(questions) == len(re.findall(r"<h3[ >]", faq)) >= 3
    assert all(q["acceptedAnswer"]["text"] for q in data["mainEntity"])
    assert "</" not in block  # nothing in the data can close the <script>


# ------------------------------------------------------------------ every page's head


def test_every_page_has_title_description_canonical_and_open_graph(dist: Path):
    for path in html_pages(dist):
        p = Page((dist / path).read_text())
        url = BASE + path.removesuffix("index.html")
        description = p.attr("meta", "name", "description", "content")
        assert description and description[0].strip(), path
        assert p.attr("meta", "property", "og:title", "content")[0], path
        assert p.attr("meta", "property", "og:description", "content") == description, path
        if path == "404.html":
            assert p.attr("meta", "name", "robots", "content") == ["noindex"]
            assert p.attr("link", "rel", "canonical", "href") == []
        else:
            assert p.attr("link", "rel", "canonical", "href") == [url], path
            assert p.attr("meta", "property", "og:url", "content") == [url], path


def test_every_page_carries_the_csp_and_no_inline_code(dist: Path):
    for path in html_pages(dist):
        p = Page((dist / path).read_text())
        assert p.attr("meta", "http-equiv", "Content-Security-Policy", "content") == [build.CSP], path
        scripts = [a for t, a in p.tags if t == "script" and a.get("type") != "application/ld+json"]
        assert all(a.get("src") for a in scripts), path
        assert not any(t == "style" or "style" in a for t, a in p.tags), path


def test_every_page_has_the_search_box(dist: Path):
    for path in html_pages(dist):
        html = (dist / path).read_text()
        assert 'class="search" role="search"' in html and "search-index." in html, path


def test_class_page_titles_lead_with_what_people_search(dist: Path):
    """The error text first (search engines cut long titles at the end), then the cause."""
    def title(cls: str) -> str:
        html = (dist / "failures" / cls / "index.html").read_text()
        return re.search(r"<title>(.*?)</title>", html, re.S).group(1)

    assert title("missing-configmap").startswith("configmap not found: ")  # 'configmap "…" not found'
    assert title("init-container-failure").startswith("Init:CrashLoopBackOff: ")  # named in front matter
    assert title("image-not-found").startswith("manifest unknown: ")
    # A keyword the class title already holds is not repeated.
    assert title("oomkilled").count("OOMKilled") == 1 and title("preempted").startswith("Preempted by")
    # The description a search result shows carries the error text too.
    (description,) = page(dist, "failures/missing-configmap/").attr("meta", "name", "description", "content")
    assert description.startswith("configmap not found: A ConfigMap")


def test_every_page_has_one_h1_and_json_ld_that_parses(dist: Path):
    for path in html_pages(dist):
        html = (dist / path).read_text()
        assert len(re.findall(r"<h1[ >]", html)) == 1, path
        for block in Page(html).jsonld:
            data = json.loads(block)
            if data["@type"] == "BreadcrumbList":  # the crumbs the page shows, as absolute URLs
                items = data["itemListElement"]
                assert [i["position"] for i in items] == list(range(1, len(items) + 1)), path
                assert all(i["item"].startswith(BASE) for i in items), path
                assert items[-1]["item"] == BASE + path.removesuffix("index.html"), path


def test_class_and_hub_pages_carry_their_breadcrumbs(dist: Path):
    for url, middle in (("failures/oomkilled/", "Failures"), ("errors/crashloopbackoff/", "Errors")):
        types = {json.loads(b)["@type"]: json.loads(b) for b in page(dist, url).jsonld}
        names = [i["name"] for i in types["BreadcrumbList"]["itemListElement"]]
        assert names[:2] == ["kubeclue", middle] and len(names) == 3


def test_titles_and_descriptions_are_unique(dist: Path):
    titles: dict[str, str] = {}
    for path in html_pages(dist):
        title = re.search(r"<title>(.*?)</title>", (dist / path).read_text(), re.S).group(1)
        assert title not in titles, f"{path} and {titles.get(title)} share the title {title!r}"
        titles[title] = path


def test_sitemap_and_robots_use_the_base_url(dist: Path):
    sitemap = (dist / "sitemap.xml").read_text()
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    pages = [p.removesuffix("index.html") for p in html_pages(dist) if p.endswith("index.html")]
    assert sorted(locs) == sorted(BASE + p for p in pages)
    assert "404" not in sitemap
    assert (dist / "robots.txt").read_text().endswith(f"Sitemap: {BASE}sitemap.xml\n")


def test_404_links_start_at_the_base_path(dist: Path):
    p = page(dist, "404.html")
    links = [a.get("href") or a.get("src") for t, a in p.tags if t in ("a", "link", "script", "img")
             and (a.get("href") or a.get("src"))]
    assert links and all(link.startswith("/kubeclue/") or link.startswith("#") for link in links), links


def test_default_base_url_is_the_local_placeholder(tmp_path: Path):
    build.build(tmp_path / "d", strict=False)
    assert '<link rel="canonical" href="http://127.0.0.1:8000/faq/">' in (tmp_path / "d" / "faq" / "index.html").read_text()
    with pytest.raises(build.BuildError):
        build.normalize_base_url("kubeclue.dev")
    assert build.normalize_base_url("https://x.test/docs") == "https://x.test/docs/"


# ------------------------------------------------------------------ search and Try it


def test_search_index_covers_every_page_and_its_anchors(dist: Path):
    (path,) = (dist / "assets").glob("search-index.*.json")
    index = json.loads(path.read_text())
    urls = {d["u"] for d in index["docs"]}
    pages = {p.removesuffix("index.html") for p in html_pages(dist) if p.endswith("index.html") and p != "index.html"}
    assert urls == pages
    for doc in index["docs"]:
        ids = set(page(dist, doc["u"]).ids())
        for heading in doc.get("h", []):
            anchor = heading[1] if len(heading) > 1 else build.heading_slug(heading[0])
            assert anchor in ids, (doc["u"], heading)
    image = next(d for d in index["docs"] if d["u"] == "failures/image-rate-limit/")
    assert "toomanyrequests" in image["m"] and "ImagePullBackOff" in image["s"]
    assert len(path.read_bytes()) < 120_000, "the index is loaded on the first keystroke: keep it small"


def test_search_index_and_examples_are_precached(dist: Path):
    sw = (dist / "sw.js").read_text()
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", sw, re.S).group(1))
    assert any(u.startswith("assets/search-index.") for u in precache)
    for cls in rule_classes():
        assert f"examples/{cls}.txt" in precache and f"failures/{cls}/" in precache
    for url in ("errors/", "errors/imagepullbackoff/", "failures/", "faq/", "about/", "privacy/", "404.html"):
        assert url in precache
    assert "sitemap.xml" not in precache and "robots.txt" not in precache


def test_tool_page_loads_tryit_and_docs_pages_do_not(dist: Path):
    assert "/tryit." not in "".join(Page((dist / "failures/oomkilled/index.html").read_text()).attr("script", "type", "module", "src"))
    assert any("tryit." in s for s in Page((dist / "index.html").read_text()).attr("script", "type", "module", "src"))


# ------------------------------------------------------------------ the build checks itself


def test_markdown_that_did_not_render_is_a_problem():
    problems = build.Problems()
    build.docs_markdown("```sh\nkubectl get pods\n", "a.md", problems)  # an unclosed fence
    build.docs_markdown("Run `kubectl get pods and wait.\n", "b.md", problems)
    build.docs_markdown("See [the page](../x/ for more.\n", "c.md", problems)
    build.docs_markdown('Text <span style="color:red">red</span>\n', "d.md", problems)
    build.docs_markdown("All `fine` [here](../x/).\n\n```\n`a` ](b)\n```\n", "e.md", problems)
    assert sorted({m.split(":")[0] for m in problems.items}) == ["a.md", "b.md", "c.md", "d.md"]
    assert any("unclosed code fence" in m for m in problems.items)


def test_markdown_warnings_are_problems(monkeypatch):
    import logging

    import markdown

    real = markdown.Markdown.convert

    def convert(self, text):
        logging.getLogger("MARKDOWN").warning("something odd")
        return real(self, text)

    monkeypatch.setattr(markdown.Markdown, "convert", convert)
    problems = build.Problems()
    build.docs_markdown("text\n", "x.md", problems)
    assert problems.items == ["x.md: Markdown: something odd"]


def test_template_errors_name_the_template():
    env = jinja2.Environment(loader=jinja2.DictLoader({"t.html": "{{ nope }}"}), undefined=jinja2.StrictUndefined)
    with pytest.raises(build.BuildError, match="t.html"):
        build.render_page(env, "t.html")


def test_catalogue_and_hub_intro_problems(tmp_path: Path, monkeypatch):
    content = tmp_path / "content"
    (content / "errors").mkdir(parents=True)
    (content / "catalogue.md").write_text("# All\n\nIntro.\n\n## Group\n\nText.\n\n- oomkilled\n- no-such-class\n")
    (content / "errors" / "nosuchstatus.md").write_text("Intro.\n")
    monkeypatch.setattr(build, "CONTENT", content)
    problems = build.Problems()
    pages, _ = build.gather_pages(problems)
    build.gather_groups(pages, problems)
    build.gather_hubs(pages, problems)
    text = "\n".join(problems.items)
    assert "lists no-such-class, which no rule reports" in text
    assert "class image-auth is in no group" in text
    assert "errors/nosuchstatus.md: no rule declares a status" in text


def test_validate_checks_examples_and_root_paths():
    out = build.Output()
    out.add("index.html", '<a href="#example=oomkilled">a</a> <a href="#example=nope">b</a>')
    out.add("404.html", '<a href="/kubeclue/">home</a> <a href="/kubeclue/gone/">gone</a> <a href="/elsewhere/">x</a>')
    out.add("examples/oomkilled.txt", "paste")
    out.add("sw.js", "const PRECACHE = [];")
    problems = build.Problems()
    build.validate(out, problems, "/kubeclue/")
    assert sorted(problems.items) == sorted([
        "index.html: #example=nope names no example (tryit.js loads examples/<class>.txt)",
        "404.html: broken link /kubeclue/gone/",
        "404.html: broken link /elsewhere/",
    ])


def test_validate_docs_finds_duplicate_ids_and_unknown_hub_classes(dist: Path):
    problems = build.Problems()
    pages, _ = build.gather_pages(problems)
    docs = build.gather_docs(pages, BASE, problems)
    hub = build.Hub("Made:Up", "made-up", ("no-such-class",), "", "x")
    docs = build.Docs(docs.base_url, (*docs.hubs, hub), docs.catalogue, docs.groups, docs.errors, docs.pages,
                      docs.examples)
    out = build.Output()
    for p in sorted(dist.rglob("*")):
        if p.is_file():
            out.add(p.relative_to(dist).as_posix(), p.read_bytes())
    faq = out.files["faq/index.html"]
    out.files["faq/index.html"] = faq.replace(b'<h1>', b'<h1 id="main">', 1)
    build.validate_docs(out, pages, docs, problems)
    text = "\n".join(problems.items)
    assert "faq/index.html: duplicate ids ['main']" in text
    assert "errors/made-up/: names ['no-such-class'], which have no page" in text


def test_strict_build_with_a_base_path_passes(tmp_path: Path, capsys):
    assert build.main(["--strict", "--out", str(tmp_path / "d"), "--base-url", BASE]) == 0, capsys.readouterr().err
