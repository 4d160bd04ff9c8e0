#!/usr/bin/env bash
# Create .venv and install the project into it, only when something changed.
# torch==2.13.0 goes first: it is a local CPU wheel here, and installing it before the rest
# keeps pip from resolving torch to the newest CUDA build (several GB).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
stamp=.venv/.installed
want=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "setup: installing into .venv (first run takes a few minutes)" >&2
[ -x .venv/bin/python ] || "$PY" -m venv .venv
pip_args=(--disable-pip-version-check --quiet)
[ -d /opt/wheels ] && pip_args+=(--find-links /opt/wheels)
.venv/bin/python -m pip install "${pip_args[@]}" --upgrade pip
.venv/bin/python -m pip install "${pip_args[@]}" torch==2.13.0
.venv/bin/python -m pip install "${pip_args[@]}" -e ".[test]"
echo "$want" > "$stamp"
echo "setup: done" >&2
