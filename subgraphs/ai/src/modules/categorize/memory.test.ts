import { describe, expect, it } from 'vitest';
import { explainMemory, memoryConfidence, MerchantMemory } from './memory.js';

describe('MerchantMemory', () => {
  it('counts confirmations and lets the newest choice win', () => {
    const m = new MerchantMemory();
    m.record('IFOOD', 'out', 'restaurants');
    m.record('IFOOD', 'out', 'restaurants');
    expect(m.record('IFOOD', 'out', 'restaurants')).toEqual({ merchant: 'IFOOD', slug: 'restaurants', count: 3, seen: 3 });
    expect(m.record('IFOOD', 'out', 'groceries')).toEqual({ merchant: 'IFOOD', slug: 'groceries', count: 1, seen: 4 });
    expect(m.lookup('IFOOD', 'out')?.slug).toBe('groceries');
    expect(m.size).toBe(1);
  });

  it('keeps each direction apart', () => {
    const m = new MerchantMemory();
    m.record('UBER', 'out', 'transport');
    m.record('UBER', 'in', 'refunds');
    expect(m.lookup('UBER', 'out')?.slug).toBe('transport');
    expect(m.lookup('UBER', 'in')?.slug).toBe('refunds');
    expect(m.lookup('UBER', 'none')).toBeNull();
  });

  it('recognises a terminal-truncated name, but only a long enough one', () => {
    const m = new MerchantMemory();
    m.record('SUPERMERCADO SAO JOAO', 'out', 'groceries');
    m.record('BAR DO ZE', 'out', 'entertainment');
    expect(m.lookup('SUPERMERCADO SAO JO', 'out')?.merchant).toBe('SUPERMERCADO SAO JOAO');
    expect(m.lookupExact('SUPERMERCADO SAO JO', 'out')).toBeNull();
    expect(m.lookup('SUPERMERCADO SANTA', 'out')).toBeNull();
    expect(m.lookup('BAR DO', 'out')).toBeNull();
  });

  it('explains itself in words', () => {
    expect(explainMemory('IFOOD', { slug: 'restaurants', count: 3 })).toBe('merchant IFOOD seen 3 times as restaurants');
    expect(explainMemory('IFOOD', { slug: 'restaurants', count: 1 })).toBe('merchant IFOOD seen 1 time as restaurants');
    expect(explainMemory('ACME', { categoryId: 'c-1', count: 2 })).toBe('merchant ACME seen 2 times as category c-1');
    expect(explainMemory('SUPERMERCADO SAO JO', { merchant: 'SUPERMERCADO SAO JOAO', slug: 'groceries', count: 2 })).toBe(
      'merchant SUPERMERCADO SAO JO (as SUPERMERCADO SAO JOAO) seen 2 times as groceries',
    );
  });

  it('grows more confident with each confirmation', () => {
    expect(memoryConfidence(1)).toBeCloseTo(0.9, 5);
    expect(memoryConfidence(5)).toBeGreaterThan(memoryConfidence(2));
    expect(memoryConfidence(1000)).toBeLessThanOrEqual(0.99);
  });
});
