import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '@centavo/logger';
import { callerOf } from '../limits/request-meter.js';
import { CACHE_HEADER } from './plugin.js';
import { countCache, type ResponseCache } from './response-cache.js';

interface GraphqlBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
}

/**
 * Answers a POSTed query from the cache before Apollo parses, validates and plans it: the bulk
 * of a hit's cost. Safe because an entry exists only for a query of this user that went through
 * the whole pipeline (limits, validation; the key holds its exact text, operation name,
 * variables and the supergraph); the request was already metered and its token verified
 * (requestMeter). Anything else, and every miss, goes on to Apollo and the plugin.
 */
export function cachedQueryFastPath(cache: ResponseCache, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    const body = req.body as GraphqlBody | undefined;
    const user = req.method === 'POST' && isCacheableBody(body) && acceptsJson(req.headers.accept) ? userOf(req) : null;
    if (!user || !body) return next();
    let json: string | null;
    try {
      const queryHash = createHash('sha256').update(body.query as string).digest('hex');
      const operationName = (body.operationName as string | null | undefined) ?? null;
      ({ json } = await cache.lookup({ userId: user.id, roles: user.roles, queryHash, operationName, variables: (body.variables ?? undefined) as Record<string, unknown> | undefined }));
    } catch (err) {
      logger.warn({ err }, 'response cache lookup failed; left to Apollo');
      return next();
    }
    if (json === null) return next();
    countCache('hit');
    res.status(200).set('content-type', 'application/json; charset=utf-8').set(CACHE_HEADER, 'hit').send(`{"data":${json}}\n`);
  };
}

function isCacheableBody(body: GraphqlBody | undefined): boolean {
  if (!body || typeof body !== 'object' || Array.isArray(body) || typeof body.query !== 'string') return false;
  // Mutations are never stored: not worth a round trip.
  if (/^\s*mutation\b/.test(body.query)) return false;
  const { operationName, variables } = body;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return false;
  return variables === undefined || variables === null || (typeof variables === 'object' && !Array.isArray(variables));
}

/** Apollo answers application/json unless the client asks only for graphql-response+json or multipart. */
const acceptsJson = (accept: string | undefined) => !accept || /application\/json|\*\/\*/.test(accept);

function userOf(req: Parameters<RequestHandler>[0]) {
  try {
    return callerOf(req)?.user ?? null;
  } catch {
    return null;
  }
}
