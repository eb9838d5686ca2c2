import { describe, expect, it } from 'vitest';
import { loadDataset } from './dataset.js';
import { evaluate } from './evaluate.js';
import { datasetModel } from '../training/model-artifact.js';
import type { SlugPredictor } from './categorizer.js';
import type { LabelledRow } from './dataset.js';
import { allowedSlugs, SLUGS } from './slugs.js';

/**
 * Floors on the held-out merchants. The dataset and training are deterministic, so these are
 * regressions, not flakes: a change to the normalizer, features or data that drops below them
 * made the categorizer worse on merchants it has never seen.
 */
describe('categorizer evaluation on held-out merchants', () => {
  it('cold start (dictionary + model) gets at least 94% right', () => {
    const r = evaluate('cold');
    expect(r.rows).toBeGreaterThan(1000);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.94);
    expect(r.macroF1).toBeGreaterThanOrEqual(0.93);
    expect(r.perSlug.map((s) => s.slug).sort()).toEqual([...SLUGS].sort());
    expect(r.bySource.MEMORY.rows).toBe(0);
    expect(r.afterFirstCorrection).toBeNull();
  });

  it('with every miss corrected in date order gets at least 95% answered right, and a corrected merchant is never wrong again', () => {
    const r = evaluate('prequential');
    // Answered right: a row left uncategorized is a miss, as the user sees it.
    expect(r.answeredAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(r.uncategorizedShare).toBeLessThan(0.05);
    expect(r.bySource.MEMORY.rows).toBeGreaterThan(0);
    expect(r.afterFirstCorrection?.rows).toBeGreaterThan(50);
    expect(r.afterFirstCorrection?.accuracy).toBe(1);
  });

  it('per country, corrections never make things worse than the cold start, and every country is in the held-out split', () => {
    const model = datasetModel();
    const test = loadDataset().filter((r) => r.split === 'test');
    const countries = [...new Set(test.map((r) => r.country))].sort();
    expect(countries).toEqual(['AU', 'BR', 'DE', 'ES', 'FR', 'GB', 'IE', 'IN', 'IT', 'NL', 'US', 'ZA']);
    for (const country of countries) {
      const rows = test.filter((r) => r.country === country);
      const cold = evaluate('cold', { model, rows });
      const preq = evaluate('prequential', { model, rows });
      expect(rows.length, country).toBeGreaterThan(100);
      expect(cold.accuracy, country).toBeGreaterThanOrEqual(0.9);
      // Like for like: both count an uncategorized row as a miss. (Against cold's top-1, which
      // counts the top suggestion of an uncategorized row, IE is three rows short today: four
      // merchants' only lines whose right top suggestion (0.19-0.41) sits in bands the held-out
      // training merchants show mostly wrong, so the threshold rule of issue 12 leaves them empty.)
      expect(preq.answeredAccuracy, country).toBeGreaterThanOrEqual(cold.answeredAccuracy);
      // Row by row: no row the cold start answered right is answered wrong once the user has corrected others.
      expect(preq.worseThanCold, country).toBe(0);
    }
  });

  it('counts the rows left uncategorized and how many of them had a right top suggestion, by whose confidence was judged', () => {
    // Always 'groceries' at 0.4, below a threshold of 0.5: every row stays uncategorized.
    const unsure: SlugPredictor = {
      version: 'stub-unsure',
      acceptAt: 0.5,
      predict: (_d, amount) => allowedSlugs(Number(amount)).map((slug) => ({ slug, confidence: slug === 'groceries' ? 0.4 : 0.6 / (allowedSlugs(Number(amount)).length - 1) })),
      explain: (_d, _a, slug) => `model: tokens '${slug}'`,
    };
    const row = (description: string, slug: LabelledRow['slug'], date: string): LabelledRow => ({ description, amountMinor: -1200, slug, date, split: 'test', country: 'ZA' });
    const rows = [row('KOTA KING', 'restaurants', '2024-01-01'), row('MEGAMART NORTHGATE', 'groceries', '2024-01-02'), row('MEGAMART EASTSIDE', 'groceries', '2024-01-03')];
    const cold = evaluate('cold', { model: unsure, rows });
    expect(cold.uncategorized).toEqual({ MODEL: { rows: 3, topRight: 2 }, PRIORS: { rows: 0, topRight: 0 } });
    expect(cold.uncategorizedShare).toBe(1);
    // With corrections, the corrected chain lifts its next branch above the threshold.
    expect(evaluate('prequential', { model: unsure, rows }).uncategorized.MODEL).toEqual({ rows: 2, topRight: 1 });
  });
});
