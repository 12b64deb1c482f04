#!/usr/bin/env bash
# CI for the nginx reference row: install check (build.sh), then the conformance checks nginx
# can pass without JWT, fan-out, breakers or Connection-named header stripping (see
# impl.json "cannotDo"). Exits non-zero on failure. Takes 10-26 s.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

"$here/build.sh"
cd "$root"
if [[ ! -f dist/cli/main.js ]]; then
  echo "ci.sh: dist/ missing, compiling the harness (npx tsc -p .)"
  npx tsc -p .   # a type error fails CI
fi
checks=(
  healthz not-found auth-valid user-proxy user-status-passthrough
  request-id-generated request-id-preserved x-forwarded-for no-authorization-upstream
  interact-body interact-split body-limit body-limit-streamed body-at-limit
  header-limit malformed-request upstream-refused upstream-reset upstream-timeout
  announces-listening sigterm-exit
)
node bin/gw-bench.js conformance --impl-command "$here/run.sh" --only "${checks[@]}"
node bin/gw-bench.js conformance --impl-command "GW_WORKERS=2 $here/run.sh" --only "${checks[@]}"
echo "ci.sh: nginx passed the ${#checks[@]} conformance checks it can serve (1 and 2 workers)"
