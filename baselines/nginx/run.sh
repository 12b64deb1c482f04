#!/usr/bin/env bash
# nginx reference row: a speed-of-light proxy for the contract routes nginx can serve without
# JWT. Reads only the contract's GW_* variables, writes nginx.conf into a temp dir, runs
# nginx in the foreground, prints "listening on ..." once it accepts, and turns SIGTERM into
# nginx's graceful QUIT (nginx's own TERM is a fast shutdown that drops in-flight requests).
set -euo pipefail

host=${GW_LISTEN_HOST:-127.0.0.1}
port=${GW_LISTEN_PORT:-8080}
workers=${GW_WORKERS:-1}
user_up=${GW_UPSTREAM_USER:-http://127.0.0.1:19003}
interact_up=${GW_UPSTREAM_INTERACT:-http://127.0.0.1:19004*80,http://127.0.0.1:19005*20}
timeout_ms=${GW_UPSTREAM_TIMEOUT_MS:-1000}
max_body=${GW_MAX_BODY_BYTES:-1048576}
max_header=${GW_MAX_HEADER_BYTES:-16384}
idle_ms=${GW_IDLE_TIMEOUT_MS:-120000}

problems=()
is_int() { [[ $1 =~ ^[0-9]+$ ]]; }
[[ $workers == auto ]] && workers=$(nproc) # nproc honours the CPU affinity mask
for v in port workers timeout_ms max_body max_header idle_ms; do
  is_int "${!v}" || problems+=("$v=${!v}: expected a non-negative integer")
done

# "URL[*WEIGHT],..." -> nginx "server host:port weight=W max_fails=0;" lines.
servers() {
  local name=$1 list=$2 out="" item url weight hostport rc=0
  IFS=',' read -ra items <<< "$list"
  for item in "${items[@]}"; do
    item=${item// /}
    [[ -z $item ]] && continue
    weight=1 url=$item
    if [[ $item == *'*'* ]]; then weight=${item##*\*} url=${item%\*$weight}; fi
    hostport=${url#http://}
    hostport=${hostport%%/*}
    if [[ $url != http://* || -z $hostport ]] || ! is_int "$weight" || (( weight < 1 )); then
      echo "nginx run.sh: invalid configuration: $name=$list: expected http://host:port[*WEIGHT] items, got '$item'" >&2
      rc=1
      continue
    fi
    out+="    server $hostport weight=$weight max_fails=0;"$'\n'
  done
  if [[ -z $out && $rc == 0 ]]; then
    echo "nginx run.sh: invalid configuration: $name=$list: expected at least one instance" >&2
    rc=1
  fi
  printf '%s' "$out"
  return $rc
}
# (command substitution runs in a subshell: servers reports its own problems on stderr)
user_servers=$(servers GW_UPSTREAM_USER "$user_up") || problems+=("GW_UPSTREAM_USER (above)")
interact_servers=$(servers GW_UPSTREAM_INTERACT "$interact_up") || problems+=("GW_UPSTREAM_INTERACT (above)")
if (( ${#problems[@]} )); then
  printf 'nginx run.sh: invalid configuration:\n' >&2
  printf '  %s\n' "${problems[@]}" >&2
  exit 2
fi
command -v nginx >/dev/null || { echo "nginx run.sh: nginx not installed; run build.sh first" >&2; exit 1; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/gwb-nginx-XXXXXX")
chmod 755 "$dir" # workers run as an unprivileged user and need the temp paths
cleanup() { rm -rf "$dir"; }
trap cleanup EXIT

here="$(cd "$(dirname "$0")" && pwd)"
GWB_WORKERS=$workers GWB_HOST=$host GWB_PORT=$port GWB_DIR=$dir \
GWB_USER_SERVERS=$user_servers GWB_INTERACT_SERVERS=$interact_servers \
GWB_TIMEOUT_MS=$timeout_ms GWB_MAX_BODY=$max_body GWB_MAX_HEADER=$max_header GWB_IDLE_MS=$idle_ms \
  "$here/nginx.conf.sh" > "$dir/nginx.conf"

nginx -p "$dir" -c "$dir/nginx.conf" -t -q || exit 1
nginx -p "$dir" -c "$dir/nginx.conf" &
pid=$!
trap 'kill -QUIT "$pid" 2>/dev/null || true' TERM INT

# Announce once the socket accepts (bash's /dev/tcp: no extra tools needed).
for _ in $(seq 1 200); do
  if ! kill -0 "$pid" 2>/dev/null; then wait "$pid"; exit $?; fi
  if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
    echo "listening on http://$host:$port"
    break
  fi
  sleep 0.05
done

# wait returns early when a trapped signal arrives; keep waiting until nginx is gone.
status=0
while kill -0 "$pid" 2>/dev/null; do
  wait "$pid" || status=$?
done
exit "$status"
