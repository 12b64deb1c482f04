#!/usr/bin/env bash
# Starts the Python FastAPI baseline. Reads only the contract's GW_* variables (in gwpy/config.py)
# and execs the launcher, so SIGTERM goes straight to uvicorn. Build first with build.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ ! -x "$here/.venv/bin/python" ]]; then
  echo "python-fastapi: not built: run $here/build.sh first" >&2
  exit 4
fi
cd "$here"
exec "$here/.venv/bin/python" -m gwpy
