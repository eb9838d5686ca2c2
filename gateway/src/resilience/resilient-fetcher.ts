import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { STATUS_CODES } from 'node:http';
import { Pool } from 'undici';
import type { Logger } from '@centavo/logger';
import { metrics } from '@centavo/metrics';
import { inProcessSubgraph } from '@centavo/server';
import { CircuitBreaker } from './circuit-breaker.js';
import { InflightRequests } from './inflight.js';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherRequestInit = NonNullable<Parameters<Fetcher>[1]>;
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

export interface ResilienceOptions {
  timeoutMs: number;
  /** Extra tries for queries; mutations are never sent twice. */
  retries: number;
  breakerFailures: number;
  breakerCooldownMs: number;
  /**
   * Identical queries in flight to this subgraph (same URL, headers but the request id, and
   * body: document, variables, and the caller's Authorization) share one call and its answer.
   */
  dedupe?: boolean;
  /** Keep-alive connections to this subgraph at most; further calls wait for a free one. */
  connections?: number;
  /**
   * A subgraph that runs in this process (and still listens) is called in process, not over a
   * socket (@centavo/server in-process.ts); the same request and answer, with the same timeout,
   * retries and breaker. On by default.
   */
  inProcess?: boolean;
}

/** The liveness probe after a timeout: /live answers at once from any process that is not hung. */
const PROBE_TIMEOUT_MS = 1_000;

/** Keep-alive connections per subgraph by default. */
export const DEFAULT_CONNECTIONS = 64;

const isMutation = (body: string | undefined): boolean => {
  try {
    const { query } = JSON.parse(body ?? '{}') as { query?: string };
    return /^\s*mutation\b/.test(query ?? '');
  } catch {
    return true; // unknown: do not risk running it twice
  }
};

type Outcome = 'unavailable' | 'error';

/** A subgraph's answer read in full: callers sharing one call each get a Response of their own from it. */
interface Answer {
  status: number;
  headers: [string, string][];
  body: string;
  /** Set when the answer is the gateway's own (see unavailable), for the fetch metrics. */
  outcome?: Outcome;
}

/**
 * The part of a fetch Response that Apollo's RemoteGraphQLDataSource reads (ok, status,
 * statusText, headers, json(), text()), over a body already read: a WHATWG Response would wrap
 * the string in a stream only for the data source to read it back (about 4% of the gateway's
 * CPU on the dashboard, profiled). Each caller gets its own, so each may read it once.
 */
class AnswerResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly redirected = false;
  readonly type = 'basic';
  readonly url: string;
  bodyUsed = false;

  constructor(private readonly answer: Answer, url: string) {
    this.ok = answer.status >= 200 && answer.status < 300;
    this.status = answer.status;
    this.statusText = STATUS_CODES[answer.status] ?? '';
    this.headers = new Headers(answer.headers);
    this.url = url;
  }

  async text(): Promise<string> {
    if (this.bodyUsed) throw new TypeError('Body is unusable: Body has already been read');
    this.bodyUsed = true;
    return this.answer.body;
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  clone(): AnswerResponse {
    return new AnswerResponse(this.answer, this.url);
  }
}

const toResponse = (answer: Answer, url: string): FetcherResponse => new AnswerResponse(answer, url) as unknown as FetcherResponse;

/** Origin and path of a subgraph URL, parsed once (a process calls a handful of URLs). */
const targets = new Map<string, { origin: string; path: string }>();
function targetOf(url: string): { origin: string; path: string } {
  let target = targets.get(url);
  if (!target) {
    const parsed = new URL(url);
    target = { origin: parsed.origin, path: parsed.pathname + parsed.search };
    if (targets.size < 1_000) targets.set(url, target);
  }
  return target;
}

/**
 * A GraphQL answer the gateway passes on as the error of that subgraph's fields. `error`: the
 * subgraph answered 5xx (its own dependency down, or a crash it logged); `unavailable`: the
 * breaker is open or the call timed out. A raw 5xx would reach clients as an internal error.
 */
const unavailable = (name: string, why: string, outcome: Outcome = 'unavailable'): Answer => ({
  status: 200,
  // Marks the answer as ours (not the subgraph's) for callers and the fetch metrics.
  headers: [
    ['content-type', 'application/json'],
    ['x-centavo-outcome', outcome],
  ],
  body: JSON.stringify({ errors: [{ message: `The ${name} service is unavailable (${why}); try again shortly`, extensions: { code: 'SERVICE_UNAVAILABLE' } }] }),
  outcome,
});

