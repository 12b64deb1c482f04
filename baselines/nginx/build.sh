#!/usr/bin/env bash
# Makes sure Debian's nginx is installed (apt-get install -y nginx when missing). Idempotent:
# does nothing when an nginx binary is already on PATH. run.sh generates the configuration.
set -euo pipefail

if command -v nginx >/dev/null 2>&1; then
  echo "build.sh: $(nginx -v 2>&1) is installed"
  exit 0
fi
if [[ $(id -u) != 0 ]]; then
  echo "build.sh: nginx is missing and installing it needs root (apt-get install -y nginx)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "build.sh: nginx is missing and this machine has no apt-get to install it with" >&2
  exit 1
fi

# The package's postinst would start a system nginx daemon on port 80; a policy-rc.d that
# answers 101 ("action forbidden") stops that, as in Debian container images. Only ours is removed.
policy=/usr/sbin/policy-rc.d
created=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  created=1
fi
trap '[[ $created == 1 ]] && rm -f "$policy"' EXIT

export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -qq || ! apt-get install -y -qq --no-install-recommends nginx; then
  echo "build.sh: apt-get install nginx failed" >&2
  exit 1
fi
command -v nginx >/dev/null 2>&1 || { echo "build.sh: nginx still not on PATH after install" >&2; exit 1; }
echo "build.sh: installed $(nginx -v 2>&1)"
