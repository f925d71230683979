#!/usr/bin/env python3
"""Serve dist/ for development and the browser tests, the way a good static host would.

    python site/serve.py [--port 8000] [--bind 127.0.0.1] [DIR]

* Correct MIME types; above all `.wasm` as application/wasm, without which Pyodide hangs
  instead of failing (pyodide-notes §3.4).
* The Content-Security-Policy as an HTTP header on every response: a <meta> policy does not
  reach the Web Worker, and it ignores frame-ancestors. Read from dist/_headers, so the dev
  server and the static hosts send the same headers.
* Precompressed `X.br` / `X.gz` beside `X`, when the browser accepts them.
* An unknown path (or a folder without an index.html) is answered with the site's 404.html,
  status 404, as static hosts do; never a directory listing or a bare error.
"""
from __future__ import annotations

import argparse
import fnmatch
import http.server
import os
import sys
from functools import partial
from pathlib import Path

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
}
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


def read_headers_file(path: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """Parse the Netlify-style _headers file build.py writes: a path pattern, then indented headers."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    if not path.is_file():
        return rules
    for line in path.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), []))
        elif rules and ":" in line:
            name, value = line.strip().split(":", 1)
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}
    header_rules: list[tuple[str, list[tuple[str, str]]]] = []
    quiet = False

    _encoding: str | None = None

    def parse_request(self):
        self._encoding = None  # one connection serves many requests (HTTP/1.1 keep-alive)
        return super().parse_request()

    def send_head(self):
        path = self.translate_path(self.path)
        url = self.path.split("?", 1)[0].split("#", 1)[0]
        if os.path.isdir(path) and url.endswith("/"):
            path, url = os.path.join(path, "index.html"), url + "index.html"  # what the parent would serve
        if os.path.isfile(path):
            accepted = self.headers.get("Accept-Encoding", "")
            for encoding, suffix in ENCODINGS:
                if encoding in accepted and os.path.isfile(path + suffix):
                    self._encoding = encoding
                    self._type = self.guess_type(path)
                    self.path = url + suffix
                    break
        return super().send_head()

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or self.command not in ("GET", "HEAD") or not page.is_file():
            return super().send_error(code, message, explain)
        self.log_error("code %d, message %s", code, message)
        body = page.read_bytes()
        self._encoding = None
        self.send_response(404, message)
        self.send_header("Content-Type", TYPES[".html"])
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def list_directory(self, path):
        self.send_error(404, "No index.html here")
        return None

    def guess_type(self, path):
        if self._encoding and path.endswith((".br", ".gz")):
            return self._type
        return super().guess_type(path)

    def end_headers(self):
        request_path = self.path.split("?", 1)[0]
        for suffix in (".br", ".gz"):
            if self._encoding and request_path.endswith(suffix):
                request_path = request_path[: -len(suffix)]
        for pattern, headers in self.header_rules:
            if fnmatch.fnmatchcase(request_path, pattern):
                for name, value in headers:
                    self.send_header(name, value)
        if self._encoding:
            self.send_header("Content-Encoding", self._encoding)
            self.send_header("Vary", "Accept-Encoding")
        super().end_headers()

    def log_message(self, format, *args):
        if not self.quiet:
            super().log_message(format, *args)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A browser that closes a connection mid-download (a reload, a closed tab) is no error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def make_server(directory: Path, bind: str = "127.0.0.1", port: int = 8000, quiet: bool = False,
                base: type[Handler] = Handler) -> Server:
    handler = type("SiteHandler", (base,), {
        "header_rules": read_headers_file(directory / "_headers"),
        "quiet": quiet,
    })
    return Server((bind, port), partial(handler, directory=str(directory)))


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the built site.")
    parser.add_argument("directory", nargs="?", default=str(Path(__file__).resolve().parent.parent / "dist"))
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args()
    directory = Path(args.directory).resolve()
    if not (directory / "index.html").is_file():
        parser.error(f"{directory} has no index.html: run `make build` first")
    server = make_server(directory, args.bind, args.port, args.quiet)
    print(f"serving {directory} at http://{args.bind}:{server.server_address[1]}/ (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
