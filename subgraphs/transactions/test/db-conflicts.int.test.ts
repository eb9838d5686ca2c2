import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRetryableConflict, retryOnConflict } from '@centavo/db';
import { testEnv } from '@centavo/testing';
import { loadConfig } from '../src/config.js';
import { createPrisma, type TransactionsPrisma } from '../src/db.js';
import type { Prisma } from '../src/generated/prisma/client.js';

/**
 * How Prisma 6.19 with the pg adapter reports deadlocks (40P01) and serialization failures
 * (40001), provoked for real: what @centavo/db's retry helper must recognize.
 */
let prisma: TransactionsPrisma;
let userId: string;
let ids: [string, string];
beforeAll(async () => {
  prisma = createPrisma(loadConfig(testEnv()).databaseUrl, false);
  userId = randomUUID();
  const account = await prisma.account.create({ data: { userId, name: 'conflicts', type: 'CASH', currency: 'BRL' } });
  const row = () =>
    prisma.transaction.create({ data: { userId, accountId: account.id, amountMinor: -100n, currency: 'BRL', date: new Date('2026-01-01'), description: 'x' } });
  ids = [(await row()).id, (await row()).id];
});
afterAll(async () => {
  await prisma.transaction.deleteMany({ where: { userId } });
  await prisma.account.deleteMany({ where: { userId } });
  await prisma.$disconnect();
});

/** Resolves once `n` parties have arrived: both transactions hold their first lock. */
function barrier(n: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    arrived += 1;
    if (arrived === n) open();
    return opened;
  };
}

type Step = (tx: Prisma.TransactionClient, id: string) => Promise<unknown>;
const rawLock: Step = (tx, id) => tx.$queryRaw`SELECT id FROM transactions WHERE id = ${id}::uuid FOR UPDATE`;
const modelUpdate: Step = (tx, id) => tx.transaction.update({ where: { id }, data: { version: { increment: 1 } } });

/** Two transactions that lock the two rows in opposite orders, after both took their first. */
function deadlockPair(step: Step, meet = barrier(2)) {
  const run = (first: string, second: string) =>
    prisma.$transaction(async (tx) => {
      await step(tx, first);
      await meet();
      await step(tx, second);
    });
  return [run(ids[0], ids[1]), run(ids[1], ids[0])];
}

async function failureOf(runs: Promise<unknown>[]): Promise<unknown> {
  const results = await Promise.allSettled(runs);
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  expect(failed).toHaveLength(1);
  return failed[0]!.reason;
}

describe('conflicts as Prisma surfaces them', () => {
  it('a deadlock in raw SQL: P2010 with the SQLSTATE in meta.driverAdapterError.cause', async () => {
    const error = (await failureOf(deadlockPair(rawLock))) as { code?: string; meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } };
    expect(error.code).toBe('P2010');
    expect(error.meta?.driverAdapterError?.cause?.originalCode).toBe('40P01');
    expect(isRetryableConflict(error)).toBe(true);
  });

  it('a deadlock in a model query inside a transaction: the bare DriverAdapterError', async () => {
    const error = (await failureOf(deadlockPair(modelUpdate))) as { name?: string; cause?: { originalCode?: string } };
    expect(error.name).toBe('DriverAdapterError');
    expect(error.cause?.originalCode).toBe('40P01');
    expect(isRetryableConflict(error)).toBe(true);
  });

  it('a serialization failure: P2034, or the bare DriverAdapterError, with 40001', async () => {
    const meet = barrier(2);
    const run = () =>
      prisma.$transaction(
        async (tx) => {
          await tx.transaction.findMany({ where: { userId } });
          await meet();
          await tx.transaction.update({ where: { id: ids[0] }, data: { version: { increment: 1 } } });
        },
        { isolationLevel: 'Serializable' },
      );
    const error = (await failureOf([run(), run()])) as { code?: string; name?: string; cause?: { originalCode?: string }; meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } };
    const sqlState = error.name === 'DriverAdapterError' ? error.cause?.originalCode : error.meta?.driverAdapterError?.cause?.originalCode;
    expect(sqlState).toBe('40001');
    expect(error.code === 'P2034' || error.name === 'DriverAdapterError').toBe(true);
    expect(isRetryableConflict(error)).toBe(true);
  });

  it('other errors are not conflicts', async () => {
    const duplicate = await prisma.account.create({ data: { id: ids[0], userId, name: 'x', type: 'CASH', currency: 'BRL' } }).catch((e: unknown) => e);
    expect(isRetryableConflict(duplicate)).toBe(false);
    expect(isRetryableConflict(new Error('deadlock detected'))).toBe(false);
    expect(isRetryableConflict(null)).toBe(false);
  });
});

describe('retryOnConflict', () => {
  it('runs the loser of a deadlock again until both commit', async () => {
    const meet = barrier(2);
    let attempts = 0;
    // Only the first attempts meet at the barrier; a retry runs on its own.
    const run = (first: string, second: string) =>
      retryOnConflict(() => {
        attempts += 1;
        const again = attempts > 2;
        return prisma.$transaction(async (tx) => {
          await modelUpdate(tx, first);
          if (!again) await meet();
          await modelUpdate(tx, second);
        });
      });
    const before = await prisma.transaction.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' } });
    await Promise.all([run(ids[0], ids[1]), run(ids[1], ids[0])]);
    expect(attempts).toBe(3);
    const after = await prisma.transaction.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' } });
    expect(after.map((r, i) => r.version - before[i]!.version)).toEqual([2, 2]);
  });

  it('gives up after the bounded number of retries and passes other errors at once', async () => {
    const deadlock = Object.assign(new Error('deadlock detected'), { name: 'DriverAdapterError', cause: { originalCode: '40P01' } });
    let calls = 0;
    await expect(retryOnConflict(async () => {
      calls += 1;
      throw deadlock;
    }, { retries: 2, baseDelayMs: 1 })).rejects.toBe(deadlock);
    expect(calls).toBe(3);
    calls = 0;
    const other = new Error('boom');
    await expect(retryOnConflict(async () => {
      calls += 1;
      throw other;
    })).rejects.toBe(other);
    expect(calls).toBe(1);
  });
});
