import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool, type PgPool } from '@centavo/db';
import { testEnv } from '@centavo/testing';
import { loadConfig } from '../src/config.js';
import { createPrisma, type BudgetPrisma } from '../src/db.js';
import { CategoriesReader } from '../src/modules/categories/categories.reader.js';
import { CategoriesRepository, type CategoryRecord } from '../src/modules/categories/categories.repository.js';

let prisma: BudgetPrisma;
let pool: PgPool;
beforeAll(() => {
  const { databaseUrl } = loadConfig(testEnv({ BUDGET_PORT: '0' }));
  prisma = createPrisma(databaseUrl, false);
  pool = createPgPool(databaseUrl, 2);
});
afterAll(async () => {
  await prisma?.$disconnect();
  await pool?.end();
});

const byId = (rows: CategoryRecord[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));

describe('CategoriesReader (the dashboard categories in plain SQL)', () => {
  it("reads the same categories as the Prisma repository, the caller's only", async () => {
    const [userId, other] = [randomUUID(), randomUUID()];
    const repo = new CategoriesRepository(prisma);
    await repo.insertDefaults(userId);
    await repo.insertDefaults(other);
    const own = await repo.listByUser(userId);
    const child = await prisma.category.create({ data: { userId, slug: `sub-${userId.slice(0, 8)}`, name: 'Sub', kind: own[0]!.kind, parentId: own[0]!.id } });
    const theirs = (await repo.listByUser(other))[0]!;
    const ids = [own[0]!.id, own[1]!.id, child.id, theirs.id, randomUUID()];

    const read = await new CategoriesReader(pool).findManyForUser(userId, ids);
    expect(byId(read)).toEqual(byId(await repo.findManyForUser(userId, ids)));
    expect(byId(read).map((c) => c.id)).toEqual([own[0]!.id, own[1]!.id, child.id].sort());
    expect(read.find((c) => c.id === child.id)).toMatchObject({ parentId: own[0]!.id, isDefault: false, slug: child.slug });
    expect(await new CategoriesReader(pool).findManyForUser(userId, [])).toEqual([]);
  });
});
