import { describe, expect, it } from 'vitest';
import { CategoryDirectory, defaultCategoryOf } from './directory.js';
import { defaultCategoryId } from './index.js';

const user = '0b7f3e1c-2a4d-4c5e-9f60-718293a4b5c6';
const other = '1c8e4f2d-3b5e-4d6f-8a71-829304b5c6d7';
const custom = { id: '2d9f5a3e-4c6f-4e70-9b82-93a415c6d7e8', slug: 'kids', kind: 'EXPENSE' as const };

describe('CategoryDirectory', () => {
  it('knows every default category of a user by its derived id, and only that user', async () => {
    const dir = new CategoryDirectory({ lookup: () => Promise.reject(new Error('no lookup for defaults')), waitMs: 0 });
    expect(await dir.find(user, defaultCategoryId(user, 'fuel'))).toEqual({ id: defaultCategoryId(user, 'fuel'), slug: 'fuel', kind: 'EXPENSE' });
    expect(defaultCategoryOf(other, defaultCategoryId(user, 'fuel'))).toBeNull();
  });

  it('finds a custom category once its event has reached the read model, within the wait', async () => {
    let known = false;
    setTimeout(() => (known = true), 60);
    const dir = new CategoryDirectory({ lookup: async (id) => (known && id === custom.id ? { ...custom, userId: user } : null), waitMs: 2_000, pollMs: 10 });
    expect(await dir.find(user, custom.id)).toEqual(custom);
  });

  it("answers null at once for another user's category, without waiting", async () => {
    const dir = new CategoryDirectory({ lookup: async () => ({ ...custom, userId: other }), waitMs: 5_000 });
    const started = Date.now();
    expect(await dir.find(user, custom.id)).toBeNull();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('answers null for an id that never arrives, after the wait', async () => {
    let lookups = 0;
    const dir = new CategoryDirectory({ lookup: async () => (lookups++, null), waitMs: 80, pollMs: 20 });
    const started = Date.now();
    expect(await dir.find(user, custom.id)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    expect(lookups).toBeGreaterThan(1);
  });

  it('looks up an id that never arrives a few times per wait, not once per tick', async () => {
    let lookups = 0;
    const dir = new CategoryDirectory({ lookup: async () => (lookups++, null), waitMs: 1_000, pollMs: 25 });
    expect(await dir.find(user, custom.id)).toBeNull();
    // 25, 50, 100, 200, 400, then the rest of the second: 7 lookups at most.
    expect(lookups).toBeLessThanOrEqual(7);
  });
});
