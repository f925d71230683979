"""The Pyodide runtime as dist/ ships it, for build.py (see "How the page starts fast" in README).

dist/pyodide/<version>/ holds
* pyodide.mjs, pyodide.asm.mjs, pyodide.asm.wasm: the pinned npm package's, as they are;
* stdlib.<hash>.zip: the standard library precompiled to .pyc by the runtime's own CPython
  (mkpyc.mjs + pyc_stdlib.py, in Node), only the modules the page imports; the worker boots
  with it through loadPyodide's documented `stdLibURL` (pyodide-notes §7.2);
* python_stdlib.zip: the npm package's stdlib. Not precached: the worker fetches it only when
  the precompiled one does not load (another runtime build, a corrupted download), or when
  code imports a module the precompiled one leaves out.

No pyodide-lock.json: the worker passes `lockFileContents` (the lock's `info`, no packages),
which saves a request. What the worker needs to know comes from `worker_config()`; build.py
writes it into worker.js.

Everything here is deterministic, and the slow parts (Pyodide in Node, brotli at quality 11)
are cached under node_modules/.cache/kubeclue/ by a hash of their inputs.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PACKAGE = ROOT / "node_modules" / "pyodide"
CACHE = ROOT / "node_modules" / ".cache" / "kubeclue"
# What the page loads from the npm package; python_stdlib.zip is the fallback.
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
FALLBACK_STDLIB = "python_stdlib.zip"
PROBES = ROOT / "tests" / "fixtures"  # pastes the analyzer runs on to see what it imports


class RuntimeBuildError(Exception):
    """A build problem (build.py turns it into a BuildError)."""


@dataclass
class Runtime:
    version: str
    files: dict[str, bytes] = field(default_factory=dict)  # name in pyodide/<version>/ -> bytes
    not_precached: tuple[str, ...] = ()  # names in pyodide/<version>/
    config: dict = field(default_factory=dict)  # for worker.js
    modules: int = 0  # in the precompiled stdlib


def sha(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(hashlib.sha256(p).digest())
    return h.hexdigest()


def store(path: Path, data: bytes) -> None:
    """Write a cache entry atomically: builds may run side by side."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def pinned_package() -> str:
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["pyodide"]
    if not (PACKAGE / "package.json").is_file():
        raise RuntimeBuildError("node_modules/pyodide is missing: run `make setup` (npm ci)")
    installed = json.loads((PACKAGE / "package.json").read_text())["version"]
    if installed != pinned:
        raise RuntimeBuildError(f"node_modules has pyodide {installed} but package.json pins {pinned}: run `npm ci`")
    return pinned


def probe_files() -> list[Path]:
    return sorted(PROBES.rglob("*.txt"))


def precompiled_stdlib(bundle: bytes) -> tuple[bytes, dict]:
    """(zip, manifest) from mkpyc.mjs, cached by everything that goes into it."""
    probes = probe_files()
    inputs = [(PACKAGE / n).read_bytes() for n in (*RUNTIME_FILES, FALLBACK_STDLIB)]
    inputs += [(HERE / n).read_bytes() for n in ("mkpyc.mjs", "pyc_stdlib.py", "kubeclue_stdlib.py")]
    inputs += [bundle, "\n".join(p.relative_to(ROOT).as_posix() for p in probes).encode()]
    inputs += [p.read_bytes() for p in probes]
    key = sha(*inputs)
    zip_path, manifest_path = CACHE / f"stdlib-{key}.zip", CACHE / f"stdlib-{key}.json"
    if not (zip_path.is_file() and manifest_path.is_file()):
        with tempfile.TemporaryDirectory() as tmp:
            tmp_path = Path(tmp)
            (tmp_path / "bundle.zip").write_bytes(bundle)
            run_node("mkpyc.mjs", {
                "indexURL": str(PACKAGE) + "/",
                "bundle": str(tmp_path / "bundle.zip"),
                "probes": [str(p) for p in probes],
                "select": True,
                "out": str(tmp_path / "stdlib.zip"),
                "manifest": str(tmp_path / "manifest.json"),
            }, "the precompiled stdlib")
            store(manifest_path, (tmp_path / "manifest.json").read_bytes())
            store(zip_path, (tmp_path / "stdlib.zip").read_bytes())
    return zip_path.read_bytes(), json.loads(manifest_path.read_text())


