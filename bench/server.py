#!/usr/bin/env python3
"""site/serve.py, counting what it sends: one line per response, for `make bench`.

    python bench/server.py --log FILE DIR      # prints the URL like serve.py, then serves

Each line of FILE is `status<TAB>body bytes<TAB>content-encoding or -<TAB>path`: the bytes a
visitor downloads, compressed as served.
"""
from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "site"))
import serve  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    log = open(args.log, "a", buffering=1)
    lock = threading.Lock()

    class Counting(serve.Handler):
        def send_response(self, code, message=None):
            self._status, self._length = code, 0
            super().send_response(code, message)

        def send_header(self, keyword, value):
            if keyword.lower() == "content-length":
                self._length = int(value)
            super().send_header(keyword, value)

        def end_headers(self):
            super().end_headers()
            path = self.path.split("?", 1)[0]
            if self._encoding:
                path = path.rsplit(".", 1)[0]
            with lock:
                log.write(f"{self._status}\t{self._length if self.command != 'HEAD' else 0}\t"
                          f"{self._encoding or '-'}\t{path}\n")

    directory = Path(args.directory).resolve()
    server = serve.make_server(directory, port=0, quiet=True, base=Counting)
    print(f"serving {directory} at http://127.0.0.1:{server.server_address[1]}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
