"""site/build/runtime.py: the runtime files dist/ ships for a fast start (a precompiled stdlib,
a memory snapshot), their compressed copies, and what worker.js is told about them."""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import sys
import zipfile
from pathlib import Path

import pytest

import build

runtime = build.runtime_build
ROOT = Path(build.__file__).resolve().parent


@pytest.fixture(scope="module")
def rt() -> "runtime.Runtime":
    return runtime.build_runtime(build.analyzer_bundle())


def test_the_runtime_holds_what_the_page_loads(rt):
    names = set(rt.files)
    assert {"pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"} <= names
    assert "pyodide-lock.json" not in names  # the worker passes lockFileContents
    assert rt.config["lock"]["packages"] == {} and rt.config["lock"]["info"]["abi_version"]
    for key in ("stdlib", "snapshot"):
        name = rt.config[key]
        assert name in names
        # The worker checks these hashes before it uses the files.
        digest = re.fullmatch(r"[a-z]+\.([0-9a-f]{12})\.[a-z]+", name).group(1)
        assert hashlib.sha256(rt.files[name]).hexdigest()[:12] == digest
    assert rt.not_precached == ("python_stdlib.zip",)


def test_the_precompiled_stdlib_is_bytecode_for_the_pinned_python(rt):
    data = rt.files[rt.config["stdlib"]]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names)
        assert all(i.compress_type == zipfile.ZIP_STORED and i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)
        assert not [n for n in names if n.endswith(".py")]
        pycs = [n for n in names if n.endswith(".pyc")]
        # Unchecked hash-based .pyc (PEP 552: flags 0b01) of the runtime's CPython.
        magics = {zf.read(n)[:4] for n in pycs}
        flags = {int.from_bytes(zf.read(n)[4:8], "little") for n in pycs}
        omitted = set(json.loads(zf.read("omitted.json")))
    assert len(magics) == 1 and flags == {0b01}
    assert rt.config["python"] == "3.14.2"
    modules = {n[:-4].removesuffix("/__init__").replace("/", ".") for n in pycs}
    # What Pyodide needs to start, and what the analyzer imports.
    assert {"encodings", "encodings.utf_8", "_pyodide", "pyodide", "zipimport", "re", "json", "dataclasses",
            "datetime", "shlex", "textwrap"} <= modules
    assert not modules & omitted
    assert {"unittest", "pydoc", "doctest"} <= omitted  # left out: fetched only if something imports them


def test_the_analyzer_imports_nothing_the_stdlib_zip_leaves_out(rt):
    """Every stdlib module the analyzer's code names is in the precompiled zip."""
    import ast

    with zipfile.ZipFile(io.BytesIO(rt.files[rt.config["stdlib"]])) as zf:
        omitted = set(json.loads(zf.read("omitted.json")))
    named = set()
    for path in (ROOT / "analyzer").rglob("*.py"):
        if path.name == "__main__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                named.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                named.add(node.module)
    assert not named & omitted


def test_sparse_snapshot_round_trip():
    page = runtime.PAGE
    data = bytes(page) + b"x" * 10 + bytes(page * 3 - 10) + b"y" * page + bytes(100)
    packed = runtime.sparse(data)
    assert packed.startswith(runtime.SPARSE_MAGIC) and len(packed) < len(data)
    assert runtime.unsparse(packed) == data
    assert runtime.unsparse(runtime.sparse(b"")) == b""


def test_the_snapshot_is_a_sparse_pyodide_snapshot(rt):
    full = runtime.unsparse(rt.files[rt.config["snapshot"]])
    assert len(full) > 16 * 2**20  # the wasm memory, with the analyzer in it
    assert len(rt.files[rt.config["snapshot"]]) < len(full) * 0.75


def test_worker_gets_the_config_in_place_of_its_marker(rt):
    source = (ROOT / "site" / "static" / "worker.js").read_bytes()
    out = runtime.configure_worker(source, rt.config)
    match = re.search(rb"const RUNTIME = (\{.*?\});\n", out)
    assert json.loads(match.group(1)) == rt.config
    with pytest.raises(runtime.RuntimeBuildError):
        runtime.configure_worker(b"const RUNTIME = {};", rt.config)


def test_precompressed_copies():
    text = ("kubectl describe pod web\n" * 200).encode()
    deflated = io.BytesIO()
    with zipfile.ZipFile(deflated, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.py", "x = 1\n" * 500)
    out = runtime.precompress({
        "a.js": text, "tiny.css": b"a{}", "b.png": text, "bundle.zip": deflated.getvalue(), "page.html": text,
    })
    assert sorted(out) == ["a.js.br", "a.js.gz", "page.html.br", "page.html.gz"]
    assert gzip.decompress(out["a.js.gz"]) == text
    import brotli

    assert brotli.decompress(out["a.js.br"]) == text
    assert runtime.precompress({"a.js": text}) == {k: v for k, v in out.items() if k.startswith("a.js")}


def test_dist_headers_cache_versioned_paths_forever(tmp_path):
    headers = build.render_headers("314.0.7")
    rules = dict(re.findall(r"^(/\S*)\n((?:  .*\n)+)", headers, re.M))
    assert "immutable" in rules["/assets/*"] and "immutable" in rules["/pyodide/314.0.7/*"]
    assert "no-cache" in rules["/sw.js"]


def test_not_precached():
    assert runtime.not_precached("pyodide/314.0.7/python_stdlib.zip")
    assert not runtime.not_precached("pyodide/314.0.7/stdlib.0123456789ab.zip")
    assert not build.precached("assets/app.0123456789ab.js.br") and build.precached("assets/app.0123456789ab.js")
    assert not build.precached("pyodide/314.0.7/python_stdlib.zip")


def test_sw_and_server_serve_the_compressed_copies(tmp_path):
    """site/serve.py answers a directory URL with index.html's precompressed copy."""
    import threading
    import urllib.request

    sys.path.insert(0, str(ROOT / "site"))
    import serve

    (tmp_path / "index.html").write_text("<!doctype html>" + "x" * 2000)
    (tmp_path / "index.html.br").write_bytes(b"pretend brotli")
    httpd = serve.make_server(tmp_path, port=0, quiet=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/"
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Encoding": "br"})) as r:
            assert (r.headers["Content-Encoding"], r.headers["Content-Type"], r.read()) == (
                "br", "text/html; charset=utf-8", b"pretend brotli")
        with urllib.request.urlopen(url) as r:
            assert r.headers["Content-Encoding"] is None and r.read().startswith(b"<!doctype")
    finally:
        httpd.shutdown()
        httpd.server_close()
