import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { bumpGenerations, generationKey, usersOfPayload } from '@centavo/pubsub';
import { ResponseCache, stableJson, type Lookup } from './response-cache.js';

const dataOf = (lookup: Lookup): unknown => (lookup.json === null ? null : JSON.parse(lookup.json));

// Against the test Redis of the global setup, under a prefix of its own.
const prefix = `centavo-test:rc-${randomUUID()}:`;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

const parts = (userId: string, variables?: Record<string, unknown>) => ({ userId, roles: ['USER'], queryHash: 'q1', operationName: null, variables });

describe('ResponseCache', () => {
  it('stores under the generation it read and misses once the generation is bumped', async () => {
    const cache = new ResponseCache(redis, prefix, 300);
    const user = randomUUID();
    const first = await cache.lookup(parts(user, { a: 1, b: 2 }));
    expect(dataOf(first)).toBeNull();
    await cache.store(first.key, { accounts: [{ id: '1' }] }, 60);
    // Same variables in another order: the same entry.
    expect(dataOf(await cache.lookup(parts(user, { b: 2, a: 1 })))).toEqual({ accounts: [{ id: '1' }] });
    expect(dataOf(await cache.lookup(parts(user, { a: 1, b: 3 })))).toBeNull();
    expect(await redis.ttl(first.key)).toBeGreaterThan(55);

    await cache.invalidate(user);
    const after = await cache.lookup(parts(user, { a: 1, b: 2 }));
    expect(dataOf(after)).toBeNull();
    expect(after.key).not.toBe(first.key);
  });

  it("keeps users apart: one user's entry is never another's, and a bump touches only its user", async () => {
    const cache = new ResponseCache(redis, prefix, 300);
    const [ana, bob] = [randomUUID(), randomUUID()];
    const a = await cache.lookup(parts(ana));
    await cache.store(a.key, { me: { id: ana } }, 60);
    expect(dataOf(await cache.lookup(parts(bob)))).toBeNull();
    await bumpGenerations(redis, prefix, [bob]);
    expect(dataOf(await cache.lookup(parts(ana)))).toEqual({ me: { id: ana } });
  });

  it('lets an entry live no longer than the maximum TTL, whatever the hint', async () => {
    const cache = new ResponseCache(redis, prefix, 1);
    const user = randomUUID();
    const { key } = await cache.lookup(parts(user));
    await cache.store(key, { x: 1 }, 60);
    expect(dataOf(await cache.lookup(parts(user)))).toEqual({ x: 1 });
    await new Promise((r) => setTimeout(r, 1_300));
    expect(dataOf(await cache.lookup(parts(user)))).toBeNull();
  });

  it('keys entries by the supergraph: a new schema starts empty', async () => {
    const cache = new ResponseCache(redis, prefix, 300);
    const user = randomUUID();
    cache.setSchema('schema one');
    const { key } = await cache.lookup(parts(user));
    await cache.store(key, { x: 1 }, 60);
    expect(dataOf(await cache.lookup(parts(user)))).toEqual({ x: 1 });
    cache.setSchema('schema two');
    expect(dataOf(await cache.lookup(parts(user)))).toBeNull();
  });

  it('never reuses a generation after its key expired or was evicted', async () => {
    const cache = new ResponseCache(redis, prefix, 300);
    const user = randomUUID();
    const { key } = await cache.lookup(parts(user));
    await cache.store(key, { old: true }, 60);
    // Many bumps, then the generation key is lost: the restart is above every earlier value.
    for (let i = 0; i < 5; i++) await bumpGenerations(redis, prefix, [user]);
    await redis.del(generationKey(prefix, user));
    const again = await cache.lookup(parts(user));
    expect(dataOf(again)).toBeNull();
    expect(again.key).not.toBe(key);
  });
});

describe('helpers', () => {
  it('names the users of a job payload', () => {
    expect([...usersOfPayload({ userId: 'u1', events: [{ transaction: { userId: 'u2' } }, { userId: 'u3', transactions: [{ userId: 'u4' }] }] })].sort()).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(usersOfPayload({ reason: 'nightly' }).size).toBe(0);
  });

  it('writes JSON with sorted keys', () => {
    expect(stableJson({ b: [1, { d: 1, c: 2 }], a: null, u: undefined })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}');
  });
});
