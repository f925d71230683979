// Build step (run by build.py): a memory snapshot of Pyodide with the analyzer imported and
// warmed up, so the page restores a running interpreter instead of starting one
// (pyodide-notes §7.3). `_makeSnapshot`/`makeMemorySnapshot` are private Pyodide API: the
// page checks the snapshot and falls back to a normal boot when it does not load.
//
//   node site/build/mksnap.mjs CONFIG.json
//
// CONFIG: {indexURL, stdlib: the precompiled stdlib zip the page boots with (the snapshot
//          remembers where zipimport found each module in it), bundle, probes: [paths], out}
import nodeCrypto from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));

// The same bytes from every build (build.py is deterministic): what the runtime reads from the
// clocks and the entropy source ends up in the snapshot (file times, time.time() at import,
// seeds), so the build gives it a fixed clock and a fixed stream of bytes, and Python a fixed
// hash seed. The page reads the real clocks again after the restore; the worker reseeds `random`.
Date.now = () => 1_700_000_000_000;
let ticks = 0;
performance.now = () => (ticks += 0.25);
let state = 0x9e3779b9;
nodeCrypto.randomFillSync = (view) => {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  for (let i = 0; i < bytes.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return view;
};
globalThis.crypto.getRandomValues = (view) => nodeCrypto.randomFillSync(view);

const { loadPyodide } = await import(pathToFileURL(join(config.indexURL, "pyodide.mjs")).href);
const lock = JSON.parse(readFileSync(join(config.indexURL, "pyodide-lock.json"), "utf8"));
const pyodide = await loadPyodide({
  indexURL: config.indexURL,
  stdLibURL: config.stdlib,
  lockFileContents: { info: lock.info, packages: {} }, // as the page passes it
  packages: [],
  stdout: (line) => process.stderr.write(line + "\n"),
  env: { PYTHONHASHSEED: "0" },
  _makeSnapshot: true,
});
pyodide.unpackArchive(new Uint8Array(readFileSync(config.bundle)), "zip");
pyodide.FS.mkdirTree("/tmp/probes");
config.probes.forEach((path, i) => pyodide.FS.writeFile(`/tmp/probes/${i}.txt`, new Uint8Array(readFileSync(path))));
// Every analyzer module the page could import, imported now (the page does not unpack the
// bundle after a restore); the entry points run on a few pastes, so that lazily compiled
// regular expressions and first-call imports are done too. The pastes stay in the snapshot
// (_kubeclue_warm, about 100 KB): worker.js runs them again to warm up the browser's code.
pyodide.runPython(`
import gc, importlib, os
importlib.invalidate_caches()
for top in ("analyzer", "yaml"):
    for folder, dirs, files in sorted(os.walk(top)):
        dirs.sort()
        for f in sorted(files):
            if f.endswith(".py") and f != "__main__.py":
                name = os.path.join(folder, f[:-3]).replace(os.sep, ".").removesuffix(".__init__")
                try:
                    importlib.import_module(name)
                except ImportError:
                    pass  # yaml.cyaml: the C extension Pyodide does not have
import _kubeclue_stdlib  # the worker installs it after the restore
from analyzer import api
_kubeclue_warm = []  # the worker analyzes them again in the browser, to warm up its code
for path in ["", *(f"/tmp/probes/{n}" for n in sorted(os.listdir("/tmp/probes"), key=lambda n: int(n[:-4])))]:
    text = open(path, encoding="utf-8", errors="replace").read() if path else ""
    report = api.analyze_json(text)
    if hasattr(api, "redact_json"):
        api.redact_json(text)
    if hasattr(api, "report_markdown"):
        api.report_markdown(report)
    if text:
        _kubeclue_warm.append(text)
_kubeclue_warm = tuple(_kubeclue_warm)
del text, report
gc.collect()
`);
writeFileSync(config.out, pyodide.makeMemorySnapshot());
