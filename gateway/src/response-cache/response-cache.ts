import { createHash } from 'node:crypto';
import type { AuthRuntime } from '@centavo/auth-tokens';
import { registerCollectedCounters } from '@centavo/metrics';
import { bumpGenerations, generationKey, GENERATION_TTL_MS, LOOKUP_SCRIPT } from '@centavo/pubsub';

/**
 * What identifies one cached response of one user: the document (sha256 of its text, as Apollo's
 * queryHash), the operation name and variables as the client sent them, and the user's roles.
 */
export interface CacheKeyParts {
  userId: string;
  roles: readonly string[];
  queryHash: string;
  operationName: string | null;
  variables: Readonly<Record<string, unknown>> | undefined;
}

/** A lookup's outcome: the entry (the response's `data` as JSON) if cached, and where to store it otherwise. */
export interface Lookup {
  key: string;
  json: string | null;
}

export type CacheOutcome = 'hit' | 'miss' | 'store' | 'uncacheable' | 'invalidation' | 'error';
const counts: Record<CacheOutcome, number> = { hit: 0, miss: 0, store: 0, uncacheable: 0, invalidation: 0, error: 0 };

/** Counted in this process; `response_cache_total{result}` at /metrics reads them at scrape time. */
export function countCache(outcome: CacheOutcome): void {
  counts[outcome]++;
}
registerCollectedCounters(
  'response_cache_total',
  'Response cache: hit, miss (then store or uncacheable), invalidation (a mutation of the user), error (Redis failed: served uncached)',
  'result',
  () => ({ ...counts }),
);

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` name one entry. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(record[k])}`).join(',')}}`;
}

/**
 * Whole query responses per user in Redis, under the user's generation
 * (packages/pubsub/src/generations.ts): `<prefix>rc:{<user>}:<generation>:<hash>`. A read is
 * one round trip (a script returns the generation and the entry under it); every committed
 * change of the user bumps the generation, which strands every older entry at once.
 */
export class ResponseCache {
  // The supergraph in use: a new schema (a reload, a deploy) starts from an empty cache.
  private schemaId = '';

  constructor(
    private readonly redis: AuthRuntime['redis'],
    private readonly prefix: string,
    /** The longest any entry lives, whatever the hints say. */
    private readonly maxTtlSeconds: number,
  ) {}

  /** Called with every (re)loaded supergraph. */
  setSchema(supergraphSdl: string): void {
    this.schemaId = createHash('sha256').update(supergraphSdl).digest('base64url').slice(0, 16);
  }

  async lookup(parts: CacheKeyParts): Promise<Lookup> {
    const hash = createHash('sha256')
      .update(stableJson([this.schemaId, parts.queryHash, parts.operationName, [...parts.roles].sort(), parts.variables ?? {}]))
      .digest('base64url');
    const head = `${this.prefix}rc:{${parts.userId}}:`;
    const [generation, entry] = (await this.redis.eval(LOOKUP_SCRIPT, 1, generationKey(this.prefix, parts.userId), head, `:${hash}`, GENERATION_TTL_MS)) as [string, string | null | undefined];
    return { key: `${head}${generation}:${hash}`, json: entry ?? null };
  }

  /** Stores a response's data for `maxAgeSeconds` (bounded by the maximum TTL). */
  async store(key: string, data: Record<string, unknown>, maxAgeSeconds: number): Promise<void> {
    const ttl = Math.min(maxAgeSeconds, this.maxTtlSeconds);
    if (ttl <= 0) return;
    await this.redis.set(key, JSON.stringify(data), 'EX', ttl);
  }

  /** Strands every entry of the user: called after a mutation, before its response goes out. */
  async invalidate(userId: string): Promise<void> {
    await bumpGenerations(this.redis, this.prefix, [userId]);
  }
}
