#!/usr/bin/env bash
# Installs pnpm (if missing) and the workspace. re2 is a native addon built by node-gyp; pnpm does not pass
# npm's own `nodedir` setting on to node-gyp, so where npm is configured to build against local Node headers
# (an offline machine), hand that setting over explicitly instead of letting node-gyp try to download them.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v pnpm >/dev/null 2>&1; then
  npm install -g pnpm@12.4.2 >/dev/null
fi
nodedir=$(npm config get nodedir 2>/dev/null || true)
if [ -n "$nodedir" ] && [ "$nodedir" != "undefined" ] && [ -z "${npm_config_nodedir:-}" ]; then
  export npm_config_nodedir="$nodedir"
fi
pnpm install --frozen-lockfile=false "$@"
