import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool, type PgPool } from '@centavo/db';
import { createLogger } from '@centavo/logger';
import type { TransactionsBulkEvent } from '@centavo/jobs';
import { bulkOutboxRow } from '../src/modules/outbox/outbox.events.js';
import { testEnv } from '@centavo/testing';
import { loadConfig } from '../src/config.js';
import { createPrisma, type TransactionsPrisma } from '../src/db.js';
import { ImportBatchRepository } from '../src/modules/imports/import-batch.repository.js';
import { ImportRunner } from '../src/modules/imports/import-runner.js';
import { CHUNK_BYTES, ImportsRepository, ImportTooLarge } from '../src/modules/imports/imports.repository.js';

// The runner and the batch writes against the real PostgreSQL: crash and resume, concurrent runs.
const config = loadConfig(testEnv({ TRANSACTIONS_PORT: '0' }));
const logger = createLogger({ level: 'silent' });
let prisma: TransactionsPrisma;
let jobs: ImportsRepository;
let pool: PgPool;
beforeAll(() => {
  prisma = createPrisma(config.databaseUrl, false);
  pool = createPgPool(config.databaseUrl, 4);
  jobs = new ImportsRepository(prisma, pool);
});
afterAll(async () => {
  await prisma?.$disconnect();
  await pool?.end();
});

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

async function* pieces(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
const limits = { maxBytes: 50 * 1024 * 1024, timeoutMs: 60_000 };
const store = (job: { id: string; userId: string; accountId: string }, content: string | Uint8Array, size = 4096) =>
  jobs.create(10, { ...job, format: 'CSV' }, pieces(typeof content === 'string' ? Buffer.from(content) : content, size), limits);

async function newImport(content: string) {
  const userId = randomUUID();
  const account = await prisma.account.create({ data: { userId, name: 'Import', type: 'CHECKING', currency: 'BRL' } });
  const id = randomUUID();
  await store({ id, userId, accountId: account.id }, content);
  return { id, userId, accountId: account.id };
}

function runner(options: { failAfterBatches?: number } = {}) {
  const batches = new ImportBatchRepository(pool);
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
    const job = await prisma.importJob.findUnique({ where: { id }, include: { chunks: true } });
    expect(job).toMatchObject({ status: 'COMPLETED', total: 230, processed: 230, imported: 230, duplicates: 0, chunks: [] });
    expect(await totals(accountId)).toEqual({ count: 230, sum: expectedSum(230), events: 230 });
    expect(published.at(-1)).toBe(id);
  });

  it('writes per batch the transactions.imported event bulkOutboxRow would write for the rows stored, in file order', async () => {
    const descriptions = ['PADARIA "PÃO" QUENTE', 'Café \\ Central', 'SALÁRIO 🎉 ACME', 'Uber *Trip', 'x'];
    const lines = descriptions.map((d, i) => `2026-0${i + 1}-2${i},"${d.replace(/"/g, '""')}",${i === 2 ? '9000000000000.01' : `-${i}.5${i}`}`);
    const { id, userId, accountId } = await newImport(['date,description,amount', ...lines].join('\n'));
    const run = new ImportRunner({ jobs, batches: new ImportBatchRepository(pool), publish: async () => undefined, onEvents: () => undefined, batchSize: 3, maxErrors: 10 });
    await run.run(id, logger);
    const stored = await prisma.transaction.findMany({ where: { accountId } });
    const inFileOrder = descriptions.map((d) => stored.find((t) => t.description === d)!);
    const events = await prisma.outboxEvent.findMany({ where: { aggregateId: id, type: 'transactions.imported' }, orderBy: { createdAt: 'asc' } });
    const payloads = (events.map((e) => e.payload) as unknown as TransactionsBulkEvent[]).sort((a, b) => a.transactions.length - b.transactions.length).reverse();
    expect(payloads.map((p) => p.transactions.length)).toEqual([3, 2]);
    const batches = [inFileOrder.slice(0, 3), inFileOrder.slice(3)];
    payloads.forEach((payload, i) => {
      const expected = bulkOutboxRow('transactions.imported', userId, { importId: id, notifyEachRow: false }, batches[i]!.map((t) => ({ ...t, tags: undefined, splits: undefined })));
      expect(payload).toEqual({ ...JSON.parse(JSON.stringify(expected.payload)), eventId: payload.eventId, occurredAt: payload.occurredAt });
    });
    expect(payloads[0]!.transactions[2]).toMatchObject({ description: 'SALÁRIO 🎉 ACME', amountMinor: '900000000000001', date: '2026-03-22' });
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
    await store({ id: secondId, userId: first.userId, accountId: first.accountId }, content);
    await Promise.all([runner().run.run(first.id, logger), runner().run.run(secondId, logger)]);
    const both = await prisma.importJob.findMany({ where: { id: { in: [first.id, secondId] } } });
    expect(both.reduce((n, j) => n + j.imported, 0)).toBe(200);
    expect(both.reduce((n, j) => n + j.duplicates, 0)).toBe(200);
    expect(await totals(first.accountId)).toEqual({ count: 200, sum: expectedSum(200), events: 200 });
  });

  it('keeps only the first errors of a file full of bad rows, and counts them all', async () => {
    const bad = Array.from({ length: 40 }, (_, i) => `2026-10-01,Bad ${i},xx`);
    const { id } = await newImport(['date,description,amount', '2026-10-01,Good,-1.00', ...bad].join('\n'));
    const small = new ImportRunner({ jobs, batches: new ImportBatchRepository(pool), publish: async () => undefined, onEvents: () => undefined, batchSize: 7, maxErrors: 10 });
    await small.run(id, logger);
    const job = await prisma.importJob.findUnique({ where: { id } });
    expect(job).toMatchObject({ status: 'COMPLETED', imported: 1, errorCount: 40 });
    expect((job?.errors as unknown[]).length).toBe(10);
  });

  it('stops a cancelled import after the batch it is writing; the rows written stay, the file goes', async () => {
    const { id, userId, accountId } = await newImport(statement(400));
    const batches = new ImportBatchRepository(pool);
    let written = 0;
    const run = new ImportRunner({
      jobs,
      batches: {
        write: async (job, batch) => {
          // The user cancels while the second batch is being written.
          if (++written === 2) expect(await jobs.cancel(userId, id)).toMatchObject({ status: 'CANCELLED' });
          return batches.write(job, batch);
        },
      },
      publish: async () => undefined,
      onEvents: () => undefined,
      batchSize: 50,
      maxErrors: 1000,
    });
    await run.run(id, logger);
    expect(written).toBe(2);
    expect(await prisma.importJob.findUnique({ where: { id } })).toMatchObject({ status: 'CANCELLED', processed: 50, imported: 50 });
    expect((await totals(accountId)).count).toBe(50);
    expect(await prisma.importChunk.count({ where: { importId: id } })).toBe(0);
    expect(await jobs.cancel(userId, id)).toBe('ended');
    expect(await jobs.cancel(randomUUID(), id)).toBeNull();
  });
});

