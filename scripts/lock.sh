#!/usr/bin/env bash
# Regenerate the lock files from pyproject.toml (`make lock`):
#   requirements.txt      runtime + test: what CI installs on a fresh machine
#   requirements-dev.txt  every group (test, bench, dev), at the same versions as requirements.txt
# uv keeps the versions already in a lock file unless pyproject.toml asks for others, so this only
# moves what changed. uv does not read pip's configuration: the package index settings pip uses
# here (`pip config list`, PIP_* variables) are handed to uv in its own variables unless set.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
pipconf() {  # the last value pip reports for a key (environment beats files)
  "$PY" -m pip config list 2>/dev/null | sed -n "s/^[^=]*\\.$1='\\(.*\\)'\$/\\1/p" | tail -1
}
[ -n "${UV_INDEX_URL:-}" ] || { v=$(pipconf index-url); [ -z "$v" ] || export UV_INDEX_URL="$v"; }
[ -n "${UV_EXTRA_INDEX_URL:-}" ] || { v=$(pipconf extra-index-url); [ -z "$v" ] || export UV_EXTRA_INDEX_URL="$v"; }
[ -n "${UV_FIND_LINKS:-}" ] || { v=$(pipconf find-links); [ -z "$v" ] || export UV_FIND_LINKS="${v// /,}"; }
# pip takes the best version from all its indexes; uv by default only from the first that has
# the package. Same answers as pip here (the indexes are all trusted mirrors).
export UV_INDEX_STRATEGY=${UV_INDEX_STRATEGY:-unsafe-best-match}
uv=("$PY" -m uv pip compile --quiet --python-version 3.11 --custom-compile-command "make lock")
"${uv[@]}" pyproject.toml --group test -o requirements.txt
"${uv[@]}" pyproject.toml --group dev -c requirements.txt -o requirements-dev.txt
