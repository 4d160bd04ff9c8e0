#!/usr/bin/env bash
# Create .venv and install the project into it, only when something changed.
# torch==2.13.0 goes first: it is a local CPU wheel here, and installing it before the rest
# keeps pip from resolving torch to the newest CUDA build (several GB).
#   scripts/setup.sh          the .venv only (what `./run` and `./run ask ...` need)
#   scripts/setup.sh test     also Debian's chromium for the browser tests, when missing
#                             (or set ASSISTANT_SETUP_BROWSER=1)
set -euo pipefail
cd "$(dirname "$0")/.."

browser() {  # the real-browser tests drive /usr/bin/chromium; install it once, with apt-get
  [ "${1:-}" = test ] || [ -n "${ASSISTANT_SETUP_BROWSER:-}" ] || return 0
  [ -x /usr/bin/chromium ] && return 0
  if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
    echo "setup: /usr/bin/chromium is missing and cannot be installed here (needs apt-get as root);" \
         "the browser tests will be skipped" >&2
    return 0
  fi
  echo "setup: installing chromium for the browser tests (apt-get, once)" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Another apt-get may hold the dpkg lock for a while: wait for it instead of failing.
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium >/dev/null
}
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
stamp=.venv/.installed
want=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  browser "${1:-}"
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
browser "${1:-}"
