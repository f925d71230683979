// The page's behaviour, DOM only: the analyzer runs in worker.js.
//
// Everything that comes from a paste or a report is put into the page with textContent
// (never innerHTML), so a pasted "<img onerror=…>" is just text.
//
// Hooks the tests and the benchmark read (see tests/browser/):
//   body[data-runtime]       loading | ready | error
//   body[data-offline]       "ready" once the service worker controls the site
//   #results[data-state]     empty | waiting | running | done | error
//   #results[data-verdict]   the report's verdict, once done
//   #results[data-report]    the exact JSON string the analyzer returned
//   [data-finding-class]     one element per finding, the primary first
//   performance marks        kubeclue:ready, kubeclue:first-diagnosis

const BOOT_SLOW_MS = 10_000; // past this, say that it is still loading and offer a retry
const BOOT_TIMEOUT_MS = 30_000; // past this, call it a failure (a late start still recovers)

const body = document.body;
const ROOT = body.dataset.root || "./";

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

// ---------------------------------------------------------------- markup shared with the docs pages
// These mirror the macros in site/templates/_macros.html; change both together.

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

function renderFinding(finding, obj) {
  const where = `${obj.kind} ${obj.namespace ? obj.namespace + "/" : ""}${obj.name || "(name not in the paste)"}` +
    (finding.container ? ` · container ${finding.container}` : "");
  const block = (title, ...content) => h("section", { class: "finding-block" }, h("h4", null, title), ...content);
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
    h("li", null, h("a", { class: "ln", href: `#L${e.line}` }, String(e.line)), h("code", null, e.text))))) : null,
  finding.fix?.length ? block("Fix", h("ol", { class: "fix" }, finding.fix.map((step) => h("li", null, rich(step))))) : null,
  finding.commands?.length ? block("Commands", commandList(finding.commands)) : null,
  finding.next?.length ? block("Next, paste the output of", commandList(finding.next)) : null,
  finding.doc ? h("p", { class: "finding-doc" }, h("a", { href: ROOT + finding.doc }, `How to fix ${finding.class} →`)) : null);
}

function renderPaste(text, evidence) {
  const lines = text.split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop(); // the newline that ends the paste
  const list = h("ol", { class: "paste", "aria-label": "The pasted output, line by line" });
  const rows = document.createDocumentFragment();
  lines.forEach((line, i) => {
    const n = i + 1;
    rows.append(h("li", { id: `L${n}`, class: evidence.has(n) ? "ev" : null, "data-line": String(n) },
      h("span", { class: "ln" }, String(n)),
      h("span", { class: "lt" }, line.endsWith("\r") ? line.slice(0, -1) : line)));
  });
  list.append(rows);
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
      row.scrollIntoView({ block: "center", behavior: "smooth" });
      row.classList.remove("flash");
      void row.offsetWidth; // restart the animation
      row.classList.add("flash");
    }
  }
});

async function copyCommand(button) {
  const code = button.closest(".cmd").querySelector("code");
  const say = (label) => {
    button.textContent = label;
    clearTimeout(button.resetTimer);
    button.resetTimer = setTimeout(() => { button.textContent = "Copy"; }, 1600);
  };
  try {
    await navigator.clipboard.writeText(code.textContent);
    say("Copied");
  } catch {
    // No clipboard access (an insecure origin, a denied permission): select it for Ctrl+C.
    getSelection().selectAllChildren(code);
    say("Press Ctrl+C");
  }
}

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

if (body.dataset.page === "tool") {
  startTool();
} else {
  // Docs pages make the site available offline too (someone landing from a search).
  if (document.readyState === "complete") registerServiceWorker();
  else addEventListener("load", registerServiceWorker);
}

// ---------------------------------------------------------------- the tool

