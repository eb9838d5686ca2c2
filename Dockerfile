# One image for every module: `centavo --module=<name>` picks what a container runs.
# It runs compiled JavaScript (`pnpm build`): no TypeScript loader, no sources, no dev dependencies.
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
ENV APOLLO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 CI=true
WORKDIR /app
RUN npm install -g pnpm@12.4.2
COPY . .
# All dependencies (tsx and esbuild build it), the Prisma clients, the JavaScript (package/dist/)
# and the categorization model file (subgraphs/ai/model/), trained here once instead of at every start.
RUN pnpm install --frozen-lockfile \
 && node --import tsx scripts/prisma.ts generate \
 && node --import tsx scripts/build.ts

# Production dependencies of the server only (not the web app's, tests' or benchmarks'), from the
# store the build filled; then the sources go: only packages/db/src/cli-adapter.ts stays, as the
# Prisma CLI's configs (prisma/*/prisma.config.ts, loaded by Prisma itself) import it.
FROM build AS prune
RUN rm -rf node_modules gateway/node_modules subgraphs/*/node_modules packages/*/node_modules test/node_modules bench/node_modules web/node_modules \
 && pnpm install --frozen-lockfile --prod --offline --filter 'centavo...' \
 && mv packages/db/src/cli-adapter.ts /tmp/cli-adapter.ts \
 && rm -rf bin test bench web docs deploy scripts observability gateway/src gateway/test subgraphs/*/src subgraphs/*/test packages/*/src \
    packages/testing subgraphs/ai/data/*.ts subgraphs/*/codegen.json tsconfig.json eslint.config.js vitest.config.ts \
    .ci .dclintrc.yaml .dockerignore .gitignore README.md Dockerfile docker-compose.yml \
 && mkdir -p packages/db/src && mv /tmp/cli-adapter.ts packages/db/src/ \
 && find . -name '*.js.map' -not -path './node_modules/*' -delete

# The web app: built with its dev dependencies (Vite), only its static output is kept.
FROM node:${NODE_VERSION}-bookworm-slim AS web
ENV CI=true
WORKDIR /app
RUN npm install -g pnpm@12.4.2
COPY . .
RUN pnpm install --frozen-lockfile --filter @centavo/web \
 && pnpm --filter @centavo/web build

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# SUPERGRAPH_PATH: the gateway serves the committed, composed supergraph instead of composing at
# start (*_SUBGRAPH_URL still override its routing URLs).
# MALLOC_*: glibc serves every allocation over 128 KB with its own mapping and returns free memory
# above 128 KB to the system. By default it raises that threshold as a start frees big blocks
# (module sources, parser memory), and what is freed below the new threshold stays in the
# process: RSS idle 224-230 MB without these two, 190-194 MB with them (bench/startup.bench.ts).
ENV NODE_ENV=production APOLLO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 HOST=0.0.0.0 SUPERGRAPH_PATH=supergraph.graphql \
    NODE_COMPILE_CACHE=/app/.data/compile-cache MALLOC_MMAP_THRESHOLD_=131072 MALLOC_TRIM_THRESHOLD_=131072
WORKDIR /app
COPY --from=prune --chown=node:node /app /app
# Served by the gateway at / (WEB_APP_DIR defaults to web/dist).
COPY --from=web --chown=node:node /app/web/dist /app/web/dist
RUN mkdir -p /app/.data/keys /app/.data/models /app/.data/compile-cache /app/.data/backups && chown -R node:node /app/.data
USER node
EXPOSE 4000 4001 4002 4003 4004 4005
# --max-semi-space-size=32: V8's young generation may grow to 2 x 32 MB (16 MB by default). Under
# 50 concurrent dashboards a subgraph process spent 30% of its CPU in the garbage collector,
# scavenging objects of requests still in flight; with 32 MB 15% (bench/gateway.bench.ts, --cpu-prof).
ENTRYPOINT ["node", "--max-semi-space-size=32", "dist/bin/centavo.js"]
CMD ["--module=all"]
