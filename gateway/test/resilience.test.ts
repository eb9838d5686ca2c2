import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@centavo/logger';
import { CircuitBreaker } from '../src/resilience/circuit-breaker.js';
import { resilientFetcher } from '../src/resilience/resilient-fetcher.js';

/** Listens on a loopback port for the tests of the enclosing describe; `url` is its /graphql. */
function listenForTests(server: http.Server): { url: string } {
  const peer = { url: '' };
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    peer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return peer;
}

describe('circuit breaker', () => {
  it('opens after consecutive failures, probes once after the cooldown, and closes on success', () => {
    let now = 0;
    const breaker = new CircuitBreaker(3, 1000, () => now);
    breaker.failure();
    breaker.failure();
    expect(breaker.allow()).toBe(true);
    breaker.failure();
    expect([breaker.state, breaker.allow()]).toEqual(['open', false]);
    now = 1000;
    expect(breaker.allow()).toBe(true); // the probe
    expect(breaker.allow()).toBe(false); // only one
    breaker.failure();
    expect(breaker.state).toBe('open');
    now = 2000;
    expect(breaker.allow()).toBe(true);
    breaker.success();
    expect([breaker.state, breaker.allow()]).toEqual(['closed', true]);
  });
});

describe('resilient subgraph fetch', () => {
  // A real HTTP peer whose behaviour each test sets.
  let mode: 'ok' | 'fail' | 'hang' = 'ok';
  let calls = 0;
  const server = http.createServer((_req, res) => {
    calls++;
    if (mode === 'hang') return;
    res.writeHead(mode === 'ok' ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: { ok: mode === 'ok' } }));
  });
  const peer = listenForTests(server);

  const logger = createLogger({ level: 'silent' });
  const body = (query: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  const codeOf = async (res: { json(): Promise<unknown> }) =>
    ((await res.json()) as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code;

  it('retries queries, never mutations', async () => {
    const fetcher = resilientFetcher('ai', { timeoutMs: 1000, retries: 2, breakerFailures: 100, breakerCooldownMs: 1000 }, logger);
    mode = 'fail';
    calls = 0;
    // The subgraph's 5xx after the last try reaches clients as SERVICE_UNAVAILABLE, not as an internal error.
    expect(await codeOf(await fetcher(peer.url, body('query { rules { id } }')))).toBe('SERVICE_UNAVAILABLE');
    expect(calls).toBe(3);
    calls = 0;
    await fetcher(peer.url, body('mutation { deleteRule(id: "x") }'));
    expect(calls).toBe(1);
  });

  it('times out a hanging subgraph and answers SERVICE_UNAVAILABLE', async () => {
    const fetcher = resilientFetcher('ai', { timeoutMs: 200, retries: 0, breakerFailures: 100, breakerCooldownMs: 1000 }, logger);
    mode = 'hang';
    const started = Date.now();
    expect(await codeOf(await fetcher(peer.url, body('query { rules { id } }')))).toBe('SERVICE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('fails fast while the breaker is open and recovers by itself', async () => {
    const fetcher = resilientFetcher('ai', { timeoutMs: 500, retries: 0, breakerFailures: 2, breakerCooldownMs: 300 }, logger);
    mode = 'fail';
    await fetcher(peer.url, body('query { a }'));
    await fetcher(peer.url, body('query { a }'));
    expect(fetcher.breaker.state).toBe('open');
    calls = 0;
    expect(await codeOf(await fetcher(peer.url, body('query { a }')))).toBe('SERVICE_UNAVAILABLE');
    expect(calls).toBe(0);
    mode = 'ok';
    await new Promise((r) => setTimeout(r, 350));
    const res = await fetcher(peer.url, body('query { a }'));
    expect(res.status).toBe(200);
    expect(fetcher.breaker.state).toBe('closed');
  });
});

describe('failure isolation between users', () => {
  // A healthy subgraph on which one operation is slow (its body says so); `hung` stops /live too.
  let hung = false;
  let slowCalls = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/live') {
      if (!hung) res.end('{"status":"ok"}');
      return;
    }
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (hung) return;
      if (body.includes('slow')) {
        slowCalls++;
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { fast: true } }));
    });
  });
  const peer = listenForTests(server);

  const logger = createLogger({ level: 'silent' });
  const options = { timeoutMs: 200, retries: 2, breakerFailures: 2, breakerCooldownMs: 60_000 };
  const query = (text: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: text }) });
  const settle = () => new Promise((r) => setTimeout(r, 400));

  it("does not retry one user's timed-out operations nor let them open the breaker for others' fast ones", async () => {
    hung = false;
    slowCalls = 0;
    const fetcher = resilientFetcher('budget', options, logger);
    // A burst of slow operations, more than breakerFailures, with nothing else in between ...
    await Promise.all([1, 2, 3].map(() => fetcher(peer.url, query('query { slow }'))));
    await settle();
    expect(slowCalls).toBe(3);
    expect(fetcher.breaker.state).toBe('closed');
    const next = await fetcher(peer.url, query('query { fast }'));
    expect([next.status, next.headers.get('x-centavo-outcome')]).toEqual([200, null]);

    // ... and slow ones going on while others query.
    const fast: number[] = [];
    let slowDone = false;
    const slow = (async () => {
      for (let i = 0; i < 3; i++) await fetcher(peer.url, query('query { slow }'));
      slowDone = true;
    })();
    while (!slowDone) {
      const res = await fetcher(peer.url, query('query { fast }'));
      fast.push(res.headers.get('x-centavo-outcome') ? 503 : res.status);
      await new Promise((r) => setTimeout(r, 20));
    }
    await slow;
    await settle();
    expect(slowCalls).toBe(6);
    expect(fetcher.breaker.state).toBe('closed');
    expect(new Set(fast)).toEqual(new Set([200]));
  });

  it('still opens the breaker when the subgraph is hung (its /live does not answer either)', async () => {
    hung = true;
    const fetcher = resilientFetcher('budget', options, logger);
    for (let i = 0; i < 6 && fetcher.breaker.state !== 'open'; i++) {
      await fetcher(peer.url, query('query { fast }'));
      await settle();
    }
    expect(fetcher.breaker.state).toBe('open');
  });
});

