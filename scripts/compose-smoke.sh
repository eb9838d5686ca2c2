#!/usr/bin/env bash
# `docker compose up` for real, from a clean copy of the committed tree (git archive HEAD):
# build the image, start every service, wait until the gateway is healthy, then through the
# composed gateway a new user registers, subscribes (graphql-ws), creates a transaction and must
# receive transactionCategorized; `down -v` in every case. Prints PASS or FAIL (exit 0 / 1).
#
#   bash scripts/compose-smoke.sh            (SMOKE_PORT=5206: the gateway's host port; not 4000, the dev one)
#
# Here no image registry is reachable: ../shared/tools/docker-local-images.sh builds local stand-ins
# of the base images (DOCKER_LOCAL_IMAGES to point elsewhere). Debian's docker-compose 1.29 rejects
# the top-level `name:`, so it runs on a copy without it, under COMPOSE_PROJECT_NAME.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SMOKE_PORT=${SMOKE_PORT:-5206}
HEALTH_TIMEOUT=${HEALTH_TIMEOUT:-600}
LOCAL_IMAGES=${DOCKER_LOCAL_IMAGES:-$ROOT/../shared/tools/docker-local-images.sh}
export COMPOSE_PROJECT_NAME=${COMPOSE_PROJECT_NAME:-centavo-smoke}
log() { echo "[compose-smoke] $(date -u +%H:%M:%S) $*"; }

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker-compose >/dev/null 2>&1; then
  log "installing docker.io and docker-compose"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io docker-compose >/dev/null
fi
if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  (setsid dockerd >/tmp/dockerd.log 2>&1 &)
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "FAIL: dockerd did not start (see /tmp/dockerd.log)"; exit 1; }
fi
if [ -f "$LOCAL_IMAGES" ]; then
  log "local base images ($LOCAL_IMAGES)"
  bash "$LOCAL_IMAGES" >/dev/null
fi

work=$(mktemp -d)
compose() { (cd "$work" && docker-compose -f docker-compose.smoke.yml "$@"); }
result=FAIL
finish() {
  if [ "$result" != PASS ]; then
    log "last logs:"
    compose logs --tail=30 2>&1 | tail -120 || true
  fi
  log "down -v"
  compose down -v --remove-orphans >/dev/null 2>&1 || true
  rm -rf "$work"
  echo "$result"
}
trap finish EXIT

log "clean copy of $(git -C "$ROOT" rev-parse --short HEAD) in $work"
git -C "$ROOT" archive HEAD | tar -x -C "$work"
# Compose 1.29: no top-level name:. The gateway's host port moved off 4000 (a developer's instance).
sed -e '/^name:/d' -e "s/'127.0.0.1:4000:4000'/'127.0.0.1:${SMOKE_PORT}:4000'/" "$work/docker-compose.yml" > "$work/docker-compose.smoke.yml"

started=$(date +%s)
log "build"
compose build
log "image centavo:local $(docker image inspect centavo:local --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}') built in $(( $(date +%s) - started )) s"
log "up"
up=$(date +%s)
compose up -d
# The gateway is healthy only after the four subgraphs are; the worker categorizes.
for service in gateway worker; do
  id=$(compose ps -q "$service")
  until [ "$(docker inspect -f '{{.State.Health.Status}}' "$id" 2>/dev/null)" = healthy ]; do
    if [ $(( $(date +%s) - up )) -gt "$HEALTH_TIMEOUT" ]; then log "$service not healthy after ${HEALTH_TIMEOUT} s"; compose ps; exit 1; fi
    sleep 2
  done
done
log "every service healthy $(( $(date +%s) - up )) s after up:"
compose ps

log "register -> subscribe -> createTransaction -> transactionCategorized through the gateway"
(cd "$ROOT" && node --import tsx scripts/compose-smoke-client.ts --url="http://127.0.0.1:${SMOKE_PORT}/graphql" --timeout-ms=120000)
result=PASS
