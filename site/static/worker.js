// The analyzer's home: Pyodide in a module Web Worker, so the page never freezes while
// Python boots (2-4 s) or while a large paste is analyzed. Pyodide 314 only runs in
// module workers (pyodide-notes §3.3).
//
// Protocol (app.js <-> worker): every message is a plain object with a `type`.
//   page -> worker  {type: "boot", indexURL, bundleURL, cached}
//                   {type: "analyze", id, text}
//   worker -> page  {type: "stage", stage: "runtime" | "analyzer"}
//                   {type: "ready", pyodide, python, runtimeMs, analyzerMs}
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

async function boot({ indexURL, bundleURL, cached }) {
  const t0 = performance.now();
  self.postMessage({ type: "stage", stage: "runtime" });
  // Start every download at once; the analyzer bundle is small and arrives first.
  const bundle = fetchBytes(bundleURL, "the analyzer bundle");
  const runtime = (async () => {
    const { loadPyodide } = await import(indexURL + "pyodide.mjs");
    return loadPyodide({ indexURL, packages: [] });
  })();
  // loadPyodide() hangs instead of failing when the wasm cannot be compiled, so look for the
  // known causes alongside it and fail fast with a message that names the fix.
  const failures = Promise.race([preflight(indexURL, cached), bundle.then(() => NEVER)]);
  const pyodide = await Promise.race([runtime, failures]);
  const t1 = performance.now();
  self.postMessage({ type: "stage", stage: "analyzer" });
  pyodide.unpackArchive(await bundle, "zip"); // into the cwd (/home/pyodide), which is on sys.path
  analyzeJson = pyodide.runPython(
    "import importlib\nimportlib.invalidate_caches()\nfrom analyzer.api import analyze_json\nanalyze_json",
  );
  analyzeJson(""); // warm up: the first real paste should not pay for first-call imports
  const python = pyodide.runPython("import sys\nsys.version.split()[0]");
  const t2 = performance.now();
  self.postMessage({
    type: "ready",
    pyodide: pyodide.version,
    python,
    runtimeMs: Math.round(t1 - t0), // download, compile and start Pyodide
    analyzerMs: Math.round(t2 - t1), // unpack and import the analyzer, one warm-up call
  });
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
