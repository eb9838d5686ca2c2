import { DomainError } from '@centavo/errors';
import { ByteLru, stringBytes } from './byte-lru.js';

export { ByteLru, stringBytes } from './byte-lru.js';

/**
 * Other domains' view of a user's categories, read from the budget subgraph's public API
 * with the caller's own token: no domain reads the budget domain's tables.
 * Categories are never deleted, so a short per-user cache is safe; a miss refetches once.
 */
export type CategoryKind = 'EXPENSE' | 'INCOME' | 'TRANSFER';

export interface CategoryInfo {
  id: string;
  slug: string;
  kind: CategoryKind;
}

interface Cached {
  at: number;
  categories: CategoryInfo[];
}

/** Default memory for cached category lists: about 8 MiB, some thousands of users. */
export const CATEGORY_CACHE_MAX_BYTES = 8 * 1024 * 1024;

/** Estimated heap bytes of one user's cached list (a user may have hundreds of categories). */
function cachedBytes(userId: string, categories: readonly CategoryInfo[]): number {
  let bytes = 64 + stringBytes(userId);
  for (const c of categories) bytes += 48 + stringBytes(c.id) + stringBytes(c.slug) + stringBytes(c.kind);
  return bytes;
}

export class BudgetCategories {
  private readonly cache: ByteLru<string, Cached>;

  constructor(
    private readonly budgetUrl: string,
    private readonly options: { ttlMs?: number; timeoutMs?: number; maxBytes?: number } = {},
  ) {
    this.cache = new ByteLru(options.maxBytes ?? CATEGORY_CACHE_MAX_BYTES);
  }

  /** What the cache holds now (users and estimated bytes), for tests and diagnostics. */
  get cacheStats(): { users: number; bytes: number; maxBytes: number } {
    return { users: this.cache.size, bytes: this.cache.bytes, maxBytes: this.cache.maxBytes };
  }

  /** The user's categories (the budget domain creates the defaults on first use). */
  async list(caller: { id: string; token: string }, requestId?: string, fresh = false): Promise<CategoryInfo[]> {
    const cached = this.cache.get(caller.id);
    if (!fresh && cached && Date.now() - cached.at < (this.options.ttlMs ?? 60_000)) return cached.categories;
    const categories = await this.fetch(caller.token, requestId);
    this.cache.set(caller.id, { at: Date.now(), categories }, cachedBytes(caller.id, categories));
    return categories;
  }

  /** One of the user's categories by id, or null when it is not theirs (or does not exist). */
  async find(caller: { id: string; token: string }, id: string, requestId?: string): Promise<CategoryInfo | null> {
    const hit = (await this.list(caller, requestId)).find((c) => c.id === id);
    if (hit) return hit;
    return (await this.list(caller, requestId, true)).find((c) => c.id === id) ?? null;
  }

  async bySlug(caller: { id: string; token: string }, slug: string, requestId?: string): Promise<CategoryInfo | null> {
    return (await this.list(caller, requestId)).find((c) => c.slug === slug) ?? null;
  }

  /** The budget domain down, slow or failing: the caller's request cannot be checked now. */
  private async fetch(token: string, requestId?: string): Promise<CategoryInfo[]> {
    const unavailable = (why: string) => new DomainError('SERVICE_UNAVAILABLE', `The budget service is unavailable (${why}); try again shortly`);
    const response = await fetch(this.budgetUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        ...(requestId ? { 'x-request-id': requestId } : {}),
      },
      body: JSON.stringify({ query: '{ categories { id slug kind } }' }),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 3_000),
    }).catch((error: Error) => {
      throw unavailable(error.name === 'TimeoutError' ? 'no answer in time' : 'unreachable');
    });
    const body = (await response.json().catch(() => ({}))) as {
      data?: { categories?: CategoryInfo[] };
      errors?: { message: string }[];
    };
    if (response.status >= 500) throw unavailable(`HTTP ${response.status}`);
    if (!response.ok || body.errors?.length || !body.data?.categories) {
      throw new Error(`budget subgraph: HTTP ${response.status} ${body.errors?.[0]?.message ?? ''}`.trim());
    }
    return body.data.categories;
  }
}
