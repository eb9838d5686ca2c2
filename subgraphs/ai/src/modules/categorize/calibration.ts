import { personalTokens } from '../categorization/user-priors.js';
import { categorize, type SlugPredictor } from './categorizer.js';
import { MerchantMemory, TokenPriors } from './memory.js';
import { normalizeCached } from './normalized-cache.js';
import { directionOf, type Slug } from './slugs.js';

/**
 * Calibration of the answers the user's corrections re-weighed (source "priors"): a blend of the
 * model with what the user taught about the line's words and chain has other odds at the same
 * confidence than the model alone. On the held-out training merchants replayed as users, blended
 * rows at 0.30-0.45 were right 4 times out of 5 while the model alone there was right 2 times in
 * 5, so the model's threshold left right answers uncategorized.
 */
export interface ReplayRow {
  description: string;
  amountMinor: bigint | number;
  slug: Slug;
  /** Orders a user's rows (ISO date); rows without one keep their order. */
  date?: string;
  /** Rows of one country replay as one user (a person's statements come from one country's banks). */
  country?: string;
}

export interface PriorsPoint {
  confidence: number;
  correct: boolean;
}

/**
 * Replays `rows` through `categorize` as users correcting every miss (the prequential rule) and
 * returns the top confidence and rightness of every row whose answer the user's priors re-weighed.
 * Rows answered by the user's merchant memory are not among them: an exact merchant is final.
 */
export function priorsCalibrationPoints(model: SlugPredictor, rows: readonly ReplayRow[]): PriorsPoint[] {
  const users = new Map<string, { row: ReplayRow; i: number }[]>();
  rows.forEach((row, i) => {
    const key = row.country ?? '';
    const list = users.get(key) ?? [];
    list.push({ row, i });
    users.set(key, list);
  });
  const points: PriorsPoint[] = [];
  for (const list of users.values()) {
    list.sort((a, b) => {
      const [x, y] = [a.row.date ?? '', b.row.date ?? ''];
      return x < y ? -1 : x > y ? 1 : a.i - b.i;
    });
    const memory = new MerchantMemory();
    const priors = new TokenPriors();
    const lookup = memory.asLookup();
    for (const { row } of list) {
      const result = categorize(
        { description: row.description, amountMinor: row.amountMinor, memory: lookup, priors: (direction, tokens) => priors.lookup(direction, tokens) },
        model,
      );
      const top = result.suggestions[0]?.slug;
      if (result.withPriors && top) points.push({ confidence: result.confidence, correct: top === row.slug });
      if (result.slug !== row.slug) {
        const n = normalizeCached(row.description);
        const direction = directionOf(typeof row.amountMinor === 'bigint' ? Number(row.amountMinor) : row.amountMinor);
        if (n.merchant) memory.record(n.merchant, direction, row.slug);
        priors.record(direction, personalTokens(n), row.slug);
      }
    }
  }
  return points;
}
