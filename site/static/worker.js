// The analyzer's home: Pyodide in a module Web Worker, so the page never freezes while
// Python boots (2-4 s) or while a large paste is analyzed. Pyodide 314 only runs in
// module workers (pyodide-notes §3.3).
//
// Protocol (app.js <-> worker): every message is a plain object with a `type`.
//   page -> worker  {type: "boot", indexURL, bundleURL, cached, filesFromPage: [names]}
//                   {type: "file", name, buffer | error}  see fromPage()
//                   {type: "analyze", id, text, view}  view: {over, cards, rows}, see analyzer.api.page_view
//                   {type: "call", id, fn, args}  fn: a function of analyzer.api in CALLABLE
//   worker -> page  {type: "stage", stage: "runtime" | "analyzer"}
//                   {type: "ready", pyodide, python, start, runtimeMs, analyzerMs, stages, bootAt}
//                   {type: "boot-error", message}
//                   {type: "result", id, json, ms, view}  json: the report as analyze_json returns it;
//                                   view: null, or (for a long json) the part of it the page shows, as JSON
//                   {type: "error", id, message}
//                   {type: "return", id, value}    what the call returned (a string)
// The paste crosses as an argument (UTF-8 bytes, see CALL_UTF8); it is never part of Python source.

let analyzeJson = null;
let booting = null;
let bootMessage = null; // to start again after Python died
let running = null; // the running Pyodide
let api = null; // (name, ...args) => analyzer.api.<name>(...args), for "call"

let newest = null; // the id of the latest paste: an older one still waiting for the start is skipped
let lastBusy = 0; // when the worker last answered the page
let asked = false; // the page has asked something: the warm-up is over (a real paste warms too)

// On a first visit the page downloads the snapshot (start.js) and hands its bytes over,
// {type: "file", name, buffer | error}: this thread is the busiest of the start (it compiles
// Pyodide's JavaScript and feeds the WebAssembly compiler), and taking in 17 MB is work of its
// own. The boot message names the files the page downloads; fromPage(name): their bytes.
const handed = new Map();
function fromPage(name) {
  if (!handed.has(name)) {
    let settle;
    const bytes = new Promise((resolve, reject) => {
      settle = (msg) => (msg.buffer ? resolve(msg.buffer) : reject(new Error(`${name}: ${msg.error}`)));
    });
    bytes.catch(() => {});
    handed.set(name, { bytes, settle });
  }
  return handed.get(name);
}

self.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === "file") return fromPage(msg.name).settle(msg);
  if (msg.type === "analyze") newest = msg.id;
  if (msg.type !== "boot") asked = true;
  if (msg.type === "boot" && !booting) {
    bootMessage = msg;
    booting = boot(msg).catch((error) => {
      self.postMessage({ type: "boot-error", message: error.message || String(error) });
    });
  } else if (msg.type === "analyze") {
    analyze(msg);
  } else if (msg.type === "call") {
    call(msg);
  }
};

class BootError extends Error {}
let mark = () => {}; // mark(name): a stage of the start is done (boot() sets it)
const NEVER = new Promise(() => {});

// Filled in by build.py (site/build/runtime.py) with what this build ships beside the runtime:
//   stdlib     the stdlib precompiled (.pyc) for this exact runtime build, only what the page imports
//   snapshot   Pyodide's memory with the analyzer imported (private Pyodide API), made with that stdlib
//   fallbackStdlib  Pyodide's own stdlib; lock: the lock file's contents (no packages: no request)
// Both fast files carry a hash of their content in their name, checked before use. Left
// empty, as in an unbuilt copy, the worker boots Pyodide the plain way.
const RUNTIME = /* build.py: runtime config */ {};

// The ways to start, fastest first; each falls back to the next when it fails.
const SNAPSHOT = "snapshot", PYC = "pyc", PLAIN = "plain";

class WasmError extends Error {}

