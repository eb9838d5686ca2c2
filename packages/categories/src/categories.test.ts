import { describe, expect, it } from 'vitest';
import { DEFAULT_CATEGORIES, defaultCategoryId } from './index.js';

describe('default categories', () => {
  it('are the 29 of the contract, with unique slugs', () => {
    expect(DEFAULT_CATEGORIES).toHaveLength(29);
    expect(new Set(DEFAULT_CATEGORIES.map((c) => c.slug)).size).toBe(29);
  });

  it('have stable, per-user, valid UUID ids', () => {
    const a = '0b7e5d2c-1111-4222-8333-444455556666';
    const b = '0b7e5d2c-1111-4222-8333-444455556667';
    expect(defaultCategoryId(a, 'groceries')).toBe(defaultCategoryId(a.toUpperCase(), 'groceries'));
    expect(defaultCategoryId(a, 'groceries')).not.toBe(defaultCategoryId(b, 'groceries'));
    expect(defaultCategoryId(a, 'groceries')).not.toBe(defaultCategoryId(a, 'fuel'));
    expect(defaultCategoryId(a, 'fuel')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
