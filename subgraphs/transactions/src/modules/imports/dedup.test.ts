import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyRows, notYetPresent, presentCounts, RowKeyer } from './dedup.js';
import type { ParsedRow } from './parsers/types.js';

const row = (description: string, externalId: string | null = null, date = '2026-11-02', amountMinor = -450n): ParsedRow => ({
  line: 1, date, amountMinor, description, externalId,
});

describe('de-duplication keys', () => {
  it('numbers identical rows of a file (accents, case and spacing aside) and keys them apart', () => {
    const keyed = keyRows([row('Café  Central'), row('CAFE CENTRAL'), row('Cafe Central', null, '2026-11-03')]);
    expect(keyed.map((r) => r.occurrence)).toEqual([1, 2, 1]);
    expect(new Set(keyed.map((r) => r.importKey)).size).toBe(3);
    expect(keyRows([row('Café Central')])[0]?.importKey).toBe(keyed[0]?.importKey);
  });

  it('keeps the rows beyond what the account has: two coffees in the file, one entered by hand, one new', () => {
    const keyed = keyRows([row('Coffee'), row('Coffee'), row('Bread')]);
    const present = presentCounts([{ date: '2026-11-02', amountMinor: -450n, description: 'coffee' }]);
    expect(notYetPresent(keyed, present).map((r) => [r.description, r.occurrence])).toEqual([
      ['Coffee', 2],
      ['Bread', 1],
    ]);
  });

  it('leaves rows with a bank id to the unique index', () => {
    const keyed = keyRows([row('Coffee', 'FIT-1')]);
    expect(keyed[0]?.importKey).toBeNull();
    expect(notYetPresent(keyed, presentCounts([{ date: '2026-11-02', amountMinor: -450n, description: 'Coffee' }]))).toHaveLength(1);
  });
});

describe('RowKeyer', () => {
  it('keys a file row by row as keyRows keys it whole, so a resumed run that keys the skipped rows again matches', () => {
    const rows = [row('Coffee'), row('Bread'), row('COFFEE'), row('Coffee', 'FIT-9'), row('coffee')];
    const keyer = new RowKeyer();
    expect(rows.map((r) => keyer.key(r))).toEqual(keyRows(rows));
    expect(keyRows(rows).map((r) => r.occurrence)).toEqual([1, 1, 2, 3, 4]);
  });

  it('keeps the import keys rows were stored with (a file imported before is still a duplicate)', () => {
    const sha = (text: string) => createHash('sha256').update(text).digest('base64url');
    const keyed = keyRows([row('Café  Central'), row('CAFE CENTRAL')]);
    expect(keyed.map((r) => r.importKey)).toEqual([sha('2026-11-02|-450|cafe central#1'), sha('2026-11-02|-450|cafe central#2')]);
  });
});
