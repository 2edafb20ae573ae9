# Two commands set everything up from nothing: `make run` (the app) and `make test` (all tests).
# Dependencies are declared in pyproject.toml and locked by `make lock` (see CONTRIBUTING.md).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: setup run test test-fast lint typecheck lock browser db bench clean

# requirements.txt: runtime + test (what the app and tests need); requirements-dev.txt: every
# group (test, bench, dev) at the same versions. Both, so a pin added by hand is never missed.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

# Regenerate requirements.txt and requirements-dev.txt from pyproject.toml.
lock: setup
	PY=$(PY) scripts/lock.sh

lint: setup
	$(PY) -m ruff check .

typecheck: setup
	$(PY) -m mypy

# Debian's Chromium for the real-browser test (Playwright drives it; no browser download).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Chromium is missing: sudo apt-get install -y chromium" >&2; exit 1; fi; fi

db: setup
	$(PY) -m mapping init --force

# MALLOC_ARENA_MAX: Streamlit runs each visitor's script in a thread of its own, and glibc gives
# threads arenas of their own that keep freed memory; two arenas keep a crowd's memory in check
# (benchmarks/README.md, load).
run: setup
	MALLOC_ARENA_MAX=2 $(PY) -m streamlit run serve.py --server.port $(PORT)

# pytest's exit code 5 means it collected nothing: an empty run proves nothing, so it fails loudly.
test: setup browser
	@$(PY) -m pytest tests mapping --doctest-modules -q; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests: nothing was checked" >&2; fi; exit $$rc

# On every core (pytest-xdist): each worker is a process of its own, with its own Streamlit caches
# and temporary folders. worksteal: a worker that runs out takes tests queued on another, so both
# finish together (with the default, one often ran alone for the last 6-7 s).
test-fast: setup
	$(PY) -m pytest tests mapping --doctest-modules -q -m "not browser and not e2e" -n auto --dist worksteal

# A benchmark with its own dependencies (the bench group, in requirements-dev.txt): make bench NAME=load ARGS="--actors 5000"
NAME ?= load
bench: setup browser
	$(PY) -m mapping bench $(NAME) $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache tests/screenshots data/*.duckdb data/*.duckdb.wal
