#!/usr/bin/env bash
# Starts the Spring Cloud Gateway baseline. Reads only the contract's GW_* variables (Spring
# resolves them from the environment; see src/main/resources/application.yml) and execs the
# JVM so that SIGTERM reaches it directly.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/gw-bench-scg.jar"
if [[ ! -f "$jar" ]]; then
  echo "run.sh: $jar is missing; run $here/build.sh first" >&2
  exit 1
fi

# One JVM process; GW_WORKERS counts processes, and this implementation is single-process
# (impl.json multiProcess=false). Its event loops use every CPU the process may use.
workers="${GW_WORKERS:-1}"
if [[ "$workers" != "1" && "$workers" != "auto" ]]; then
  echo "run.sh: GW_WORKERS=$workers ignored: one JVM process (event loops = CPUs available)" >&2
fi
cpus="$(nproc)"

# JVM flags (README "Tuning"): fixed heap (-Xms = -Xmx) so heap growth never shows up as a
# latency or RSS step; G1 (the default, named for the record); Reactor Netty event loops =
# CPUs instead of its max(cpus, 4) default; Netty access log off.
exec java \
  -Xms512m -Xmx512m \
  -XX:+UseG1GC \
  -XX:+ExitOnOutOfMemoryError \
  -Dreactor.netty.ioWorkerCount="$cpus" \
  -Dreactor.netty.http.server.accessLogEnabled=false \
  -Djava.security.egd=file:/dev/./urandom \
  -jar "$jar"
