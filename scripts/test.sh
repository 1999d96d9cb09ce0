#!/usr/bin/env bash
# The whole test suite, from a fresh checkout: dependencies, provisioning, build, tests,
# and a closing line with the counts. Extra arguments go to vitest (a file, -t NAME...).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-deps.sh
bash scripts/provision.sh
node scripts/build.mjs

rm -rf .test-results && mkdir -p .test-results
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json=.test-results/vitest.json "$@"
status=$?
set -e
node scripts/test-summary.mjs .test-results/vitest.json
exit $status
