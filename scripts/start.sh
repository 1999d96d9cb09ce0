#!/usr/bin/env bash
# The main job, from a fresh clone: install, build, make sure a Docker engine answers (started
# when this user may; the app says so in its header when none does), then the `lambdash`
# command: the terminal app in a terminal, or the command given (`npm start -- doctor`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
node scripts/build.mjs
bash scripts/provision.sh engine ||
  echo "start: no Docker engine; lambdash will say what needs one (lambdash doctor)" >&2
exec node bin/lambdash.js "$@"
