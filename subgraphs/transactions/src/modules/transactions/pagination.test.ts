import { describe, expect, it } from 'vitest';
import { connection, decodeCursor, encodeCursor, MAX_PAGE_SIZE, pageSize } from './pagination.js';
import { record, USER } from './test-fakes.js';

const row = (id: string, date: string) =>
  record({
    id,
    userId: USER,
    accountId: 'aaaaaaaa-0000-4000-8000-000000000001',
    amountMinor: -1n,
    currency: 'BRL',
    date: new Date(`${date}T00:00:00.000Z`),
    description: 'x',
    notes: null,
    categoryId: null,
    categorySource: null,
    transferPeerId: null,
    idempotencyKey: null,
  });

const badCursor = { code: 'BAD_USER_INPUT', field: 'after' };

describe('pagination', () => {
  it('pages 50 by default, 0 to 200 when asked', () => {
    expect(pageSize(undefined)).toBe(50);
    expect(pageSize(null)).toBe(50);
    expect(pageSize(0)).toBe(0);
    expect(pageSize(MAX_PAGE_SIZE)).toBe(200);
    for (const n of [-1, 201, 1.5]) expect(() => pageSize(n)).toThrow(expect.objectContaining({ field: 'first' }));
  });

  it('decodes the cursors it hands out to the row position (date, createdAt, id)', () => {
    const r = row('0f0e0d0c-0000-4000-8000-000000000001', '2026-03-01');
    expect(decodeCursor(encodeCursor(r))).toEqual({ date: r.date, createdAt: r.createdAt, id: r.id });
    expect(decodeCursor(null)).toBeNull();
    expect(decodeCursor('')).toBeNull();
  });

  it('rejects anything else as BAD_USER_INPUT on after, without decoding very long strings', () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const after of [
      'not-a-cursor',
      encode(['2026-13-45', '2026-03-01T12:00:00.000Z', '0f0e0d0c-0000-4000-8000-000000000001']),
      encode(['2026-03-01', 'yesterday', '0f0e0d0c-0000-4000-8000-000000000001']),
      encode(['2026-03-01', '2026-03-01T12:00:00.000Z', "1' OR '1'='1"]),
      'a'.repeat(257),
    ]) {
      expect(() => decodeCursor(after)).toThrow(expect.objectContaining(badCursor));
    }
  });

  it('builds a connection from first + 1 rows: the extra row only says that more follow', async () => {
    const rows = [row('0f0e0d0c-0000-4000-8000-000000000003', '2026-03-03'), row('0f0e0d0c-0000-4000-8000-000000000002', '2026-03-02')];
    const page = connection(rows, 1, () => Promise.resolve(7));
    expect(page.edges.map((e) => e.node.id)).toEqual([rows[0]!.id]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: encodeCursor(rows[0]!) });
    expect(await page.totalCount()).toBe(7);
    expect(connection([], 5, () => Promise.resolve(0)).pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });
});
