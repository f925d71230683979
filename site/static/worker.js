// The analyzer's home: Pyodide in a module Web Worker, so the page never freezes while
// Python boots (2-4 s) or while a large paste is analyzed. Pyodide 314 only runs in
// module workers (pyodide-notes §3.3).
//
// Protocol (app.js <-> worker): every message is a plain object with a `type`.
//   page -> worker  {type: "boot", indexURL, bundleURL, cached}
//                   {type: "analyze", id, text}
//   worker -> page  {type: "stage", stage: "runtime" | "analyzer"}
//                   {type: "ready", pyodide, python, start, runtimeMs, analyzerMs}
//                   {type: "boot-error", message}
//                   {type: "result", id, json, ms}      json: the string analyze_json returned
//                   {type: "error", id, message}
// The paste crosses as a string argument to analyze_json; it is never part of Python source.

let analyzeJson = null;
let booting = null;

self.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === "boot" && !booting) {
    booting = boot(msg).catch((error) => {
      self.postMessage({ type: "boot-error", message: error.message || String(error) });
    });
  } else if (msg.type === "analyze") {
    analyze(msg);
  }
};

class BootError extends Error {}
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

async function boot({ indexURL, bundleURL, cached }) {
  const t0 = performance.now();
  self.postMessage({ type: "stage", stage: "runtime" });
  // Start every download at once.
  const module = import(indexURL + "pyodide.mjs");
  const stdlib = RUNTIME.stdlib ? checked(indexURL + RUNTIME.stdlib) : Promise.reject(new Error("no precompiled stdlib"));
  const snapshot = RUNTIME.snapshot ? checked(indexURL + RUNTIME.snapshot).then(inflateSnapshot) : Promise.reject(new Error("no snapshot"));
  stdlib.catch(() => {});
  snapshot.catch(() => {});
  let bundle = null; // the snapshot has the analyzer already: fetched only for the other ways
  const getBundle = () => (bundle ??= fetchBytes(bundleURL, "the analyzer bundle"));
  if (!RUNTIME.snapshot) getBundle();
  // loadPyodide() hangs instead of failing when the wasm cannot be compiled, so look for the
  // known causes alongside it and fail fast with a message that names the fix.
  const failures = preflight(indexURL, cached);
  const ways = RUNTIME.snapshot ? [SNAPSHOT, PYC, PLAIN] : RUNTIME.stdlib ? [PYC, PLAIN] : [PLAIN];
  let started;
  for (const way of ways) {
    try {
      started = await Promise.race([start(way, indexURL, module, { stdlib, snapshot, getBundle }), failures]);
      break;
    } catch (error) {
      if (error instanceof BootError || way === PLAIN) throw error;
      // The fast files only fit the runtime build they were made for: another build, or a
      // corrupted download or cache, and the next way starts instead.
      console.warn(`kubeclue: the ${way} start failed; trying the next way.`, error);
    }
  }
  const { pyodide, t1 } = started;
  analyzeJson = started.analyzeJson;
  const python = pyodide.runPython("import sys\nsys.version.split()[0]");
  const t2 = performance.now();
  self.postMessage({
    type: "ready",
    pyodide: pyodide.version,
    python,
    start: started.way, // snapshot | pyc | plain: how it started
    runtimeMs: Math.round(t1 - t0), // download, compile and start Pyodide
    analyzerMs: Math.round(t2 - t1), // unpack and import the analyzer, one warm-up call
  });
}

// Python, then the analyzer, one way. Throws when that way does not work.
async function start(way, indexURL, module, { stdlib, snapshot, getBundle }) {
  const { loadPyodide } = await module;
  const options = { indexURL, packages: [] };
  if (RUNTIME.lock) options.lockFileContents = RUNTIME.lock;
  let stdlibBytes = null;
  if (way === PLAIN) {
    options.stdLibURL = indexURL + (RUNTIME.fallbackStdlib || "python_stdlib.zip");
  } else {
    options.stdLibURL = indexURL + RUNTIME.stdlib;
    stdlibBytes = await stdlib; // checked; handed to Pyodide below instead of a second download
    if (way === SNAPSHOT) options._loadSnapshot = snapshot;
  }
  const pyodide = await withFile(options.stdLibURL, stdlibBytes, () => loadPyodide(options));
  const t1 = performance.now();
  self.postMessage({ type: "stage", stage: "analyzer" });
  if (way !== PLAIN) pyodide.runPython(FULL_STDLIB_FINDER)(indexURL + RUNTIME.fallbackStdlib);
  if (way !== SNAPSHOT) {
    pyodide.unpackArchive(await getBundle(), "zip"); // into the cwd (/home/pyodide), which is on sys.path
    pyodide.runPython("import importlib\nimportlib.invalidate_caches()");
  }
  const analyzeJson = pyodide.runPython("from analyzer.api import analyze_json\nanalyze_json");
  // Warm up (the first real paste should not pay for first-call imports), and check it works.
  const report = JSON.parse(analyzeJson(""));
  if (!report.verdict) throw new Error("the analyzer answered without a verdict");
  return { pyodide, analyzeJson, t1, way };
}

