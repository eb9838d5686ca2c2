import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Denylist, importPrivateKey, importPublicKey, signAccessToken, TokenVerifier } from '@centavo/auth-tokens';
import { createLogger } from '@centavo/logger';
import { inProcessSubgraph, requireUser, startSubgraphServer, type BaseContext, type SubgraphServer } from '@centavo/server';
import { resilientFetcher } from '../src/resilience/resilient-fetcher.js';

/**
 * A subgraph in the gateway's process is called without a socket (@centavo/server in-process.ts):
 * the answers must be the ones HTTP gives, for good and bad requests alike.
 */
describe('subgraph called in process', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const logger = createLogger({ level: 'silent' });
  let subgraph: SubgraphServer;
  let token = '';
  let httpRequests = 0;

  beforeAll(async () => {
    const keys = generateKeyPairSync('ed25519', {
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const verifier = new TokenVerifier(await importPublicKey(keys.publicKey), new Denylist(redis, `centavo-test:${randomUUID()}:`));
    token = (await signAccessToken(await importPrivateKey(keys.privateKey), { userId: 'u-1', roles: ['USER'] }, 60)).token;
    subgraph = await startSubgraphServer<BaseContext>({
      name: 'probe',
      typeDefs: parse(`
        type Query {
          whoami: String!
          deep: Node
        }
        type Node {
          next: Node
          id: ID!
        }
      `),
      resolvers: { Query: { whoami: (_: unknown, __: unknown, ctx: BaseContext) => requireUser(ctx).id, deep: () => null } },
      verifier,
      logger,
      host: '127.0.0.1',
      port: 0,
      context: (base) => base,
      readiness: [],
      introspection: false,
      limits: { MAX_QUERY_DEPTH: 4, MAX_QUERY_COST: 1000, MAX_ALIASES: 5, MAX_QUERY_TOKENS: 500 },
    });
    subgraph.http.server.on('request', () => httpRequests++);
  });

  afterAll(async () => {
    await subgraph?.stop().catch(() => undefined);
    await redis.quit();
  });

  const post = (body: string, auth = true) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });

  const overHttp = async (init: ReturnType<typeof post>) => {
    const res = await fetch(subgraph.url, init);
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const inProcess = async (init: ReturnType<typeof post>) => {
    const handler = inProcessSubgraph(subgraph.url);
    if (!handler) throw new Error('not registered');
    const answer = await handler(init);
    return { status: answer.status, body: JSON.parse(answer.body) as unknown };
  };

  it('answers every request as HTTP does: data, no token, a batch, bad JSON, a query over the limits', async () => {
    const requests = [
      post(JSON.stringify({ query: '{ whoami }' })),
      post(JSON.stringify({ query: '{ whoami }' }), false),
      post(JSON.stringify([{ query: '{ whoami }' }])),
      post('{"query": '),
      post('"just a string"'),
      post(JSON.stringify({ query: '{ deep { next { next { next { next { next { id } } } } } } }' })),
      post(JSON.stringify({ query: `{ ${'a'.repeat(10)}: whoami ${'x '.repeat(600)} }` })),
      post(JSON.stringify({ query: '{ nope }' })),
    ];
    for (const request of requests) {
      const [http, local] = [await overHttp(request), await inProcess(request)];
      expect(local, request.body).toEqual(http);
    }
    expect((await inProcess(requests[0]!)).body).toEqual({ data: { whoami: 'u-1' } });
  });

  it('is what the gateway fetcher uses for a loopback URL of this process: no HTTP request', async () => {
    const options = { timeoutMs: 2_000, retries: 0, breakerFailures: 5, breakerCooldownMs: 1_000 };
    const body = post(JSON.stringify({ query: '{ whoami }' }));
    const before = httpRequests;
    const local = resilientFetcher('probe', options, logger);
    const viaLocalhost = subgraph.url.replace('127.0.0.1', 'localhost');
    expect(await (await local(viaLocalhost, body)).json()).toEqual({ data: { whoami: 'u-1' } });
    expect(httpRequests).toBe(before);

    const remote = resilientFetcher('probe', { ...options, inProcess: false }, logger);
    expect(await (await remote(subgraph.url, body)).json()).toEqual({ data: { whoami: 'u-1' } });
    expect(httpRequests).toBe(before + 1);
    await Promise.all([local.close(), remote.close()]);
  });

  it('matches only its own port and path, and is withdrawn when the subgraph stops', async () => {
    const port = Number(new URL(subgraph.url).port);
    expect(inProcessSubgraph(`http://127.0.0.1:${port + 1}/graphql`)).toBeUndefined();
    expect(inProcessSubgraph(`http://127.0.0.1:${port}/other`)).toBeUndefined();
    expect(inProcessSubgraph(`http://10.1.2.3:${port}/graphql`)).toBeUndefined();
    const url = subgraph.url;
    await subgraph.stop();
    expect(inProcessSubgraph(url)).toBeUndefined();
    // Then the fetcher goes over HTTP, finds nothing listening, and says so.
    const fetcher = resilientFetcher('probe', { timeoutMs: 1_000, retries: 0, breakerFailures: 5, breakerCooldownMs: 1_000 }, logger);
    const answer = (await (await fetcher(url, post(JSON.stringify({ query: '{ whoami }' })))).json()) as { errors: { extensions: { code: string } }[] };
    expect(answer.errors[0]?.extensions.code).toBe('SERVICE_UNAVAILABLE');
    await fetcher.close();
  });
});
