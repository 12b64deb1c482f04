#!/usr/bin/env bash
# Builds target/gw-bench-scg.jar with Maven (dependencies from Maven Central into ~/.m2).
# Idempotent: does nothing when the jar is newer than every source file and the pom.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
jar="target/gw-bench-scg.jar"

fail() { echo "build.sh: $*" >&2; exit 1; }

command -v java >/dev/null 2>&1 || fail "java not found (Java 17+ is required: apt-get install openjdk-17-jdk-headless)"
java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
[[ "${java_major%%.*}" -ge 17 ]] 2>/dev/null || fail "Java 17+ is required, found '${java_major:-unknown}'"
if ! command -v mvn >/dev/null 2>&1; then
  # A fresh machine of this kind has Maven; install it from Debian if it does not.
  if command -v apt-get >/dev/null 2>&1 && [[ "$(id -u)" == 0 ]]; then
    echo "build.sh: installing maven (apt-get)" >&2
    (apt-get update -qq && apt-get install -y -qq maven >/dev/null) || fail "could not install maven with apt-get"
  else
    fail "mvn not found (Maven 3.8+ is required)"
  fi
fi

if [[ -f "$jar" ]] && [[ -z "$(find pom.xml src -newer "$jar" -print -quit)" ]]; then
  echo "build.sh: $jar is up to date"
  exit 0
fi

echo "build.sh: mvn package (a first build also downloads the dependencies into ~/.m2)" >&2
if ! mvn -q -B -DskipTests package; then
  fail "mvn package failed (see the Maven output above)"
fi
[[ -f "$jar" ]] || fail "mvn succeeded but $jar is missing"
echo "build.sh: built $jar"
