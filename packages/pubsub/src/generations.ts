import type { Redis } from 'ioredis';

/**
 * A per-user generation number in Redis, part of every response-cache key of the user (the
 * gateway's gateway/src/response-cache). Bumping it after a committed change of the user's data
 * makes every entry cached before unreachable at once: one write, however many entries.
 *
 * Values start at Redis's clock in ms and only grow (max(current + 1, now)), so a generation
 * key that expired or was evicted starts again above any value it had: an old entry can never
 * become reachable again.
 */
export const generationKey = (prefix: string, userId: string): string => `${prefix}rc:{${userId}}:gen`;

/** How long a generation is kept after its last bump; entries live far shorter (RESPONSE_CACHE_MAX_TTL_SECONDS). */
export const GENERATION_TTL_MS = 7 * 24 * 3600 * 1000;

// Redis's Lua prints numbers with 14 significant digits: ms since 1970 (13 digits) stay exact.
const NOW_MS = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS: generation keys; ARGV[1]: their TTL in ms. Returns the new generation of the last key. */
export const BUMP_SCRIPT = `${NOW_MS}
local next = 0
for i, key in ipairs(KEYS) do
  local current = tonumber(redis.call('GET', key) or '0') or 0
  next = math.max(current + 1, now)
  redis.call('SET', key, string.format('%.0f', next), 'PX', ARGV[1])
end
return string.format('%.0f', next)`;

/** Bump, then PUBLISH: KEYS[1] the generation key; ARGV[1] TTL in ms, ARGV[2] channel, ARGV[3] message. */
export const BUMP_AND_PUBLISH_SCRIPT = `${NOW_MS}
local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
redis.call('SET', KEYS[1], string.format('%.0f', math.max(current + 1, now)), 'PX', ARGV[1])
return redis.call('PUBLISH', ARGV[2], ARGV[3])`;

/**
 * One round trip of a cached read: the user's generation (started at the clock when missing)
 * and the entry `ARGV[1] .. generation .. ARGV[2]` under it.
 * KEYS[1]: the generation key; ARGV[3]: its TTL in ms. Returns { generation, entry or nil }.
 */
export const LOOKUP_SCRIPT = `local gen = redis.call('GET', KEYS[1])
if not gen then
  ${NOW_MS}
  gen = string.format('%.0f', now)
  redis.call('SET', KEYS[1], gen, 'PX', ARGV[3])
end
return { gen, redis.call('GET', ARGV[1] .. gen .. ARGV[2]) }`;

/**
 * Marks the users' cached responses stale (one round trip for any number of users). Call it
 * after the change committed and before anyone is told of it (a response, an event).
 */
export async function bumpGenerations(redis: Redis, prefix: string, userIds: Iterable<string>): Promise<void> {
  const keys = [...new Set(userIds)].map((id) => generationKey(prefix, id));
  if (keys.length === 0) return;
  await redis.eval(BUMP_SCRIPT, keys.length, ...keys, GENERATION_TTL_MS);
}

/**
 * The users a job payload names: `userId` at the top, in `events[]` (an event group) and in
 * their `transaction`/`transactions[]`. Their data may have changed when such a job succeeds.
 */
export function usersOfPayload(payload: unknown): Set<string> {
  const users = new Set<string>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > 5 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    const record = value as Record<string, unknown>;
    if (typeof record.userId === 'string') users.add(record.userId);
    for (const child of ['events', 'transaction', 'transactions']) if (child in record) visit(record[child], depth + 1);
  };
  visit(payload, 0);
  return users;
}
