import { describe, expect, it } from 'vitest';
import { partsOf, splitParts, tagIndexOf } from './splits.js';
import { MAX_TAG_LENGTH, normalizeTag, normalizeTags } from '@centavo/server';

const field = (name: string) => expect.objectContaining({ code: 'BAD_USER_INPUT', field: name });
const CAT = '0f0e0d0c-0000-4000-8000-000000000001';
let n = 0;
const newId = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
const row = { amountMinor: -10_000n, currency: 'BRL' };

describe('tags', () => {
  it('normalizes: trimmed, inner spaces collapsed, lower case, NFC, merged and sorted', () => {
    expect(normalizeTag('  Road   Trip ', 'tags')).toBe('road trip');
    expect(normalizeTag('Cafe\u0301', 'tags')).toBe('café');
    expect(normalizeTags(['Work', 'work ', 'AB-1', 'férias'], 'tags')).toEqual(['ab-1', 'férias', 'work']);
  });

  it('refuses empty, long, control, zero-width, bidi and symbol-only tags, and too many', () => {
    for (const bad of ['', '   ', 'a'.repeat(MAX_TAG_LENGTH + 1), 'a\u0000b', 'a\u200bb', 'a\u202eb', '<script>', '💸', '-x', 'x-']) {
      expect(() => normalizeTag(bad, 'tags')).toThrow(field('tags'));
    }
    expect(normalizeTag('a'.repeat(MAX_TAG_LENGTH), 'tags')).toHaveLength(MAX_TAG_LENGTH);
    expect(() => normalizeTags(Array.from({ length: 21 }, (_, i) => `t${i}`), 'tags')).toThrow(field('tags'));
    expect(() => normalizeTags(Array.from({ length: 100_000 }, () => 'same'), 'tags')).toThrow(field('tags'));
  });
});

describe('splitParts', () => {
  it('keeps exact amounts that sum to the row, with notes and tags', () => {
    const parts = splitParts(
      [
        { amount: '-60.00', categoryId: CAT, note: ' food ', tags: ['Home'] },
        { amount: '-40', categoryId: CAT },
      ],
      row,
      newId,
    );
    expect(parts.map((p) => [p.amountMinor, p.note, p.tags])).toEqual([['-6000', 'food', ['home']], ['-4000', null, []]]);
    expect(tagIndexOf(['trip'], parts)).toEqual(['home', 'trip']);
    expect(partsOf(parts)).toBe(parts);
    expect(partsOf(null)).toBeNull();
  });

  it('says which field is wrong: a sum one cent off, a zero or bad amount, one part, too many', () => {
    expect(() => splitParts([{ amount: '-60.00', categoryId: CAT }, { amount: '-39.99', categoryId: CAT }], row, newId)).toThrow(field('parts'));
    expect(() => splitParts([{ amount: '-100.00', categoryId: CAT }, { amount: '0', categoryId: CAT }], row, newId)).toThrow(field('parts.1.amount'));
    expect(() => splitParts([{ amount: '-1.001', categoryId: CAT }, { amount: '-98.999', categoryId: CAT }], row, newId)).toThrow(field('parts.0.amount'));
    expect(() => splitParts([{ amount: '-100.00', categoryId: CAT }], row, newId)).toThrow(field('parts'));
    expect(() => splitParts(Array.from({ length: 51 }, () => ({ amount: '-1', categoryId: CAT })), row, newId)).toThrow(field('parts'));
  });
});
