import type { Direction, Slug } from './slugs.js';

/**
 * What one user taught the categorizer: merchant → the slug they last chose for it. Kept per
 * direction, because the same merchant means different things each way (UBER out is transport,
 * UBER in is a refund). The newest choice wins; `count` says how many times in a row it was made.
 * Pure and in-memory: the service persists its own copy, evaluation replays corrections here.
 */
export interface MemoryEntry {
  /** The merchant as recorded (differs from the looked-up name on a truncated match). */
  merchant: string;
  slug: Slug;
  /** Consecutive confirmations of `slug` (reset to 1 when the user changes their mind). */
  count: number;
  /** Every time the merchant was recorded in this direction, whatever the slug. */
  seen: number;
}

/** What a memory lookup tells the categorizer; the service may know a category id instead of a slug. */
export interface MemoryHit {
  /** The remembered merchant, when it is not exactly the name looked up. */
  merchant?: string;
  slug?: Slug | null;
  categoryId?: string | null;
  count: number;
}

/**
 * Card terminals cut names at 22 or 25 characters ("SUPERMERCADO SAO JO"), so a name that is a
 * long enough prefix of a remembered one (or the other way round) is the same merchant.
 */
const TRUNCATION_MIN = 16;

export class MerchantMemory {
  private readonly entries = new Map<string, MemoryEntry>();
  /** direction + first TRUNCATION_MIN characters → keys, for truncated-name lookups. */
  private readonly byStem = new Map<string, string[]>();

  private static key(merchant: string, direction: Direction): string {
    return `${direction}\u0000${merchant}`;
  }

  private static stem(merchant: string, direction: Direction): string | null {
    return merchant.length >= TRUNCATION_MIN ? `${direction}\u0000${merchant.slice(0, TRUNCATION_MIN)}` : null;
  }

  /** Records the user's (or evaluation's) final slug for a merchant and returns the updated entry. */
  record(merchant: string, direction: Direction, slug: Slug): MemoryEntry {
    const key = MerchantMemory.key(merchant, direction);
    const prev = this.entries.get(key);
    const next: MemoryEntry = prev
      ? { merchant, slug, count: prev.slug === slug ? prev.count + 1 : 1, seen: prev.seen + 1 }
      : { merchant, slug, count: 1, seen: 1 };
    this.entries.set(key, next);
    const stem = MerchantMemory.stem(merchant, direction);
    if (!prev && stem) {
      const keys = this.byStem.get(stem);
      if (keys) keys.push(key);
      else this.byStem.set(stem, [key]);
    }
    return next;
  }

  /** The exact merchant's entry, else the most recent one it is a truncation of (or vice versa). */
  lookup(merchant: string, direction: Direction): MemoryEntry | null {
    const exact = this.entries.get(MerchantMemory.key(merchant, direction));
    if (exact) return exact;
    const stem = MerchantMemory.stem(merchant, direction);
    const keys = stem ? this.byStem.get(stem) : undefined;
    if (!keys) return null;
    for (let i = keys.length - 1; i >= 0; i--) {
      const entry = this.entries.get(keys[i]!);
      if (entry && (entry.merchant.startsWith(merchant) || merchant.startsWith(entry.merchant))) return entry;
    }
    return null;
  }

  /** Only the exact merchant's entry. */
  lookupExact(merchant: string, direction: Direction): MemoryEntry | null {
    return this.entries.get(MerchantMemory.key(merchant, direction)) ?? null;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The function shape `categorize` takes. */
  asLookup(): (merchant: string, direction: Direction) => MemoryHit | null {
    return (merchant, direction) => this.lookup(merchant, direction);
  }
}

/**
 * The user's token priors (user-priors.ts) kept in memory, as the service keeps them in
 * user_token_priors: per direction, token and slug, how many corrections taught it.
 */
export class TokenPriors {
  private readonly counts = new Map<string, Map<Slug, number>>();

  record(direction: Direction, tokens: readonly string[], slug: Slug): void {
    for (const token of new Set(tokens)) {
      const key = `${direction}\u0000${token}`;
      const m = this.counts.get(key) ?? new Map<Slug, number>();
      m.set(slug, (m.get(slug) ?? 0) + 1);
      this.counts.set(key, m);
    }
  }

  lookup(direction: Direction, tokens: readonly string[]): { token: string; categoryId: string; count: number }[] {
    const out: { token: string; categoryId: string; count: number }[] = [];
    for (const token of tokens) {
      const m = this.counts.get(`${direction}\u0000${token}`);
      if (m) for (const [slug, count] of m) out.push({ token, categoryId: slug, count });
    }
    return out;
  }
}

/** e.g. "merchant IFOOD seen 3 times as restaurants". */
export function explainMemory(merchant: string, hit: MemoryHit): string {
  const what = hit.slug ?? (hit.categoryId ? `category ${hit.categoryId}` : 'the same category');
  const name = hit.merchant && hit.merchant !== merchant ? `${merchant} (as ${hit.merchant})` : merchant;
  return `merchant ${name} seen ${hit.count} ${hit.count === 1 ? 'time' : 'times'} as ${what}`;
}

/** Confidence grows with repeated confirmations: 0.9 after one, 0.97 after five, capped at 0.99. */
export function memoryConfidence(count: number): number {
  return Math.min(0.99, 1 - 0.1 / Math.max(1, count) ** 0.75);
}
