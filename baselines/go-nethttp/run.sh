#!/usr/bin/env bash
# Starts the Go baseline gateway. Configuration comes only from the contract's GW_* variables
# (docs/gateway-contract.md), read by the binary itself; exec so SIGTERM reaches it directly.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [[ ! -x "$here/bin/go-nethttp" ]]; then
  echo "run.sh: $here/bin/go-nethttp is missing; run $here/build.sh first" >&2
  exit 1
fi
exec "$here/bin/go-nethttp"
