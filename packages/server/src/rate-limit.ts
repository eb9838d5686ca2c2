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
    const key = `${this.prefix}ratelimit:${bucket}:${keyPart(id)}:${window}`;
    const results = await this.redis.multi().incr(key).pexpire(key, this.windowMs).exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    const retryAfter = Math.max(1, Math.ceil(((window + 1) * this.windowMs - now) / 1000));
    return { allowed: count <= limit, retryAfter, count };
  }
}
