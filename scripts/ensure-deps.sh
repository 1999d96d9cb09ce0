#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than the lockfile, so that
# `npm start` and `npm test` work straight from a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
