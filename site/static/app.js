//# allFunctionsCalledOnLoad
// (The line above asks V8 to compile every function of this file while it loads, off the main
// thread, instead of on first call: the first diagnosis no longer waits ~10 ms for its render
// code to compile.)
// The page's behaviour, DOM only: the analyzer runs in worker.js; sharing and redaction live in
// share.js, loaded the first time they are needed.
//
// Everything that comes from a paste, a report or a share link is put into the page with
// textContent (never innerHTML), so a pasted "<img onerror=…>" is just text.
//
// Hooks the tests and the benchmark read (see tests/browser/):
//   body[data-runtime]       loading | ready | error
//   body[data-offline]       "ready" once the service worker controls the site
//   #results[data-state]     empty | waiting | running | rendering | done | error | cancelled
//                            (rendering: a long report is being put on the page, in slices)
//   #results[data-verdict]   the report's verdict, once done
//   #results[data-report]    the exact JSON string the analyzer returned (or the share link held)
//   #results[data-shared]    "diagnosis" | "paste": the view came from a share link
//   [data-finding-class]     one element per finding, the primary first, then in report order
//   performance marks        kubeclue:ready, kubeclue:first-diagnosis

const BOOT_SLOW_MS = 10_000; // past this, say that it is still loading and offer a retry
const BOOT_TIMEOUT_MS = 30_000; // past this, call it a failure (a late start still recovers)
const MAX_FILE_BYTES = 20 * 1024 * 1024; // a dropped file larger than this is not a kubectl paste
const MAX_PASTE_CHARS = 20 * 1024 * 1024; // analyzer.MAX_BYTES: it refuses more, so it is not sent
const RUNNING_NOTICE_MS = 400; // an analysis still running after this shows a Cancel button
const SW_DELAY_MS = 2000; // after the start, unless the first diagnosis is painted sooner
// A textarea holding megabytes freezes the tab for seconds at each change: a longer paste is
// held in memory, and the box shows its first lines.
const BOX_MAX_CHARS = 512 * 1024;
const BOX_HEAD_CHARS = 8 * 1024; // a hundred lines or so: a textarea lays out 32 KB in ~60 ms
// A report of thousands of objects would build a DOM the tab cannot carry: past these, the page
// shows the first findings and objects, and only the paste's lines around their evidence.
const MAX_CARDS = 200;
const MAX_OVERVIEW_ROWS = 200;
const MAX_PASTE_ROWS = 5000;
// A report is put on the page in slices of a few milliseconds: the verdict, the first findings
// and the first lines at once, the rest in the next turns, so that the tab keeps answering
// (and paints the diagnosis first) however large the paste. A report's JSON longer than
// VIEW_OVER comes with the part of it the page shows (analyzer.api.page_view), parsed instead.
const SLICE_MS = 8;
const FIRST_CARDS = 5;
const FIRST_ROWS = 80;
const FIRST_OVERVIEW_ROWS = 20;
const FIRST_WARNINGS = 50;
const VIEW_OVER = 256 * 1024;
const THEME_KEY = "kubeclue-theme"; // theme.js reads it before the first paint

const body = document.body;
const ROOT = body.dataset.root || "./";

// The tool's worker: start.js started it from <head> (Python's start is what a first visit
// waits for); startRuntime() takes it over, and starts another for a Retry.
let earlyWorker = self.kubeclue?.worker ?? null;
function bootWorker() {
  if (!self.kubeclue) throw new Error("start.js did not load");
  return self.kubeclue.start();
}
const SYMBOL = { error: "✖", warning: "▲", info: "ℹ", healthy: "✔", unknown: "?", unrecognized: "?" };

// ---------------------------------------------------------------- small DOM helpers

function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
  return node;
}

// After the next frame is painted.
const afterPaint = (fn) => requestAnimationFrame(() => setTimeout(fn, 0));
const plural = (n, one, many = one + "s") => `${n} ${n === 1 ? one : many}`;
const objectRef = (o) => `${o.kind}/${o.namespace || "?"}/${o.name || "?"}`; // report.py's ref
const objectLabel = (o) => `${o.kind}/${o.name || "?"}`;

// ---------------------------------------------------------------- markup shared with the docs pages
// These mirror the macros in site/templates/_macros.html; change both together
// (tests/browser/test_tool.py compares the two cards).

function splitCommand(command) {
  const i = command.indexOf("  # ");
  return i < 0 ? [command, ""] : [command.slice(0, i), command.slice(i)];
}

function rich(text) {
  // `code` spans in the analyzer's sentences become <code>; the text stays text.
  const parts = String(text).split("`");
  if (parts.length % 2 === 0) return [String(text)];
  return parts.map((part, i) => (i % 2 ? h("code", null, part) : part)).filter((part) => part !== "");
}

function commandList(commands) {
  return h("ul", { class: "commands" }, commands.map((command) => {
    const [cmd, comment] = splitCommand(command);
    return h("li", { class: "cmd" },
      h("pre", null, h("code", null, cmd, comment ? h("span", { class: "comment" }, comment) : null)),
      h("button", { type: "button", class: "copy", "aria-label": "Copy command" }, "Copy"));
  }));
}

function nodeTable(details) {
  // The scheduler's verdict per reason: how many nodes said it, and the class it points at.
  const table = details?.table;
  if (!Array.isArray(table) || !table.length) return null;
  const total = details.nodes_total;
  return h("section", { class: "finding-block" },
    h("h4", null, `Why the nodes were rejected${total ? ` (${plural(total, "node")})` : ""}`),
    h("table", { class: "nodes" },
      h("thead", null, h("tr", null,
        h("th", { scope: "col" }, "Nodes"), h("th", { scope: "col" }, "Reason"), h("th", { scope: "col" }, "Class"))),
      h("tbody", null, table.map((row) => h("tr", null,
        h("td", { class: "num" }, row.count === null || row.count === undefined ? "all" : String(row.count)),
        h("td", null, String(row.reason ?? "")),
        h("td", null, row.class ? h("code", null, String(row.class)) : "—"))))));
}

function safeDoc(doc) {
  // A share link is anyone's text: only a docs path of this site becomes a link.
  return typeof doc === "string" && /^[a-z0-9-]+(?:\/[a-z0-9-]+)*\/$/.test(doc) ? doc : null;
}

