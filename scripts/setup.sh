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
log=$(mktemp)
trap 'rm -f "$log"' EXIT
pip() {  # pip warns once per package about this machine's absent local index folders: noise
  local rc=0
  .venv/bin/python -m pip install "${pip_args[@]}" "$@" >"$log" 2>&1 || rc=$?
  grep -v "is ignored: it is neither a file nor a directory" "$log" >&2 || true
  return "$rc"
}
pip --upgrade pip
pip torch==2.13.0
pip -e ".[test]"
echo "$want" > "$stamp"
echo "setup: done" >&2
