#!/usr/bin/env bash
# CI for the nginx reference row: install check (build.sh), then every conformance check except
# the ones impl.json "conformanceFails" lists (JWT, fan-out, breakers, Connection-named header
# stripping). Exits non-zero on failure. Takes 10-26 s.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

"$here/build.sh"
cd "$root"
if [[ ! -f dist/cli/main.js ]]; then
  echo "ci.sh: dist/ missing, compiling the harness (npx tsc -p .)"
  npx tsc -p .   # a type error fails CI
fi
# Every check except the ones impl.json "conformanceFails" lists (with the reason for each):
# a new conformance check runs here, and fails CI, until it is classified.
fails="$(node -e 'console.log(Object.keys(require(process.argv[1]).conformanceFails).join("\n"))' "$here/impl.json")"
checks="$(node bin/gw-bench.js conformance --list | awk '{print $1}' | grep -vxF -f <(printf '%s\n' "$fails") | paste -sd, -)"
node bin/gw-bench.js conformance --impl-command "$here/run.sh" --only "$checks"
node bin/gw-bench.js conformance --impl-command "GW_WORKERS=2 $here/run.sh" --only "$checks"
echo "ci.sh: nginx passed the conformance checks it can serve (1 and 2 workers): $checks"
