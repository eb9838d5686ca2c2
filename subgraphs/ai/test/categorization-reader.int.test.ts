import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool, type PgPool } from '@centavo/db';
import { testEnv } from '@centavo/testing';
import { loadConfig } from '../src/config.js';
import { createPrisma, type AiPrisma } from '../src/db.js';
import { CategorizationReader } from '../src/modules/categorization/categorization.reader.js';
import { CategorizationRepository, type CategorizationRecord } from '../src/modules/categorization/categorization.repository.js';

let prisma: AiPrisma;
let pool: PgPool;
beforeAll(() => {
  const { databaseUrl } = loadConfig(testEnv({ AI_PORT: '0' }));
  prisma = createPrisma(databaseUrl, false);
  pool = createPgPool(databaseUrl, 2);
});
afterAll(async () => {
  await prisma?.$disconnect();
  await pool?.end();
});

const decision = (userId: string, categoryId: string | null, explanation: string | null): CategorizationRecord => ({
  transactionId: randomUUID(),
  userId,
  categoryId,
  suggestions: [{ categoryId: randomUUID(), confidence: 0.4375 }, { categoryId: randomUUID(), confidence: 0.125 }],
  confidence: 0.8123456789,
  source: categoryId ? 'RULE' : 'AI',
  explanation,
  modelVersion: 'lr-test',
  transactionVersion: 3,
});

describe('CategorizationReader (the dashboard decisions in plain SQL)', () => {
  it("reads the same decisions as the Prisma repository, the caller's only", async () => {
    const [userId, other] = [randomUUID(), randomUUID()];
    const repo = new CategorizationRepository(prisma);
    const mine = [decision(userId, randomUUID(), 'merchant NETFLIX seen 4 times'), decision(userId, null, null)];
    const theirs = decision(other, randomUUID(), null);
    for (const d of [...mine, theirs]) expect(await repo.saveDecision(d)).toBe(true);
    const ids = [...mine.map((d) => d.transactionId), theirs.transactionId, randomUUID()];

    const read = await new CategorizationReader(pool).findForUser(userId, ids);
    const viaPrisma = (await repo.findForUser(userId, ids)).map(({ updatedAt: _, ...rest }: CategorizationRecord & { updatedAt?: Date }) => rest);
    const byId = (rows: CategorizationRecord[]) => [...rows].sort((a, b) => a.transactionId.localeCompare(b.transactionId));
    expect(byId(read)).toEqual(byId(viaPrisma));
    expect(byId(read)).toEqual(byId(mine));
    expect(await new CategorizationReader(pool).findForUser(userId, [])).toEqual([]);
  });
});
