import { createRequire } from 'node:module';

// ioredis is a dependency of @centavo/testing; borrowed from there instead of adding one to bench.
const requireFromTesting = createRequire(new URL('../../packages/testing/package.json', import.meta.url));
/** The few ioredis calls used here (its types do not resolve from bench/). */
interface RedisClient {
  scan(cursor: string, match: 'MATCH', pattern: string, count: 'COUNT', n: number): Promise<[string, string[]]>;
  del(...keys: string[]): Promise<number>;
  quit(): Promise<unknown>;
}
const { Redis } = requireFromTesting('ioredis') as { Redis: new (url: string) => RedisClient };

/** Deletes every key under a prefix (a run's queues, limits and denylist), as the test systems do. */
export async function deletePrefix(prefix: string, url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'): Promise<number> {
  const redis = new Redis(url);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) deleted += await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
  return deleted;
}