function renderFinding(finding, obj) {
  const where = `${obj.kind} ${obj.namespace ? obj.namespace + "/" : ""}${obj.name || "(name not in the paste)"}` +
    (finding.container ? ` · container ${finding.container}` : "");
  const block = (title, ...content) => h("section", { class: "finding-block" }, h("h4", null, title), ...content);
  const doc = safeDoc(finding.doc);
  return h("article", {
    class: `finding sev-${finding.severity}`,
    "data-finding-class": finding.class,
    "data-finding-id": finding.id,
  },
  h("header", { class: "finding-head" },
    h("p", { class: "finding-tags" },
      h("span", { class: "sev" }, finding.severity),
      h("span", { class: "tag" }, finding.class),
      h("span", { class: "tag tag-quiet" }, finding.confidence)),
    h("h3", { class: "finding-title" }, finding.title),
    h("p", { class: "finding-where" }, where)),
  h("p", { class: "finding-cause" }, rich(finding.cause)),
  finding.evidence?.length ? block("Evidence", h("ol", { class: "evidence" }, finding.evidence.map((e) =>
    h("li", null, h("a", { class: "ln", href: `#L${Number(e.line)}` }, String(Number(e.line))), h("code", null, e.text))))) : null,
  nodeTable(finding.details),
  finding.fix?.length ? block("Fix", h("ol", { class: "fix" }, finding.fix.map((step) => h("li", null, rich(step))))) : null,
  finding.commands?.length ? block("Commands", commandList(finding.commands)) : null,
  finding.next?.length ? block("Next, paste the output of", commandList(finding.next)) : null,
  doc ? h("p", { class: "finding-doc" }, h("a", { href: ROOT + doc }, `How to fix ${finding.class} →`)) : null);
}

function pasteRow(n, text, uses) {
  // An evidence line's number is a button: it lists the findings that use the line.
  const number = uses ? h("button", {
    type: "button", class: "ln", tabindex: "-1",
    "aria-label": `Line ${n}: evidence of ${plural(uses, "finding")}`, "aria-haspopup": "true", "aria-expanded": "false",
  }, String(n)) : h("span", { class: "ln" }, String(n));
  return h("li", { id: `L${n}`, class: uses ? "ev" : null, "data-line": String(n) }, number, h("span", { class: "lt" }, text));
}

function pasteLines(text) {
  // Where each line starts: a paste of 10 MB is 200,000 lines, too many strings to make at once.
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  let count = starts.length;
  if (count > 1 && starts[count - 1] === text.length) count--; // the newline that ends the paste
  const line = (n) => {
    const s = text.slice(starts[n - 1], n < starts.length ? starts[n] - 1 : text.length);
    return s.endsWith("\r") ? s.slice(0, -1) : s;
  };
  return { count, line };
}

function renderPaste(text, uses, later) {
  // The first rows now, the others pushed on `later` (functions that append them, in order).
  const { count, line } = pasteLines(text);
  let numbers;
  let label = "The pasted output, line by line";
  if (count <= MAX_PASTE_ROWS) {
    numbers = Array.from({ length: count }, (_, i) => i + 1);
  } else {
    // Too long to show whole: its first lines, then each evidence line with two lines around it.
    const keep = new Set();
    for (let n = 1; n <= 20; n++) keep.add(n);
    for (const n of [...uses.keys()].sort((a, b) => a - b)) {
      if (keep.size >= MAX_PASTE_ROWS) break;
      for (let k = Math.max(1, n - 2); k <= Math.min(count, n + 2); k++) keep.add(k);
    }
    numbers = [...keep].filter((k) => k <= count).sort((a, b) => a - b);
    label = `The lines around the evidence, of ${count} pasted lines`;
  }
  const list = h("ol", { class: "paste", "aria-label": label });
  let previous = 0;
  const add = (n, offscreen) => {
    if (n > previous + 1) list.append(skipped(h("li", { class: "gap", "aria-hidden": "true" }, h("span", { class: "ln" }, "⋯"), h("span", { class: "lt" })), offscreen));
    list.append(skipped(pasteRow(n, line(n), uses.get(n) || 0), offscreen));
    previous = n;
  };
  numbers.forEach((n, i) => (i < FIRST_ROWS ? add(n, false) : later.push(() => add(n, true))));
  return list;
}

// A paste row or a finding past the first screens is laid out and painted only when it is
// scrolled to; meanwhile the browser keeps a height for it (a paste line is 12.5px/1.55 in
// style.css's .paste; a card, once shown, its own).
function skipped(node, offscreen, height = "19.5px") {
  if (offscreen) {
    node.style.contentVisibility = "auto";
    node.style.containIntrinsicSize = `auto ${height}`;
  }
  return node;
}

function renderExcerpt(cards, uses) {
  // A shared diagnosis without its paste: the evidence lines it carries, in order, with gaps.
  const text = new Map();
  for (const { finding } of cards) for (const e of finding.evidence || []) text.set(Number(e.line), String(e.text ?? ""));
  const list = h("ol", { class: "paste", "aria-label": "The evidence lines of the paste" });
  let previous = 0;
  for (const n of [...text.keys()].sort((a, b) => a - b)) {
    if (n > previous + 1) list.append(h("li", { class: "gap", "aria-hidden": "true" }, h("span", { class: "ln" }, "⋯"), h("span", { class: "lt" })));
    list.append(pasteRow(n, text.get(n), uses.get(n) || 0));
    previous = n;
  }
  return list;
}

// ---------------------------------------------------------------- behaviour on every page

document.addEventListener("click", (event) => {
  const copy = event.target.closest("button.copy");
  if (copy) {
    copyCommand(copy);
    return;
  }
  const ln = event.target.closest("a.ln");
  if (ln && ln.hash) {
    const row = document.getElementById(ln.hash.slice(1));
    if (row) {
      // Scroll the line into view without touching the URL (the hash is kept for sharing).
      event.preventDefault();
      showLine(row);
    }
  }
});

