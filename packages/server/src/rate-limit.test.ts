import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { FixedWindowLimiter } from './rate-limit.js';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
afterAll(() => redis.quit());

const setup = () => {
  const prefix = `centavo-test:${Math.random()}:`;
  return { prefix, limiter: new FixedWindowLimiter(redis, prefix) };
};
const user = { bucket: 'user', id: 'u1', limit: 2 };
const ip = { bucket: 'ip', id: '127.0.0.1', limit: 1 };

describe('FixedWindowLimiter.hitUnlessRevoked', () => {
  it("counts a caller whose token is not listed in the caller's bucket, with the caller's limit", async () => {
    const { prefix, limiter } = setup();
    const now = Date.now();
    const hits = [];
    for (let i = 0; i < 3; i++) hits.push(await limiter.hitUnlessRevoked(`${prefix}denylist:j1`, user, ip, now));
    expect(hits.map((h) => [h.revoked, h.count, h.allowed])).toEqual([
      [false, 1, true],
      [false, 2, true],
      [false, 3, false],
    ]);
    // The same counter hit() uses: one window, one count, whichever call made it.
    expect((await limiter.hit('user', 'u1', 2, now)).count).toBe(4);
    expect((await limiter.hit('ip', '127.0.0.1', 1, now)).count).toBe(1);
    expect(await redis.pttl(`${prefix}ratelimit:user:u1:${Math.floor(now / 60_000)}`)).toBeGreaterThan(0);
  });

  it('counts a listed (logged-out) token in the fallback bucket, with its limit, and leaves the caller\'s count alone', async () => {
    const { prefix, limiter } = setup();
    await redis.set(`${prefix}denylist:j1`, '1', 'EX', 60);
    const now = Date.now();
    const first = await limiter.hitUnlessRevoked(`${prefix}denylist:j1`, user, ip, now);
    const second = await limiter.hitUnlessRevoked(`${prefix}denylist:j1`, user, ip, now);
    expect([first.revoked, first.count, first.allowed]).toEqual([true, 1, true]);
    expect([second.revoked, second.count, second.allowed]).toEqual([true, 2, false]);
    expect(second.retryAfter).toBeGreaterThanOrEqual(1);
    expect((await limiter.hit('user', 'u1', 2, now)).count).toBe(1);
    await redis.del(`${prefix}denylist:j1`, `${prefix}ratelimit:user:u1:${Math.floor(now / 60_000)}`, `${prefix}ratelimit:ip:127.0.0.1:${Math.floor(now / 60_000)}`);
  });
});
