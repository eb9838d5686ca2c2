#!/usr/bin/env bash
# The federation gateway audit (graphql-hive/federation-gateway-audit: 46 suites, 199 cases)
# against Centavo's own gateway: bin/centavo.ts --module=gateway, with its plugins, limits and
# fetcher, serving each suite's supergraph through SUPERGRAPH_PATH. Prints "conformance: N/199".
#   scripts/conformance.sh [audit folder]   (default ../shared/federation-audit; see its RUN.md)
# Needs Redis (127.0.0.1:6379, as the gateway always does) and the npm registry the first time.
# Takes a few minutes: the gateway starts once per suite.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
audit_src=$(cd "${1:-../shared/federation-audit}" && pwd)
work="$repo/.data/conformance"
export APOLLO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1

mkdir -p "$work"
if [ ! -d "$work/audit/node_modules" ]; then
  rm -rf "$work/audit"
  cp -r "$audit_src" "$work/audit"
  rm -rf "$work/audit/example-gateway"
  (cd "$work/audit" && npm install --omit=dev --no-audit --no-fund --loglevel=error && npm install --no-save --no-audit --no-fund --loglevel=error tsx@4)
fi

gateway="$work/gateway"
rm -rf "$gateway"
mkdir -p "$gateway"
cat >"$gateway/run.sh" <<RUN
# called by the audit as: sh run.sh <suite-id> (cwd = this folder)
set -e
curl -sf --retry 30 --retry-all-errors --retry-delay 1 "http://127.0.0.1:\${AUDIT_PORT:-4200}/\$1/supergraph" -o supergraph.graphql
export APOLLO_TELEMETRY_DISABLED=1 SUPERGRAPH_PATH="\$PWD/supergraph.graphql" GATEWAY_PORT=4410 HOST=127.0.0.1 LOG_LEVEL=warn QUEUE_DASHBOARD=false REDIS_PREFIX=centavo-conformance:
exec node --import "$repo/node_modules/tsx/dist/esm/index.mjs" "$repo/bin/centavo.ts" --module=gateway
RUN

cd "$work/audit"
rm -f "$gateway"/*.log "$gateway/results.txt"
NODE_OPTIONS="--require $work/audit/node20-loopback-shim.cjs" GATEWAY_TIMEOUT=20000 \
  node_modules/.bin/tsx ./src/cli.ts test --reporter dot --cwd "$gateway" --run-script ./run.sh \
  --graphql http://127.0.0.1:4410/graphql --healthcheck http://127.0.0.1:4410/live --write results.txt \
  >"$work/audit.out" 2>&1 || true
results="$gateway/results.txt"
if [ ! -s "$results" ]; then
  tail -30 "$work/audit.out"
  echo "conformance: no results (see $work/audit.out and $gateway/logs)"
  exit 1
fi
# results.txt: a suite id, then one character per case (. passed, X failed), ...; then the totals.
node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n");
const failed = [];
for (let i = 0; i + 1 < lines.length && lines[i] !== "" && lines[i] !== "---"; i += 2)
  [...lines[i + 1]].forEach((c, n) => { if (c !== ".") failed.push(`${lines[i]}_${n}`); });
const total = Number(/Total: (\d+)/.exec(lines.join("\n"))[1]);
const passed = Number(/Passed: (\d+)/.exec(lines.join("\n"))[1]);
if (failed.length) console.log("failed: " + failed.join(", "));
console.log(`conformance: ${passed}/${total}`);
' "$results"
