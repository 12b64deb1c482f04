#!/usr/bin/env bash
# CI for the Python FastAPI baseline: build (cached), unit tests, the full conformance suite
# (1 worker, HS256, contract defaults), again with 3 worker processes, RS256 and other
# deadlines/limits, and the connection-holding check (hold-check.sh). Exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
t0=$(date +%s)

"$here/build.sh"

echo "python-fastapi: unit tests"
(cd "$here" && "$here/.venv/bin/python" -m unittest discover -s tests -t .)

cd "$root"
if [[ ! -f dist/cli/main.js ]]; then
  npx tsc -p .   # a type error fails CI
fi

echo "python-fastapi: conformance (GW_WORKERS=1, every check)"
node bin/gw-bench.js conformance --impl-command "$here/run.sh"

# Second pass: RS256, three worker processes (SO_REUSEPORT, shared breakers: the breaker check
# runs too), and non-default deadlines and limits.
echo "python-fastapi: conformance (GW_WORKERS=3, RS256, non-default knobs, every check)"
node bin/gw-bench.js conformance --impl-command "GW_WORKERS=3 $here/run.sh" --jwt-alg RS256 \
  --fanout-deadline 80ms --upstream-timeout 500ms --max-body 64KiB --max-header 8KiB

# Three workers limited to 2000 open files each hold 5000 connections (one could not): 5-15 s.
echo "python-fastapi: 5000 connections held by 3 workers of at most 2000 open files each"
"$root/baselines/hold-check.sh" "$here/run.sh" 3 2000 5000

echo "python-fastapi: ci passed in $(( $(date +%s) - t0 )) s"
