#!/usr/bin/env bash
# Builds the Python FastAPI baseline: a virtualenv in .venv/ with the pinned requirements.
# Idempotent: skips everything when .venv matches requirements.txt and the interpreter
# (a hash stamp in .venv/). Needs only python3 >= 3.11 and PyPI.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
stamp="$venv/.gwpy-build-stamp"
python="${PYTHON:-python3}"

fail() { echo "python-fastapi build: $*" >&2; exit 1; }

command -v "$python" >/dev/null 2>&1 || fail "$python not found (CPython >= 3.11 is required)"
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || fail "$("$python" -V 2>&1) is too old: CPython >= 3.11 is required (asyncio.timeout)"

# The stamp covers the pinned requirements and the exact interpreter the venv was made from.
want="$( { cat "$here/requirements.txt"; "$python" -c 'import sys; print(sys.version, sys.executable)'; } | sha256sum | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "python-fastapi: .venv up to date"
  exit 0
fi

if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import sys' 2>/dev/null; then
  rm -rf "$venv"
  if ! "$python" -m venv "$venv" 2>/dev/null; then
    # Debian's python3 ships venv/ensurepip separately.
    if command -v apt-get >/dev/null 2>&1 && [[ "$(id -u)" == 0 ]]; then
      echo "python-fastapi: python3 -m venv failed; installing python3-venv with apt-get" >&2
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null \
        || fail "apt-get install python3-venv failed"
      rm -rf "$venv"
      "$python" -m venv "$venv" || fail "python3 -m venv failed even after installing python3-venv"
    else
      fail "python3 -m venv failed (install the venv module of your Python)"
    fi
  fi
fi

echo "python-fastapi: installing pinned requirements into .venv"
"$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$here/requirements.txt" \
  || fail "pip install -r requirements.txt failed"
"$venv/bin/python" -c 'import fastapi, uvicorn, uvloop, httptools, aiohttp, jwt, cryptography, cachetools, prometheus_client, orjson' \
  || fail "the installed packages do not import"
echo "$want" > "$stamp"
echo "python-fastapi: built ($("$venv/bin/python" -V), uvicorn $("$venv/bin/python" -c 'import uvicorn; print(uvicorn.__version__)'))"
