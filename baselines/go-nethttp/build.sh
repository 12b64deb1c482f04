#!/usr/bin/env bash
# Builds the Go baseline gateway into bin/go-nethttp. Idempotent: skips the build when the
# sources, go.mod/go.sum and the Go version are unchanged since the last successful build.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v go >/dev/null 2>&1; then
  echo "build.sh: 'go' not found on PATH; this baseline needs Go >= 1.26 (the machine image provides it)" >&2
  exit 1
fi
go_version=$(go env GOVERSION)
case "$go_version" in
  go1.2[6-9]*|go1.[3-9][0-9]*) ;;
  *) echo "build.sh: found $go_version, need go1.26 or newer (go.mod says go 1.26)" >&2; exit 1 ;;
esac

stamp=bin/.build-stamp
want=$( (echo "$go_version"; cat go.mod go.sum ./*.go) | sha256sum | cut -d' ' -f1)
if [[ -x bin/go-nethttp && -f $stamp && "$(cat "$stamp")" == "$want" ]]; then
  echo "build.sh: bin/go-nethttp is up to date ($go_version)"
  exit 0
fi

mkdir -p bin
# Modules come from the Go module proxy (GOPROXY as configured, proxy.golang.org by default),
# pinned by go.mod/go.sum; -mod=readonly fails instead of silently changing versions.
if ! go build -mod=readonly -trimpath -o bin/go-nethttp.tmp . ; then
  echo "build.sh: go build failed" >&2
  exit 1
fi
mv bin/go-nethttp.tmp bin/go-nethttp
echo "$want" > "$stamp"
echo "build.sh: built bin/go-nethttp with $go_version"
