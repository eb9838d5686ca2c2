import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubgraphServer } from '@centavo/server';
import { codes, deleteRedisKeys, graphql, ok, testEnv, uniqueEmail, type GraphQLResponse } from '@centavo/testing';
import { loadConfig, startAuthSubgraph } from '../src/index.js';

// A small limit, and counters of its own.
const config = loadConfig(testEnv({ AUTH_PORT: '0', LOGIN_RATE_LIMIT_PER_MINUTE: '3', REDIS_PREFIX: `centavo-test-login-${randomUUID().slice(0, 8)}:` }));
let server: SubgraphServer;
beforeAll(async () => {
  server = await startAuthSubgraph(config);
});
afterAll(async () => {
  await server?.stop();
  await deleteRedisKeys(config.REDIS_URL, config.REDIS_PREFIX);
});

const LOGIN = `mutation ($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }`;
const login = (email: string, password: string) => graphql(server.url, LOGIN, { e: email, p: password });

async function register(email: string): Promise<void> {
  await ok(server.url, `mutation ($e: String!) { register(input: { email: $e, password: "long enough", name: "Limits" }) { accessToken } }`, { e: email });
}

/** Sends until refused (a minute window may roll over meanwhile, hence `max`). */
async function untilLimited(max: number, send: (i: number) => Promise<GraphQLResponse>) {
  for (let i = 0; i < max; i += 1) {
    const res = await send(i);
    if (codes(res).includes('RATE_LIMITED')) return res;
  }
  throw new Error(`not rate limited after ${max} requests`);
}

describe('the auth subgraph reached directly', () => {
  it('throttles login attempts per normalized email with RATE_LIMITED and retryAfter', async () => {
    const email = uniqueEmail('throttled');
    await register(email);
    // Case and spaces do not reset the count.
    const variants = [email, email.toUpperCase(), `  ${email}  `];
    const refused = await untilLimited(7, (i) => login(variants[i % variants.length]!, 'wrong password'));
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    const retryAfter = refused.errors?.[0]?.extensions?.retryAfter as number;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // Another email is not affected.
    const other = uniqueEmail('free');
    await register(other);
    expect(codes(await login(other, 'long enough'))).toEqual([]);
  });

  it('refuses an over-long email or password before any lookup, and never makes a Redis key of it', async () => {
    const huge = `${'a'.repeat(900_000)}@example.com`;
    const started = Date.now();
    const res = await login(huge, 'whatever password');
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    expect(res.errors?.[0]?.message.length).toBeLessThan(200);
    // Generous: only a runaway (hashing, a lookup per character) would come near it.
    expect(Date.now() - started).toBeLessThan(5_000);
    const tooLongPassword = await login(uniqueEmail('pw'), 'x'.repeat(100_000));
    expect(tooLongPassword.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });

    const redis = new Redis(config.REDIS_URL);
    try {
      const keys = await redis.keys(`${config.REDIS_PREFIX}*`);
      expect(keys.filter((k) => k.length > 200)).toEqual([]);
    } finally {
      await redis.quit();
    }
  });

  it('takes 10 logins a minute in production and 100 times more elsewhere unless set', () => {
    expect(loadConfig(testEnv({ NODE_ENV: 'production' })).LOGIN_RATE_LIMIT_PER_MINUTE).toBe(10);
    expect(loadConfig(testEnv({ NODE_ENV: 'development' })).LOGIN_RATE_LIMIT_PER_MINUTE).toBe(1000);
    expect(loadConfig(testEnv({ NODE_ENV: 'production', LOGIN_RATE_LIMIT_PER_MINUTE: '25' })).LOGIN_RATE_LIMIT_PER_MINUTE).toBe(25);
  });
});
