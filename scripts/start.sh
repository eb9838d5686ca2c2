#!/usr/bin/env bash
# Installs everything, builds the web app and starts the whole system: four subgraphs and the
# gateway, which serves the API at http://localhost:4000/graphql and the web app at http://localhost:4000/. Uses DATABASE_URL / REDIS_URL when set, else the local
# PostgreSQL and Redis, else an embedded PostgreSQL and redis-server from PATH (data in .data/).
set -euo pipefail
cd "$(dirname "$0")/.."
export APOLLO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1
bash scripts/pnpm.sh install --frozen-lockfile
# The gateway serves web/dist; built each start so it always matches the sources (a few seconds).
(cd web && node_modules/.bin/vite build --logLevel warn)
exec node --max-semi-space-size=32 --import tsx bin/centavo.ts --module=all --migrate "$@"