def run_node(script: str, config: dict, what: str) -> None:
    node = shutil.which("node")
    if node is None:
        raise RuntimeBuildError(f"node is not installed: the build makes {what} with Pyodide in Node")
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        json.dump(config, f)
        f.flush()
        run = subprocess.run([node, str(HERE / script), f.name], capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeBuildError(f"site/build/{script} failed:\n{run.stderr[-4000:]}")


def warmup_probes() -> list[Path]:
    """A paste per fixture folder: enough to run every stage of the analyzer once."""
    firsts: dict[Path, Path] = {}
    for path in probe_files():
        if not path.name.startswith("nearmiss-"):
            firsts.setdefault(path.parent, path)
    return sorted(firsts.values())


def memory_snapshot(bundle: bytes, stdlib: bytes) -> bytes:
    """Pyodide's memory with the analyzer imported and warmed up (mksnap.mjs), sparse-encoded."""
    probes = warmup_probes()
    inputs = [(PACKAGE / n).read_bytes() for n in (*RUNTIME_FILES, "pyodide-lock.json")]
    inputs += [(HERE / "mksnap.mjs").read_bytes(), bundle, stdlib]
    inputs += [p.relative_to(ROOT).as_posix().encode() + b"\0" + p.read_bytes() for p in probes]
    path = CACHE / f"snapshot-{sha(*inputs)}.bin"
    if not path.is_file():
        with tempfile.TemporaryDirectory() as tmp:
            tmp_path = Path(tmp)
            (tmp_path / "bundle.zip").write_bytes(bundle)
            (tmp_path / "stdlib.zip").write_bytes(stdlib)
            run_node("mksnap.mjs", {
                "indexURL": str(PACKAGE) + "/",
                "stdlib": str(tmp_path / "stdlib.zip"),
                "bundle": str(tmp_path / "bundle.zip"),
                "probes": [str(p) for p in probes],
                "out": str(tmp_path / "snapshot.bin"),
            }, "the memory snapshot")
            store(path, sparse((tmp_path / "snapshot.bin").read_bytes()))
    return path.read_bytes()


SPARSE_MAGIC = b"KCSNAP1\0"
PAGE = 4096


def sparse(data: bytes) -> bytes:
    """The snapshot without its runs of zero pages (half of it): the magic, the full length,
    the number of runs, (offset, length) per run (little-endian uint32), then the runs'
    bytes. worker.js rebuilds the full snapshot from it in a few milliseconds."""
    runs: list[tuple[int, int]] = []
    zero = bytes(PAGE)
    for offset in range(0, len(data), PAGE):
        page = data[offset:offset + PAGE]
        if page == zero[:len(page)]:
            continue
        if runs and runs[-1][0] + runs[-1][1] == offset:
            runs[-1] = (runs[-1][0], runs[-1][1] + len(page))
        else:
            runs.append((offset, len(page)))
    head = SPARSE_MAGIC + struct.pack("<II", len(data), len(runs))
    table = b"".join(struct.pack("<II", o, n) for o, n in runs)
    return head + table + b"".join(data[o:o + n] for o, n in runs)


def unsparse(blob: bytes) -> bytes:
    """sparse()'s inverse (the tests check the pair; worker.js does the same in JS)."""
    if blob[:8] != SPARSE_MAGIC:
        raise ValueError("not a sparse snapshot")
    total, count = struct.unpack_from("<II", blob, 8)
    out = bytearray(total)
    at = 16 + 8 * count
    for i in range(count):
        o, n = struct.unpack_from("<II", blob, 16 + 8 * i)
        out[o:o + n] = blob[at:at + n]
        at += n
    return bytes(out)


def build_runtime(bundle: bytes, snapshot: bool = True) -> Runtime:
    """The files of dist/pyodide/<version>/ and the worker's configuration."""
    version = pinned_package()
    rt = Runtime(version)
    for name in RUNTIME_FILES:
        rt.files[name] = (PACKAGE / name).read_bytes()
    rt.files[FALLBACK_STDLIB] = (PACKAGE / FALLBACK_STDLIB).read_bytes()
    rt.not_precached = (FALLBACK_STDLIB,)
    stdlib, manifest = precompiled_stdlib(bundle)
    stdlib_name = f"stdlib.{hashlib.sha256(stdlib).hexdigest()[:12]}.zip"
    rt.files[stdlib_name] = stdlib
    rt.modules = len(manifest["modules"])
    lock = json.loads((PACKAGE / "pyodide-lock.json").read_text())
    rt.config = {
        "version": version,
        "stdlib": stdlib_name,
        "fallbackStdlib": FALLBACK_STDLIB,
        "python": manifest["python"],
        "lock": {"info": lock["info"], "packages": {}},
    }
    if snapshot:
        snap = memory_snapshot(bundle, stdlib)
        rt.config["snapshot"] = f"snapshot.{hashlib.sha256(snap).hexdigest()[:12]}.bin"
        rt.config["snapshotSize"] = struct.unpack_from("<I", snap, 8)[0]  # the worker allocates it up front
        rt.files[rt.config["snapshot"]] = snap
    return rt


WORKER_MARKER = b"/* build.py: runtime config */ {}"


def configure_worker(source: bytes, config: dict) -> bytes:
    """worker.js with this build's runtime config in place of its empty one."""
    if source.count(WORKER_MARKER) != 1:
        raise RuntimeBuildError(f"site/static/worker.js must hold {WORKER_MARKER.decode()!r} once (the runtime config goes there)")
    return source.replace(WORKER_MARKER, json.dumps(config, sort_keys=True, separators=(",", ":")).encode())


def not_precached(path: str) -> bool:
    """dist/ paths the service worker leaves out: the fallback stdlib (fetched only when needed)."""
    return path.startswith("pyodide/") and path.endswith("/" + FALLBACK_STDLIB)


# ----------------------------------------------------------------------------- compression

# Text and binaries that compress; already-deflated zips and images do not.
COMPRESSIBLE = (".html", ".css", ".js", ".mjs", ".json", ".wasm", ".svg", ".txt", ".xml", ".zip", ".bin",
                ".webmanifest")
MIN_SIZE = 1024  # below this a compressed copy saves less than a request's headers
WORTH = 0.9  # keep a compressed copy only when it is at most this fraction of the original


def compressed(data: bytes) -> dict[str, bytes]:
    """{".br": …, ".gz": …} for the encodings that pay; cached by content."""
    key = hashlib.sha256(data).hexdigest()
    out = {}
    for suffix in (".br", ".gz"):
        path = CACHE / "compressed" / key[:2] / (key + suffix)
        if path.is_file():
            packed = path.read_bytes()
        else:
            if suffix == ".br":
                import brotli

                packed = brotli.compress(data, quality=11)
            else:
                packed = gzip.compress(data, compresslevel=9, mtime=0)
            store(path, packed)
        if len(packed) <= WORTH * len(data):
            out[suffix] = packed
    return out


def precompress(files: dict[str, bytes]) -> dict[str, bytes]:
    """X.br and X.gz beside every X worth compressing, for hosts (and site/serve.py) that
    serve precompressed files."""
    out = {}
    for path, data in sorted(files.items()):
        if path.endswith(COMPRESSIBLE) and len(data) >= MIN_SIZE and not is_deflated_zip(path, data):
            for suffix, packed in compressed(data).items():
                out[path + suffix] = packed
    return out


def is_deflated_zip(path: str, data: bytes) -> bool:
    # A zip's local header says how its first member is stored: 0 stored, 8 deflated.
    return path.endswith(".zip") and len(data) > 10 and data[:4] == b"PK\x03\x04" and data[8:10] != b"\0\0"