describe('stored files', () => {
  const owner = async () => {
    const userId = randomUUID();
    const account = await prisma.account.create({ data: { userId, name: 'Files', type: 'CHECKING', currency: 'BRL' } });
    return { id: randomUUID(), userId, accountId: account.id };
  };

  it('stores a file in CHUNK_BYTES rows whatever the pieces it arrives in, and reads it back exactly', async () => {
    const bytes = new Uint8Array(CHUNK_BYTES * 2 + 12_345).map((_, i) => (i * 31 + (i >> 10)) & 0xff);
    const job = await owner();
    expect(await store(job, bytes, 65_537)).toMatchObject({ bytes: bytes.length, job: { id: job.id, status: 'QUEUED' } });
    const rows = await prisma.importChunk.findMany({ where: { importId: job.id }, orderBy: { seq: 'asc' } });
    expect(rows.map((r) => [r.seq, r.data.length])).toEqual([[0, CHUNK_BYTES], [1, CHUNK_BYTES], [2, 12_345]]);
    const back: Uint8Array[] = [];
    for await (const chunk of jobs.chunks(job.id)) back.push(chunk);
    expect(Buffer.concat(back).equals(Buffer.from(bytes))).toBe(true);
  });

  it('keeps nothing of an upload that breaks off or goes past the limit', async () => {
    const broken = await owner();
    async function* aborted() {
      yield* pieces(new Uint8Array(CHUNK_BYTES * 2), 100_000);
      throw new Error('aborted');
    }
    await expect(jobs.create(10, { ...broken, format: 'CSV' }, aborted(), limits)).rejects.toThrow('aborted');
    const large = await owner();
    await expect(jobs.create(10, { ...large, format: 'CSV' }, pieces(new Uint8Array(CHUNK_BYTES * 3), 100_000), { ...limits, maxBytes: CHUNK_BYTES * 2 })).rejects.toBeInstanceOf(ImportTooLarge);
    for (const id of [broken.id, large.id]) {
      expect(await prisma.importJob.count({ where: { id } })).toBe(0);
      expect(await prisma.importChunk.count({ where: { importId: id } })).toBe(0);
    }
  });
});
