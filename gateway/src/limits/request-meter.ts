import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import { bearerToken, type AuthUser, type TokenVerifier } from '@centavo/auth-tokens';
import { isDomainError } from '@centavo/errors';
import type { Logger } from '@centavo/logger';
import type { FixedWindowLimiter } from '@centavo/server';
import type { GatewayConfig } from '../config.js';

/** Who sent a request: a verified user, nobody, or a token that failed verification (401). */
export type Caller = { token: string | undefined; user: AuthUser | null } | { error: GraphQLError };

// The meter verifies the token once; the Apollo context reads the outcome instead of verifying again.
const callers = new WeakMap<IncomingMessage, Caller>();

/** The caller the meter found for this request; throws the 401 of a token that failed verification. */
export function callerOf(req: IncomingMessage): { token: string | undefined; user: AuthUser | null } | undefined {
  const caller = callers.get(req);
  if (caller && 'error' in caller) throw caller.error;
  return caller;
}

const unauthenticatedCaller = (error: { message: string; code: string }): Caller => ({
  error: new GraphQLError(error.message, { extensions: { code: error.code, http: { status: 401 } } }),
});

/** The caller by the token's signature and claims alone (no Redis): the denylist is asked with the counter. */
async function identifySigned(verifier: TokenVerifier, req: IncomingMessage): Promise<Caller> {
  try {
    const token = bearerToken(req.headers.authorization);
    const user = token ? await verifier.verifySigned(token) : null;
    // The verified user's token: a provider's token is forwarded as the Centavo token it was exchanged for.
    return { token: user?.token ?? token, user };
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return unauthenticatedCaller(error);
  }
}

export interface RequestMeterOptions {
  config: Pick<GatewayConfig, 'USER_RATE_LIMIT_PER_MINUTE' | 'IP_RATE_LIMIT_PER_MINUTE'>;
  verifier: TokenVerifier;
  limiter: FixedWindowLimiter;
  logger: Logger;
}

/**
 * Counts every /graphql request exactly once, before its body is read or parsed: per user with
 * a valid token, else per address (no token, or one that fails verification, so a flood of bad
 * tokens is metered too). Over the limit: 429 with Retry-After and extensions.retryAfter.
 * One Redis round trip per request: a signed token's denylist check and its count go together.
 */
export function requestMeter({ config, verifier, limiter, logger }: RequestMeterOptions): RequestHandler {
  return async (req, res, next) => {
    let caller: Caller;
    let result;
    try {
      caller = await identifySigned(verifier, req);
      const user = 'user' in caller ? caller.user : null;
      const ip = { bucket: 'ip', id: req.ip ?? req.socket.remoteAddress ?? 'unknown', limit: config.IP_RATE_LIMIT_PER_MINUTE };
      if (user) {
        const hit = await limiter.hitUnlessRevoked(verifier.denylistKey(user), { bucket: 'user', id: user.id, limit: config.USER_RATE_LIMIT_PER_MINUTE }, ip);
        // A logged-out token: 401, counted per address like any token that fails verification.
        if (hit.revoked) caller = unauthenticatedCaller(verifier.revoked(user));
        result = hit;
      } else {
        result = await limiter.hit(ip.bucket, ip.id, ip.limit);
      }
      callers.set(req, caller);
    } catch (err) {
      // Redis (denylist or counters) unreachable: the request cannot be served safely.
      logger.error({ err }, 'could not meter a request');
      res.status(503).json({ errors: [{ message: 'Service unavailable; try again shortly', extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
      return;
    }
    if (result.allowed) {
      next();
      return;
    }
    const who = 'user' in caller && caller.user ? 'Too many requests' : 'Too many requests from this address';
    res
      .status(429)
      .set('retry-after', String(result.retryAfter))
      .json({ errors: [{ message: `${who}; retry in ${result.retryAfter}s`, extensions: { code: 'RATE_LIMITED', retryAfter: result.retryAfter } }] });
  };
}
