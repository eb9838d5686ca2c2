/**
 * Where an import's time goes, without HTTP or queues: the runner over a stored 100k-row CSV
 * against the local PostgreSQL, timing parse, each part of a batch write and the per-row events.
 *   node --import tsx bench/import-write.bench.ts [rows=100000] [batchSize=2000] [events=1]
 * events=0 leaves out the per-row transaction.created events, to measure what they cost.
 */
import { randomUUID } from 'node:crypto';
import { createPgPool } from '@centavo/db';
import { createLogger } from '@centavo/logger';
import { testEnv } from '@centavo/testing';
import { StatementStream } from '@centavo/e2e/support/uploads';
import { loadConfig } from '../subgraphs/transactions/src/config.js';
import { createPrisma } from '../subgraphs/transactions/src/db.js';
import { ImportBatchRepository } from '../subgraphs/transactions/src/modules/imports/import-batch.repository.js';
import { ImportRunner } from '../subgraphs/transactions/src/modules/imports/import-runner.js';
import { ImportsRepository } from '../subgraphs/transactions/src/modules/imports/imports.repository.js';

const rows = Number(process.argv[2] ?? 100_000);
const batchSize = Number(process.argv[3] ?? 2000);
const withEvents = (process.argv[4] ?? '1') === '1';
const config = loadConfig(testEnv({ TRANSACTIONS_PORT: '0', DB_NAME_PREFIX: process.env.DB_NAME_PREFIX ?? 'centavo_bench' }));
const prisma = createPrisma(config.databaseUrl, false);
const pool = createPgPool(config.databaseUrl, 4);
const jobs = new ImportsRepository(prisma, pool);
const batches = new ImportBatchRepository(pool, { events: withEvents });

async function once(label: string, accountId: string, userId: string) {
  const id = randomUUID();
  const file = new StatementStream();
  await jobs.create(10, { id, userId, accountId, format: 'CSV' }, file.pieces({ totalRows: rows }), { maxBytes: 1e9, timeoutMs: 600_000 });
  const started = performance.now();
  batches.timings.clear();
  const runner = new ImportRunner({ jobs, batches, publish: async () => undefined, onEvents: () => undefined, batchSize, maxErrors: 1000 });
  await runner.run(id, createLogger({ level: 'warn' }));
  const seconds = (performance.now() - started) / 1000;
  const job = await prisma.importJob.findUniqueOrThrow({ where: { id } });
  const parts = [...batches.timings].map(([k, ms]) => `${k} ${(ms / 1000).toFixed(2)} s`).join(', ');
  console.log(`${label}: ${job.status} ${job.imported} imported, ${job.duplicates} duplicates in ${seconds.toFixed(2)} s = ${(rows / seconds).toFixed(0)} rows/s; batch parts: ${parts}`);
}

const userId = randomUUID();
const account = await prisma.account.create({ data: { userId, name: 'Bench', type: 'CHECKING', currency: 'BRL' } });
console.log(`${rows} rows, batches of ${batchSize}, per-row events ${withEvents ? 'on' : 'off'}`);
await once('first import', account.id, userId);
await once('re-import', account.id, userId);
await prisma.$disconnect();
await pool.end();
