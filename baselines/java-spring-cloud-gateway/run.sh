#!/usr/bin/env bash
# Starts the Spring Cloud Gateway baseline. Reads only the contract's GW_* variables (Spring
# resolves them from the environment; see src/main/resources/application.yml).
#   GW_WORKERS=1 (or auto): one JVM, exec'd so that SIGTERM reaches it directly.
#   GW_WORKERS=N>1: this script supervises N JVMs on one port (SO_REUSEPORT), because one JVM
#   holds at most ~18k connections under the 20000 open-files cap. They share breakers, heap
#   figures and a ready count through a file in /dev/shm (SharedMemory.java). SIGTERM/SIGINT
#   are forwarded to every JVM and waited for; if a JVM dies on its own the others are stopped
#   and this exits 1; each JVM gets SIGKILL if this script dies (no orphans).
# Per-JVM heap: GWB_SCG_HEAP (default 512m, -Xms = -Xmx); collector: GWB_SCG_GC (default G1).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/gw-bench-scg.jar"
if [[ ! -f "$jar" ]]; then
  echo "run.sh: $jar is missing; run $here/build.sh first" >&2
  exit 1
fi

workers="${GW_WORKERS:-1}"
[[ "$workers" == "auto" ]] && workers=1   # one JVM already runs an event loop per CPU
if ! [[ "$workers" =~ ^[0-9]+$ ]] || (( workers < 1 || workers > 256 )); then
  echo "run.sh: GW_WORKERS=$workers: expected auto or an integer in [1, 256] (JVM processes)" >&2
  exit 2
fi
heap="${GWB_SCG_HEAP:-512m}"
case "${GWB_SCG_GC:-G1}" in
  G1) gc=(-XX:+UseG1GC) ;;
  ZGC) gc=(-XX:+UseZGC) ;;
  *) echo "run.sh: GWB_SCG_GC=${GWB_SCG_GC}: expected G1 or ZGC" >&2; exit 2 ;;
esac
cpus="$(nproc)"

# JVM flags (README "Heap, GC and JVM flags"): fixed heap (-Xms = -Xmx) so heap growth never
# shows up as a latency or RSS step; G1 (named for the record); Reactor Netty event loops =
# CPUs instead of its max(cpus, 4) default; Netty access log off.
java_cmd=(java
  "-Xms$heap" "-Xmx$heap"
  "${gc[@]}"
  -XX:+ExitOnOutOfMemoryError
  -Dreactor.netty.ioWorkerCount="$cpus"
  -Dreactor.netty.http.server.accessLogEnabled=false
  -Djava.security.egd=file:/dev/./urandom
  -jar "$jar")

if (( workers == 1 )); then
  exec "${java_cmd[@]}"
fi

host="${GW_LISTEN_HOST:-127.0.0.1}"
port="${GW_LISTEN_PORT:-8080}"
if [[ "$port" == "0" ]]; then
  # Every JVM must bind the same port: pick a free one once (as the Go baseline does).
  port="$(python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1], 0)); print(s.getsockname()[1])' "$host")"
fi

# SharedMemory.BYTES, zero-filled; READY_OFFSET is the word counting warm JVMs.
shared_bytes=$((4096 + 256 * 24))
ready_offset=1024
shm="$(mktemp /dev/shm/gwb-scg.XXXXXX)"
truncate -s "$shared_bytes" "$shm"
# Held open on fd 3 and unlinked at once: nothing is left in /dev/shm even if this script is
# killed with SIGKILL. The JVMs open it through /proc (works for an unlinked file).
exec 3<>"$shm"
rm -f "$shm"
shm="/proc/$$/fd/3"

pids=()
stopping=0
forward() { stopping=1; kill -TERM "${pids[@]}" 2>/dev/null || true; }
trap forward TERM INT

for ((i = 0; i < workers; i++)); do
  # setpriv --pdeathsig: the JVM is killed if this script dies, even by SIGKILL.
  GW_LISTEN_PORT="$port" GWB_SCG_SHARED_FILE="$shm" GWB_SCG_PROCESSES="$workers" GWB_SCG_WORKER="$i" \
    setpriv --pdeathsig KILL "${java_cmd[@]}" &
  pids+=($!)
done

alive() { local p; for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || return 1; done; }
stop_all() { kill -TERM "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true; }

# Ready when every JVM has warmed up (each adds one to the shared ready word).
while (( stopping == 0 )); do
  ready="$(od -An -t d8 -j "$ready_offset" -N 8 "$shm" | tr -d ' ')"
  (( ready >= workers )) && break
  if ! alive; then
    echo "run.sh: a JVM exited during startup; stopping the others" >&2
    stop_all
    exit 1
  fi
  sleep 0.2
done
if (( stopping == 0 )); then
  echo "run.sh: $workers JVMs ready on port $port (SO_REUSEPORT)" >&2
  echo "listening on http://$host:$port"
fi

while (( stopping == 0 )); do
  set +e
  wait -n "${pids[@]}"
  rc=$?
  set -e
  (( stopping )) && break
  if (( rc == 0 )); then
    # A JVM exits 0 only after SIGTERM/SIGINT: the signal went to the whole process group
    # and reached it before this script. Stop the rest the same way.
    forward
    break
  fi
  echo "run.sh: a JVM exited unexpectedly (status $rc); stopping the others" >&2
  stop_all
  exit 1
done

code=0
for p in "${pids[@]}"; do
  set +e
  wait "$p"
  rc=$?
  set -e
  # 127: already reaped by `wait -n` above (it exited 0).
  (( rc != 0 && rc != 127 )) && code=1
done
exit "$code"