describe('identical subgraph calls in flight', () => {
  // A subgraph that answers after 100 ms with the caller it saw, counting calls per body.
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      calls.push(body);
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: { me: req.headers.authorization ?? null, requestId: req.headers['x-request-id'] ?? null } }));
      }, 100);
    });
  });
  const peer = listenForTests(server);

  const logger = createLogger({ level: 'silent' });
  const options = { timeoutMs: 2_000, retries: 0, breakerFailures: 5, breakerCooldownMs: 1_000, dedupe: true };
  // As Apollo's RemoteGraphQLDataSource calls its fetcher: plain headers, a JSON body.
  const request = (query: string, token: string, requestId: string, variables: Record<string, unknown> = {}) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
    body: JSON.stringify({ query, variables }),
  });
  const answers = (responses: { json(): Promise<unknown> }[]) => Promise.all(responses.map((r) => r.json() as Promise<{ data: { me: string } }>));

  it('sends two identical concurrent queries of one user once, and each caller reads the whole answer', async () => {
    const fetcher = resilientFetcher('transactions', options, logger);
    calls.length = 0;
    const responses = await Promise.all([
      fetcher(peer.url, request('query { me { id } }', 'alice', 'r1')),
      fetcher(peer.url, request('query { me { id } }', 'alice', 'r2')),
    ]);
    expect(calls).toHaveLength(1);
    expect((await answers(responses)).map((a) => a.data.me)).toEqual(['Bearer alice', 'Bearer alice']);
    expect([fetcher.inflight.started, fetcher.inflight.shared, fetcher.inflight.size]).toEqual([1, 1, 0]);
    await fetcher.close();
  });

  it('never shares between users, documents or variables, nor mutations, nor calls one after another', async () => {
    const fetcher = resilientFetcher('transactions', options, logger);
    calls.length = 0;
    const responses = await Promise.all([
      fetcher(peer.url, request('query { me { id } }', 'alice', 'r1')),
      fetcher(peer.url, request('query { me { id } }', 'bob', 'r2')),
      fetcher(peer.url, request('query { me { id email } }', 'alice', 'r3')),
      fetcher(peer.url, request('query ($n: Int) { me { id } }', 'alice', 'r4', { n: 1 })),
      fetcher(peer.url, request('query ($n: Int) { me { id } }', 'alice', 'r5', { n: 2 })),
      fetcher(peer.url, request('mutation { logout }', 'alice', 'r6')),
      fetcher(peer.url, request('mutation { logout }', 'alice', 'r7')),
    ]);
    expect(calls).toHaveLength(7);
    expect((await answers(responses)).map((a) => a.data.me)).toEqual(['Bearer alice', 'Bearer bob', ...Array<string>(5).fill('Bearer alice')]);
    await fetcher(peer.url, request('query { me { id } }', 'alice', 'r8'));
    expect(calls).toHaveLength(8);
    expect(fetcher.inflight.shared).toBe(0);
    await fetcher.close();
  });

  it('sends each call when dedupe is off', async () => {
    const fetcher = resilientFetcher('transactions', { ...options, dedupe: false }, logger);
    calls.length = 0;
    await Promise.all([fetcher(peer.url, request('query { me { id } }', 'alice', 'r1')), fetcher(peer.url, request('query { me { id } }', 'alice', 'r2'))]);
    expect(calls).toHaveLength(2);
    await fetcher.close();
  });
});
