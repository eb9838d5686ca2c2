import { DEFAULT_CATEGORIES, defaultCategoryId, type CategoryKind } from './index.js';
import type { KnownCategoryRow } from './read-model.js';

/** A category as another domain knows it: enough to check that an id is the user's. */
export interface KnownCategory {
  id: string;
  slug: string;
  kind: CategoryKind;
}

export interface CategoryDirectoryOptions {
  /** The domain's read model (filled by category events): the custom category with this id, whoever owns it, or null. */
  lookup(id: string): Promise<KnownCategoryRow | null>;
  /**
   * CATEGORY_SYNC_WAIT_MS: how long an unknown id is looked up again before it counts as not the
   * user's. A category created a moment ago reaches the read model through the budget outbox,
   * its relay and a job (milliseconds when all runs); the wait covers that gap, so a client can
   * use a category right after creating it.
   */
  waitMs: number;
  /** The first pause before looking again; each next pause doubles (a few lookups per wait, not one per tick). */
  pollMs?: number;
}

/** Which of a user's default categories an id is, if it is one (no lookup: the ids are derived). */
export function defaultCategoryOf(userId: string, id: string): KnownCategory | null {
  for (const c of DEFAULT_CATEGORIES) {
    if (defaultCategoryId(userId, c.slug) === id) return { id, slug: c.slug, kind: c.kind };
  }
  return null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Another domain's view of a user's categories, with no call to the budget domain: defaults by
 * their derived ids, custom categories from the domain's own read model.
 */
export class CategoryDirectory {
  constructor(private readonly options: CategoryDirectoryOptions) {}

  /** The user's category with this id, or null when it is not theirs (or does not exist). */
  async find(userId: string, id: string): Promise<KnownCategory | null> {
    const builtIn = defaultCategoryOf(userId, id);
    if (builtIn) return builtIn;
    const deadline = Date.now() + this.options.waitMs;
    // An id that never arrives (a typo, another user's id) costs about log2(wait / poll) lookups.
    // The lookup after the sleep that reaches the deadline is the last: a timer may fire a
    // millisecond before Date.now() says the deadline came, which asked once more for nothing.
    let last = false;
    for (let pause = this.options.pollMs ?? 25; ; pause *= 2) {
      const found = await this.options.lookup(id);
      // Another user's category answers at once: ids are unique, it will never be this user's.
      if (found) return found.userId === userId ? { id: found.id, slug: found.slug, kind: found.kind } : null;
      const left = deadline - Date.now();
      if (left <= 0 || last) return null;
      last = pause >= left;
      await sleep(Math.min(pause, left));
    }
  }
}
