"""Runs inside Pyodide (in Node, driven by mkpyc.mjs): the stdlib zip the page boots with.

Every module is compiled by the runtime's own CPython to an *unchecked hash-based* .pyc
(PEP 552), so the browser unmarshals bytecode instead of compiling sources at each start
(pyodide-notes §7.2). With `select`, only the modules the page imports are kept:

* what Pyodide itself imports to boot (and to unpack the analyzer bundle, as the page does);
* every stdlib module the analyzer's code names in an import statement (at the top or
  inside a function; the CLI's __main__ aside), imported for real so that what *they*
  import at run time comes along;
* what the page's entry points (analyzer.api) import, run on every probe paste;
* the common text codecs (`encodings` is searched by name, which no import statement shows).

Anything else is listed in the zip's `omitted.json`, and in `_kubeclue_stdlib`
(kubeclue_stdlib.py), the finder the page installs: it fetches the full stdlib the first time
something imports one of those.

The zip is STORED: HTTP compression (the build's .br/.gz) does better on the bytecode than
deflate, and zipimport reads it without inflating. The members are sorted with a fixed
date, so the same inputs give the same bytes.

Input: /build/config.json, /build/kubeclue_stdlib.py. Output: /build/stdlib.zip, /build/manifest.json.
"""
from __future__ import annotations

import sys

BOOT_MODULES = set(sys.modules)  # before this script imports anything

# Only modules Pyodide has imported already, so that what the analyzer imports shows up.
import ast  # noqa: E402
import importlib  # noqa: E402
import importlib._bootstrap_external as bootstrap_external  # noqa: E402
import importlib.util  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import zipfile  # noqa: E402

assert set(sys.modules) == BOOT_MODULES, sorted(set(sys.modules) - BOOT_MODULES)

STDLIB = f"/lib/python{sys.version_info.major}{sys.version_info.minor}.zip"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
ANALYZER_PACKAGES = ("analyzer", "yaml")
# What a str may be encoded to or decoded from in the analyzer's code paths, with no import
# statement to show it (codecs are looked up by name).
CODECS = ("encodings.aliases", "encodings.ascii", "encodings.latin_1", "encodings.cp1252",
          "encodings.utf_8", "encodings.utf_8_sig", "encodings.utf_16", "encodings.utf_16_le",
          "encodings.utf_16_be", "encodings.utf_32", "encodings.unicode_escape", "encodings.raw_unicode_escape",
          "encodings.idna", "encodings.punycode")


def module_files(names: list[str]) -> dict[str, str]:
    """Dotted module name -> its .py member in the stdlib zip (packages: their __init__.py)."""
    out = {}
    for name in names:
        if name.endswith(".py"):
            path = name[:-3].removesuffix("/__init__")
            out[path.replace("/", ".")] = name
    return out


def analyzer_sources(home: str) -> dict[str, str]:
    """Module name -> file, for the analyzer's packages (the CLI's __main__ aside)."""
    found = {}
    for top in ANALYZER_PACKAGES:
        for folder, dirs, files in sorted(os.walk(os.path.join(home, top))):
            dirs.sort()
            for f in sorted(files):
                if f.endswith(".py") and f != "__main__.py":
                    rel = os.path.relpath(os.path.join(folder, f[:-3]), home).replace(os.sep, ".")
                    found[rel.removesuffix(".__init__")] = os.path.join(folder, f)
    return found


def named_imports(sources: dict[str, str]) -> set[str]:
    """Absolute module names in the import statements of these files."""
    names = set()
    for path in sources.values():
        with open(path, "rb") as f:
            tree = ast.parse(f.read(), path)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)  # maybe submodules
    return {n for n in names if n.split(".")[0] not in ANALYZER_PACKAGES}


def observe(home: str, probes: list[str], stdlib: set[str]) -> set[str]:
    """Import what the analyzer's code names and run the page's entry points on every probe."""
    sources = analyzer_sources(home)
    for name in sorted(sources) + sorted(n for n in named_imports(sources) if n in stdlib):
        try:
            importlib.import_module(name)
        except Exception as e:  # yaml.cyaml needs the C extension; a CLI-only module may fail
            print(f"pyc_stdlib: import {name}: {type(e).__name__}: {e}", file=sys.stderr)
    from analyzer import api

    for path in probes:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        report = api.analyze_json(text)
        if hasattr(api, "redact_json"):
            api.redact_json(text)
            api.redact_json(text, True)
        if hasattr(api, "report_markdown"):
            api.report_markdown(report)
    return set(sys.modules)


def select(config: dict, files: dict[str, str]) -> set[str]:
    home = config["home"]
    sys.path.insert(0, home)
    importlib.invalidate_caches()
    wanted = BOOT_MODULES | observe(home, config["probes"], set(files)) | set(CODECS) | set(config.get("extra", []))
    # A module needs its packages' __init__ too.
    for name in list(wanted):
        parts = name.split(".")
        wanted.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return {name for name in wanted if name in files}


def compile_member(name: str, source: bytes, optimize: int) -> bytes:
    code = compile(source, f"{STDLIB}/{name}", "exec", dont_inherit=True, optimize=optimize)
    return bootstrap_external._code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False)


def main() -> None:
    with open("/build/config.json") as f:
        config = json.load(f)
    zf = zipfile.ZipFile(STDLIB)
    names = sorted(zf.namelist())
    files = module_files(names)
    keep = select(config, files) if config.get("select") else set(files)
    out: dict[str, bytes] = {}
    for module in sorted(keep):
        name = files[module]
        out[name[:-3] + ".pyc"] = compile_member(name, zf.read(name), config.get("optimize", 0))
    # Data files (py.typed, README.txt...) of the packages kept; no import reads them, but
    # a package's resources stay where its code expects them.
    kept_dirs = {n.rsplit("/", 1)[0] for n in out if "/" in n}
    for name in names:
        if not name.endswith((".py", "/")) and name.rsplit("/", 1)[0] in kept_dirs:
            out[name] = zf.read(name)
    omitted = sorted(set(files) - keep)
    out["omitted.json"] = json.dumps(omitted, separators=(",", ":")).encode()
    # The finder for what was left out (kubeclue_stdlib.py), with the list in its source.
    with open("/build/kubeclue_stdlib.py", "rb") as f:
        finder = f.read()
    marker = b"OMITTED = frozenset()  # filled in by pyc_stdlib.py"
    assert finder.count(marker) == 1, "kubeclue_stdlib.py: no OMITTED line to fill in"
    finder = finder.replace(marker, b"OMITTED = frozenset(" + repr(omitted).encode() + b")")
    out["_kubeclue_stdlib.pyc"] = compile_member("_kubeclue_stdlib.py", finder, 0)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name in sorted(out):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            z.writestr(info, out[name])
    with open("/build/stdlib.zip", "wb") as f:
        f.write(buf.getvalue())
    manifest = {
        "python": sys.version.split()[0],
        "magic": importlib.util.MAGIC_NUMBER.hex(),
        "modules": sorted(keep),
        "omitted": omitted,
    }
    with open("/build/manifest.json", "w") as f:
        json.dump(manifest, f, indent=0)


main()
