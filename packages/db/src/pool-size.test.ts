import { describe, expect, it } from 'vitest';
import { defaultPoolSize } from './index.js';

describe('defaultPoolSize', () => {
  it('reads DATABASE_POOL_SIZE and falls back to 20 for anything that is not 1-500', () => {
    expect(defaultPoolSize({ DATABASE_POOL_SIZE: '6' })).toBe(6);
    expect(defaultPoolSize({})).toBe(20);
    for (const bad of ['0', '-3', '2.5', 'ten', '501', '']) expect(defaultPoolSize({ DATABASE_POOL_SIZE: bad }), bad).toBe(20);
  });
});