function showLine(row) {
  row.scrollIntoView({ block: "center", behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth" });
  row.classList.remove("flash");
  void row.offsetWidth; // restart the animation
  row.classList.add("flash");
  row.addEventListener("animationend", () => row.classList.remove("flash"), { once: true });
}

async function copyText(text) {
  await navigator.clipboard.writeText(text);
}

function flashLabel(button, label, rest) {
  button.textContent = label;
  clearTimeout(button.resetTimer);
  button.resetTimer = setTimeout(() => { button.textContent = rest; }, 1600);
}

async function copyCommand(button) {
  const code = button.closest(".cmd").querySelector("code");
  try {
    await copyText(code.textContent);
    flashLabel(button, "Copied", "Copy");
  } catch {
    // No clipboard access (an insecure origin, a denied permission): select it for Ctrl+C.
    getSelection().selectAllChildren(code);
    flashLabel(button, "Press Ctrl+C", "Copy");
  }
}

// The colour theme: the system's unless the reader picked one (remembered; theme.js applies it
// before the page paints). The button cycles Auto → Light → Dark.
const THEMES = ["auto", "light", "dark"];
const THEME_LABEL = { auto: ["◐", "Auto"], light: ["☀", "Light"], dark: ["☾", "Dark"] };

function readTheme() {
  const theme = document.documentElement.dataset.theme;
  return theme === "light" || theme === "dark" ? theme : "auto";
}

function setTheme(theme) {
  if (theme === "auto") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  try {
    if (theme === "auto") localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, theme);
  } catch {
    // Storage blocked: the choice lasts as long as the page.
  }
}

function addThemeToggle() {
  const row = document.querySelector(".header-row");
  if (!row || row.querySelector(".theme-toggle")) return;
  const button = h("button", { type: "button", class: "theme-toggle" });
  const show = () => {
    const theme = readTheme();
    const [glyph, name] = THEME_LABEL[theme];
    button.replaceChildren(h("span", { class: "theme-glyph", "aria-hidden": "true" }, glyph), h("span", { class: "theme-name" }, name));
    button.setAttribute("aria-label", `Colour theme: ${name.toLowerCase()}${theme === "auto" ? " (follows the system)" : ""}. Change it`);
    button.title = `Theme: ${name}${theme === "auto" ? " (follows the system)" : ""}`;
  };
  button.addEventListener("click", () => {
    setTheme(THEMES[(THEMES.indexOf(readTheme()) + 1) % THEMES.length]);
    show();
  });
  show();
  row.append(button);
}
addThemeToggle();

// A code block or table wider than its box scrolls sideways: the keyboard must reach it too
// (a focusable region can be scrolled with the arrow keys).
function focusableScrollers() {
  for (const node of document.querySelectorAll("main pre, main table")) {
    const scrolls = node.scrollWidth > node.clientWidth + 1 && getComputedStyle(node).overflowX !== "visible";
    if (scrolls && !node.hasAttribute("tabindex")) {
      node.setAttribute("tabindex", "0");
      node.dataset.scrollFocus = "";
    } else if (!scrolls && node.dataset.scrollFocus !== undefined) {
      node.removeAttribute("tabindex");
      delete node.dataset.scrollFocus;
    }
  }
}
focusableScrollers();
let resizeTimer = 0;
addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(focusableScrollers, 200);
});

let swRegistered = false;
function registerServiceWorker() {
  if (swRegistered || !("serviceWorker" in navigator)) return;
  swRegistered = true;
  navigator.serviceWorker.register(ROOT + "sw.js", { scope: ROOT }).catch((error) => {
    console.warn("kubeclue: offline mode unavailable:", error);
  });
  navigator.serviceWorker.ready.then(() => {
    body.dataset.offline = "ready";
    const note = document.getElementById("offline-status");
    if (note) note.hidden = false;
  });
}

// "Install as an app", where the browser offers it (the manifest and the service worker are there).
let installPrompt = null;
addEventListener("beforeinstallprompt", (event) => {
  event.preventDefault();
  installPrompt = event;
  const button = document.getElementById("install");
  if (button) button.hidden = false;
});
document.getElementById("install")?.addEventListener("click", async (event) => {
  if (!installPrompt) return;
  installPrompt.prompt();
  await installPrompt.userChoice.catch(() => null);
  installPrompt = null;
  event.currentTarget.hidden = true;
});

if (body.dataset.page === "tool") {
  startTool();
} else {
  // Docs pages make the site available offline too (someone landing from a search).
  if (document.readyState === "complete") registerServiceWorker();
  else addEventListener("load", registerServiceWorker);
}

// ---------------------------------------------------------------- reading a file

