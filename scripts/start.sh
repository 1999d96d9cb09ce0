#!/usr/bin/env bash
# The main job, from a fresh clone: install, build, and serve the example handler through
# the emulator on 127.0.0.1:9000 (until the terminal app replaces this).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
node scripts/build.mjs
exec node dist/runtime/bootstrap.cjs handler.handler --task-root examples/hello-js --port "${PORT:-9000}"
