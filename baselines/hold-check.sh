#!/usr/bin/env bash
# Shows that a baseline's processes on one port hold more connections than one process can:
# starts RUN_SH with GW_WORKERS=WORKERS under `prlimit --nofile=LIMIT` (every gateway process
# gets at most LIMIT open files), holds CONNECTIONS keep-alive connections with one
# GET /healthz each (hold-connections.mjs, not limited), then stops the gateway with SIGTERM.
# Exit 0 only if every connection was served while all were held and the gateway exited 0.
#
#   baselines/hold-check.sh RUN_SH WORKERS LIMIT CONNECTIONS [READY_SECONDS=120]
#
# e.g. `hold-check.sh baselines/python-fastapi/run.sh 3 2000 5000`: 5000 connections need at
# least 3 processes of 2000 files each (with 1 the same command fails).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
run_sh=$1 workers=$2 limit=$3 connections=$4 ready_s=${5:-120}

log="$(mktemp "${TMPDIR:-/tmp}/gwb-hold-XXXXXX.log")"
trap 'rm -f "$log"' EXIT
# setsid: own process group, so the whole tree can be signalled and nothing is left behind.
GW_WORKERS="$workers" GW_LISTEN_PORT=0 setsid prlimit --nofile="$limit" "$run_sh" > "$log" 2>&1 &
pid=$!
stop() {
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
}
trap 'stop; rm -f "$log"' EXIT

url=""
for _ in $(seq 1 $((ready_s * 5))); do
  url="$(sed -n 's/.*listening on \(http:\/\/[^ ]*\).*/\1/p' "$log" | head -1)"
  [[ -n "$url" ]] && break
  kill -0 "$pid" 2>/dev/null || { echo "hold-check: $run_sh exited before listening:" >&2; tail -20 "$log" >&2; exit 1; }
  sleep 0.2
done
[[ -n "$url" ]] || { echo "hold-check: $run_sh did not print its listening line within $ready_s s" >&2; tail -20 "$log" >&2; exit 1; }
# Readiness is /healthz 200 (the listening line may precede it by a moment).
for _ in $(seq 1 100); do
  code="$(node -e "fetch(process.argv[1] + '/healthz').then(r => console.log(r.status), () => console.log(0))" "$url")"
  [[ "$code" == 200 ]] && break
  sleep 0.2
done

echo "hold-check: $run_sh with GW_WORKERS=$workers, open files <= $limit per process, $connections connections"
set +e
node "$here/hold-connections.mjs" "$url" "$connections" 30
held=$?
set -e
kill -TERM "$pid"
set +e
wait "$pid"
exit_code=$?
set -e
trap 'rm -f "$log"' EXIT
if (( exit_code != 0 )); then
  echo "hold-check: the gateway exited $exit_code after SIGTERM:" >&2
  tail -20 "$log" >&2
  exit 1
fi
exit "$held"
