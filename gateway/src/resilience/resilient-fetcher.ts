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

/** The liveness probe after a timeout: /live answers at once from any process that is not hung. */
const PROBE_TIMEOUT_MS = 1_000;

const isMutation = (body: FetcherRequestInit['body']): boolean => {
  try {
    const { query } = JSON.parse(String(body ?? '{}')) as { query?: string };
    return /^\s*mutation\b/.test(query ?? '');
  } catch {
    return true; // unknown: do not risk running it twice
  }
};

type Outcome = 'unavailable' | 'error';

/**
 * A GraphQL answer the gateway passes on as the error of that subgraph's fields. `error`: the
 * subgraph answered 5xx (its own dependency down, or a crash it logged); `unavailable`: the
 * breaker is open or the call timed out. A raw 5xx would reach clients as an internal error.
 */
const unavailable = (name: string, why: string, outcome: Outcome = 'unavailable'): FetcherResponse =>
  new Response(JSON.stringify({ errors: [{ message: `The ${name} service is unavailable (${why}); try again shortly`, extensions: { code: 'SERVICE_UNAVAILABLE' } }] }), {
    status: 200,
    // Marks the answer as ours (not the subgraph's) for the fetch metrics.
    headers: { 'content-type': 'application/json', 'x-centavo-outcome': outcome },
  }) as unknown as FetcherResponse;

const backoff = (attempt: number) => {
  const base = 50 * 2 ** attempt;
  return new Promise((r) => setTimeout(r, base + Math.random() * base));
};

/**
 * The gateway's fetch to one subgraph: a timeout, retries with exponential backoff and jitter
 * for queries only, and a circuit breaker, so a slow or stopped subgraph gives its fields a fast
 * SERVICE_UNAVAILABLE error while the other fields resolve, and service resumes by itself.
 *
 * Refused connections, resets and 5xx are outages: retried (queries) and counted by the breaker.
 * A timeout may be one user's costly operation on a healthy subgraph, so it is neither retried
 * nor counted; a liveness probe of the subgraph (one at a time) counts a failure only if the
 * subgraph does not answer /live either, so a truly hung subgraph still opens the breaker.
 */
export function resilientFetcher(name: string, options: ResilienceOptions, logger: Logger): Fetcher & { breaker: CircuitBreaker } {
  const breaker = new CircuitBreaker(options.breakerFailures, options.breakerCooldownMs);
  const probeTimeoutMs = Math.min(PROBE_TIMEOUT_MS, options.timeoutMs);
  let probing = false;
  const probeLiveness = (url: string) => {
    if (probing) return;
    probing = true;
    void (async () => {
      try {
        const res = await fetch(new URL('/live', url), { signal: AbortSignal.timeout(probeTimeoutMs) });
        await res.body?.cancel();
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        breaker.release();
      } catch (err) {
        breaker.failure();
        logger.warn({ subgraph: name, err, breaker: breaker.state }, 'subgraph timed out and failed its liveness probe');
      } finally {
        probing = false;
      }
    })();
  };
  const fetcher = async (url: string, init?: FetcherRequestInit): Promise<FetcherResponse> => {
    const done = metrics.subgraphFetch.startTimer({ subgraph: name });
    const response = await attempt(url, init);
    done({ outcome: response.headers.get('x-centavo-outcome') ?? 'ok' });
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
        await response.body?.cancel();
        if (attempt === tries - 1) return unavailable(name, why, 'error');
      } catch (error) {
        if ((error as Error).name === 'TimeoutError') {
          probeLiveness(url);
          logger.warn({ subgraph: name, attempt: attempt + 1, breaker: breaker.state }, 'subgraph call timed out');
          return unavailable(name, `no answer within ${options.timeoutMs} ms`);
        }
        why = 'unreachable';
        breaker.failure();
      }
      logger.warn({ subgraph: name, attempt: attempt + 1, why, breaker: breaker.state }, 'subgraph call failed');
      if (attempt < tries - 1) await backoff(attempt);
    }
    return unavailable(name, why);
  };
  return Object.assign(fetcher, { breaker });
}
