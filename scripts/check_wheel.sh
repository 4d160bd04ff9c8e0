#!/usr/bin/env bash
# CI step: build the wheel, install it into a clean venv outside the checkout, answer a question there.
# Proves the package carries its data (calibration, bundled article) and needs no checkout:
# the index goes to the user data folder (platformdirs), here a temporary XDG_DATA_HOME.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pip_args=(--disable-pip-version-check --quiet)
[ -d /opt/wheels ] && pip_args+=(--find-links /opt/wheels)
pip() {  # this machine's absent local index folders make pip warn once per package: noise
  local py=$1 rc=0
  shift
  "$py" -m pip "$@" >"$work/pip.log" 2>&1 || rc=$?
  grep -v "is ignored: it is neither a file nor a directory" "$work/pip.log" >&2 || true
  return "$rc"
}

echo "check_wheel: building the wheel" >&2
# From a copy of the work tree (tracked and new files, nothing ignored): setuptools writes
# build/ and *.egg-info next to the sources, and the checkout stays as it was.
mkdir "$work/src"
git ls-files --cached --others --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C "$work/src"
pip .venv/bin/python wheel "${pip_args[@]}" --no-deps --no-build-isolation -w "$work/dist" "$work/src"
wheel=$(ls "$work"/dist/*.whl)
.venv/bin/python - "$wheel" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
need = ["assistant/calibration.json", "assistant/data/corpus/nissan-strategy-honda-talks.txt"]
missing = [n for n in need if n not in names]
sys.exit(f"check_wheel: the wheel lacks {missing}" if missing else 0)
PY

echo "check_wheel: installing it into a clean venv (torch==2.13.0 first)" >&2
"$PY" -m venv "$work/venv"
pip "$work/venv/bin/python" install "${pip_args[@]}" torch==2.13.0
pip "$work/venv/bin/python" install "${pip_args[@]}" "$wheel"

echo "check_wheel: answering a question outside the checkout" >&2
mkdir -p "$work/elsewhere" "$work/home"
cd "$work/elsewhere"
run() {
  env -i PATH=/usr/bin:/bin HOME="$work/home" XDG_DATA_HOME="$work/data" LANG=C.UTF-8 \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 "$work/venv/bin/assistant" "$@"
}
run ask "Who is taking over as Nissan's CEO?" >"$work/answer.txt"
grep -q "Ivan Espinosa" "$work/answer.txt" || { cat "$work/answer.txt" >&2; echo "check_wheel: wrong answer" >&2; exit 1; }
test -L "$work/data/nissan-assistant/index/current" || { echo "check_wheel: no index in the user data folder" >&2; exit 1; }
"$work/venv/bin/python" -c "import assistant, sys; sys.exit(0 if 'site-packages' in assistant.__file__ else 'not the wheel')"
echo "check_wheel: ok ($(basename "$wheel") answers from $work/elsewhere)" >&2
