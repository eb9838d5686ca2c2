import { describe, expect, it } from 'vitest';
import { categorize } from './categorizer.js';
import { datasetModel } from '../training/model-artifact.js';
import { ZA_LINES } from './za-lines.js';

/**
 * Hand-written South African lines (never trained on): the shapes issue 12's real statements are
 * weighted to. A sanity bar on top of `pnpm eval:categorize`'s held-out scores.
 */
describe('South African bank lines', () => {
  const model = datasetModel();
  const results = ZA_LINES.map(([description, amountMinor, slug]) => ({ description, slug, result: categorize({ description, amountMinor }, model) }));

  it('gets at least 90% of them right at top-1', () => {
    const wrong = results.filter((r) => r.result.suggestions[0]?.slug !== r.slug).map((r) => `${r.description} -> ${r.result.suggestions[0]?.slug}`);
    expect((results.length - wrong.length) / results.length, wrong.join('\n')).toBeGreaterThanOrEqual(0.9);
  });

  it('reads every bank fee line as a fee', () => {
    for (const r of results.filter((x) => x.slug === 'fees')) expect(r.result.suggestions[0]?.slug, r.description).toBe('fees');
  });
});
