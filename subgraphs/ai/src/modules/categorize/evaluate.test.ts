import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.js';
import { SLUGS } from './slugs.js';

/**
 * Floors on the held-out merchants. The dataset and training are deterministic, so these are
 * regressions, not flakes: a change to the normalizer, features or data that drops below them
 * made the categorizer worse on merchants it has never seen.
 */
describe('categorizer evaluation on held-out merchants', () => {
  it('cold start (dictionary + model) gets at least 85% right', () => {
    const r = evaluate('cold');
    expect(r.rows).toBeGreaterThan(1000);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.85);
    expect(r.macroF1).toBeGreaterThanOrEqual(0.8);
    expect(r.perSlug.map((s) => s.slug).sort()).toEqual([...SLUGS].sort());
    expect(r.bySource.MEMORY.rows).toBe(0);
    expect(r.afterFirstCorrection).toBeNull();
  });

  it('with corrections replayed in date order gets at least 95% right, and a corrected merchant is never wrong again', () => {
    const r = evaluate('prequential');
    expect(r.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(r.bySource.MEMORY.rows).toBeGreaterThan(0);
    expect(r.afterFirstCorrection?.rows).toBeGreaterThan(500);
    expect(r.afterFirstCorrection?.accuracy).toBe(1);
  });
});
