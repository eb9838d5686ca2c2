/**
 * What the budget worker costs per batch of an import, with its processor alone (the worker's
 * code, no queue) against the local PostgreSQL:
 *   node --import tsx bench/budget-batch.bench.ts [batches=10] [rows=2000]
 * For one new user: `batches` batches of `rows` new uncategorized rows (as an import's
 * transactions.imported event reaches the budget worker), then the same rows categorized by the
 * model (its transactions.categorized event), each batch applied by the transaction-changed
 * processor with live updates (spending, payee payments, recurring bills, alerts, detection;
 * publishing to a publisher that drops everything). Reports per batch: CPU ms of this process,
 * wall ms and SQL statements (Prisma's query events plus every query on the pg pool). Uses the
 * base test databases (CENTAVO_TEST_DB_PREFIX, migrated by any test run).
 */
import { randomUUID } from 'node:crypto';
import type { TransactionEvent, TransactionSnapshot } from '@centavo/jobs';
import { testEnv } from '@centavo/testing';
import { createPgPool, sqlStatementCount } from '../packages/db/src/index.js';
import { createLogger } from '../packages/logger/src/index.js';
import { loadConfig } from '../subgraphs/budget/src/config.js';
import { createPrisma } from '../subgraphs/budget/src/db.js';
import { createBudgetDomain } from '../subgraphs/budget/src/domain.js';
import { Random } from './lib/random.js';

const batches = Number(process.argv[2] ?? 10);
const rows = Number(process.argv[3] ?? 2000);
const MERCHANTS = ['NETFLIX.COM', 'UBER *TRIP', 'PADARIA PAO QUENTE', 'SUPERMERCADO EXTRA', 'POSTO SHELL', 'FARMACIA SAO JOAO', 'IFOOD *RESTAURANTE', 'SPOTIFY', 'AMAZON MKTPLACE', 'DROGASIL'];

const { databaseUrl } = loadConfig(testEnv({ BUDGET_PORT: '0' }));
const logger = createLogger({ level: 'silent' });
const prisma = createPrisma(databaseUrl, true);
const pool = createPgPool(databaseUrl, 4);
let pgStatements = 0;
pool.on('connect', (client) => {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    pgStatements++;
    return query(...args);
  };
});
const quiet = { publish: async () => undefined, invalidate: async () => undefined };
const domain = createBudgetDomain({ prisma, pool, queue: { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: 'centavo-bench-unused:' }, logger, publisher: quiet });
const [processor] = domain.processors;
const run = { logger, job: { id: 'bench', attemptsMade: 0 } };

const userId = randomUUID();
await domain.categories.ensureDefaults(userId);
const categories = (await domain.categories.list(userId)).filter((c) => c.kind === 'EXPENSE').map((c) => c.id);
const random = new Random(20_261_203);
const accountId = randomUUID();
const snapshots: TransactionSnapshot[][] = Array.from({ length: batches }, () =>
  Array.from({ length: rows }, (): TransactionSnapshot => ({
    id: randomUUID(), userId, accountId, version: 1, deleted: false,
    amountMinor: String(-random.int(100, 40_000)), currency: 'BRL',
    date: `2025-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`,
    description: `${random.pick(MERCHANTS)} ${random.int(1, 999)}`, merchant: null, categoryId: null, categorySource: null, transferPeerId: null,
  })),
);
const event = (transaction: TransactionSnapshot, type: TransactionEvent['type']): TransactionEvent =>
  ({ eventId: randomUUID(), type, occurredAt: new Date().toISOString(), transaction });

async function measure(label: string, batch: (i: number) => TransactionEvent[]): Promise<void> {
  const cpu: number[] = [];
  const wall: number[] = [];
  const statements: number[] = [];
  for (let i = 0; i < batches; i++) {
    const events = batch(i);
    const [cpu0, wall0, sql0] = [process.cpuUsage(), performance.now(), sqlStatementCount() + pgStatements];
    await processor.handle({ userId, events }, run);
    const used = process.cpuUsage(cpu0);
    cpu.push((used.user + used.system) / 1000);
    wall.push(performance.now() - wall0);
    statements.push(sqlStatementCount() + pgStatements - sql0);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`${label}: ${batches} batches of ${rows} rows; per batch: CPU ${mean(cpu).toFixed(0)} ms (first ${cpu[0]!.toFixed(0)}, last ${cpu.at(-1)!.toFixed(0)}), wall ${mean(wall).toFixed(0)} ms, SQL statements ${statements.join(' ')}`);
}

await measure('imported (new rows)', (i) => snapshots[i]!.map((s) => event(s, 'transaction.created')));
await measure('categorized (AI)', (i) =>
  snapshots[i]!.map((s) => event({ ...s, version: 2, categoryId: categories[random.int(0, categories.length - 1)]!, categorySource: 'AI' }, 'transaction.categorized')),
);
await pool.end();
await prisma.$disconnect();
process.exit(0);
