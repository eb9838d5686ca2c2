#!/usr/bin/env bash
# Installs everything and starts the whole system: four subgraphs and the gateway
# (http://localhost:4000/graphql). Uses DATABASE_URL / REDIS_URL when set, else the local
# PostgreSQL and Redis, else an embedded PostgreSQL and redis-server from PATH (data in .data/).
set -euo pipefail
cd "$(dirname "$0")/.."
export APOLLO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1
bash scripts/pnpm.sh install --frozen-lockfile
exec node --import tsx bin/centavo.ts --module=all --migrate "$@"
