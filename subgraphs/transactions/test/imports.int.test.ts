import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@centavo/logger';
import type { TransactionsBulkEvent } from '@centavo/jobs';
import { testEnv } from '@centavo/testing';
import { loadConfig } from '../src/config.js';
import { createPrisma, type TransactionsPrisma } from '../src/db.js';
import { ImportBatchRepository } from '../src/modules/imports/import-batch.repository.js';
import { ImportRunner } from '../src/modules/imports/import-runner.js';
import { ImportsRepository } from '../src/modules/imports/imports.repository.js';

// The runner and the batch writes against the real PostgreSQL: crash and resume, concurrent runs.
const config = loadConfig(testEnv({ TRANSACTIONS_PORT: '0' }));
const logger = createLogger({ level: 'silent' });
let prisma: TransactionsPrisma;
let jobs: ImportsRepository;
beforeAll(() => {
  prisma = createPrisma(config.databaseUrl, false);
  jobs = new ImportsRepository(prisma);
});
afterAll(() => prisma?.$disconnect());

/** A CSV of `count` rows: every 10th row repeats the row before it (same day, amount and description). */
function statement(count: number): string {
  const lines = ['date,description,amount'];
  for (let i = 0; i < count; i++) {
    const n = i % 10 === 9 ? i - 1 : i;
    lines.push(`2026-10-${String((n % 28) + 1).padStart(2, '0')},Shop ${n},-${n}.25`);
  }
  return `${lines.join('\n')}\n`;
}

const expectedSum = (count: number) => {
  let sum = 0n;
  for (let i = 0; i < count; i++) sum -= BigInt(i % 10 === 9 ? i - 1 : i) * 100n + 25n;
  return sum;
};

async function newImport(content: string) {
  const userId = randomUUID();
  const account = await prisma.account.create({ data: { userId, name: 'Import', type: 'CHECKING', currency: 'BRL' } });
  const id = randomUUID();
  await jobs.createWithin(10, { id, userId, accountId: account.id, format: 'CSV', bytes: Buffer.from(content) });
  return { id, userId, accountId: account.id };
}

function runner(options: { failAfterBatches?: number } = {}) {
  const batches = new ImportBatchRepository(prisma);
  let written = 0;
  const published: string[] = [];
  const run = new ImportRunner({
    jobs,
    batches: {
      write: async (job, batch) => {
        if (options.failAfterBatches !== undefined && written >= options.failAfterBatches) throw new Error('worker killed');
        written++;
        return batches.write(job, batch);
      },
    },
    publish: async (_userId, id) => void published.push(id),
    onEvents: () => undefined,
    batchSize: 50,
    maxErrors: 1000,
  });
  return { run, published };
}

async function totals(accountId: string) {
  const rows = await prisma.transaction.aggregate({ where: { accountId }, _count: true, _sum: { amountMinor: true } });
  const ids = (await prisma.transaction.findMany({ where: { accountId }, select: { id: true } })).map((r) => r.id);
  // One transactions.imported event per batch: every row is in exactly one of them.
  const bulk = await prisma.outboxEvent.findMany({ where: { type: 'transactions.imported' }, select: { payload: true } });
  const mine = new Set(ids);
  const events = bulk.flatMap((e) => (e.payload as unknown as TransactionsBulkEvent).transactions).filter((t) => mine.has(t.id)).length;
  return { count: rows._count, sum: rows._sum.amountMinor, events };
}

describe('import runs', () => {
  it('resumes after a worker died mid-import from the last committed batch, without duplicates', async () => {
    const { id, accountId } = await newImport(statement(230));
    await expect(runner({ failAfterBatches: 2 }).run.run(id, logger)).rejects.toThrow('worker killed');
    expect(await prisma.importJob.findUnique({ where: { id } })).toMatchObject({ status: 'RUNNING', processed: 100, imported: 100 });
    const { run, published } = runner();
    await run.run(id, logger);
    const job = await prisma.importJob.findUnique({ where: { id }, include: { content: true } });
    expect(job).toMatchObject({ status: 'COMPLETED', total: 230, processed: 230, imported: 230, duplicates: 0, content: null });
    expect(await totals(accountId)).toEqual({ count: 230, sum: expectedSum(230), events: 230 });
    expect(published.at(-1)).toBe(id);
  });

  it('lets two runs of one job (a stalled job taken again) write each batch once', async () => {
    const { id, accountId } = await newImport(statement(300));
    await Promise.allSettled([runner().run.run(id, logger), runner().run.run(id, logger)]);
    expect(await prisma.importJob.findUnique({ where: { id } })).toMatchObject({ status: 'COMPLETED', processed: 300, imported: 300, duplicates: 0 });
    expect(await totals(accountId)).toEqual({ count: 300, sum: expectedSum(300), events: 300 });
  });

  it('imports a file once when two jobs carry it into one account at the same time', async () => {
    const content = statement(200);
    const first = await newImport(content);
    const secondId = randomUUID();
    await jobs.createWithin(10, { id: secondId, userId: first.userId, accountId: first.accountId, format: 'CSV', bytes: Buffer.from(content) });
    await Promise.all([runner().run.run(first.id, logger), runner().run.run(secondId, logger)]);
    const both = await prisma.importJob.findMany({ where: { id: { in: [first.id, secondId] } } });
    expect(both.reduce((n, j) => n + j.imported, 0)).toBe(200);
    expect(both.reduce((n, j) => n + j.duplicates, 0)).toBe(200);
    expect(await totals(first.accountId)).toEqual({ count: 200, sum: expectedSum(200), events: 200 });
  });

  it('keeps only the first errors of a file full of bad rows, and counts them all', async () => {
    const bad = Array.from({ length: 40 }, (_, i) => `2026-10-01,Bad ${i},xx`);
    const { id } = await newImport(['date,description,amount', '2026-10-01,Good,-1.00', ...bad].join('\n'));
    const small = new ImportRunner({ jobs, batches: new ImportBatchRepository(prisma), publish: async () => undefined, onEvents: () => undefined, batchSize: 7, maxErrors: 10 });
    await small.run(id, logger);
    const job = await prisma.importJob.findUnique({ where: { id } });
    expect(job).toMatchObject({ status: 'COMPLETED', imported: 1, errorCount: 40 });
    expect((job?.errors as unknown[]).length).toBe(10);
  });
});