async function boot({ indexURL, bundleURL, cached, filesFromPage }) {
  const t0 = performance.now();
  fromCache = cached;
  bootMessage = { ...bootMessage, filesFromPage: [] }; // a restart downloads them itself
  const given = (name) => (filesFromPage?.includes(name) ? fromPage(name).bytes : null);
  // When each part of the start was done, ms from the boot message (make bench prints them).
  const stages = {};
  mark = (name) => (stages[name] ??= Math.round(performance.now() - t0));
  const stage = (name) => (value) => {
    mark(name);
    return value;
  };
  self.postMessage({ type: "stage", stage: "runtime" });
  // Start everything at once: Pyodide's loader and the script it loads next (1.2 MB of
  // JavaScript to compile: the same module, from the module map, when the loader imports it),
  // then the big files, the biggest first (the snapshot arrives last all the same).
  const module = import(indexURL + "pyodide.mjs");
  import(indexURL + "pyodide.asm.mjs").catch(() => {}); // a failure shows when the loader imports it
  const snapshot = RUNTIME.snapshot ? checkedFile(indexURL + RUNTIME.snapshot, given(RUNTIME.snapshot)) : null;
  const files = {
    snapshot,
    wasm: cachedOrDownloaded(indexURL + "pyodide.asm.wasm", (response) => WebAssembly.compileStreaming(response))
      .catch((error) => {
        throw new WasmError(error.message || String(error));
      }),
    stdlib: RUNTIME.stdlib ? checkedFile(indexURL + RUNTIME.stdlib, given(RUNTIME.stdlib)) : null,
    bundle: null, // the snapshot has the analyzer already: fetched only for the other ways
  };
  module.then(stage("loader"), () => {});
  files.wasm.then(stage("wasm"), () => {});
  files.stdlib?.then(stage("stdlib"), () => {});
  snapshot?.then(stage("snapshot"), () => {});
  const bundle = () => (files.bundle ??= fetchBytes(bundleURL, "the analyzer bundle"));
  if (!RUNTIME.snapshot) bundle();
  // loadPyodide() hangs instead of failing when the wasm cannot be compiled, so look for the
  // known causes alongside it and fail fast with a message that names the fix.
  const failures = preflight(indexURL, cached);
  const ways = [SNAPSHOT, PYC, PLAIN].filter((way) => way === PLAIN || (files.stdlib && (way === PYC || files.snapshot)));
  let started;
  for (const way of ways) {
    try {
      started = await Promise.race([start(way, indexURL, module, files, bundle), failures]);
      break;
    } catch (error) {
      if (error instanceof WasmError) {
        // Every way needs the runtime's WebAssembly: say why it failed, when the checks know.
        await Promise.race([failures, new Promise((resolve) => setTimeout(resolve, 3000))]);
        throw new BootError(`The Python runtime could not be compiled: ${error.message}`);
      }
      if (error instanceof BootError || way === PLAIN) throw error;
      // The fast files only fit the runtime build they were made for: another build, or a
      // corrupted download or cache, and the next way starts instead.
      console.warn(`kubeclue: the ${way} start failed; trying the next way.`, error);
    }
  }
  const { pyodide, t1 } = started;
  running = pyodide;
  analyzeJson = started.analyzeJson;
  const python = pyodide.runPython("import sys\nsys.version.split()[0]");
  api = started.call;
  const t2 = performance.now();
  stages.start = Math.round(t1 - t0);
  self.postMessage({
    type: "ready",
    pyodide: pyodide.version,
    python,
    start: started.way, // snapshot | pyc | plain: how it started
    runtimeMs: Math.round(t1 - t0), // download, compile and start Pyodide
    analyzerMs: Math.round(t2 - t1), // unpack and import the analyzer, one warm-up call
    stages, // loader, wasm, stdlib, snapshot: downloaded (and compiled, checked); start: Python up
    bootAt: performance.timeOrigin + t0, // when the boot message was taken (ms since the epoch)
  });
  lastBusy = performance.now(); // the warm-up lets a paste that waited for the start go first
  warmUp(started.warm);
}

