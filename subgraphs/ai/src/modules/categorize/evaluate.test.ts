import { describe, expect, it } from 'vitest';
import { loadDataset } from './dataset.js';
import { evaluate } from './evaluate.js';
import { datasetModel } from '../training/model-artifact.js';
import { SLUGS } from './slugs.js';

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
      // counts the top suggestion of an uncategorized row, IE and IN are one row short each today:
      // a merchant's only line, its right top suggestion below the calibrated threshold; issue 12.)
      expect(preq.answeredAccuracy, country).toBeGreaterThanOrEqual(cold.answeredAccuracy);
      // Row by row: no row the cold start answered right is answered wrong once the user has corrected others.
      expect(preq.worseThanCold, country).toBe(0);
    }
  });
});
