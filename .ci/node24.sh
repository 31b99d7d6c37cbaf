#!/usr/bin/env bash
# Runs Jest on Node 24 LTS: `bash .ci/node24.sh --selectProjects unit int` (the arguments go to Jest).
# The first run installs the `node` package (a real Linux binary) from npm into .cache/node24; the
# apps an end-to-end suite starts run on the same binary (AppProcess spawns process.execPath).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.cache/node24
node24="$PWD/$dir/node_modules/node/bin/node"
if ! [ -x "$node24" ] || ! "$node24" --version | grep -q '^v24\.'; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --no-package-lock node@24 >&2
fi
echo "jest on node $("$node24" --version)" >&2
# npm-run-all-style children (npx, tsx) find this node first
export PATH="$(dirname "$node24"):$PATH"
exec "$node24" node_modules/jest/bin/jest.js "$@"
