"""The standard library modules the precompiled stdlib zip leaves out, found when needed.

site/build/pyc_stdlib.py compiles this file into that zip as `_kubeclue_stdlib`, with OMITTED
filled in: the modules it left out because the page never imports them. worker.js calls
install(url of Pyodide's full stdlib) after the start; should anything import an omitted
module after all, the finder fetches the full stdlib (once, synchronously: this runs in a
Web Worker, where a synchronous request blocks nothing) and loads the module from it.
"""
import importlib.machinery
import sys

OMITTED = frozenset()  # filled in by pyc_stdlib.py
PATH = "/lib/python_stdlib_full.zip"


class FullStdlib:
    def __init__(self, url):
        self.url = url

    def find_spec(self, name, path=None, target=None):
        if name not in OMITTED:
            return None
        if PATH not in sys.path:
            from js import XMLHttpRequest

            request = XMLHttpRequest.new()
            request.open("GET", self.url, False)
            request.responseType = "arraybuffer"
            request.send()
            if request.status != 200:
                return None
            with open(PATH, "wb") as f:
                f.write(request.response.to_bytes())
            sys.path.append(PATH)
        parent = name.rpartition(".")[0]
        return importlib.machinery.PathFinder.find_spec(name, [PATH + ("/" + parent.replace(".", "/") if parent else "")])


def install(url):
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, FullStdlib)] + [FullStdlib(url)]
