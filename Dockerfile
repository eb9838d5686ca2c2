# One image for every module: `centavo --module=<name>` picks what a container runs.
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
ENV APOLLO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 CI=true
WORKDIR /app
RUN npm install -g pnpm@12.4.2
COPY . .
# Production dependencies only (tsx runs the TypeScript sources; the Prisma CLI migrates).
RUN pnpm install --frozen-lockfile --prod \
 && node --import tsx scripts/prisma.ts generate

# The web app: built with its dev dependencies (Vite), only its static output is kept.
FROM node:${NODE_VERSION}-bookworm-slim AS web
ENV CI=true
WORKDIR /app
RUN npm install -g pnpm@12.4.2
COPY . .
RUN pnpm install --frozen-lockfile --filter @centavo/web \
 && pnpm --filter @centavo/web build

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production APOLLO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=node:node /app /app
# Served by the gateway at / (WEB_APP_DIR defaults to web/dist).
COPY --from=web --chown=node:node /app/web/dist /app/web/dist
RUN mkdir -p /app/.data/keys && chown -R node:node /app/.data
USER node
EXPOSE 4000 4001 4002 4003 4004
ENTRYPOINT ["node", "--import", "tsx", "bin/centavo.ts"]
CMD ["--module=all"]
