import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { Logger } from '@centavo/logger';
import type { GatewayContext } from '../context.js';
import { countCache, type Lookup, type ResponseCache } from './response-cache.js';

/** Tells a client (and the benchmark) whether its answer came from the response cache. */
export const CACHE_HEADER = 'x-response-cache';

/**
 * The response cache in Apollo Server's request pipeline. A signed-in user's query is looked up
 * once its operation is resolved (limits already checked; POSTed JSON hits are answered before
 * Apollo by fast-path.ts); a miss is stored after execution if
 * the subgraphs' Cache-Control hints (Apollo's cache control: `@cacheControl` in the subgraph
 * schemas) make it cacheable and it has no errors. A mutation invalidates the user's entries
 * before its response is sent. Redis failing never fails a read: it is served uncached.
 */
export function responseCachePlugin(cache: ResponseCache, logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      let lookup: Lookup | undefined;
      return {
        async responseForOperation({ operation, queryHash, request, contextValue }) {
          const user = contextValue.user;
          if (operation.operation !== 'query' || !user || !queryHash) return null;
          try {
            lookup = await cache.lookup({ userId: user.id, roles: user.roles, queryHash, operationName: request.operationName ?? null, variables: request.variables });
          } catch (err) {
            countCache('error');
            logger.warn({ err, requestId: contextValue.requestId }, 'response cache lookup failed; served uncached');
            return null;
          }
          if (lookup.json === null) {
            countCache('miss');
            return null;
          }
          countCache('hit');
          const headers = new HeaderMap([[CACHE_HEADER, 'hit']]);
          return { http: { headers }, body: { kind: 'single', singleResult: { data: JSON.parse(lookup.json) as Record<string, unknown> } } };
        },

        async willSendResponse(requestContext) {
          const { operation, contextValue } = requestContext;
          if (operation?.operation === 'mutation' && contextValue.user) {
            await invalidateQuietly(cache, contextValue.user.id, contextValue.requestId, logger);
            return;
          }
          if (lookup && lookup.json === null) await storeMiss(cache, lookup.key, requestContext, logger);
        },
      };
    },
  };
}

/** After every mutation, failed ones too (a partial failure may have committed something). Logs, never throws. */
export async function invalidateQuietly(cache: ResponseCache, userId: string, requestId: string | undefined, logger: Logger): Promise<void> {
  try {
    await cache.invalidate(userId);
    countCache('invalidation');
  } catch (err) {
    countCache('error');
    logger.error({ err, requestId, userId }, 'response cache not invalidated after a mutation');
  }
}

async function storeMiss(cache: ResponseCache, key: string, context: GraphQLRequestContextWillSendResponse<GatewayContext>, logger: Logger): Promise<void> {
  const { response, overallCachePolicy } = context;
  response.http.headers.set(CACHE_HEADER, 'miss');
  const policy = overallCachePolicy.policyIfCacheable();
  const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
  if (!policy || !result?.data || result.errors?.length) {
    countCache('uncacheable');
    return;
  }
  try {
    await cache.store(key, result.data, policy.maxAge);
    countCache('store');
  } catch (err) {
    countCache('error');
    logger.warn({ err, requestId: context.contextValue.requestId }, 'response cache store failed');
  }
}
