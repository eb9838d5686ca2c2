import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { createAuthRuntime } from '@centavo/auth-tokens';
import { formatError } from '@centavo/errors';
import { createLogger, type Logger } from '@centavo/logger';
import { metricsPlugin } from '@centavo/metrics';
import {
  authenticate,
  FixedWindowLimiter,
  formatLimitError,
  inputTextPlugin,
  listen,
  mountErrorHandling,
  mountHealth,
  queryGuard,
  requestIdOf,
  type RunningHttpServer,
} from '@centavo/server';
import { bodyLimitBytes, loadConfig, subgraphUrlOverrides, type GatewayConfig } from './config.js';
import type { GatewayContext } from './context.js';
import { createSubscriptionServer } from './subscriptions/server.js';
import { resilientFetcher } from './resilience/resilient-fetcher.js';
import { composeSupergraph } from './supergraph.js';
import { limitsPlugin } from './limits/plugin.js';
import { callerOf, requestMeter } from './limits/request-meter.js';
import { mountQueueDashboard } from './admin/queue-dashboard.js';

export { loadConfig, composeSupergraph };
export type { GatewayContext };
export { subscriptionMetrics } from './subscriptions/metrics.js';

export interface RunningGateway {
  url: string;
  http: RunningHttpServer;
  stop(): Promise<void>;
}

/** Forwards the caller's token and request id to every subgraph, which verify the token again. */
class AuthenticatedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]) {
    if (context.token) request.http?.headers.set('authorization', `Bearer ${context.token}`);
    if (context.requestId) request.http?.headers.set('x-request-id', context.requestId);
  }
}

export async function startGateway(
  config: GatewayConfig = loadConfig(),
  root: Logger = createLogger({ level: config.LOG_LEVEL }),
): Promise<RunningGateway> {
  const logger = root.child({ service: 'gateway' });
  // Apollo Gateway reports usage and probes cloud metadata unless this is set (docs/toolchain.md).
  process.env.APOLLO_TELEMETRY_DISABLED = '1';
  const { supergraphSdl, subgraphs } = composeSupergraph(config.SUPERGRAPH_CONFIG, subgraphUrlOverrides(config));
  logger.info({ subgraphs }, 'supergraph composed');
  const runtime = await createAuthRuntime(config, logger);

  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) =>
      new AuthenticatedDataSource({
        url,
        fetcher: resilientFetcher(
          name,
          {
            timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
            retries: config.SUBGRAPH_RETRIES,
            breakerFailures: config.SUBGRAPH_BREAKER_FAILURES,
            breakerCooldownMs: config.SUBGRAPH_BREAKER_COOLDOWN_MS,
          },
          logger,
        ),
      }),
    logger,
  });
  const plugins: ApolloServerPlugin<GatewayContext>[] = [
    ApolloServerPluginUsageReportingDisabled(),
    metricsPlugin<GatewayContext>('gateway'),
    inputTextPlugin<GatewayContext>(),
    {
      // One line per operation with its request id, which every subgraph and job carries on.
      async requestDidStart() {
        return {
          async willSendResponse({ contextValue, operationName, errors }) {
            logger.debug({ requestId: contextValue.requestId, operation: operationName ?? 'anonymous', errors: errors?.length ?? 0 }, 'operation');
          },
        };
      },
    },
  ];
  if (!config.INTROSPECTION) plugins.push(ApolloServerPluginLandingPageDisabled());
  const limiter = new FixedWindowLimiter(runtime.redis, config.REDIS_PREFIX);
  plugins.push(limitsPlugin(config, limiter));
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: config.INTROSPECTION,
    // Batched (array) bodies stay off (Apollo's default); queryGuard answers them with BAD_REQUEST.
    parseOptions: { maxTokens: config.MAX_QUERY_TOKENS },
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    plugins,
    formatError: (formatted, error) =>
      formatLimitError(formatted) ??
      formatError(
        formatted,
        error,
        (internal) => logger.error({ err: internal }, 'internal error'),
        (unavailable) => logger.warn({ err: unavailable }, 'dependency unavailable'),
      ),
  });
  const subscriptions = createSubscriptionServer({
    config: { ...config, maxPayload: bodyLimitBytes(config.BODY_LIMIT) },
    verifier: runtime.verifier,
    logger,
    async execute(request, contextValue) {
      const response = await apollo.executeOperation(request, { contextValue });
      if (response.body.kind !== 'single') throw new Error('incremental delivery is not used');
      return response.body.singleResult;
    },
  });
  // Before start(), or the first schema load is missed (docs/toolchain.md).
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => subscriptions.updateSchema(apiSchema));
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  mountHealth(app, 'gateway', [
    { name: 'redis', check: () => runtime.redis.ping() },
    ...subgraphs.map((s) => ({
      name: s.name,
      check: async () => {
        const res = await fetch(new URL('/ready', s.url), { signal: AbortSignal.timeout(1500) });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
      },
    })),
  ]);
  const queueDashboard = config.QUEUE_DASHBOARD ? mountQueueDashboard(app, { config, verifier: runtime.verifier, logger }) : null;
  // Metered before the body is read, bounded before it is parsed: no request is free.
  app.use(
    '/graphql',
    requestMeter({ config, verifier: runtime.verifier, limiter, logger }),
    express.json({ limit: config.BODY_LIMIT }),
    queryGuard(config),
    expressMiddleware(apollo, {
      context: async ({ req }) => ({
        ...(callerOf(req) ?? (await authenticate(runtime.verifier, req.headers))),
        requestId: requestIdOf(req.headers),
        // Every HTTP request has an address: the limits plugin tells refetches apart by its absence.
        clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      }),
    }),
  );
  mountErrorHandling(app, logger);
  const http = await listen(app, config.HOST, config.GATEWAY_PORT);
  subscriptions.attach(http.server);
  logger.info({ url: `${http.url}/graphql` }, 'gateway ready');
  return {
    url: `${http.url}/graphql`,
    http,
    async stop() {
      await subscriptions.close();
      await http.close();
      await apollo.stop();
      await queueDashboard?.close();
      await runtime.close();
    },
  };
}
