import { describe, expect, it } from 'vitest';
import { ByteLru } from './byte-lru.js';

describe('a cache bounded by bytes', () => {
  it('evicts the least recently used entries once their bytes exceed the budget, whatever their count', () => {
    const lru = new ByteLru<string, string>(1000);
    lru.set('a', 'A', 400);
    lru.set('b', 'B', 400);
    expect(lru.get('a')).toBe('A'); // a is now the most recently used
    lru.set('c', 'C', 400);
    expect([lru.has('a'), lru.has('b'), lru.has('c')]).toEqual([true, false, true]);
    expect(lru.bytes).toBe(800);
    // Many small entries fit where two large ones did not.
    for (let i = 0; i < 20; i++) lru.set(`small-${i}`, 'x', 10);
    expect(lru.bytes).toBeLessThanOrEqual(1000);
    expect(lru.size).toBe(22);
  });

  it('charges a grown entry and evicts others for it; keeps nothing larger than the whole budget', () => {
    const lru = new ByteLru<string, number>(1000);
    lru.set('old', 1, 300);
    lru.set('regex', 2, 100);
    lru.resize('regex', 900);
    expect(lru.has('old')).toBe(false);
    expect(lru.bytes).toBe(900);
    lru.resize('regex', 5000);
    expect(lru.has('regex')).toBe(false);
    lru.set('huge', 3, 1001);
    expect(lru.size).toBe(0);
    expect(lru.bytes).toBe(0);
  });
});