function startTool() {
  const input = document.getElementById("input");
  const analyzeButton = document.getElementById("analyze");
  const results = document.getElementById("results");
  const runtime = document.getElementById("runtime");
  const runtimeText = document.getElementById("runtime-text");
  const retry = document.getElementById("retry");

  let worker = null;
  let ready = false;
  let failed = false;
  let timers = [];
  let nextId = 0;
  let current = null; // {id, text}: the latest request; older answers are dropped
  let waiting = null; // a request made before the runtime was ready
  let firstDiagnosis = true;

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
    worker = new Worker(body.dataset.worker, { type: "module" });
    worker.onmessage = (event) => onMessage(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      bootFailed(`The analysis worker could not start${event.message ? `: ${event.message}` : ""}.`);
    };
    worker.postMessage({
      type: "boot",
      indexURL: new URL(body.dataset.pyodide, location.href).href,
      bundleURL: new URL(body.dataset.bundle, location.href).href,
      // Served from the service worker's cache: what the server says now does not matter.
      cached: Boolean(navigator.serviceWorker?.controller),
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

  function bootFailed(message) {
    stopTimers();
    failed = true;
    setRuntime("error", message);
    retry.hidden = false;
    if (waiting && current && waiting.id === current.id) {
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
        performance.mark("kubeclue:ready", { detail: { runtimeMs: msg.runtimeMs, analyzerMs: msg.analyzerMs } });
        setRuntime("ready", `Ready · Python ${msg.python}, in this tab`);
        registerServiceWorker();
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
        if (current && msg.id === current.id) showReport(current.text, msg.json, msg.ms);
        break;
      case "error":
        if (current && msg.id === current.id) {
          showProblem("error", `The analyzer failed on this paste: ${msg.message}`);
        }
        break;
    }
  }

  function send(request) {
    results.dataset.state = "running";
    worker.postMessage({ type: "analyze", id: request.id, text: request.text });
  }

  function requestAnalysis() {
    const text = input.value;
    delete results.dataset.verdict;
    delete results.dataset.report;
    if (!text.trim() && !ready) {
      current = null;
      showProblem("empty", "Paste the output of kubectl describe pod above, then press Analyze.");
      return;
    }
    current = { id: ++nextId, text };
    if (failed) {
      showProblem("error", "Not analyzed: the Python runtime failed to start. Press Retry above to try again.");
      waiting = current;
    } else if (!ready) {
      waiting = current;
      showProblem("waiting", "Your paste will be analyzed as soon as the Python runtime is ready.");
    } else {
      send(current);
    }
  }

  function showProblem(state, message) {
    results.hidden = false;
    results.replaceChildren(h("div", { class: `notice notice-${state}` }, h("p", null, message)));
    results.dataset.state = state;
  }

  function showReport(text, json, ms) {
    const report = JSON.parse(json);
    const objects = report.objects || [];
    // The primary finding first, then the rest in report order (root cause first per object).
    const cards = objects.flatMap((obj) => (obj.findings || []).map((finding) => ({ finding, obj })));
    const primary = report.primary;
    if (primary) {
      const sameFinding = (c) => c.finding.id === primary.id && c.finding.class === primary.class;
      const objectName = (o) => `${o.kind}/${o.namespace || "?"}/${o.name || "?"}`; // report.py's ref
      let at = cards.findIndex((c) => sameFinding(c) && objectName(c.obj) === primary.object);
      if (at < 0) at = cards.findIndex(sameFinding); // an object without a name in the paste
      if (at > 0) cards.unshift(...cards.splice(at, 1));
    }
    const evidence = new Set(cards.flatMap((c) => (c.finding.evidence || []).map((e) => e.line)));

    const verdictText = {
      problem: ["Root cause found", cards.length ? cards[0].finding.title : ""],
      healthy: ["No problem found", report.message || "Nothing in this paste points at a failure."],
      unknown: ["Something is wrong, but kubeclue cannot tell what", report.message || ""],
      unrecognized: [report.input?.format === "empty" ? "Nothing to analyze" : "This does not look like kubectl describe output",
        report.message || ""],
    }[report.verdict] || [report.verdict, report.message || ""];

    const input = report.input || {};
    const stats = [
      input.lines !== undefined ? `${input.lines} lines` : null,
      input.objects !== undefined ? `${input.objects} object${input.objects === 1 ? "" : "s"}` : null,
      `analyzed in ${ms < 1 ? "<1" : Math.round(ms)} ms in this tab`,
      `kubeclue ${report.version}`,
    ].filter(Boolean).join(" · ");

    const findings = h("div", { class: "findings" });
    cards.forEach((c, i) => {
      if (i === 1) findings.append(h("h3", { class: "also" }, "Also found"));
      findings.append(renderFinding(c.finding, c.obj));
    });

    const warnings = report.warnings || [];
    const warningList = warnings.length ? h("details", { class: "warnings" },
      h("summary", null, `${warnings.length} line${warnings.length === 1 ? "" : "s"} kubeclue did not understand`),
      h("ul", null, warnings.map((w) => h("li", null,
        w.line ? h("a", { class: "ln", href: `#L${w.line}` }, `line ${w.line}`) : null,
        w.line ? " " : null, w.message)))) : null;

    const showPaste = report.verdict !== "unrecognized";
    const next = report.next || [];
    results.replaceChildren(
      h("div", { class: `verdict verdict-${report.verdict}` },
        h("h2", null, verdictText[0]),
        verdictText[1] ? h("p", { class: "verdict-detail" }, rich(verdictText[1])) : null,
        h("p", { class: "verdict-stats" }, stats),
        next.length ? h("section", { class: "finding-block" }, h("h4", null, "Next, paste the output of"), commandList(next)) : null),
      // Findings beside the paste; with none, the paste (for the warnings' line links) below.
      h("div", { class: cards.length ? "results-grid" : "results-single" },
        h("div", { class: "results-main" }, cards.length ? findings : null, warningList),
        showPaste ? h("div", { class: "paste-view", tabindex: "0", "aria-label": "Your paste" }, renderPaste(text, evidence)) : null),
    );
    results.hidden = false;
    results.dataset.verdict = report.verdict;
    results.dataset.report = json;
    results.dataset.state = "done";
    if (firstDiagnosis) {
      firstDiagnosis = false;
      performance.mark("kubeclue:first-diagnosis");
    }
    if (results.getBoundingClientRect().top > innerHeight * 0.75) {
      results.scrollIntoView({ block: "start", behavior: "smooth" });
    }
  }

  analyzeButton.addEventListener("click", requestAnalysis);
  input.addEventListener("input", (event) => {
    if (event.inputType === "insertFromPaste" || event.inputType === "insertFromDrop") requestAnalysis();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      requestAnalysis();
    }
  });
  retry.addEventListener("click", () => {
    stopTimers();
    worker?.terminate();
    startRuntime();
    if (current) {
      waiting = current;
      showProblem("waiting", "Your paste will be analyzed as soon as the Python runtime is ready.");
    }
  });

  startRuntime();
  // Text pasted before this script ran (or restored by the browser) is analyzed too.
  if (input.value.trim()) requestAnalysis();
}