/** Request headers as undici takes them, and the key of the caller-dependent ones (all but the request id). */
function headersOf(init: FetcherRequestInit | undefined): { headers: Record<string, string>; key: string } {
  const headers: Record<string, string> = {};
  let key = '';
  const add = (name: string, value: string) => {
    const lower = name.toLowerCase();
    headers[lower] = value;
    if (lower !== 'x-request-id') key += `${lower}:${value}\n`;
  };
  const given = init?.headers as unknown;
  if (given instanceof Headers || (given && typeof (given as Headers).forEach === 'function' && !Array.isArray(given))) {
    (given as Headers).forEach((value, name) => add(name, value));
  } else if (Array.isArray(given)) {
    for (const [name, value] of given as [string, string][]) add(name, value);
  } else if (given) {
    for (const [name, value] of Object.entries(given as Record<string, string | string[]>)) add(name, Array.isArray(value) ? value.join(', ') : String(value));
  }
  return { headers, key };
}

const headerPairs = (raw: Record<string, string | string[] | undefined>): [string, string][] => {
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) pairs.push([name, v]);
    else pairs.push([name, value]);
  }
  return pairs;
};

/** An in-process call bounded like a socket one: it rejects with the signal's reason once the signal aborts. */
function withTimeout<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason as Error);
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error as Error);
      },
    );
  });
}

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
export function resilientFetcher(
  name: string,
  options: ResilienceOptions,
  logger: Logger,
): Fetcher & { breaker: CircuitBreaker; inflight: InflightRequests<Answer>; close(): Promise<void> } {
  const breaker = new CircuitBreaker(options.breakerFailures, options.breakerCooldownMs);
  const probeTimeoutMs = Math.min(PROBE_TIMEOUT_MS, options.timeoutMs);
  const inflight = new InflightRequests<Answer>();
  // One keep-alive pool per subgraph origin (a subgraph has one URL; a reload may bring another).
  const pools = new Map<string, Pool>();
  const poolOf = (origin: string) => {
    let pool = pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections: options.connections ?? DEFAULT_CONNECTIONS, keepAliveTimeout: 4_000 });
      pools.set(origin, pool);
    }
    return pool;
  };
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
    const { headers, key } = headersOf(init);
    const body = init?.body === undefined || init.body === null ? undefined : String(init.body);
    const mutation = isMutation(body);
    const send = () => attempt(url, init?.method ?? 'POST', headers, body, mutation ? 1 : 1 + options.retries);
    // Never shared: mutations (each runs), and anything when dedupe is off.
    const answer = await (options.dedupe && !mutation ? inflight.run(`${init?.method ?? 'POST'} ${url}\n${key}\n${body ?? ''}`, send) : send());
    done({ outcome: answer.outcome ?? 'ok' });
    return toResponse(answer, url);
  };
  const attempt = async (url: string, method: string, headers: Record<string, string>, body: string | undefined, tries: number): Promise<Answer> => {
    const target = targetOf(url);
    const pool = poolOf(target.origin);
    let why = 'circuit open';
    for (let attempt = 0; attempt < tries; attempt++) {
      if (!breaker.allow()) return unavailable(name, why);
      const signal = AbortSignal.timeout(options.timeoutMs);
      try {
        const local = options.inProcess !== false && method === 'POST' ? inProcessSubgraph(url) : undefined;
        if (local) {
          const answer = await withTimeout(local({ method, headers, body }), signal);
          if (answer.status < 500) {
            breaker.success();
            return answer;
          }
          why = `HTTP ${answer.status}`;
          breaker.failure();
          if (attempt === tries - 1) return unavailable(name, why, 'error');
        } else {
          const response = await pool.request({ path: target.path, method: method as 'POST', headers, body, signal });
          if (response.statusCode < 500) {
            const text = await response.body.text();
            breaker.success();
            return { status: response.statusCode, headers: headerPairs(response.headers), body: text };
          }
          why = `HTTP ${response.statusCode}`;
          breaker.failure();
          await response.body.dump();
          if (attempt === tries - 1) return unavailable(name, why, 'error');
        }
      } catch (error) {
        if (signal.aborted || (error as Error).name === 'TimeoutError') {
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
  const close = async () => {
    await Promise.all([...pools.values()].map((p) => p.close()));
    pools.clear();
  };
  return Object.assign(fetcher, { breaker, inflight, close });
}
