import type { SupergraphSdlHook } from '@apollo/gateway';
import type { ApolloServer } from '@apollo/server';
import { createAuthRuntime, importPublicKeys, OidcVerifier, type AuthRuntime } from '@centavo/auth-tokens';
import { createLogger, type Logger } from '@centavo/logger';
import { FixedWindowLimiter, listen, type RunningHttpServer } from '@centavo/server';
import { createApolloGateway, createApolloServer } from './apollo.js';
import { bodyLimitBytes, loadConfig, subgraphUrlOverrides, type GatewayConfig } from './config.js';
import type { GatewayContext } from './context.js';
import { createHttpApp } from './http-app.js';
import { exchangeThrough } from './oidc/exchange.js';
import { centavoJwks } from './oidc/jwks.js';
import { ExternalTokenVerifier } from './oidc/verifier.js';
import { createResponseCaching } from './response-cache/index.js';
import { introspectionWithSubscriptions } from './subscriptions/introspection.js';
import { createSubscriptionServer, type SubscriptionServer } from './subscriptions/server.js';
import { loadSupergraphFile } from './supergraph-file.js';

export { loadConfig };
export type { GatewayContext };
export { subscriptionMetrics } from './subscriptions/metrics.js';

export interface RunningGateway {
  url: string;
  http: RunningHttpServer;
  stop(): Promise<void>;
}

export async function startGateway(
  config: GatewayConfig = loadConfig(),
  root: Logger = createLogger({ level: config.LOG_LEVEL }),
): Promise<RunningGateway> {
  const logger = root.child({ service: 'gateway' });
  // Apollo Gateway reports usage and probes cloud metadata unless this is set (docs/toolchain.md).
  process.env.APOLLO_TELEMETRY_DISABLED = '1';
  const { supergraph, subgraphs } = await loadSupergraph(config, logger);
  const runtime = await withExternalSignIn(config, await createAuthRuntime(config, logger), subgraphs, logger);
  const limiter = new FixedWindowLimiter(runtime.redis, config.REDIS_PREFIX);
  const gateway = createApolloGateway(config, supergraph, logger, subgraphUrlOverrides(config));
  const introspection = introspectionWithSubscriptions();
  const caching = createResponseCaching(config, runtime.redis, logger);
  const apollo = createApolloServer(config, gateway, limiter, logger, [introspection.plugin, ...(caching ? [caching.plugin] : [])]);
  const subscriptions = subscriptionsThrough(apollo, config, runtime, logger);
  // Before start(), or the first schema load is missed (docs/toolchain.md).
  gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
    caching?.setSchema(coreSupergraphSdl);
    subscriptions.updateSchema(apiSchema);
    introspection.update(apiSchema);
  });
  await apollo.start();

  // The current key and, during a rotation, the previous ones (JWT_PREVIOUS_PUBLIC_KEY).
  const jwks = await centavoJwks([runtime.keys.publicKeyPem, ...runtime.keys.previousPublicKeyPems]);
  const { app, queueDashboard } = createHttpApp({ config, runtime, jwks, apollo, limiter, subgraphs, logger, ...(caching ? { onImportAccepted: caching.invalidate, cachedQueries: caching.fastPath } : {}) });
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

/**
 * The runtime whose verifier also accepts the OpenID Connect provider's tokens (when
 * configured), exchanged with the auth subgraph for Centavo tokens (gateway/src/oidc).
 */
async function withExternalSignIn(config: GatewayConfig, runtime: AuthRuntime, subgraphs: readonly { name: string; url: string }[], logger: Logger): Promise<AuthRuntime> {
  if (!config.oidc) return runtime;
  const auth = subgraphs.find((s) => s.name === 'auth');
  if (!auth) throw new Error('OIDC_ISSUER is set but the supergraph has no auth subgraph to exchange tokens with');
  const oidc = new OidcVerifier(config.oidc, logger);
  const verifier = new ExternalTokenVerifier(await importPublicKeys(runtime.keys), runtime.denylist, oidc, exchangeThrough(auth.url), logger);
  logger.info({ issuer: config.oidc.issuer, audience: config.oidc.audience }, 'sign-in through an OpenID Connect provider is on');
  return { ...runtime, verifier };
}

/** SUPERGRAPH_PATH's file (watched), or SUPERGRAPH_CONFIG composed now. */
async function loadSupergraph(config: GatewayConfig, logger: Logger): Promise<{ supergraph: string | SupergraphSdlHook; subgraphs: { name: string; url: string }[] }> {
  const overrides = subgraphUrlOverrides(config);
  if (config.SUPERGRAPH_PATH) {
    const file = await loadSupergraphFile(config.SUPERGRAPH_PATH, logger);
    const subgraphs = file.subgraphs.map(({ name, url }) => ({ name, url: overrides[name] ?? url }));
    logger.info({ subgraphs, file: config.SUPERGRAPH_PATH }, 'supergraph loaded from file');
    return { supergraph: file.hook, subgraphs };
  }
  // Loaded only here: @apollo/composition costs start-up time a served supergraph file does not need.
  const { composeSupergraph } = await import('./supergraph.js');
  const { supergraphSdl, subgraphs } = composeSupergraph(config.SUPERGRAPH_CONFIG, overrides);
  logger.info({ subgraphs }, 'supergraph composed');
  return { supergraph: supergraphSdl, subgraphs };
}

/** graphql-ws whose events are refetched through Apollo Server as an HTTP request would be. */
function subscriptionsThrough(apollo: ApolloServer<GatewayContext>, config: GatewayConfig, runtime: AuthRuntime, logger: Logger): SubscriptionServer {
  return createSubscriptionServer({
    config: { ...config, maxPayload: bodyLimitBytes(config.BODY_LIMIT) },
    verifier: runtime.verifier,
    logger,
    async execute(request, contextValue) {
      const response = await apollo.executeOperation(request, { contextValue });
      if (response.body.kind !== 'single') throw new Error('incremental delivery is not used');
      return response.body.singleResult;
    },
  });
}
