/**
 * Where an import's time goes, without HTTP or queues: the runner over a stored 100k-row CSV
 * against the local PostgreSQL, timing parse, each part of a batch write and the per-row events.
 *   node --import tsx bench/import-write.bench.ts [rows=100000] [batchSize=2000] [events=1]
 * events=0 leaves out the batch's transactions.imported event, to measure what it costs.
 * CPU is reported for this process and for the PostgreSQL backends of its connections (read from
 * /proc: PostgreSQL runs on this machine), so a loaded machine's wait for a core is not counted.
 * BENCH_CPU_PROF=<file prefix>: a V8 CPU profile of each import's run alone (not the upload),
 * written to <prefix>-first.cpuprofile and <prefix>-re-import.cpuprofile (bench/cpu-profile-summary.ts).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
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
const APP = `centavo-import-bench-${process.pid}`;
const pool = createPgPool(`${config.databaseUrl}${config.databaseUrl.includes('?') ? '&' : '?'}application_name=${APP}`, 4);
const jobs = new ImportsRepository(prisma, pool);
const batches = new ImportBatchRepository(pool, { events: withEvents });

/** CPU seconds of a process (utime + stime of /proc/<pid>/stat, 100 ticks a second here); 0 once it is gone. */
function cpuOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds so far of each PostgreSQL backend serving this bench's pool. */
async function backendCpu(): Promise<Map<number, number>> {
  const { rows: backends } = await pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [APP]);
  return new Map(backends.map(({ pid }) => [pid, cpuOf(pid)]));
}

const hwm = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;

const importIds: string[] = [];

async function once(label: string, accountId: string, userId: string) {
  const id = randomUUID();
  importIds.push(id);
  const file = new StatementStream();
  await jobs.create(10, { id, userId, accountId, format: 'CSV' }, file.pieces({ totalRows: rows }), { maxBytes: 1e9, timeoutMs: 600_000 });
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const dbBefore = await backendCpu();
  batches.timings.clear();
  const runner = new ImportRunner({ jobs, batches, publish: async () => undefined, onEvents: () => undefined, batchSize, maxErrors: 1000 });
  const profiler = process.env.BENCH_CPU_PROF ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  await runner.run(id, createLogger({ level: 'warn' }));
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(`${process.env.BENCH_CPU_PROF}-${label.split(' ')[0]}.cpuprofile`, JSON.stringify(profile));
    profiler.disconnect();
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  let dbCpu = 0;
  for (const [pid, now] of await backendCpu()) dbCpu += now - (dbBefore.get(pid) ?? 0);
  const job = await prisma.importJob.findUniqueOrThrow({ where: { id } });
  const parts = [...batches.timings].map(([k, ms]) => `${k} ${(ms / 1000).toFixed(2)} s`).join(', ');
  console.log(`${label}: ${job.status} ${job.imported} imported, ${job.duplicates} duplicates in ${seconds.toFixed(2)} s = ${(rows / seconds).toFixed(0)} rows/s; batch parts: ${parts}`);
  console.log(`  CPU: this process ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, its PostgreSQL backends ${dbCpu.toFixed(2)} s (${((dbCpu * 1e6) / rows).toFixed(0)} µs a row); peak RSS so far ${hwm().toFixed(0)} MiB`);
}

const userId = randomUUID();
const account = await prisma.account.create({ data: { userId, name: 'Bench', type: 'CHECKING', currency: 'BRL' } });
console.log(`${rows} rows, batches of ${batchSize}, per-row events ${withEvents ? 'on' : 'off'}`);
await once('first import', account.id, userId);
await once('re-import', account.id, userId);
// No relay runs here: the batches' events would wait in the outbox for the next system started on
// these databases, whose relay would then read them all at once (hundreds of MB of JSON).
await pool.query(`DELETE FROM outbox_events WHERE aggregate_id = ANY($1::uuid[])`, [importIds]);
await prisma.$disconnect();
await pool.end();
