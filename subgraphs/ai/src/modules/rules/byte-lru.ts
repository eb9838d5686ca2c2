/**
 * A least-recently-used cache bounded by the bytes its entries take, not by their count: one
 * user's 500 categories or one 500-instruction regex must not weigh as much as a tiny entry.
 * Sizes are the caller's estimates; an entry larger than the whole budget is not kept.
 */
export class ByteLru<K, V> {
  // A Map iterates in insertion order: re-inserting on use keeps the oldest first.
  private readonly entries = new Map<K, { value: V; bytes: number }>();
  private used = 0;

  constructor(readonly maxBytes: number) {
    if (!(maxBytes >= 0)) throw new RangeError('maxBytes must not be negative');
  }

  /** The value, now the most recently used; undefined when absent. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Stores (or replaces) an entry of `bytes`, then evicts the least recently used until within budget. */
  set(key: K, value: V, bytes: number): void {
    this.delete(key);
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, bytes });
    this.used += bytes;
    this.evict();
  }

  /** A kept entry grew or shrank (a regex's DFA fills as it matches). */
  resize(key: K, bytes: number): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    if (bytes > this.maxBytes) {
      this.delete(key);
      return;
    }
    this.used += bytes - entry.bytes;
    entry.bytes = bytes;
    this.evict(key);
  }

  delete(key: K): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.used -= entry.bytes;
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The estimated bytes of every entry kept. */
  get bytes(): number {
    return this.used;
  }

  /** Evicts oldest first; `keep` (the entry being resized) goes last, only if alone it is too big. */
  private evict(keep?: K): void {
    for (const [key, entry] of this.entries) {
      if (this.used <= this.maxBytes) return;
      if (key === keep) continue;
      this.entries.delete(key);
      this.used -= entry.bytes;
    }
  }
}

/** Rough heap bytes of a string (UTF-16, plus the object header). */
export const stringBytes = (s: string): number => 32 + 2 * s.length;
