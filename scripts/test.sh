#!/usr/bin/env bash
# Installs everything, then runs lint, typecheck and every test (unit, integration against
# PostgreSQL and Redis, end-to-end through the gateway). Ends with "N passed, N failed":
# the tests, plus lint, typecheck, generated files, the compose-file check and the compiled build as one check each.
set -uo pipefail
cd "$(dirname "$0")/.."
export APOLLO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1
bash scripts/pnpm.sh install --frozen-lockfile || { echo "0 passed, 1 failed"; exit 1; }
# The web app's end-to-end test drives Debian's Chromium (Playwright's own download is not reachable).
if [ ! -x /usr/bin/chromium ]; then
  echo "== installing chromium"
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi
fi

checks_failed=0
checks_passed=0
echo "== lint"
if node_modules/.bin/eslint --max-warnings=0 .; then checks_passed=$((checks_passed + 1)); else checks_failed=$((checks_failed + 1)); fi
echo "== typecheck"
# The generated Prisma clients are part of what is type-checked.
node --import tsx scripts/prisma.ts generate >/dev/null
if node_modules/.bin/tsc -p tsconfig.json --noEmit; then checks_passed=$((checks_passed + 1)); else checks_failed=$((checks_failed + 1)); fi
echo "== typecheck: web app (browser code, its own tsconfig)"
if web/node_modules/.bin/tsc -p web/tsconfig.json --noEmit; then checks_passed=$((checks_passed + 1)); else checks_failed=$((checks_failed + 1)); fi

echo "== generated files: subgraph SDL, resolver types, supergraph.graphql and the web app's operation types are up to date"
if node --import tsx scripts/codegen.ts --check; then checks_passed=$((checks_passed + 1)); else checks_failed=$((checks_failed + 1)); fi

echo "== docker-compose.yml and deploy/k8s (no Docker engine or cluster needed)"
if node_modules/.bin/dclint docker-compose.yml && node deploy/validate.mjs; then checks_passed=$((checks_passed + 1)); else checks_failed=$((checks_failed + 1)); fi

echo "== compiled build (what the image runs): pnpm build, then centavo --module=all from dist/ serves a sign-up"
# The bundle (scripts/build.ts) leaves some packages to Node and rewrites where sources find their
# files; this is the one check that the JavaScript the image runs starts and answers.
if node --import tsx scripts/build.ts && CENTAVO_TEST_BUILD=dist node_modules/.bin/vitest run test/start-command.e2e.test.ts; then
  checks_passed=$((checks_passed + 1))
else checks_failed=$((checks_failed + 1)); fi

echo "== tests"
mkdir -p .data
rm -f .data/test-results.json
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=.data/test-results.json
vitest_status=$?
echo "== web app component tests (happy-dom)"
rm -f .data/web-test-results.json
web/node_modules/.bin/vitest run --config web/vitest.config.ts --reporter=default --reporter=json --outputFile.json="$PWD/.data/web-test-results.json"
web_status=$?
node scripts/test-summary.mjs .data/test-results.json "$checks_passed" "$checks_failed" .data/web-test-results.json
summary_status=$?
[ "$vitest_status" -eq 0 ] && [ "$web_status" -eq 0 ] && [ "$summary_status" -eq 0 ]
