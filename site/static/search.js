// Search across the docs, in this tab: build.py writes the index (every page's title, statuses,
// message words, headings and short code spans), this file fetches it on first use (the service
// worker has it cached, so it works offline) and ranks it here. Nothing is sent anywhere.
//
// Markup (site/templates/_search.html):
//   .search[data-index]      the index URL; [data-from-path] fills the box from the address (404)
//     input.search-input     the query
//     .search-results        the results panel (links), hidden when empty

const body = document.body;
const ROOT = body.dataset.root || "./";
const MAX_RESULTS = 8;
const KIND = { error: "Status", failure: "Failure", page: "Page" };
// Field weights: a status or title that matches beats a word deep in a heading.
const WEIGHT = { t: 10, s: 9, m: 7, h: 4, c: 3, d: 1.5 };
const STOP = new Set(("a an and are as at be by can do does for from has have how i in is it its my no not of on " +
  "or so that the this to was what when where which why will with kubectl kubernetes k8s pod pods").split(" "));

let loading = null;

// Python-Markdown's heading ids for ASCII text (build.py heading_slug): the index leaves them out.
function slug(text) {
  return text.replace(/[^\w\s-]/g, "").trim().toLowerCase().replace(/[-\s]+/g, "-");
}

function words(text) {
  return String(text).toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

function prepare(doc) {
  // Per field: its words, and its text squeezed to words for phrase matches ("untolerated taint").
  const field = (values) => {
    const list = [].concat(values || []).map((v) => (Array.isArray(v) ? v[0] : v));
    const w = list.flatMap(words);
    return { words: new Set(w), text: " " + list.map((v) => words(v).join(" ")).join(" | ") + " " };
  };
  return {
    doc,
    fields: { t: field(doc.t), s: field(doc.s), m: field(doc.m), h: field(doc.h), c: field(doc.c), d: field(doc.d) },
    statuses: new Set((doc.s || []).map((s) => words(s).join(" "))),
  };
}

function loadIndex(url) {
  if (!loading) {
    loading = fetch(url)
      .then((r) => {
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        return r.json();
      })
      .then((index) => index.docs.map(prepare))
      .catch((error) => {
        loading = null; // try again on the next keystroke
        throw error;
      });
  }
  return loading;
}

function wordScore(entry, word) {
  // The best field for this word: a whole word, else (3+ letters) the start of one.
  let best = 0;
  let where = null;
  for (const [key, weight] of Object.entries(WEIGHT)) {
    const f = entry.fields[key];
    let score = 0;
    if (f.words.has(word)) score = weight;
    else if (word.length >= 3 && f.text.includes(" " + word)) score = weight * 0.6;
    if (score > best) {
      best = score;
      where = key;
    }
  }
  return [best, where];
}

function search(entries, query) {
  const all = words(query);
  const terms = all.filter((w) => !STOP.has(w) && !/^\d+$/.test(w));
  if (!terms.length) return [];
  const phrase = " " + all.join(" ") + " ";
  // Words no page has ("0/3 nodes are available …") must not sink the pages that match the rest.
  const known = terms.filter((w) => entries.some((e) => wordScore(e, w)[0] > 0));
  if (!known.length) return [];
  const results = [];
  for (const entry of entries) {
    let score = 0;
    let hits = 0;
    for (const w of known) {
      const [s] = wordScore(entry, w);
      if (s > 0) {
        score += s;
        hits += 1;
      }
    }
    if (!hits) continue;
    score *= (hits / known.length) ** 2;
    // A status typed whole ("crashloopbackoff", "init:crashloopbackoff") leads to its hub.
    const squeezed = all.join(" ");
    if (entry.statuses.has(squeezed)) score += entry.doc.k === "error" ? 40 : 12;
    // The query, or three words of it in a row, inside a message, title or heading.
    for (const key of ["m", "t", "h", "s", "c"]) {
      const text = entry.fields[key].text;
      if (all.length >= 2 && text.includes(phrase)) score += WEIGHT[key] * 2;
      else if (all.length >= 3 && all.some((_, i) => i + 2 < all.length &&
        text.includes(" " + all.slice(i, i + 3).join(" ") + " "))) score += WEIGHT[key];
    }
    results.push({ entry, score, heading: bestHeading(entry.doc, known) });
  }
  results.sort((a, b) => b.score - a.score || a.entry.doc.t.localeCompare(b.entry.doc.t));
  return results.slice(0, MAX_RESULTS);
}

function bestHeading(doc, terms) {
  // The heading that matches most of the query (a FAQ question, a cause), when it is better than
  // the title: the result then links straight to it.
  let best = null;
  let bestHits = 0;
  const inTitle = terms.filter((w) => words(doc.t).includes(w)).length;
  for (const [text, id] of doc.h || []) {
    const w = words(text);
    const hits = terms.filter((t) => w.some((x) => x === t || (t.length >= 3 && x.startsWith(t)))).length;
    if (hits > bestHits) {
      best = [text, id || slug(text)];
      bestHits = hits;
    }
  }
  return bestHits > inTitle ? best : null;
}

function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function setup(box) {
  const input = box.querySelector(".search-input");
  const panel = box.querySelector(".search-results");
  const status = box.querySelector("[aria-live]");
  const url = box.dataset.index;
  let latest = 0;

  function close() {
    panel.hidden = true;
    box.classList.remove("open");
  }

  function show(results, query) {
    panel.replaceChildren();
    if (!query.trim()) {
      status.textContent = "";
      close();
      return;
    }
    if (!results.length) {
      panel.append(h("p", { class: "search-empty" }, "No page matches. Paste your ",
        h("code", null, "kubectl describe"), " output into ", h("a", { href: ROOT }, "the analyzer"), " instead."));
      status.textContent = "No results";
    } else {
      const list = h("ul", { class: "search-list" });
      for (const { entry, heading } of results) {
        const doc = entry.doc;
        const href = ROOT + doc.u + (heading ? "#" + heading[1] : "");
        list.append(h("li", null, h("a", { href, class: "search-hit", "data-kind": doc.k },
          h("span", { class: "search-kind" }, KIND[doc.k] || doc.k),
          h("span", { class: "search-title" }, doc.t),
          heading ? h("span", { class: "search-heading" }, "→ " + heading[0]) : null,
          doc.d ? h("span", { class: "search-desc" }, doc.d) : null)));
      }
      panel.append(list);
      status.textContent = `${results.length} result${results.length === 1 ? "" : "s"}`;
    }
    panel.hidden = false;
    box.classList.add("open");
  }

  async function update() {
    const query = input.value;
    const id = ++latest;
    if (!query.trim()) {
      show([], "");
      return;
    }
    let entries;
    try {
      entries = await loadIndex(url);
    } catch (error) {
      panel.replaceChildren(h("p", { class: "search-empty" }, `Search is unavailable: ${error.message}.`));
      panel.hidden = false;
      return;
    }
    if (id === latest) show(search(entries, query), query);
  }

  function links() {
    return [...panel.querySelectorAll("a.search-hit")];
  }

  input.addEventListener("focus", () => {
    loadIndex(url).catch(() => {});
    if (input.value.trim() && panel.childElementCount) {
      panel.hidden = false;
      box.classList.add("open");
    }
  });
  input.addEventListener("input", update);
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      links()[0]?.focus();
    } else if (event.key === "Enter") {
      const first = links()[0];
      if (first) {
        event.preventDefault();
        first.click();
      }
    } else if (event.key === "Escape") {
      if (input.value) input.value = "";
      show([], "");
    }
  });
  panel.addEventListener("keydown", (event) => {
    const all = links();
    const at = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at >= 0) {
      event.preventDefault();
      all[Math.min(at + 1, all.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      (at === 0 ? input : all[at - 1]).focus();
    } else if (event.key === "Escape") {
      input.focus();
      close();
    }
  });
  document.addEventListener("click", (event) => {
    if (!box.contains(event.target)) close();
  });
  box.addEventListener("focusout", (event) => {
    if (event.relatedTarget && !box.contains(event.relatedTarget)) close();
  });

  if ("fromPath" in box.dataset) {
    // A missing page: its address is often a status or class name, mistyped or moved.
    let path = location.pathname;
    try {
      path = decodeURIComponent(path);
    } catch {
      // a malformed %-escape: use the address as it is
    }
    const slug = path.replace(/\/(index\.html)?$/, "").split("/").pop() || "";
    const query = slug.replace(/\.html?$/, "").replace(/[-_.]+/g, " ").trim();
    input.value = query === "404" ? "" : query;
    if (input.value) update();
  }
}

for (const box of document.querySelectorAll(".search[data-index]")) setup(box);
