#!/usr/bin/env bash
# One command for a new user: install everything, build, and scan the shipped example share.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh >&2  # progress on stderr: stdout is the report
pnpm build >/dev/null
echo "Scanning examples/share (a synthetic clinic share; every value in it is fake)..." >&2
set +e
node packages/cli/dist/bin.js scan examples/share "$@"
code=$?
set -e
# Exit code 1 means "PHI found", which is what the example share is for.
if [ "$code" -eq 1 ]; then
  echo "(exit code 1: PHI found, as expected for the example share)" >&2
  exit 0
fi
exit "$code"
