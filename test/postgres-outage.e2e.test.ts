import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrlFor } from '@centavo/config';
import { createPrisma, type BudgetPrisma } from '../subgraphs/budget/src/db.js';
import { testEnv } from '@centavo/testing';
import { postgresRelay } from './support/tcp-relay.js';

/**
 * A connection that dies inside an interactive transaction must go back to the pool (destroyed),
 * not leak: Prisma's ROLLBACK on the dead connection fails, and it then never released the
 * client, so a few PostgreSQL blips exhausted the pool and $disconnect() waited forever.
 */
const relay = postgresRelay();
let prisma: BudgetPrisma;

beforeAll(async () => {
  await relay.restore();
  prisma = createPrisma(relay.urlFor(databaseUrlFor('budget', testEnv())), false, 2);
});
afterAll(async () => {
  if (!relay.open) await relay.restore();
  await relay.cut();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PostgreSQL unreachable in the middle of transactions', () => {
  it('keeps the pool usable and lets the client disconnect', async () => {
    // More outages than the pool has connections: each one used to leak one.
    for (let outage = 0; outage < 3; outage++) {
      const failed = prisma
        .$transaction(async (tx) => {
          await tx.$queryRaw`SELECT 1`;
          await relay.cut();
          await tx.$queryRaw`SELECT 1`;
        })
        .then(() => 'committed', () => 'failed');
      expect(await failed).toBe('failed');
      await relay.restore();
    }
    const started = Date.now();
    const rows = await prisma.$transaction(async (tx) => tx.$queryRaw<{ ok: number }[]>`SELECT 1 AS ok`, { maxWait: 5_000 });
    expect(rows).toEqual([{ ok: 1 }]);
    expect(Date.now() - started).toBeLessThan(5_000);
    const disconnected = await Promise.race([prisma.$disconnect().then(() => true), sleep(10_000).then(() => false)]);
    expect(disconnected).toBe(true);
  }, 60_000);
});
