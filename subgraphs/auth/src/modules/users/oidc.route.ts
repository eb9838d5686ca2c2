import type { Express, Request, Response } from 'express';
import { bearerToken, type OidcVerifier } from '@centavo/auth-tokens';
import { isDomainError, isUnavailable, UNAVAILABLE_MESSAGE_TEXT } from '@centavo/errors';
import type { Logger } from '@centavo/logger';
import { requestIdOf, sendJsonError } from '@centavo/server';
import type { AuthService } from './auth.service.js';

/**
 * Where the gateway exchanges an OpenID Connect provider's token for a Centavo access token.
 * Not in the supergraph. The provider's token is verified here again (issuer, audience, expiry,
 * signature against the provider's keys): this route trusts no caller.
 */
export const OIDC_EXCHANGE_PATH = '/internal/oidc/token';

/** The answer of POST /internal/oidc/token. */
export interface OidcExchangeAnswer {
  accessToken: string;
  expiresAt: string;
  userId: string;
  created: boolean;
}

/**
 * POST /internal/oidc/token with `Authorization: Bearer <provider token>`: 200 with an
 * OidcExchangeAnswer, 401 (UNAUTHENTICATED, saying what is wrong) or 503.
 */
export function mountOidcExchange(app: Express, oidc: OidcVerifier, auth: AuthService, logger: Logger): void {
  app.post(OIDC_EXCHANGE_PATH, (req, res) => {
    void exchange(req, res, oidc, auth, logger.child({ requestId: requestIdOf(req.headers) }));
  });
}

async function exchange(req: Request, res: Response, oidc: OidcVerifier, auth: AuthService, logger: Logger): Promise<void> {
  try {
    const token = bearerToken(req.headers.authorization);
    if (!token) return sendJsonError(res, { status: 401, code: 'UNAUTHENTICATED', message: 'Authentication required' });
    const identity = await oidc.verify(token);
    const result = await auth.exchangeExternalToken(identity, token);
    const answer: OidcExchangeAnswer = { accessToken: result.accessToken, expiresAt: result.expiresAt.toISOString(), userId: result.user.id, created: result.created };
    res.status(200).set('cache-control', 'no-store').json(answer);
  } catch (error) {
    if (isDomainError(error)) return sendJsonError(res, { status: error.code === 'UNAUTHENTICATED' ? 401 : 400, code: error.code, message: error.message });
    if (isUnavailable(error)) {
      logger.warn({ err: error }, 'OpenID Connect exchange: a dependency is unavailable');
      return sendJsonError(res, { status: 503, code: 'SERVICE_UNAVAILABLE', message: UNAVAILABLE_MESSAGE_TEXT });
    }
    logger.error({ err: error }, 'OpenID Connect exchange failed');
    sendJsonError(res, { status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' });
  }
}
