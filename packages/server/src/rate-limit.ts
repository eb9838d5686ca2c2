import { createHash } from 'node:crypto';
import type { AuthRuntime } from '@centavo/auth-tokens';

// The process's one Redis connection for tokens and counters.
type Redis = AuthRuntime['redis'];

export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the current window ends (when a refused caller may try again). */
  retryAfter: number;
  count: number;
}

/** Ids that are short and plain go into the key as they are; anything else (a 900 KB "email") as its hash. */
const keyPart = (id: string) => (/^[\w.:@+-]{1,64}$/.test(id) ? id : createHash('sha256').update(id).digest('base64url'));

// KEYS: the denylist entry, the caller's counter, the fallback counter; ARGV: the window in ms.
const HIT_UNLESS_REVOKED = `local revoked = redis.call('EXISTS', KEYS[1])
local key = KEYS[2]
if revoked == 1 then key = KEYS[3] end
local count = redis.call('INCR', key)
redis.call('PEXPIRE', key, ARGV[1])
return { revoked, count }`;

/**
 * Fixed-window counters in Redis: one INCR per request on a key named after the window, so
 * every process shares the count and old windows expire on their own.
 */
export class FixedWindowLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly windowMs = 60_000,
  ) {}

  async hit(bucket: string, id: string, limit: number, now = Date.now()): Promise<RateLimitResult> {
    const window = Math.floor(now / this.windowMs);
    const key = this.key(bucket, id, window);
    const results = await this.redis.multi().incr(key).pexpire(key, this.windowMs).exec();
    return this.result(Number(results?.[0]?.[1] ?? 0), limit, window, now);
  }

  /**
   * A signed-in caller's hit and its token's logout-denylist check in one round trip: when
   * `revokedKey` exists the request counts in `fallback`'s bucket (as a caller without a valid
   * token), else in `caller`'s, exactly as verify() and then hit() would count it.
   */
  async hitUnlessRevoked(
    revokedKey: string,
    caller: { bucket: string; id: string; limit: number },
    fallback: { bucket: string; id: string; limit: number },
    now = Date.now(),
  ): Promise<RateLimitResult & { revoked: boolean }> {
    const window = Math.floor(now / this.windowMs);
    const [revoked, count] = (await this.redis.eval(
      HIT_UNLESS_REVOKED,
      3,
      revokedKey,
      this.key(caller.bucket, caller.id, window),
      this.key(fallback.bucket, fallback.id, window),
      this.windowMs,
    )) as [number, number];
    const limit = revoked === 1 ? fallback.limit : caller.limit;
    return { ...this.result(Number(count), limit, window, now), revoked: revoked === 1 };
  }

  private key(bucket: string, id: string, window: number): string {
    return `${this.prefix}ratelimit:${bucket}:${keyPart(id)}:${window}`;
  }

  private result(count: number, limit: number, window: number, now: number): RateLimitResult {
    const retryAfter = Math.max(1, Math.ceil(((window + 1) * this.windowMs - now) / 1000));
    return { allowed: count <= limit, retryAfter, count };
  }
}
