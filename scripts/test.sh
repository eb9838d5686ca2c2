#!/usr/bin/env bash
# Installs everything, then runs lint, typecheck and every test (unit, integration against
# PostgreSQL and Redis, end-to-end through the gateway). Ends with "N passed, N failed":
# the tests, plus lint, typecheck, generated files and the compose-file check as one check each.
set -uo pipefail
cd "$(dirname "$0")/.."
export APOLLO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1
bash scripts/pnpm.sh install --frozen-lockfile || { echo "0 passed, 1 failed"; exit 1; }

checks_failed=0
checks_passed=0
echo "== lint"
if node_modules/.bin/eslint --max-warnings=0 .; then checks_passed=$((checks_passed + 1)); else checks_failed=$((checks_failed + 1)); fi
echo "== typecheck"
# The generated Prisma clients are part of what is type-checked.
node --import tsx scripts/prisma.ts generate >/dev/null
if node_modules/.bin/tsc -p tsconfig.json --noEmit; then checks_passed=$((checks_passed + 1)); else checks_failed=$((checks_failed + 1)); fi

echo "== generated files: subgraph SDL, resolver types and supergraph.graphql are up to date"
if node --import tsx scripts/codegen.ts --check; then checks_passed=$((checks_passed + 1)); else checks_failed=$((checks_failed + 1)); fi

echo "== docker-compose.yml and deploy/k8s (no Docker engine or cluster needed)"
if node_modules/.bin/dclint docker-compose.yml && node deploy/validate.mjs; then checks_passed=$((checks_passed + 1)); else checks_failed=$((checks_failed + 1)); fi

echo "== tests"
mkdir -p .data
rm -f .data/test-results.json
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=.data/test-results.json
vitest_status=$?
node scripts/test-summary.mjs .data/test-results.json "$checks_passed" "$checks_failed"
summary_status=$?
[ "$vitest_status" -eq 0 ] && [ "$summary_status" -eq 0 ]
