import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express, type RequestHandler } from 'express';
import type { AuthRuntime } from '@centavo/auth-tokens';
import type { Logger } from '@centavo/logger';
import { authenticate, mountErrorHandling, mountHealth, queryGuard, requestIdOf, type FixedWindowLimiter } from '@centavo/server';
import { mountQueueDashboard, type QueueDashboard } from './admin/queue-dashboard.js';
import type { GatewayConfig } from './config.js';
import type { GatewayContext } from './context.js';
import { mountImportUpload } from './imports/upload.js';
import { callerOf, requestMeter } from './limits/request-meter.js';
import { mountJwks } from './oidc/jwks.js';
import { DEFAULT_WEB_APP_DIR, mountWebApp } from './web-app.js';

export interface HttpAppDeps {
  config: GatewayConfig;
  runtime: AuthRuntime;
  /** Centavo's public keys, served at /.well-known/jwks.json. */
  jwks: object;
  apollo: ApolloServer<GatewayContext>;
  limiter: FixedWindowLimiter;
  subgraphs: readonly { name: string; url: string }[];
  logger: Logger;
  /** After a statement upload was accepted: the response cache's invalidation of the user. */
  onImportAccepted?: (userId: string) => Promise<void>;
  /** The response cache's answer to a cached query, before Apollo (gateway/src/response-cache). */
  cachedQueries?: RequestHandler;
}

/** The gateway's Express app: Centavo's public keys (/.well-known/jwks.json), health, the queue dashboard (when on), statement uploads (POST /imports), /graphql and the web app. */
export function createHttpApp(deps: HttpAppDeps): { app: Express; queueDashboard: QueueDashboard | null } {
  const { config, runtime, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  mountJwks(app, deps.jwks);
  mountHealth(app, 'gateway', [{ name: 'redis', check: () => runtime.redis.ping() }, ...deps.subgraphs.map(subgraphReady)]);
  const queueDashboard = config.QUEUE_DASHBOARD ? mountQueueDashboard(app, { config, verifier: runtime.verifier, logger }) : null;
  const transactions = deps.subgraphs.find((s) => s.name === 'transactions');
  if (transactions) mountImportUpload(app, { config, verifier: runtime.verifier, limiter: deps.limiter, logger, transactionsUrl: transactions.url, maxBytes: config.IMPORT_MAX_BYTES, ...(deps.onImportAccepted ? { onAccepted: deps.onImportAccepted } : {}) });
  mountGraphql(app, deps);
  if (config.WEB_APP) mountWebApp(app, config.WEB_APP_DIR ?? DEFAULT_WEB_APP_DIR, logger);
  mountErrorHandling(app, logger);
  return { app, queueDashboard };
}

/** Ready only while the subgraph's own /ready answers. */
function subgraphReady(subgraph: { name: string; url: string }) {
  return {
    name: subgraph.name,
    check: async () => {
      const res = await fetch(new URL('/ready', subgraph.url), { signal: AbortSignal.timeout(1500) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    },
  };
}

function mountGraphql(app: Express, { config, runtime, apollo, limiter, logger, cachedQueries }: HttpAppDeps): void {
  // Metered before the body is read, bounded before it is parsed: no request is free.
  app.use(
    '/graphql',
    requestMeter({ config, verifier: runtime.verifier, limiter, logger }),
    express.json({ limit: config.BODY_LIMIT }),
    queryGuard(config),
    ...(cachedQueries ? [cachedQueries] : []),
    expressMiddleware(apollo, {
      context: async ({ req }) => ({
        ...(callerOf(req) ?? (await authenticate(runtime.verifier, req.headers))),
        requestId: requestIdOf(req.headers),
        // Every HTTP request has an address: the limits plugin tells refetches apart by its absence.
        clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      }),
    }),
  );
}
