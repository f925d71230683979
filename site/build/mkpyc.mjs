// Build step (run by build.py): the precompiled stdlib zip for the pinned Pyodide, made by
// that Pyodide's own CPython in Node, so the bytecode matches the runtime exactly.
//
//   node site/build/mkpyc.mjs CONFIG.json
//
// CONFIG: {indexURL, bundle, probes: [paths], select, optimize, extra: [modules],
//          out, manifest}. See pyc_stdlib.py, which does the work inside Pyodide.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { loadPyodide } = await import(pathToFileURL(join(config.indexURL, "pyodide.mjs")).href);
const pyodide = await loadPyodide({
  indexURL: config.indexURL,
  packages: [],
  stdout: (line) => process.stderr.write(line + "\n"),
});
// As the page does: the analyzer bundle unpacked into the working directory.
pyodide.unpackArchive(new Uint8Array(readFileSync(config.bundle)), "zip");
pyodide.FS.mkdirTree("/build/probes");
const probes = config.probes.map((path, i) => {
  const target = `/build/probes/${i}.txt`;
  pyodide.FS.writeFile(target, new Uint8Array(readFileSync(path)));
  return target;
});
pyodide.FS.writeFile("/build/config.json", JSON.stringify({
  home: pyodide.FS.cwd(),
  probes,
  select: Boolean(config.select),
  optimize: config.optimize ?? 0,
  extra: config.extra ?? [],
}));
pyodide.FS.writeFile("/build/kubeclue_stdlib.py", readFileSync(join(here, "kubeclue_stdlib.py")));
pyodide.runPython(readFileSync(join(here, "pyc_stdlib.py"), "utf8"), { filename: "pyc_stdlib.py" });
writeFileSync(config.out, pyodide.FS.readFile("/build/stdlib.zip"));
writeFileSync(config.manifest, pyodide.FS.readFile("/build/manifest.json"));
