import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { GraphQLError } from 'graphql';
import { bearerToken, type AuthUser, type TokenVerifier } from '@centavo/auth-tokens';
import { isDomainError, isUnavailable, UNAVAILABLE_MESSAGE_TEXT } from '@centavo/errors';

/** The caller's `x-request-id` when it is a sane token, else a new one. */
export function requestIdOf(headers: IncomingHttpHeaders): string {
  const raw = headers['x-request-id'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value && /^[\w.:-]{1,128}$/.test(value) ? value : randomUUID();
}

/**
 * The caller of an HTTP request: null without a token; a token that is malformed, forged,
 * expired or logged out fails the whole request with UNAUTHENTICATED and HTTP 401. `token` is
 * the verified user's token: the one presented, or the Centavo token the gateway exchanged an
 * OpenID Connect provider's token for (what subgraphs are sent).
 */
export async function authenticate(
  verifier: TokenVerifier,
  headers: IncomingHttpHeaders,
): Promise<{ token: string | undefined; user: AuthUser | null }> {
  try {
    const token = bearerToken(headers.authorization);
    const user = token ? await verifier.verify(token) : null;
    return { token: user?.token ?? token, user };
  } catch (error) {
    if (isDomainError(error)) {
      throw new GraphQLError(error.message, { extensions: { code: error.code, http: { status: 401 } } });
    }
    // Redis (the logout denylist) unreachable: the token cannot be checked now.
    if (isUnavailable(error)) throw new GraphQLError(UNAVAILABLE_MESSAGE_TEXT, { extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } } });
    throw error;
  }
}
