import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { Logger } from '@centavo/logger';
import { metrics } from '@centavo/metrics';
import { CircuitBreaker } from './circuit-breaker.js';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherRequestInit = NonNullable<Parameters<Fetcher>[1]>;
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

export interface ResilienceOptions {
  timeoutMs: number;
  /** Extra tries for queries; mutations are never sent twice. */
  retries: number;
  breakerFailures: number;
  breakerCooldownMs: number;
}

const isMutation = (body: FetcherRequestInit['body']): boolean => {
  try {
    const { query } = JSON.parse(String(body ?? '{}')) as { query?: string };
    return /^\s*mutation\b/.test(query ?? '');
  } catch {
    return true; // unknown: do not risk running it twice
  }
};

/** A GraphQL answer the gateway passes on as the error of that subgraph's fields. */
const unavailable = (name: string, why: string): FetcherResponse =>
  new Response(JSON.stringify({ errors: [{ message: `The ${name} service is unavailable (${why}); try again shortly`, extensions: { code: 'SERVICE_UNAVAILABLE' } }] }), {
    status: 200,
    // Marks the answer as ours (not the subgraph's) for the fetch metrics.
    headers: { 'content-type': 'application/json', 'x-centavo-unavailable': '1' },
  }) as unknown as FetcherResponse;

const backoff = (attempt: number) => {
  const base = 50 * 2 ** attempt;
  return new Promise((r) => setTimeout(r, base + Math.random() * base));
};

/**
 * The gateway's fetch to one subgraph: a timeout, retries with exponential backoff and jitter
 * for queries only, and a circuit breaker, so a slow or stopped subgraph gives its fields a fast
 * SERVICE_UNAVAILABLE error while the other fields resolve, and service resumes by itself.
 */
export function resilientFetcher(name: string, options: ResilienceOptions, logger: Logger): Fetcher & { breaker: CircuitBreaker } {
  const breaker = new CircuitBreaker(options.breakerFailures, options.breakerCooldownMs);
  const fetcher = async (url: string, init?: FetcherRequestInit): Promise<FetcherResponse> => {
    const done = metrics.subgraphFetch.startTimer({ subgraph: name });
    const response = await attempt(url, init);
    done({ outcome: response.status >= 500 ? 'error' : response.headers.get('x-centavo-unavailable') ? 'unavailable' : 'ok' });
    return response;
  };
  const attempt = async (url: string, init?: FetcherRequestInit): Promise<FetcherResponse> => {
    const tries = isMutation(init?.body) ? 1 : 1 + options.retries;
    let why = 'circuit open';
    for (let attempt = 0; attempt < tries; attempt++) {
      if (!breaker.allow()) return unavailable(name, why);
      try {
        const response = await fetch(url, { ...(init as RequestInit), signal: AbortSignal.timeout(options.timeoutMs) });
        if (response.status < 500) {
          breaker.success();
          return response as unknown as FetcherResponse;
        }
        why = `HTTP ${response.status}`;
        breaker.failure();
        if (attempt === tries - 1) return response as unknown as FetcherResponse;
      } catch (error) {
        why = (error as Error).name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : 'unreachable';
        breaker.failure();
      }
      logger.warn({ subgraph: name, attempt: attempt + 1, why, breaker: breaker.state }, 'subgraph call failed');
      if (attempt < tries - 1) await backoff(attempt);
    }
    return unavailable(name, why);
  };
  return Object.assign(fetcher, { breaker });
}
