#!/usr/bin/env bash
# CI for the Go baseline: unit tests, build (build.sh), then the full gw-bench conformance
# suite against run.sh with one process and with two SO_REUSEPORT worker processes.
# Exits non-zero on any failure. Warm cache: 25-60 s; a cold Go module/build cache adds ~2 min.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

(cd "$here" && go test -count=1 ./...)
"$here/build.sh"

cd "$root"
if [[ ! -f dist/cli/main.js ]]; then
  echo "ci.sh: dist/ missing, compiling the harness (npx tsc -p .)"
  npx tsc -p .   # a type error fails CI
fi
node bin/gw-bench.js conformance --impl-command "$here/run.sh"
node bin/gw-bench.js conformance --impl-command "GW_WORKERS=2 $here/run.sh"
echo "ci.sh: go-nethttp passed conformance (1 and 2 worker processes)"