// Python, then the analyzer, one way. Throws when that way does not work.
async function start(way, indexURL, module, files, bundle) {
  const { loadPyodide } = await module;
  const options = { indexURL, packages: [] };
  if (RUNTIME.lock) options.lockFileContents = RUNTIME.lock;
  const served = new Map(); // what Pyodide's own fetches get: bytes already downloaded here
  const checks = []; // each rejects when its file fails its check
  if (way === PLAIN) {
    options.stdLibURL = indexURL + (RUNTIME.fallbackStdlib || "python_stdlib.zip");
  } else {
    options.stdLibURL = indexURL + RUNTIME.stdlib;
    served.set(options.stdLibURL, files.stdlib);
    checks.push(files.stdlib);
    if (way === SNAPSHOT) {
      // Pyodide only needs the snapshot's size until it restores it, after the instantiation:
      // it gets an empty buffer now, filled (and checked) before the instantiation may start,
      // so that Pyodide's own start-up overlaps the download.
      const full = new Uint8Array(RUNTIME.snapshotSize);
      options._loadSnapshot = full;
      checks.push(files.snapshot.then((buffer) => inflateSnapshot(buffer, full)));
    }
  }
  const pyodide = await withRuntime(indexURL, files.wasm, served, checks, () => loadPyodide(options));
  const t1 = performance.now();
  self.postMessage({ type: "stage", stage: "analyzer" });
  if (way !== PLAIN) {
    // What the precompiled stdlib leaves out, should anything import it: site/build/kubeclue_stdlib.py.
    const install = pyodide.runPython("import _kubeclue_stdlib\n_kubeclue_stdlib.install");
    install(indexURL + RUNTIME.fallbackStdlib);
    install.destroy();
  }
  if (way !== SNAPSHOT) {
    pyodide.unpackArchive(await bundle(), "zip"); // into the cwd (/home/pyodide), which is on sys.path
    pyodide.runPython("import importlib\nimportlib.invalidate_caches()");
  } else {
    pyodide.runPython("import random\nrandom.seed()"); // the build made the snapshot with fixed seeds
  }
  const callUtf8 = pyodide.runPython(CALL_UTF8);
  const call = (name, ...args) => fromPython(callUtf8(name, ...args.map(toPython)));
  // -> {json, view}: the report, and the part of it the page shows (a JSON string, "null" for a short report).
  const analyzeJson = (text, { over, cards, rows } = WHOLE) => {
    const both = call("analyze_for_page", text, over, cards, rows);
    const cut = both.indexOf("\n");
    return { view: both.slice(0, cut), json: both.slice(cut + 1) };
  };
  const warm = pyodide.runPython(WARM);
  // Warm up (the first real paste should not pay for first-call imports), and check it works.
  const report = JSON.parse(analyzeJson("").json);
  if (!report.verdict) throw new Error("the analyzer answered without a verdict");
  return { pyodide, analyzeJson, call, warm, t1, way };
}

// No report is wanted in part (analyze_for_page's view): the report only.
const WHOLE = { over: Number.MAX_SAFE_INTEGER, cards: 0, rows: 0 };

// Every call into the analyzer (the paste, the page's "call"s, the warm-up) is a function of
// analyzer.api, which pauses Python's cycle collector itself (report.collector_paused: its passes
// over a growing heap made a 10 MB paste a quarter slower). Strings cross into and out of Python
// as UTF-8 bytes (TextEncoder, TextDecoder): Pyodide turns a Python string that is not all ASCII
// into a JavaScript one a character at a time, and the 8 MB report of a 10 MB paste (any report
// holds a "→" or a "–") took ~550 ms to come out, ~40 ms as bytes; in, 8 MB take ~15 ms as
// bytes instead of ~50.
const CALL_UTF8 = `
import analyzer.api

def call_utf8(name, *args):
    args = [a.to_bytes().decode() if type(a).__module__ == "pyodide.ffi" else a for a in args]
    return getattr(analyzer.api, name)(*args).encode("utf-8", "surrogatepass")

call_utf8
`;
const encoder = new TextEncoder(), decoder = new TextDecoder();
const toPython = (value) => (typeof value === "string" ? encoder.encode(value) : value);
function fromPython(bytes) {
  try {
    const buffer = bytes.getBuffer("u8");
    try {
      return decoder.decode(buffer.data);
    } finally {
      buffer.release();
    }
  } finally {
    bytes.destroy();
  }
}

// Right after the start, the WebAssembly code the analyzer runs is still the browser's first,
// quick compile (it compiles a function again, optimised, once it has run a while), and pastes
// take several times longer for the first seconds. So while nobody is waiting, the worker
// analyzes the pastes mksnap.mjs left in the snapshot (one per fixture folder), one per turn,
// a few times over: the first real paste gets the optimised code. A paste that arrives waits
// for one of them at most, and ends the warm-up. warm(i) returns how many pastes there are (0
// after a slower start).
const WARM = `
import __main__
from analyzer.api import analyze_json

def warm(i):
    texts = getattr(__main__, "_kubeclue_warm", ())
    if texts:
        analyze_json(texts[i % len(texts)])
    return len(texts)

warm
`;
const WARM_ROUNDS = 2; // each paste this many times (about half a second of analysis in all)
const WARM_MS = 5000; // of analysis at most, on a slow machine
const QUIET_MS = 300; // it starts this long after the worker last answered the page

