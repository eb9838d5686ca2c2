import { ApolloGateway, RemoteGraphQLDataSource, type SupergraphSdlHook } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { Logger } from '@centavo/logger';
import { metricsPlugin } from '@centavo/metrics';
import { inputTextPlugin, loggedErrorFormatter, type FixedWindowLimiter } from '@centavo/server';
import type { GatewayConfig } from './config.js';
import type { GatewayContext } from './context.js';
import { limitsPlugin } from './limits/plugin.js';
import { distinctRepresentations, spreadEntities } from './resilience/entity-dedupe.js';
import { resilientFetcher } from './resilience/resilient-fetcher.js';

type ProcessOptions = Parameters<RemoteGraphQLDataSource<GatewayContext>['process']>[0];

/**
 * Forwards the caller's token and request id to every subgraph, which verify the token again,
 * and sends each entity representation of a fetch once (resilience/entity-dedupe.ts).
 */
class AuthenticatedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: ProcessOptions) {
    if (context.token) request.http?.headers.set('authorization', `Bearer ${context.token}`);
    if (context.requestId) request.http?.headers.set('x-request-id', context.requestId);
  }

  override async process(options: ProcessOptions) {
    const representations: unknown = options.request.variables?.representations;
    if (!Array.isArray(representations) || representations.length < 2) return super.process(options);
    const { distinct, positions } = distinctRepresentations(representations);
    if (distinct.length === representations.length) return super.process(options);
    const request = { ...options.request, variables: { ...options.request.variables, representations: distinct } };
    return spreadEntities(await super.process({ ...options, request }), positions, distinct.length);
  }
}

/**
 * Apollo Gateway over the supergraph (composed at start, or a file it reloads); each subgraph
 * call is bounded (resilience/). `urlOverrides` (by subgraph name) win over the supergraph's URLs.
 */
export function createApolloGateway(
  config: GatewayConfig,
  supergraphSdl: string | SupergraphSdlHook,
  logger: Logger,
  urlOverrides: Record<string, string | undefined> = {},
): ApolloGateway {
  const resilience = {
    timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
    retries: config.SUBGRAPH_RETRIES,
    breakerFailures: config.SUBGRAPH_BREAKER_FAILURES,
    breakerCooldownMs: config.SUBGRAPH_BREAKER_COOLDOWN_MS,
    dedupe: config.SUBGRAPH_DEDUPE,
    connections: config.SUBGRAPH_CONNECTIONS,
    inProcess: config.SUBGRAPH_IN_PROCESS,
  };
  return new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new AuthenticatedDataSource({ url: urlOverrides[name] ?? url, fetcher: resilientFetcher(name, resilience, logger) }),
    logger,
    // Plans by operation text, an LRU bounded by their approximate size.
    experimental_approximateQueryPlanStoreMiB: config.QUERY_PLAN_CACHE_MIB,
  });
}

/** The Apollo Server that runs every operation, over HTTP and for subscription refetches alike. */
export function createApolloServer(
  config: GatewayConfig,
  gateway: ApolloGateway,
  limiter: FixedWindowLimiter,
  logger: Logger,
  extraPlugins: ApolloServerPlugin<GatewayContext>[] = [],
): ApolloServer<GatewayContext> {
  return new ApolloServer<GatewayContext>({
    gateway,
    introspection: config.INTROSPECTION,
    // Batched (array) bodies stay off (Apollo's default); queryGuard answers them with BAD_REQUEST.
    parseOptions: { maxTokens: config.MAX_QUERY_TOKENS },
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    plugins: [...gatewayPlugins(config, limiter, logger), ...extraPlugins],
    formatError: loggedErrorFormatter(logger),
  });
}

function gatewayPlugins(config: GatewayConfig, limiter: FixedWindowLimiter, logger: Logger): ApolloServerPlugin<GatewayContext>[] {
  const plugins: ApolloServerPlugin<GatewayContext>[] = [
    ApolloServerPluginUsageReportingDisabled(),
    // The policy the subgraphs' Cache-Control headers give (the response cache reads it), but no
    // header to clients: a browser's cache could not be invalidated by the user's own writes.
    ApolloServerPluginCacheControl({ calculateHttpHeaders: false }),
    metricsPlugin<GatewayContext>('gateway'),
    inputTextPlugin<GatewayContext>(),
    operationLogPlugin(logger),
  ];
  if (!config.INTROSPECTION) plugins.push(ApolloServerPluginLandingPageDisabled());
  plugins.push(limitsPlugin(config, limiter));
  return plugins;
}

/** One line per operation with its request id, which every subgraph and job carries on. */
function operationLogPlugin(logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, operationName, errors }) {
          logger.debug({ requestId: contextValue.requestId, operation: operationName ?? 'anonymous', errors: errors?.length ?? 0 }, 'operation');
        },
      };
    },
  };
}