// Run load() with fetch(url) answered from bytes already in hand (Pyodide fetches its stdlib
// itself; it has been downloaded and checked here).
async function withFile(url, bytes, load) {
  if (!bytes) return load();
  const realFetch = self.fetch;
  self.fetch = (input, init) => (String(input) === url ? Promise.resolve(new Response(bytes)) : realFetch(input, init));
  try {
    return await load();
  } finally {
    self.fetch = realFetch;
  }
}

// The bytes of a file whose name ends in .<first 12 hex digits of its SHA-256>.<ext>, checked.
async function checked(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.split("/").pop()}: HTTP ${response.status}`);
  const bytes = await response.arrayBuffer();
  const expected = url.match(/\.([0-9a-f]{12})\.[a-z]+$/)?.[1];
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const actual = Array.from(digest.slice(0, 6), (b) => b.toString(16).padStart(2, "0")).join("");
  if (actual !== expected) throw new Error(`${url.split("/").pop()} is corrupted (its SHA-256 starts ${actual})`);
  return bytes;
}

// The snapshot comes without its runs of zero pages (site/build/runtime.py, sparse()):
// "KCSNAP1\0", the full length, the number of runs, (offset, length) per run, the runs.
function inflateSnapshot(buffer) {
  const view = new DataView(buffer);
  const magic = new TextDecoder().decode(new Uint8Array(buffer, 0, 8));
  if (magic !== "KCSNAP1\0") throw new Error("not a kubeclue snapshot");
  const full = new Uint8Array(view.getUint32(8, true));
  const runs = view.getUint32(12, true);
  let at = 16 + 8 * runs;
  for (let i = 0; i < runs; i++) {
    const offset = view.getUint32(16 + 8 * i, true), length = view.getUint32(20 + 8 * i, true);
    full.set(new Uint8Array(buffer, at, length), offset);
    at += length;
  }
  if (at !== buffer.byteLength) throw new Error("the snapshot's runs do not add up");
  return full;
}

// The precompiled stdlib holds only what the page imports (site/build/pyc_stdlib.py); the
// names it leaves out are in its omitted.json. Should anything import one of them, this
// finder fetches Pyodide's full stdlib (once, synchronously: this is a worker) and finds the
// module there.
const FULL_STDLIB_FINDER = `
import importlib.machinery, json, sys, zipfile

class FullStdlib:
    path = "/lib/python_stdlib_full.zip"

    def __init__(self, url):
        self.url = url
        fast = next(p for p in sys.path if p.endswith(".zip"))
        with zipfile.ZipFile(fast) as z:
            self.omitted = frozenset(json.loads(z.read("omitted.json"))) if "omitted.json" in z.namelist() else frozenset()

    def find_spec(self, name, path=None, target=None):
        if name not in self.omitted:
            return None
        if self.path not in sys.path:
            from js import XMLHttpRequest
            request = XMLHttpRequest.new()
            request.open("GET", self.url, False)
            request.responseType = "arraybuffer"
            request.send()
            if request.status != 200:
                return None
            with open(self.path, "wb") as f:
                f.write(request.response.to_bytes())
            sys.path.append(self.path)
        parent = name.rpartition(".")[0]
        return importlib.machinery.PathFinder.find_spec(name, [self.path + ("/" + parent.replace(".", "/") if parent else "")])

def install(url):
    sys.meta_path.append(FullStdlib(url))

install
`;

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
    response = await fetch(indexURL + "pyodide.asm.wasm", { method: "HEAD", cache: "no-store" });
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
    response = await fetch(url);
  } catch (error) {
    throw new BootError(`Could not download ${what}: ${error.message}.`);
  }
  if (!response.ok) throw new BootError(`Could not download ${what}: HTTP ${response.status}.`);
  return response.arrayBuffer();
}

async function analyze({ id, text }) {
  try {
    await booting;
    if (!analyzeJson) throw new Error("the analyzer did not start");
    const t0 = performance.now();
    const json = analyzeJson(text);
    self.postMessage({ type: "result", id, json, ms: performance.now() - t0 });
  } catch (error) {
    self.postMessage({ type: "error", id, message: error.message || String(error) });
  }
}