function decodeBytes(buffer) {
  // What kubectl output saved by any shell looks like: UTF-8 (with or without a BOM), UTF-16
  // with a BOM (PowerShell's `>`), UTF-16 without one; anything else as Windows-1252.
  const bytes = new Uint8Array(buffer);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder("utf-8").decode(bytes.subarray(3));
  const sample = bytes.subarray(0, 4096);
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample.length; i++) if (sample[i] === 0) (i % 2 ? oddZeros++ : evenZeros++);
  const half = sample.length / 2;
  if (half && oddZeros > half * 0.3 && evenZeros < half * 0.05) return new TextDecoder("utf-16le").decode(bytes);
  if (half && evenZeros > half * 0.3 && oddZeros < half * 0.05) return new TextDecoder("utf-16be").decode(bytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

// ---------------------------------------------------------------- the tool

function startTool() {
  const input = document.getElementById("input");
  const analyzeButton = document.getElementById("analyze");
  const clearButton = document.getElementById("clear");
  const fileInput = document.getElementById("file");
  const examples = document.getElementById("examples");
  const results = document.getElementById("results");
  const runtime = document.getElementById("runtime");
  const runtimeText = document.getElementById("runtime-text");
  const retry = document.getElementById("retry");
  const announcer = document.getElementById("announce");
  const dropZone = document.getElementById("drop-zone");

  let worker = null;
  let ready = false;
  let failed = false;
  let timers = [];
  let nextId = 0;
  let current = null; // {id, text}: the latest request; older answers are dropped
  let waiting = null; // a request made before the runtime was ready
  let firstDiagnosis = true;
  const calls = new Map(); // "c<n>" -> {resolve, reject}: calls into analyzer.api
  let shown = null; // what the results show: {text, json, report, cards, shared}
  let cardEls = []; // the finding cards, in the order of shown.cards
  let held = null; // {text, shown}: a paste too long for the box, which shows its start

  // The paste: the box, or what it holds the start of (until it is edited).
  function pasteText() {
    if (held && input.value !== held.shown) held = null;
    return held ? held.text : input.value;
  }

  function putText(text) {
    if (text.length <= BOX_MAX_CHARS) {
      held = null;
      input.value = text;
      return;
    }
    let lines = 1;
    for (let i = text.indexOf("\n"); i >= 0 && i < text.length - 1; i = text.indexOf("\n", i + 1)) lines++;
    const head = text.slice(0, BOX_HEAD_CHARS);
    held = {
      text,
      shown: `${head.slice(0, head.lastIndexOf("\n") + 1)}\n[… and the rest: ${lines.toLocaleString("en")} lines, ` +
        `${(text.length / 2 ** 20).toFixed(1)} MB in all. kubeclue analyzes all of it; the box shows its start.]\n`,
    };
    input.value = held.shown;
  }

  function announce(message) {
    if (!announcer) return;
    announcer.textContent = "";
    // A change the screen reader notices even when the text repeats.
    setTimeout(() => { announcer.textContent = message; }, 50);
  }

  function setRuntime(state, text) {
    body.dataset.runtime = state;
    runtime.dataset.state = state;
    runtimeText.textContent = text;
    retry.hidden = state === "ready" || (state === "loading" && !runtime.dataset.slow);
  }

  function startRuntime() {
    ready = false;
    failed = false;
    delete runtime.dataset.slow;
    setRuntime("loading", "Starting the Python runtime…");
    try {
      worker = earlyWorker || bootWorker();
    } catch (error) {
      bootFailed(`The analysis worker could not start: ${error.message}.`);
      return;
    }
    earlyWorker = null;
    worker.listen((event) => onMessage(event.data), (event) => {
      event.preventDefault();
      const why = event.message ? `: ${event.message}` : "";
      bootFailed(ready ? `The analysis worker stopped${why}. Press Retry to start it again.` : `The analysis worker could not start${why}.`);
    });
    timers = [
      setTimeout(() => {
        runtime.dataset.slow = "1";
        setRuntime("loading", "Still loading the Python runtime (about 6 MB on a first visit)…");
      }, BOOT_SLOW_MS),
      setTimeout(() => bootFailed(
        `The Python runtime did not start within ${BOOT_TIMEOUT_MS / 1000} seconds. ` +
        "Check your connection, or that the server sends .wasm files as application/wasm.",
      ), BOOT_TIMEOUT_MS),
    ];
  }

  function stopTimers() {
    timers.forEach(clearTimeout);
    timers = [];
  }

  function failCalls(message) {
    for (const { reject } of calls.values()) reject(new Error(message));
    calls.clear();
  }

  function bootFailed(message) {
    stopTimers();
    failed = true;
    setRuntime("error", message);
    retry.hidden = false;
    failCalls("the Python runtime failed to start");
    const inFlight = results.dataset.state === "running";
    ready = false;
    if (current && ((waiting && waiting.id === current.id) || inFlight)) {
      waiting = current; // Retry analyzes it
      showProblem("error", "Not analyzed: the Python runtime failed to start. Press Retry above to try again.");
    }
  }

  function onMessage(msg) {
    switch (msg.type) {
      case "stage":
        if (!runtime.dataset.slow) {
          setRuntime("loading", msg.stage === "runtime" ? "Loading the Python runtime…" : "Loading the analyzer…");
        }
        break;
      case "ready":
        stopTimers();
        ready = true;
        failed = false;
        performance.mark("kubeclue:ready", { detail: {
          runtimeMs: msg.runtimeMs, analyzerMs: msg.analyzerMs, stages: msg.stages,
          bootAt: Math.round(msg.bootAt - performance.timeOrigin), // the worker began, ms since navigation
        } });
        setRuntime("ready", `Ready · Python ${msg.python}, in this tab`);
        // The service worker downloads the whole site for offline use: not while the first
        // paste is analyzed and shown (it registers once that is painted), nor at the start.
        setTimeout(registerServiceWorker, SW_DELAY_MS);
        if (waiting) {
          const request = waiting;
          waiting = null;
          if (current && request.id === current.id) send(request);
        }
        break;
      case "boot-error":
        worker.terminate();
        bootFailed(msg.message);
        break;
      case "result":
        if (current && msg.id === current.id) showReport(current.text, msg.json, msg.ms, null, msg.view && JSON.parse(msg.view));
        break;
      case "return":
        calls.get(msg.id)?.resolve(msg.value);
        calls.delete(msg.id);
        break;
      case "error":
        if (calls.has(msg.id)) {
          calls.get(msg.id).reject(new Error(msg.message));
          calls.delete(msg.id);
        } else if (current && msg.id === current.id) {
          showProblem("error", `The analyzer failed on this paste: ${msg.message}`);
        }
        break;
    }
  }

  // analyzer.api.<fn>(...args) in the worker (redact_json, report_markdown, analyze_json).
  function call(fn, ...args) {
    if (failed) return Promise.reject(new Error("the Python runtime failed to start"));
    const id = `c${++nextId}`;
    return new Promise((resolve, reject) => {
      calls.set(id, { resolve, reject });
      worker.postMessage({ type: "call", id, fn, args });
    });
  }

  let runningTimer = 0;

  function post(request) {
    // To the worker at once, even while it starts: it analyzes the paste the moment Python is
    // up (a newer paste made meanwhile replaces it), without waiting for the page to hear so.
    if (request.worker === worker) return;
    request.worker = worker;
    worker.postMessage({
      type: "analyze", id: request.id, text: request.text,
      view: { over: VIEW_OVER, cards: MAX_CARDS, rows: MAX_OVERVIEW_ROWS },
    });
  }

  function send(request) {
    renderGen++;
    results.dataset.state = "running";
    post(request);
    clearTimeout(runningTimer);
    // A big paste takes seconds: say so, and let it be stopped.
    runningTimer = setTimeout(() => {
      if (current?.id !== request.id || results.dataset.state !== "running") return;
      const size = request.text.length > 2 ** 20 ? `${(request.text.length / 2 ** 20).toFixed(1)} MB` :
        `${Math.ceil(request.text.length / 1024)} KB`;
      const cancel = h("button", { type: "button", class: "btn", id: "cancel" }, "Cancel");
      cancel.addEventListener("click", cancelAnalysis);
      shown = null;
      results.hidden = false;
      results.replaceChildren(h("div", { class: "notice notice-running" },
        h("p", null, `Analyzing ${size} of output… the page stays usable meanwhile.`), cancel));
    }, RUNNING_NOTICE_MS);
  }

  function cancelAnalysis() {
    // Python cannot be interrupted mid-analysis: stop its worker and start a fresh one.
    clearTimeout(runningTimer);
    stopTimers();
    worker?.terminate();
    failCalls("the analysis was cancelled");
    current = null;
    waiting = null;
    startRuntime();
    showProblem("cancelled", "Analysis cancelled. Press Analyze to start it again, or paste less: one pod or one Deployment at a time.");
  }

  function requestAnalysis() {
    const text = pasteText();
    delete results.dataset.verdict;
    delete results.dataset.report;
    delete results.dataset.shared;
    if (!text.trim() && !ready) {
      current = null;
      showProblem("empty", "Paste the output of kubectl describe above, then press Analyze.");
      return;
    }
    if (text.length > MAX_PASTE_CHARS) {
      current = null;
      waiting = null;
      showProblem("error", `The paste is ${(text.length / 2 ** 20).toFixed(1)} MB; kubeclue reads up to ` +
        `${MAX_PASTE_CHARS / 2 ** 20} MB. Describe one pod or one Deployment at a time.`);
      return;
    }
    current = { id: ++nextId, text };
    if (failed) {
      showProblem("error", "Not analyzed: the Python runtime failed to start. Press Retry above to try again.");
      waiting = current;
    } else if (!ready) {
      waiting = current;
      showProblem("waiting", "Your paste will be analyzed as soon as the Python runtime is ready.");
      post(current);
    } else {
      send(current);
    }
  }

  function showProblem(state, message) {
    renderGen++;
    shown = null;
    results.hidden = false;
    results.replaceChildren(h("div", { class: `notice notice-${state}` }, h("p", null, message)));
    results.dataset.state = state;
    if (state !== "waiting") announce(message);
  }

  // ------------------------------------------------------------ the report

  function orderedCards(report) {
    // The primary finding first, then the rest in report order (root cause first per object).
    const cards = [];
    (report.objects || []).forEach((obj, o) => (obj.findings || []).forEach((finding) => cards.push({ finding, obj, o })));
    const primary = report.primary;
    if (primary) {
      const sameFinding = (c) => c.finding.id === primary.id && c.finding.class === primary.class;
      let at = cards.findIndex((c) => sameFinding(c) && objectRef(c.obj) === primary.object);
      if (at < 0) at = cards.findIndex(sameFinding); // an object without a name in the paste
      if (at > 0) cards.unshift(...cards.splice(at, 1));
    }
    return cards;
  }

  function verdictHead(report, cards) {
    const first = cards[0]?.finding;
    const input = report.input || {};
    switch (report.verdict) {
      case "problem":
        return { symbol: SYMBOL[first?.severity] || SYMBOL.error, sev: first?.severity || "error", kicker: "Root cause",
          title: first?.title || "Problem found", detail: report.message || first?.cause || "" };
      case "healthy":
        return { symbol: SYMBOL.healthy, sev: "healthy", kicker: "Healthy", title: "No problem found",
          detail: report.message || "Nothing in this paste points at a failure." };
      case "unknown":
        return { symbol: SYMBOL.unknown, sev: "unknown", kicker: "Not enough to go on",
          title: "Something is wrong, but this paste does not say why", detail: report.message || "" };
      default:
        return { symbol: SYMBOL.unrecognized, sev: "unrecognized", kicker: "Not recognized",
          title: input.format === "empty" ? "Nothing to analyze" : "This does not look like kubectl output",
          detail: report.message || "" };
    }
  }

  function actionButton(id, label) {
    return h("button", { type: "button", class: "btn", "data-action": id }, label);
  }

  function renderVerdict(report, cards, ms, shared, hasText) {
    const v = verdictHead(report, cards);
    const input = report.input || {};
    const stats = [
      input.lines !== undefined ? plural(input.lines, "line") : null,
      input.objects !== undefined ? plural(input.objects, "object") : null,
      ms === null ? null : `analyzed in ${ms < 1 ? "<1" : Math.round(ms)} ms in this tab`,
      `kubeclue ${report.version}`,
    ].filter(Boolean).join(" · ");
    const next = report.next || [];
    const actions = report.verdict === "unrecognized" ? null : h("div", { class: "verdict-actions", role: "group", "aria-label": "Share or keep this diagnosis" },
      actionButton("share", "Share link…"),
      hasText ? actionButton("redact", "Copy redacted paste…") : null,
      actionButton("markdown", "Copy as Markdown"),
      actionButton("print", "Print"));
    return h("div", { class: `verdict verdict-${report.verdict} vsev-${v.sev}` },
      shared ? h("p", { class: "shared-note" },
        shared === "paste" ? "Opened from a share link: the diagnosis and the redacted paste it was made from."
          : "Opened from a share link: the diagnosis only; the paste was not shared, so only its evidence lines are shown.",
        " ", h("button", { type: "button", class: "btn-link", "data-action": "own" }, "Analyze your own paste")) : null,
      h("div", { class: "verdict-row" },
        h("span", { class: "verdict-symbol", "aria-hidden": "true" }, v.symbol),
        h("div", { class: "verdict-text" },
          h("p", { class: "verdict-kicker" }, v.kicker),
          h("h2", { class: "verdict-title" }, v.title),
          v.detail ? h("p", { class: "verdict-detail" }, rich(v.detail)) : null,
          h("p", { class: "verdict-stats" }, stats),
          actions)),
      next.length ? h("section", { class: "next-steps", "aria-label": "What to paste next" },
        h("h3", null, report.verdict === "unknown" ? "Run this, then paste its output here" : "Next, paste the output of"),
        commandList(next)) : null,
      report.verdict === "unrecognized" ? h("p", { class: "verdict-help" },
        "No paste at hand? Pick one under ", h("a", { href: "#examples", "data-action": "examples" }, "Try an example"), ".") : null);
  }

  function renderOverview(report, cards, later) {
    const objects = report.objects || [];
    if (objects.length < 2) return null;
    const groups = (report.groups || []).filter((g) => g.summary);
    const inTrouble = objects.map((obj, o) => ({ obj, o })).filter(({ obj }) => obj.verdict !== "healthy");
    const listed = inTrouble.slice(0, MAX_OVERVIEW_ROWS);
    const healthy = objects.filter((obj) => obj.verdict === "healthy");
    const firstCard = new Map();
    cards.forEach((c, i) => { if (!firstCard.has(c.o)) firstCard.set(c.o, i); });
    const sevOf = (obj) => obj.findings?.[0]?.severity || (obj.verdict === "unknown" ? "unknown" : "info");
    const row = ({ obj, o }) => {
      const f = obj.findings?.[0];
      const sev = sevOf(obj);
      const why = String((f ? obj.summary || f.cause : obj.summary) || "").replace(/`/g, "");
      const target = firstCard.has(o) ? { "data-card": String(firstCard.get(o)) } : { "data-object": String(o) };
      return h("tr", { class: `row-${sev}` },
        h("th", { scope: "row" },
          h("span", { class: `sym sym-${sev}`, "aria-hidden": "true" }, SYMBOL[sev] || "•"),
          h("button", { type: "button", class: "btn-link obj-link", ...target, title: objectRef(obj) }, objectLabel(obj))),
        h("td", { class: "status-cell" }, obj.status ? h("span", { class: "status" }, obj.status) : "—"),
        h("td", null, f ? h("code", null, f.class) : obj.verdict),
        h("td", { class: "why", title: why }, h("span", null, why)));
    };
    const tbody = h("tbody", null, listed.slice(0, FIRST_OVERVIEW_ROWS).map(row));
    for (const item of listed.slice(FIRST_OVERVIEW_ROWS)) later.push(() => tbody.append(row(item)));
    const names = healthy.slice(0, 7).map(objectLabel);
    return h("section", { class: "overview", "aria-labelledby": "overview-title" },
      h("h2", { id: "overview-title", class: "section-label" }, `${plural(objects.length, "object")} in this paste`),
      groups.length ? h("ul", { class: "groups" }, groups.map((g) =>
        h("li", null, h("span", { class: "sym sym-error", "aria-hidden": "true" }, "✖"), g.summary))) : null,
      listed.length ? h("div", { class: "table-scroll" }, h("table", { class: "objects" },
        h("thead", null, h("tr", null, ["Object", "Status", "Diagnosis", "Why"].map((t) => h("th", { scope: "col" }, t)))),
        tbody)) : null,
      inTrouble.length > listed.length ? h("p", { class: "more-note" },
        `${plural(inTrouble.length - listed.length, "more object")} in trouble not listed here.`) : null,
      healthy.length ? h("p", { class: "healthy-count" },
        h("span", { class: "sym sym-healthy", "aria-hidden": "true" }, "✔"),
        ` ${plural(healthy.length, "healthy object")}, not listed: `,
        names.slice(0, 6).join(", "), healthy.length > 6 ? ` and ${healthy.length - 6} more` : "", ".") : null);
  }

  function renderFindings(report, cards, more, later) {
    // Identical root causes across objects (report.groups): the first object's card in full,
    // the others folded under it, still in report order.
    const groupOf = new Map(); // object ref -> group
    for (const g of report.groups || []) for (const ref of g.objects || []) groupOf.set(`${ref}\0${g.id}`, g);
    const seen = new Set();
    const column = h("div", { class: "findings" });
    let fold = null;
    // The first cards now; the rest, and what follows them, pushed on `later` in order.
    const put = (job) => (later.length ? later.push(job) : job());
    const addCard = (c, i) => {
      const node = skipped(renderFinding(c.finding, c.obj), i >= FIRST_CARDS && cards.length > 4 * FIRST_CARDS, "320px");
      cardEls[i] = node; // no attribute: the card stays the docs pages' card
      const g = groupOf.get(`${objectRef(c.obj)}\0${c.finding.id}`);
      if (g && seen.has(g)) {
        if (!fold || fold.group !== g || column.lastElementChild !== fold.node) {
          fold = { group: g, node: h("details", { class: "same-cause" }, h("summary", null)), count: 0, names: [] };
          column.append(fold.node);
        }
        fold.node.append(node);
        fold.count++;
        fold.names.push(c.obj.name || "?");
        const kinds = (g.kind || "object").toLowerCase();
        fold.node.querySelector("summary").replaceChildren(
          h("span", { class: `sym sym-${c.finding.severity}`, "aria-hidden": "true" }, SYMBOL[c.finding.severity] || "•"),
          ` ${fold.count} more ${fold.count === 1 ? kinds : kinds + "s"} with the same cause `,
          h("span", { class: "same-names" }, fold.names.join(", ")));
      } else {
        if (g) seen.add(g);
        fold = null;
        if (i > 0 && !column.querySelector(".also")) column.append(h("h3", { class: "also section-label" }, "Also found"));
        column.append(node);
      }
    };
    cards.forEach((c, i) => (i < FIRST_CARDS ? addCard(c, i) : later.push(() => addCard(c, i))));
    if (more) {
      put(() => column.append(h("p", { class: "more-note" }, `${plural(more, "more finding")} not shown: ` +
        "the page shows the first " + MAX_CARDS + ". Paste fewer objects to see them all.")));
    }
    // Objects in trouble that no finding explains: what to paste next.
    let notes = 0;
    (report.objects || []).forEach((obj, o) => {
      if (obj.verdict !== "unknown" || obj.findings?.length || ++notes > MAX_CARDS) return;
      put(() => column.append(h("section", { class: "object-note", "data-object": String(o), tabindex: "-1" },
        h("p", { class: "object-note-head" }, h("span", { class: "sym sym-unknown", "aria-hidden": "true" }, "?"),
          ` ${obj.kind} ${obj.namespace ? obj.namespace + "/" : ""}${obj.name || "?"}`),
        obj.summary ? h("p", null, rich(obj.summary)) : null,
        obj.next?.length ? commandList(obj.next) : null)));
    });
    return column;
  }

  let renderGen = 0; // a newer report, notice or request stops the slices of an older report

  function showReport(text, json, ms, shared = null, view = null) {
    // view: the part of a long report the page shows (analyzer.api.page_view), parsed from its own JSON.
    const gen = ++renderGen;
    clearTimeout(runningTimer);
    const report = view || JSON.parse(json);
    let full = view ? null : report;
    const allCards = orderedCards(report);
    const cards = allCards.slice(0, MAX_CARDS);
    cardEls = [];
    const uses = new Map(); // line -> number of findings that cite it
    for (const { finding } of cards) {
      for (const n of new Set((finding.evidence || []).map((e) => Number(e.line)))) uses.set(n, (uses.get(n) || 0) + 1);
    }
    // What waits for the next turns, by where it goes: most visible first.
    const later = { overview: [], findings: [], warnings: [], paste: [] };
    const warnings = report.warnings || [];
    const warningItem = (w) => h("li", null,
      w.line ? h("a", { class: "ln", href: `#L${Number(w.line)}` }, `line ${Number(w.line)}`) : null,
      w.line ? " " : null, w.message);
    const warningItems = h("ul", null, warnings.slice(0, FIRST_WARNINGS).map(warningItem));
    for (const w of warnings.slice(FIRST_WARNINGS)) later.warnings.push(() => warningItems.append(warningItem(w)));
    const warningList = warnings.length ? h("details", { class: "warnings" },
      h("summary", null, `${plural(warnings.length, "line")} kubeclue did not understand`), warningItems) : null;

    const hasText = typeof text === "string";
    const showPaste = report.verdict !== "unrecognized" && (hasText || uses.size);
    const paste = showPaste ? h("div", { class: "paste-view", tabindex: "0", "aria-label": hasText ? "Your paste" : "Evidence lines" },
      h("p", { class: "paste-head" },
        hasText ? "Your paste" : "Evidence lines of the paste",
        uses.size ? h("span", { class: "paste-legend" }, h("span", { class: "swatch", "aria-hidden": "true" }), ` ${plural(uses.size, "evidence line")} · select one for its findings`) : null),
      hasText ? renderPaste(text, uses, later.paste) : renderExcerpt(cards, uses)) : null;

    results.replaceChildren(...[
      renderVerdict(report, cards, ms, shared, hasText),
      renderOverview(report, cards, later.overview),
      // Findings beside the paste; with none, the paste (for the warnings' line links) below.
      h("div", { class: cards.length ? "results-grid" : "results-single" },
        h("div", { class: "results-main" }, cards.length ? renderFindings(report, cards, allCards.length - cards.length, later.findings) : null, warningList),
        paste),
    ].filter(Boolean));
    shown = {
      text: hasText ? text : null, json, cards, shared,
      get report() {
        return (full ??= JSON.parse(json)); // the whole report, when it was parsed in the worker
      },
    };
    results.hidden = false;
    if (firstDiagnosis && !shared) {
      firstDiagnosis = false;
      afterPaint(() => {
        performance.mark("kubeclue:first-diagnosis");
        registerServiceWorker();
      });
    }
    const jobs = [...later.overview, ...later.findings, ...later.warnings, ...later.paste];
    if (jobs.length) results.dataset.state = "rendering";
    inSlices(gen, jobs, () => {
      // The first evidence line is where the keyboard enters the paste's line buttons; the paste
      // opens a little above the root cause's first evidence line.
      const firstLine = results.querySelector(".paste button.ln");
      firstLine?.setAttribute("tabindex", "0");
      const view = results.querySelector(".paste-view");
      const lead = cards[0]?.finding.evidence?.[0];
      const leadRow = lead && view?.querySelector(`#L${Number(lead.line)}`);
      if (leadRow && view.scrollHeight > view.clientHeight) view.scrollTop = Math.max(0, leadRow.offsetTop - 72);
      results.dataset.verdict = report.verdict;
      results.dataset.report = json;
      if (shared) results.dataset.shared = shared;
      else delete results.dataset.shared;
      results.dataset.state = "done";
      const v = verdictHead(report, cards);
      announce(`Diagnosis: ${v.kicker}. ${v.title}.${cards.length > 1 ? ` ${plural(cards.length, "finding")}.` : ""}`);
      if (results.getBoundingClientRect().top > innerHeight * 0.75) {
        results.scrollIntoView({ block: "start", behavior: "smooth" });
      }
    });
  }

  // Run jobs (functions), SLICE_MS at a time, then done(); nothing more once renderGen moves on.
  // Without jobs, done() runs now.
  function inSlices(gen, jobs, done) {
    let at = 0;
    const slice = () => {
      if (gen !== renderGen) return;
      const end = performance.now() + SLICE_MS;
      while (at < jobs.length && performance.now() < end) jobs[at++]();
      if (at < jobs.length) setTimeout(slice, 0);
      else done();
    };
    if (jobs.length) setTimeout(slice, 0);
    else done();
  }

  // ------------------------------------------------------------ findings <-> paste lines

  const sideBySide = () => {
    const grid = results.querySelector(".results-grid");
    return Boolean(grid) && getComputedStyle(grid).gridTemplateColumns.trim().split(/\s+/).length > 1;
  };

  function selectCard(index, { scrollPaste = true } = {}) {
    const card = shown?.cards[index];
    if (!card) return;
    closeLinePop();
    cardEls.forEach((node, i) => node.classList.toggle("selected", i === index));
    const lines = new Set((card.finding.evidence || []).map((e) => Number(e.line)));
    let first = null;
    for (const row of results.querySelectorAll(".paste li.ev")) {
      const on = lines.has(Number(row.dataset.line));
      row.classList.toggle("sel", on);
      if (on && !first) first = row;
    }
    if (first && scrollPaste) scrollPasteTo(first);
  }

  function scrollPasteTo(row) {
    const view = row.closest(".paste-view");
    if (sideBySide() && view.scrollHeight > view.clientHeight) {
      // Only the paste scrolls: the finding the reader clicked stays where it is.
      const top = row.offsetTop - view.clientHeight / 3;
      view.scrollTo({ top: Math.max(0, top), behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth" });
      row.classList.remove("flash");
      void row.offsetWidth;
      row.classList.add("flash");
    } else if (sideBySide()) {
      showLine(row);
    }
  }

  function revealCard(index) {
    const node = cardEls[index];
    if (!node) return null;
    const fold = node.closest("details");
    if (fold) fold.open = true;
    node.scrollIntoView({ block: "start", behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth" });
    return node;
  }

  let linePop = null;
  function closeLinePop(restoreFocus = false) {
    if (!linePop) return;
    const { node, button } = linePop;
    linePop = null;
    node.remove();
    button.setAttribute("aria-expanded", "false");
    if (restoreFocus) button.focus();
  }

  function openLinePop(button) {
    const row = button.closest("li");
    const n = Number(row.dataset.line);
    const was = linePop?.button;
    closeLinePop();
    if (was === button) return;
    const using = (shown?.cards || []).map((c, i) => ({ ...c, i }))
      .filter((c) => (c.finding.evidence || []).some((e) => Number(e.line) === n));
    const view = row.closest(".paste-view");
    const node = h("div", { class: "line-pop", role: "group", "aria-label": `Findings that use line ${n}` },
      h("p", { class: "line-pop-head" }, `Line ${n} is evidence for`),
      h("ul", null, using.map((c) => h("li", null, h("button", { type: "button", class: "line-pop-item", "data-card": String(c.i) },
        h("span", { class: `sym sym-${c.finding.severity}`, "aria-hidden": "true" }, SYMBOL[c.finding.severity] || "•"),
        h("span", null, h("strong", null, c.finding.title), h("span", { class: "line-pop-where" }, ` ${objectLabel(c.obj)}`)))))));
    node.style.top = `${row.offsetTop + row.offsetHeight}px`;
    view.append(node);
    button.setAttribute("aria-expanded", "true");
    linePop = { node, button };
    cardEls.forEach((c, i) => c.classList.toggle("uses-line", using.some((u) => u.i === i)));
    node.querySelector("button")?.focus();
  }

  results.addEventListener("click", (event) => {
    const target = event.target;
    const action = target.closest("[data-action]");
    if (action) {
      event.preventDefault();
      runAction(action.dataset.action, action);
      return;
    }
    const lineButton = target.closest(".paste button.ln");
    if (lineButton) {
      openLinePop(lineButton);
      return;
    }
    const evRow = target.closest(".paste li.ev");
    if (evRow && !getSelection().toString()) {
      openLinePop(evRow.querySelector("button.ln"));
      return;
    }
    const popItem = target.closest(".line-pop-item");
    if (popItem) {
      const index = Number(popItem.dataset.card);
      const line = linePop?.button.closest("li").dataset.line;
      closeLinePop();
      selectCard(index, { scrollPaste: false });
      const node = revealCard(index);
      // Focus lands on this line's link in the card (or the card's first link).
      const focus = node?.querySelector(`.evidence a.ln[href="#L${line}"]`) || node?.querySelector("a, button");
      focus?.focus({ preventScroll: true });
      return;
    }
    const objLink = target.closest(".obj-link");
    if (objLink) {
      if (objLink.dataset.card !== undefined) {
        const index = Number(objLink.dataset.card);
        selectCard(index);
        const node = revealCard(index);
        node?.querySelector("a, button")?.focus({ preventScroll: true });
      } else {
        const note = results.querySelector(`.object-note[data-object="${objLink.dataset.object}"]`);
        note?.scrollIntoView({ block: "start" });
        note?.focus({ preventScroll: true });
      }
      return;
    }
    if (!target.closest(".line-pop")) closeLinePop();
    const index = cardEls.indexOf(target.closest("article.finding"));
    if (index < 0) return;
    if (target.closest(".evidence a.ln")) {
      selectCard(index, { scrollPaste: false }); // the global handler shows the line
      return;
    }
    if (target.closest("a, button, summary, pre") || getSelection().toString()) return;
    selectCard(index, { scrollPaste: true });
  });

  results.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && linePop) {
      event.preventDefault();
      closeLinePop(true);
      return;
    }
    const button = event.target.closest?.(".paste button.ln");
    if (!button || !["ArrowDown", "ArrowUp", "Home", "End"].includes(event.key)) return;
    // The evidence lines are one tab stop: the arrow keys move between them.
    const all = [...results.querySelectorAll(".paste button.ln")];
    const at = all.indexOf(button);
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: all.length - 1 }[event.key];
    if (to < 0 || to >= all.length) return;
    event.preventDefault();
    closeLinePop();
    button.setAttribute("tabindex", "-1");
    all[to].setAttribute("tabindex", "0");
    all[to].focus();
  });

  document.addEventListener("click", (event) => {
    if (linePop && !results.contains(event.target)) closeLinePop();
  });

  // ------------------------------------------------------------ actions

  let share = null;
  function loadShare() {
    share ??= import(new URL(body.dataset.share, location.href).href);
    return share;
  }

  function shareContext() {
    return { h, call, copyText, flashLabel, announce, plural, root: new URL(ROOT, location.href).href, shown };
  }

  async function runAction(action, button) {
    if (action === "print") {
      print();
    } else if (action === "markdown") {
      const before = button.textContent;
      button.textContent = ready ? "Copying…" : "Waiting for the runtime…";
      try {
        const markdown = await call("report_markdown", shown.json, new URL(ROOT, location.href).href);
        await copyText(markdown);
        flashLabel(button, "Copied", before);
        announce("The diagnosis is on the clipboard as Markdown.");
      } catch (error) {
        flashLabel(button, "Could not copy", before);
        console.warn("kubeclue: Markdown:", error);
      }
    } else if (action === "redact" && shown?.text !== null) {
      (await loadShare()).openRedact(shareContext(), button);
    } else if (action === "share" && shown) {
      (await loadShare()).openShare(shareContext(), button);
    } else if (action === "own") {
      clearAll();
    } else if (action === "examples") {
      examples?.focus();
    }
  }

  // ------------------------------------------------------------ input: paste, keys, clear, files, examples

  function forgetHash() {
    // A share link or an example in the address bar no longer describes what the page shows.
    if (/^#(?:s|example)=/.test(location.hash)) history.replaceState(null, "", location.pathname + location.search);
  }

  function userInput() {
    forgetHash();
    if (examples) examples.value = "";
  }

  function clearAll() {
    userInput();
    input.value = "";
    held = null;
    current = null;
    waiting = null;
    shown = null;
    renderGen++;
    results.replaceChildren();
    results.hidden = true;
    results.dataset.state = "empty";
    delete results.dataset.verdict;
    delete results.dataset.report;
    delete results.dataset.shared;
    input.focus();
    announce("Cleared.");
  }

  analyzeButton.addEventListener("click", requestAnalysis);
  clearButton?.addEventListener("click", clearAll);
  input.addEventListener("paste", (event) => {
    const text = event.clipboardData?.getData("text/plain") ?? "";
    if (text.length <= BOX_MAX_CHARS) return; // the box takes it, and the input event analyzes it
    event.preventDefault();
    userInput();
    putText(text);
    input.scrollTop = 0;
    requestAnalysis();
  });
  input.addEventListener("input", (event) => {
    if (event.inputType === "insertFromPaste" || event.inputType === "insertFromDrop") {
      userInput();
      requestAnalysis();
    } else if (examples?.value) {
      examples.value = "";
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.target.closest?.("dialog")) {
      event.preventDefault();
      requestAnalysis();
    }
  });
  retry.addEventListener("click", () => {
    stopTimers();
    worker?.terminate();
    failCalls("the runtime was restarted");
    startRuntime();
    if (current) {
      waiting = current;
      showProblem("waiting", "Your paste will be analyzed as soon as the Python runtime is ready.");
    }
  });

  async function openFile(file) {
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      showProblem("error", `${file.name} is ${Math.round(file.size / 1e6)} MB: too large to be kubectl output.`);
      return;
    }
    const text = decodeBytes(await file.arrayBuffer());
    userInput();
    putText(text);
    input.scrollTop = 0;
    requestAnalysis();
  }

  fileInput?.addEventListener("change", () => {
    openFile(fileInput.files?.[0]);
    fileInput.value = "";
  });

  // Drop a file anywhere on the page.
  const hasFiles = (event) => [...(event.dataTransfer?.types || [])].includes("Files");
  let dragDepth = 0;
  addEventListener("dragenter", (event) => {
    if (!hasFiles(event)) return;
    dragDepth++;
    body.dataset.dragging = "";
  });
  addEventListener("dragleave", (event) => {
    if (!hasFiles(event)) return;
    if (--dragDepth <= 0) {
      dragDepth = 0;
      delete body.dataset.dragging;
    }
  });
  addEventListener("dragover", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault(); // without it the browser opens the file instead
    event.dataTransfer.dropEffect = "copy";
  });
  addEventListener("drop", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    dragDepth = 0;
    delete body.dataset.dragging;
    openFile(event.dataTransfer.files?.[0]);
    dropZone?.scrollIntoView({ block: "nearest" });
  });

  // The examples menu drives tryit.js's #example=<class> (one mechanism for the docs' Try it
  // links and this menu): setting the hash loads examples/<class>.txt and analyzes it.
  examples?.addEventListener("change", () => {
    const cls = examples.value;
    if (!cls) return;
    const hash = `#example=${cls}`;
    if (location.hash === hash) dispatchEvent(new HashChangeEvent("hashchange"));
    else location.hash = hash;
  });
  const syncExample = () => {
    const match = /^#example=([a-z0-9-]+)$/.exec(location.hash);
    if (match && examples && [...examples.options].some((o) => o.value === match[1])) examples.value = match[1];
  };
  addEventListener("hashchange", syncExample);
  syncExample();

  // A share link: #s=<the diagnosis, compressed>. Decoded here, in the tab; never sent anywhere.
  async function openShared() {
    if (!location.hash.startsWith("#s=")) return;
    try {
      const { decodeShare } = await loadShare();
      const { report, paste } = await decodeShare(location.hash.slice(3));
      current = null;
      waiting = null;
      if (paste !== null) putText(paste); // a link can inflate to megabytes: held, not laid out in the box
      showReport(paste, JSON.stringify(report), null, paste !== null ? "paste" : "diagnosis");
    } catch (error) {
      console.warn("kubeclue: share link:", error);
      showProblem("error", `This share link could not be read: ${error?.shareReason || "it is damaged or cut short (some chat apps cut long links)"}. Ask for it again, or paste the output itself.`);
    }
  }
  addEventListener("hashchange", openShared);

  startRuntime();
  if (location.hash.startsWith("#s=")) openShared();
  // Text pasted before this script ran (or restored by the browser) is analyzed too.
  else if (input.value.trim()) requestAnalysis();
}
