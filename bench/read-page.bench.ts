/**
 * What one dashboard page of transactions costs this process in CPU, read through Prisma (the
 * client engine with @prisma/adapter-pg, as the subgraph has it) and through plain pg, for the
 * same rows of the same users, one query at a time:
 *   node --import tsx bench/read-page.bench.ts [pages=400]
 * Env: DB_NAME_PREFIX (centavo_bench, seeded as bench/gateway.bench.ts does), BENCH_PAGE (50).
 */
import os from 'node:os';
import { createPgPool, prismaOptions } from '../packages/db/src/index.js';
import { PrismaClient } from '../subgraphs/transactions/src/generated/prisma/client.js';
import { TransactionsRepository } from '../subgraphs/transactions/src/modules/transactions/transactions.repository.js';

const PAGES = Number(process.argv[2] ?? 400);
const PAGE = Number(process.env.BENCH_PAGE ?? 50);
const PREFIX = process.env.DB_NAME_PREFIX ?? 'centavo_bench';
const url = `postgresql://postgres@127.0.0.1:5432/${PREFIX}_transactions`;

const prisma = new PrismaClient(prismaOptions(url, 4));
const repository = new TransactionsRepository(prisma);
const pool = createPgPool(url, 4);
const users = (await pool.query<{ user_id: string }>('SELECT user_id FROM transactions GROUP BY user_id HAVING COUNT(*) > $1 LIMIT 50', [PAGE])).rows.map((r) => r.user_id);
if (users.length === 0) {
  console.error(`no user with more than ${PAGE} transactions in ${PREFIX}_transactions; seed it first (bench/gateway.bench.ts does)`);
  process.exit(2);
}

const viaPrisma = (userId: string) => repository.page(userId, {}, PAGE, null);
const viaPg = (userId: string) =>
  pool.query(
    `SELECT id, user_id, account_id, amount_minor, currency, date, description, merchant, notes, category_id, category_source,
            transfer_peer_id, idempotency_key, version, created_at, updated_at
       FROM transactions WHERE user_id = $1 ORDER BY date DESC, created_at DESC, id DESC LIMIT $2`,
    [userId, PAGE + 1],
  );

async function measure(name: string, read: (userId: string) => Promise<unknown>): Promise<{ name: string; cpuMs: number; wallMs: number }> {
  for (let i = 0; i < 40; i++) await read(users[i % users.length]!); // warm-up: JIT, pool, prepared plans
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < PAGES; i++) await read(users[i % users.length]!);
  const used = process.cpuUsage(cpu);
  return { name, cpuMs: (used.user + used.system) / 1000 / PAGES, wallMs: (performance.now() - started) / PAGES };
}

console.log(`load: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${PAGES} pages of ${PAGE + 1} rows, ${users.length} users, one at a time`);
// Twice each, alternating, so a burst of load on the machine does not favour one.
const results = [await measure('Prisma', viaPrisma), await measure('pg', viaPg), await measure('Prisma', viaPrisma), await measure('pg', viaPg)];
console.log('| read | CPU ms / page (this process) | CPU µs / row | wall ms / page |');
console.log('|---|---|---|---|');
for (const r of results) console.log(`| ${r.name} | ${r.cpuMs.toFixed(2)} | ${((r.cpuMs * 1000) / (PAGE + 1)).toFixed(1)} | ${r.wallMs.toFixed(2)} |`);
await prisma.$disconnect();
await pool.end();