async function warmUp(warm) {
  const me = running;
  const turn = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));
  let spent = 0;
  for (let i = 0; running === me && spent < WARM_MS && !asked; i++) {
    // Not while the page shows a paste that waited for the start (its rendering wants the CPU).
    for (let quiet; (quiet = lastBusy + QUIET_MS - performance.now()) > 0;) await turn(quiet);
    if (running !== me || asked) break;
    const t = performance.now();
    let n;
    try {
      n = warm(i);
    } catch {
      n = 0;
    }
    if (!n || i + 1 >= WARM_ROUNDS * n) break;
    spent += performance.now() - t;
    await turn();
  }
  warm.destroy();
}

// Run load() (loadPyodide) with
// * the WebAssembly module compiled up front, while the other files download, and instantiated
//   only once every check has passed: nothing runs on a file that failed its check;
// * Pyodide's fetches of `served` URLs answered with the bytes downloaded (and checked) here.
// Pyodide swallows a failed instantiation and hangs, so a failed check or compile ends it here.
async function withRuntime(indexURL, wasm, served, checks, load) {
  const pyodideFetch = self.fetch, realInstantiate = WebAssembly.instantiateStreaming;
  const wasmURL = indexURL + "pyodide.asm.wasm";
  const checked = Promise.all(checks);
  self.fetch = (input, init) => {
    const url = String(input);
    if (served.has(url)) return served.get(url).then((bytes) => new Response(bytes));
    if (url === wasmURL) return Promise.resolve(new Response(null)); // compiled already, see below
    return pyodideFetch(input, init);
  };
  WebAssembly.instantiateStreaming = async (_response, imports) => {
    await checked;
    const module = await wasm;
    mark("checked");
    const instance = await WebAssembly.instantiate(module, imports);
    mark("instantiated");
    return { module, instance };
  };
  try {
    return await Promise.race([load(), checked.then(() => NEVER), wasm.then(() => NEVER)]);
  } finally {
    self.fetch = pyodideFetch;
    WebAssembly.instantiateStreaming = realInstantiate;
  }
}

// The worker's own downloads; withRuntime() answers some of Pyodide's fetches itself.
const realFetch = self.fetch.bind(self);

// use(response) for a big runtime file: read straight from the service worker's cache when it
// is there (for megabytes, about twice as fast as through its fetch handler), else downloaded.
// A cached copy that use() rejects (a corrupted cache) is dropped, downloaded again and, when
// that one works, put back: the next visit is fast again.
// Only on a visit the service worker controls: on a first visit its cache is empty (or being
// filled), and merely looking costs ~100 ms in a fresh profile (Cache Storage opens its
// database) before a single download starts.
let fromCache = false;

async function cachedOrDownloaded(url, use) {
  const hit = fromCache ? await self.caches?.match(url).catch(() => undefined) : undefined;
  let dropped = [];
  if (hit) {
    try {
      return await use(hit);
    } catch (error) {
      console.warn(`kubeclue: the cached ${url.split("/").pop()} is broken; downloading it again.`, error);
      dropped = await forget(url);
    }
  }
  const response = await realFetch(url, dropped.length ? { cache: "reload" } : undefined);
  const copy = dropped.length && response.ok ? response.clone() : null;
  const result = await use(response);
  if (copy) for (const name of dropped) await (await caches.open(name)).put(url, copy.clone()).catch(() => {});
  return result;
}

async function forget(url) {
  const names = [];
  for (const name of await caches.keys()) {
    if (await (await caches.open(name)).delete(url)) names.push(name);
  }
  return names;
}

// The bytes of a file whose name ends in .<first 12 hex digits of its SHA-256>.<ext>; rejects
// unless they match.
// `given`: a promise of its bytes, downloaded elsewhere (the page's).
function checkedFile(url, given) {
  const name = url.split("/").pop();
  const check = async (buffer) => {
    mark(`${name.split(".")[0]}-bytes`);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", buffer));
    const actual = Array.from(digest.slice(0, 6), (b) => b.toString(16).padStart(2, "0")).join("");
    if (actual !== name.match(/\.([0-9a-f]{12})\.[a-z]+$/)?.[1]) {
      throw new Error(`${name} is corrupted (its SHA-256 starts ${actual})`);
    }
    return buffer;
  };
  const bytes = given ? given.then(check) : cachedOrDownloaded(url, async (response) => {
    if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
    return check(await response.arrayBuffer());
  });
  bytes.catch(() => {});
  return bytes;
}

