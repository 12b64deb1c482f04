#!/usr/bin/env bash
# CI for the Python FastAPI baseline: build (cached), unit tests, the full conformance suite
# (1 worker), and a multi-process smoke (2 workers). Exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
t0=$(date +%s)

"$here/build.sh"

echo "python-fastapi: unit tests"
(cd "$here" && "$here/.venv/bin/python" -m unittest discover -s tests -t .)

cd "$root"
if [[ ! -f dist/cli/main.js ]]; then
  # tsc still emits when other files have type errors; the CLI only needs to exist.
  npx tsc -p . >/dev/null 2>&1 || true
fi

echo "python-fastapi: conformance (GW_WORKERS=1, every check)"
node bin/gw-bench.js conformance --impl-command "$here/run.sh"

echo "python-fastapi: conformance smoke with 2 worker processes"
node bin/gw-bench.js conformance --impl-command "GW_WORKERS=2 $here/run.sh" \
  --only healthz,not-found,auth-valid,feed,user-proxy,interact-body,interact-split,header-limit,body-limit,announces-listening,sigterm-exit

echo "python-fastapi: ci passed in $(( $(date +%s) - t0 )) s"
