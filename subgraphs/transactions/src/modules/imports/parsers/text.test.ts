import { describe, expect, it } from 'vitest';
import { fold } from './text.js';

// fold as it was before its ASCII shortcut: the Unicode path for every value.
const unicodeFold = (value: string): string =>
  value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

describe('fold', () => {
  it('gives printable ASCII the same form as the Unicode path, character by character and in descriptions', () => {
    const ascii = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
    for (const c of ascii) expect(fold(`A${c}b${c}`)).toBe(unicodeFold(`A${c}b${c}`));
    for (const value of ['UBER *TRIP 123', '  Pag*Joao  -- 12/03 ', 'NETFLIX.COM', '', '---', 'Opening Balance']) expect(fold(value)).toBe(unicodeFold(value));
  });

  it('takes accents off and keeps letters of other scripts', () => {
    expect(fold('PADARIA PÃO QUENTE – Açaí')).toBe('padaria pao quente acai');
    expect(fold('Überweisung\tMünchen')).toBe('uberweisung munchen');
    expect(fold('Καφές 2')).toBe('καφες 2');
  });
});