// The snapshot comes without its runs of zero pages (site/build/runtime.py, sparse()):
// "KCSNAP1\0", the full length, the number of runs, (offset, length) per run, the runs.
// Written into `full`, all zeros.
function inflateSnapshot(buffer, full) {
  const view = new DataView(buffer);
  const magic = new TextDecoder().decode(new Uint8Array(buffer, 0, 8));
  if (magic !== "KCSNAP1\0") throw new Error("not a kubeclue snapshot");
  if (view.getUint32(8, true) !== full.length) throw new Error("the snapshot is not the size the build said");
  const runs = view.getUint32(12, true);
  let at = 16 + 8 * runs;
  for (let i = 0; i < runs; i++) {
    const offset = view.getUint32(16 + 8 * i, true), length = view.getUint32(20 + 8 * i, true);
    full.set(new Uint8Array(buffer, at, length), offset);
    at += length;
  }
  if (at !== buffer.byteLength) throw new Error("the snapshot's runs do not add up");
}

async function preflight(indexURL, cached) {
  try {
    // The smallest valid module: fails only when the policy forbids compiling WebAssembly.
    await WebAssembly.compile(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  } catch {
    throw new BootError(
      "This page's Content-Security-Policy forbids WebAssembly: script-src needs 'wasm-unsafe-eval'.",
    );
  }
  if (cached) return NEVER; // the service worker answers from its cache, checked when it was filled
  let response;
  try {
    response = await realFetch(indexURL + "pyodide.asm.wasm", { method: "HEAD", cache: "no-store" });
  } catch {
    return NEVER; // offline: the service worker serves the runtime; nothing to check
  }
  if (!response.ok) {
    throw new BootError(`The Python runtime is missing: pyodide.asm.wasm answered HTTP ${response.status}.`);
  }
  const type = (response.headers.get("content-type") || "").split(";")[0].trim();
  if (type !== "application/wasm") {
    throw new BootError(
      `The server sends pyodide.asm.wasm as "${type || "no type"}"; browsers only run WebAssembly served as application/wasm.`,
    );
  }
  return NEVER; // all good: let loadPyodide win the race
}

async function fetchBytes(url, what) {
  let response;
  try {
    response = await realFetch(url);
  } catch (error) {
    throw new BootError(`Could not download ${what}: ${error.message}.`);
  }
  if (!response.ok) throw new BootError(`Could not download ${what}: HTTP ${response.status}.`);
  return response.arrayBuffer();
}

async function analyze({ id, text, view }) {
  try {
    await booting;
    if (id !== newest) return; // the page has a newer paste, and ignores this one's answer
    if (!analyzeJson) throw new Error("the analyzer did not start");
    const t0 = performance.now();
    const { json, view: part } = analyzeJson(text, view);
    const ms = performance.now() - t0;
    self.postMessage({ type: "result", id, json, ms, view: part === "null" ? null : part });
  } catch (error) {
    const message = error.message || String(error);
    if (dead()) {
      // Not a Python exception: the interpreter itself died (out of memory, a stack overflow
      // in WebAssembly). It cannot run again; start a new one, from the snapshot when there
      // is one, so that the next paste works. This one is answered with the error.
      self.postMessage({ type: "error", id, message: `the Python runtime crashed on this paste (${message}); it has been restarted` });
      restart();
    } else {
      self.postMessage({ type: "error", id, message });
    }
  } finally {
    lastBusy = performance.now();
  }
}

function dead() {
  try {
    running?.runPython("0");
    return false;
  } catch {
    return true;
  }
}

function restart() {
  analyzeJson = null;
  running = null;
  booting = boot(bootMessage).catch((error) => {
    self.postMessage({ type: "boot-error", message: error.message || String(error) });
  });
}

// The page's other uses of analyzer.api: the redacted paste ("Copy redacted paste", Share) and
// the report as Markdown. Strings (and a flag) in, a string out; like the paste, they cross as
// arguments, never as Python source.
const CALLABLE = new Set(["analyze_json", "redact_json", "report_markdown"]);

async function call({ id, fn, args }) {
  try {
    await booting;
    if (!api) throw new Error("the analyzer did not start");
    if (!CALLABLE.has(fn)) throw new Error(`analyzer.api.${fn} is not callable from the page`);
    self.postMessage({ type: "return", id, value: api(fn, ...(args || [])) });
  } catch (error) {
    self.postMessage({ type: "error", id, message: error.message || String(error) });
  } finally {
    lastBusy = performance.now();
  }
}
