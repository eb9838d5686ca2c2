import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import type { AuthRuntime } from '@centavo/auth-tokens';
import type { Logger } from '@centavo/logger';
import type { GatewayConfig } from '../config.js';
import type { GatewayContext } from '../context.js';
import { cachedQueryFastPath } from './fast-path.js';
import { invalidateQuietly, responseCachePlugin } from './plugin.js';
import { ResponseCache } from './response-cache.js';

export { CACHE_HEADER } from './plugin.js';

export interface ResponseCaching {
  plugin: ApolloServerPlugin<GatewayContext>;
  /** Before Apollo on /graphql, after the request meter and the body parser: answers hits. */
  fastPath: RequestHandler;
  /** With every (re)loaded supergraph: entries of another schema are not used. */
  setSchema(supergraphSdl: string): void;
  /** Invalidates a user's entries after a write outside GraphQL (a statement upload); never throws. */
  invalidate(userId: string): Promise<void>;
}

/** The response cache over the gateway's Redis, or null when RESPONSE_CACHE=0. */
export function createResponseCaching(config: GatewayConfig, redis: AuthRuntime['redis'], logger: Logger): ResponseCaching | null {
  if (!config.RESPONSE_CACHE) return null;
  const cache = new ResponseCache(redis, config.REDIS_PREFIX, config.RESPONSE_CACHE_MAX_TTL_SECONDS);
  return {
    plugin: responseCachePlugin(cache, logger),
    fastPath: cachedQueryFastPath(cache, logger),
    setSchema: (sdl) => cache.setSchema(sdl),
    invalidate: (userId) => invalidateQuietly(cache, userId, undefined, logger),
  };
}
