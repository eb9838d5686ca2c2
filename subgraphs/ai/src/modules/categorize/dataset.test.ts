import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AMBIGUOUS_WORDS_FILE, generateDataset } from '../../../data/generate-dataset.js';
import { DATASET_PATH, decimalToMinor, loadDataset, parseDataset } from './dataset.js';
import { normalizeDescription } from './normalize.js';
import { isAllowed, SLUGS } from './slugs.js';

describe('the committed dataset', () => {
  const rows = loadDataset();

  // Generating 21k rows takes seconds; under the full suite's load on two cores, more than 30.
  it('is what the seeded generator writes, byte for byte, and so is the list of ambiguous words', { timeout: 180_000 }, () => {
    const generated = generateDataset();
    expect(generated.tsv).toBe(readFileSync(DATASET_PATH, 'utf8'));
    expect(generated.ambiguousWordsModule).toBe(readFileSync(AMBIGUOUS_WORDS_FILE, 'utf8'));
  });

  it('is small enough to commit and large enough to learn from', () => {
    // Twelve countries' statements since German, French, Spanish, Italian and Dutch ones came (~2.7 MB).
    expect(statSync(DATASET_PATH).size).toBeLessThan(3_000_000);
    expect(rows.length).toBeGreaterThanOrEqual(15_000);
    expect(rows.length).toBeLessThanOrEqual(40_000);
  });

  it('covers every slug in both splits', () => {
    for (const split of ['train', 'test'] as const) {
      const seen = new Set(rows.filter((r) => r.split === split).map((r) => r.slug));
      expect([...SLUGS].filter((s) => !seen.has(s))).toEqual([]);
    }
  });

  it('splits by merchant: no test merchant is ever seen in training', () => {
    const merchant = (d: string): string => {
      const n = normalizeDescription(d);
      return n.merchant ?? n.normalized;
    };
    const train = new Set(rows.filter((r) => r.split === 'train').map((r) => merchant(r.description)));
    const leaked = rows.filter((r) => r.split === 'test' && train.has(merchant(r.description)));
    expect(leaked.map((r) => r.description)).toEqual([]);
    const testShare = rows.filter((r) => r.split === 'test').length / rows.length;
    expect(testShare).toBeGreaterThan(0.18);
    expect(testShare).toBeLessThan(0.32);
  });

  it('signs amounts sensibly: expenses out, income in, gambling both ways', () => {
    expect(rows.filter((r) => !isAllowed(r.slug, r.amountMinor)).map((r) => `${r.description} ${r.amountMinor} ${r.slug}`)).toEqual([]);
    const gambling = rows.filter((r) => r.slug === 'gambling');
    expect(gambling.some((r) => r.amountMinor > 0)).toBe(true);
    expect(gambling.some((r) => r.amountMinor < 0)).toBe(true);
    expect(rows.filter((r) => r.slug === 'refunds').every((r) => r.amountMinor > 0)).toBe(true);
  });

  it('parses amounts exactly and rejects malformed lines', () => {
    expect(decimalToMinor('-45.90')).toBe(-4590);
    expect(decimalToMinor('0.29')).toBe(29);
    expect(decimalToMinor('1200')).toBe(120000);
    expect(() => parseDataset('description\tamount\tslug\tdate\tsplit\nX\t1.00\tnot_a_slug\t2024-01-01\ttrain\n')).toThrow(/malformed/);
  });
});
