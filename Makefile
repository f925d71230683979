# kubeclue: `make serve` to use it, `make test` to check it.
#
#   make setup   .venv with the Python packages, node_modules with the pinned Pyodide
#   make build   dist/, the static site (build.py)
#   make serve   build, then serve dist/ at http://127.0.0.1:$(PORT)
#   make test    build (strict), then every test, browser tests included
#   make bench   start-up (cold, warm, against bare Pyodide), analysis time, bytes, memory: a table
#   make clean   remove dist/ and caches (distclean: also .venv and node_modules)

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup build serve test bench clean distclean
.DEFAULT_GOAL := build

setup: $(VENV)/.installed node_modules/.installed

$(PY):
	$(PYTHON) -m venv $(VENV)

# Each set-up step reruns only when what it installs from has changed.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

build: setup
	$(PY) build.py

serve: build
	$(PY) site/serve.py --port $(PORT) dist

test: setup
	$(PY) build.py --strict
	$(PY) -m pytest

bench: build
	$(PY) bench/bench.py

clean:
	rm -rf dist .pytest_cache .hypothesis bench/results
	find . -name __pycache__ -not -path './.venv/*' -not -path './node_modules/*' -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules
