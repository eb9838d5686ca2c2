import { describe, expect, it } from 'vitest';
import { priorsCalibrationPoints, type ReplayRow } from './calibration.js';
import type { SlugPredictor } from './categorizer.js';
import type { Suggestion } from './model.js';
import { allowedSlugs } from './slugs.js';

/** A model unsure of every line: shopping 0.3, groceries 0.05, the rest spread evenly. */
const unsure: SlugPredictor = {
  version: 'stub-unsure',
  acceptAt: 0.5,
  predict(_description: string, amountMinor: bigint | number): Suggestion[] {
    const allowed = allowedSlugs(Number(amountMinor));
    const given: Record<string, number> = amountMinor < 0 ? { shopping: 0.3, groceries: 0.05 } : {};
    const left = 1 - Object.values(given).reduce((a, b) => a + b, 0);
    const rest = allowed.filter((s) => given[s] === undefined);
    return [...Object.entries(given).map(([slug, confidence]) => ({ slug, confidence }) as Suggestion), ...rest.map((slug) => ({ slug, confidence: left / rest.length }))].sort(
      (a, b) => b.confidence - a.confidence,
    );
  },
  explain: (_d, _a, slug) => `model: tokens '${slug}'`,
};

describe('priorsCalibrationPoints', () => {
  it("replays each country's rows as one user in date order and scores only the answers the user's corrections re-weighed", () => {
    const rows: ReplayRow[] = [
      // Listed first, dated after the correction that teaches its chain.
      { description: 'Card Purchase MEGAMART Eastside Sandton', amountMinor: -5000, slug: 'groceries', date: '2024-01-02', country: 'ZA' },
      { description: 'POS Purchase MEGAMART Northgate * 24 Aug', amountMinor: -12000, slug: 'groceries', date: '2024-01-01', country: 'ZA' },
      // The corrected merchant again: the user's memory answers it, not a blend.
      { description: 'POS Purchase MEGAMART Northgate * 24 Aug', amountMinor: -9000, slug: 'groceries', date: '2024-01-03', country: 'ZA' },
      // Another user: the ZA correction teaches nothing here.
      { description: 'MEGAMART EASTSIDE', amountMinor: -5000, slug: 'groceries', date: '2024-01-04', country: 'BR' },
    ];
    const points = priorsCalibrationPoints(unsure, rows);
    expect(points).toHaveLength(1);
    expect(points[0]!.correct).toBe(true);
    expect(points[0]!.confidence).toBeGreaterThan(0.3);
  });

  it('counts a re-weighed answer the user then files elsewhere as wrong', () => {
    const points = priorsCalibrationPoints(unsure, [
      { description: 'POS Purchase MEGAMART Northgate * 24 Aug', amountMinor: -12000, slug: 'groceries' },
      { description: 'Card Purchase MEGAMART Eastside Sandton', amountMinor: -5000, slug: 'home' },
    ]);
    expect(points).toEqual([{ confidence: expect.any(Number), correct: false }]);
  });
});
