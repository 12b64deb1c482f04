#!/usr/bin/env bash
# CI for the Python FastAPI baseline: build (cached), unit tests, the full conformance suite
# (1 worker, HS256, contract defaults), and again with 2 worker processes, RS256 and other
# deadlines/limits. Exits non-zero on any failure.
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

# Second pass: RS256, two worker processes, and non-default deadlines and limits. Breakers are per worker, so the breaker check
# (which counts consecutive failures) is left to the single-worker pass above: with two workers
# it passes only while the suite's keep-alive connection happens to stay on one worker.
checks="$(node bin/gw-bench.js conformance --list | awk '{print $1}' | grep -vx breaker | paste -sd, -)"
echo "python-fastapi: conformance (GW_WORKERS=2, RS256, non-default knobs, every check but breaker)"
node bin/gw-bench.js conformance --impl-command "GW_WORKERS=2 $here/run.sh" --jwt-alg RS256 --only "$checks" \
  --fanout-deadline 80ms --upstream-timeout 500ms --max-body 64KiB --max-header 8KiB

echo "python-fastapi: ci passed in $(( $(date +%s) - t0 )) s"
