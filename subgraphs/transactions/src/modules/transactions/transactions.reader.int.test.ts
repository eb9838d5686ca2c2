import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool, type PgPool } from '@centavo/db';
import { testEnv } from '@centavo/testing';
import { loadConfig } from '../../config.js';
import { createPrisma, type TransactionsPrisma } from '../../db.js';
import { AccountsReader } from '../accounts/accounts.reader.js';
import { AccountsRepository } from '../accounts/accounts.repository.js';
import { TransactionsReader } from './transactions.reader.js';
import { TransactionsRepository, type Cursor, type TransactionFilter, type TransactionRecord } from './transactions.repository.js';

// The real database: the plain-SQL listing must return exactly what the Prisma queries return.
const config = loadConfig(testEnv({}));
let prisma: TransactionsPrisma;
let pool: PgPool;
beforeAll(() => {
  prisma = createPrisma(config.databaseUrl, false);
  pool = createPgPool(config.databaseUrl, 2);
});
afterAll(async () => {
  await prisma?.$disconnect();
  await pool?.end();
});

describe('transactions listing in plain SQL', () => {
  it('gives the same pages, cursors and counts as Prisma for every filter', async () => {
    const userId = randomUUID();
    const other = randomUUID();
    const accounts = await Promise.all(
      [userId, userId, other].map((u, i) => prisma.account.create({ data: { userId: u, name: `A${i}`, type: 'CHECKING', currency: 'BRL' } })),
    );
    const category = randomUUID();
    const descriptions = ['PADARIA 100% PAO', 'UBER *TRIP', 'MERCADO_LIVRE', 'back\\slash', 'Farmácia'];
    for (let i = 0; i < 23; i++) {
      await prisma.transaction.create({
        data: {
          userId: i === 22 ? other : userId,
          accountId: accounts[i === 22 ? 2 : i % 2]!.id,
          amountMinor: BigInt(-1000 * i - 7),
          currency: 'BRL',
          // Several rows per day (ties broken by createdAt, then id), some on the same createdAt.
          date: new Date(Date.UTC(2026, 2, 1 + Math.floor(i / 4))),
          createdAt: new Date(Date.UTC(2026, 2, 10, 12, 0, Math.floor(i / 2))),
          description: descriptions[i % descriptions.length]!,
          merchant: i % 3 === 0 ? 'Loja_X' : null,
          notes: i % 5 === 0 ? 'nota 50%' : null,
          categoryId: i % 2 ? category : null,
          categorySource: i % 2 ? 'USER' : null,
          tags: i % 3 === 1 ? ['trip', 'work'] : i % 4 === 0 ? ['trip'] : [],
          // A split row's parts' tags are in the index too.
          tagIndex: i % 3 === 1 ? ['trip', 'work'] : i % 4 === 0 ? ['trip'] : i === 5 ? ['pharmacy'] : [],
          ...(i === 5 ? { splits: [{ id: randomUUID(), amountMinor: '-5007', categoryId: category, note: null, tags: ['pharmacy'] }] } : {}),
        },
      });
    }
    const viaPrisma = new TransactionsRepository(prisma);
    const viaSql = new TransactionsRepository(prisma, new TransactionsReader(pool));
    const filters: TransactionFilter[] = [
      {},
      { accountId: accounts[1]!.id },
      { categoryId: category },
      { uncategorized: true },
      { uncategorized: false },
      { from: new Date('2026-03-02'), to: new Date('2026-03-04') },
      { search: '100%' },
      { search: '_' },
      { search: 'uber' },
      { search: 'loja_x' },
      { search: '\\' },
      { search: 'FARMÁCIA', accountId: accounts[0]!.id },
      { tags: ['trip'] },
      { tags: ['trip', 'work'] },
      { tags: ['pharmacy'] },
      { tags: ['nothing'] },
    ];
    for (const filter of filters) {
      expect(await viaSql.count(userId, filter)).toBe(await viaPrisma.count(userId, filter));
      // Walk the whole listing in pages of 4 through both, from the same cursors.
      let after: Cursor | null = null;
      for (let pages = 0; pages < 10; pages++) {
        const a: TransactionRecord[] = await viaPrisma.page(userId, filter, 4, after);
        expect(await viaSql.page(userId, filter, 4, after)).toEqual(a);
        // The page with its count in one statement: the same rows, and the count of every page (none past the end).
        const both = await viaSql.pageAndCount(userId, filter, 4, after, true);
        expect(both.rows).toEqual(a);
        expect(both.total).toBe(a.length ? await viaPrisma.count(userId, filter) : null);
        expect(await viaSql.pageAndCount(userId, filter, 4, after, false)).toEqual({ rows: a, total: null });
        if (a.length <= 4) break;
        const last: TransactionRecord = a[3]!;
        after = { date: last.date, createdAt: last.createdAt, id: last.id };
      }
    }
    expect((await viaSql.page(userId, {}, 100, null)).length).toBe(22);
    expect(await viaSql.count(other, {})).toBe(1);

    // The account reads of the dashboard: lists (archived or not), by ids of one owner, sums.
    await prisma.account.update({ where: { id: accounts[1]!.id }, data: { archived: true, openingBalanceMinor: 12_345n } });
    const accountsViaPrisma = new AccountsRepository(prisma);
    const accountsReader = new AccountsReader(pool);
    const accountsViaSql = new AccountsRepository(prisma, accountsReader);
    for (const archived of [true, false]) expect(await accountsViaSql.listByUser(userId, archived)).toEqual(await accountsViaPrisma.listByUser(userId, archived));
    // The listing with its sums in one statement: the same rows, and sumsByAccount's sums (0 for an account without rows).
    const emptyAccount = await prisma.account.create({ data: { userId, name: 'Empty', type: 'CHECKING', currency: 'BRL' } });
    for (const archived of [true, false]) {
      const { accounts: listed, sums } = await accountsViaSql.listWithSums(userId, archived);
      expect(listed).toEqual(await accountsViaPrisma.listByUser(userId, archived));
      const found = await viaSql.sumsByAccount(listed.map((a) => a.id));
      expect(sums).toEqual(new Map(listed.map((a) => [a.id, found.get(a.id) ?? 0n])));
      expect(sums!.get(emptyAccount.id)).toBe(0n);
    }
    expect((await accountsViaPrisma.listWithSums(userId, false)).sums).toBeNull();
    await prisma.account.delete({ where: { id: emptyAccount.id } });
    const ids = [...accounts.map((a) => a.id), randomUUID()];
    const byId = (rows: { id: string }[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(await accountsViaSql.findManyForUser(userId, ids))).toEqual(byId(await accountsViaPrisma.findManyForUser(userId, ids)));
    expect((await accountsViaSql.findManyForUser(userId, ids)).length).toBe(2);
    const sums = new TransactionsRepository(prisma, undefined, accountsReader);
    expect(await sums.sumsByAccount(ids)).toEqual(await viaPrisma.sumsByAccount(ids));
  });
  it("merges the user's rows with those of accounts shared with the user, as Prisma does", async () => {
    const [member, owner] = [randomUUID(), randomUUID()];
    const mk = (userId: string, name: string) => prisma.account.create({ data: { userId, name, type: 'CHECKING', currency: 'BRL' } });
    const own = await mk(member, 'Mine');
    const [shared, pending, unshared] = [await mk(owner, 'Casa'), await mk(owner, 'Invited only'), await mk(owner, 'Private')];
    await prisma.accountShare.create({ data: { accountId: shared.id, ownerId: owner, email: 'm@example.com', memberId: member, role: 'VIEWER', status: 'ACCEPTED' } });
    await prisma.accountShare.create({ data: { accountId: pending.id, ownerId: owner, email: 'm@example.com', role: 'EDITOR' } });
    const accounts = [own, shared, pending, unshared];
    for (let i = 0; i < 24; i++) {
      const account = accounts[i % 4]!;
      await prisma.transaction.create({
        data: {
          userId: account.userId,
          accountId: account.id,
          amountMinor: BigInt(-100 * i),
          currency: 'BRL',
          date: new Date(Date.UTC(2026, 2, 1 + Math.floor(i / 3))),
          createdAt: new Date(Date.UTC(2026, 2, 10, 12, 0, Math.floor(i / 2))),
          description: i % 2 ? 'UBER' : 'PADARIA',
        },
      });
    }
    const viaPrisma = new TransactionsRepository(prisma);
    const viaSql = new TransactionsRepository(prisma, new TransactionsReader(pool));
    for (const filter of [{}, { accountId: shared.id }, { accountId: unshared.id }, { search: 'uber' }] as TransactionFilter[]) {
      expect(await viaSql.count(member, filter)).toBe(await viaPrisma.count(member, filter));
      let after: Cursor | null = null;
      for (let pages = 0; pages < 10; pages++) {
        const a: TransactionRecord[] = await viaPrisma.page(member, filter, 4, after);
        expect(await viaSql.page(member, filter, 4, after)).toEqual(a);
        if (a.length <= 4) break;
        const last: TransactionRecord = a[3]!;
        after = { date: last.date, createdAt: last.createdAt, id: last.id };
      }
    }
    // Own and accepted only: the pending invitation and the unshared account stay out.
    const all = await viaSql.page(member, {}, 100, null);
    expect(new Set(all.map((t) => t.accountId))).toEqual(new Set([own.id, shared.id]));
    expect(all).toHaveLength(12);
    expect(await viaSql.count(owner, {})).toBe(18);

    const accountsViaPrisma = new AccountsRepository(prisma);
    const accountsViaSql = new AccountsRepository(prisma, new AccountsReader(pool));
    expect(await accountsViaSql.listByUser(member, false)).toEqual(await accountsViaPrisma.listByUser(member, false));
    expect((await accountsViaSql.listByUser(member, false)).map((a) => [a.name, a.role])).toEqual([
      ['Mine', 'OWNER'],
      ['Casa', 'VIEWER'],
    ]);
    const ids = accounts.map((a) => a.id);
    const byId = (rows: { id: string }[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(await accountsViaSql.findManyAccessible(member, ids))).toEqual(byId(await accountsViaPrisma.findManyAccessible(member, ids)));
    expect((await viaPrisma.findManyAccessible(member, all.map((t) => t.id))).length).toBe(12);
    expect(await viaPrisma.accessOf(member, all.find((t) => t.accountId === shared.id)!.id)).toEqual({ ownerId: owner, role: 'VIEWER' });
  });
});
