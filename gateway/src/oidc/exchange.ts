import { randomUUID } from 'node:crypto';
import { unauthenticated } from '@centavo/errors';
import type { ExchangeToken } from './verifier.js';

/** The auth subgraph's route (subgraphs/auth/src/modules/users/oidc.route.ts). */
const EXCHANGE_PATH = '/internal/oidc/token';
const TIMEOUT_MS = 5_000;

/** Thrown when the auth subgraph cannot answer: the request gets SERVICE_UNAVAILABLE (503), not 401. */
export class ExchangeUnavailableError extends Error {
  override readonly name = 'ExchangeUnavailableError';
}

interface Answer {
  accessToken?: unknown;
  expiresAt?: unknown;
  errors?: { message?: unknown; extensions?: { code?: unknown } }[];
}

/**
 * Exchanges a provider's token with the auth subgraph at `authUrl`, which verifies it again,
 * finds or creates its user and answers with a Centavo access token.
 */
export function exchangeThrough(authUrl: string): ExchangeToken {
  const url = new URL(EXCHANGE_PATH, authUrl);
  return async (providerToken) => {
    let res: Response;
    let body: Answer;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${providerToken}`, 'x-request-id': randomUUID() },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      body = (await res.json()) as Answer;
    } catch (error) {
      throw new ExchangeUnavailableError('the auth subgraph could not exchange a sign-in token: the connection failed', { cause: error });
    }
    const refusal = body.errors?.[0];
    if (res.status === 401 || refusal?.extensions?.code === 'UNAUTHENTICATED') {
      throw unauthenticated(typeof refusal?.message === 'string' ? refusal.message : 'Invalid sign-in token');
    }
    if (!res.ok || typeof body.accessToken !== 'string' || typeof body.expiresAt !== 'string') {
      throw new ExchangeUnavailableError(`the auth subgraph could not exchange a sign-in token: HTTP ${res.status}`);
    }
    return { accessToken: body.accessToken, exp: Math.floor(new Date(body.expiresAt).getTime() / 1000) };
  };
}
