/**
 * What the `_entities` reads of one dashboard cost in CPU, through Prisma (the client engine
 * with @prisma/adapter-pg) and through plain pg (the readers the subgraphs use), for the same
 * rows: the budget subgraph's categories (every one the user's transactions name, about 26)
 * and the ai subgraph's decisions of the user's newest 50-row page.
 *   node --import tsx bench/entity-reads.bench.ts [reads=400]
 * Env: DB_NAME_PREFIX (centavo_bench, seeded as bench/gateway.bench.ts does), BENCH_PAGE (50).
 */
import os from 'node:os';
import { createPgPool, prismaOptions } from '../packages/db/src/index.js';
import { PrismaClient as AiClient } from '../subgraphs/ai/src/generated/prisma/client.js';
import { CategorizationReader } from '../subgraphs/ai/src/modules/categorization/categorization.reader.js';
import { CategorizationRepository } from '../subgraphs/ai/src/modules/categorization/categorization.repository.js';
import { PrismaClient as BudgetClient } from '../subgraphs/budget/src/generated/prisma/client.js';
import { CategoriesReader } from '../subgraphs/budget/src/modules/categories/categories.reader.js';
import { CategoriesRepository } from '../subgraphs/budget/src/modules/categories/categories.repository.js';

const READS = Number(process.argv[2] ?? 400);
const PAGE = Number(process.env.BENCH_PAGE ?? 50);
const PREFIX = process.env.DB_NAME_PREFIX ?? 'centavo_bench';
const url = (name: string) => `postgresql://postgres@127.0.0.1:5432/${PREFIX}_${name}`;

const budgetPrisma = new BudgetClient(prismaOptions(url('budget'), 4));
const aiPrisma = new AiClient(prismaOptions(url('ai'), 4));
const budgetPool = createPgPool(url('budget'), 4);
const aiPool = createPgPool(url('ai'), 4);
const txPool = createPgPool(url('transactions'), 1);

// Each user's newest page, as the dashboard lists it (its transaction ids), and the categories the user's rows name.
const { rows } = await txPool.query<{ user_id: string; ids: string[]; categories: string[] }>(
  `SELECT user_id, (array_agg(id ORDER BY date DESC, created_at DESC, id DESC))[1:$1] AS ids,
          array_remove(array_agg(DISTINCT category_id), NULL) AS categories
     FROM transactions GROUP BY user_id HAVING COUNT(*) >= $1 LIMIT 50`,
  [PAGE],
);
await txPool.end();
if (rows.length === 0) {
  console.error(`no user with ${PAGE} transactions in ${PREFIX}_transactions; seed it first (bench/gateway.bench.ts does)`);
  process.exit(2);
}

const reads = {
  'categories, Prisma': (i: number) => new CategoriesRepository(budgetPrisma).findManyForUser(rows[i]!.user_id, rows[i]!.categories),
  'categories, pg': (i: number) => new CategoriesReader(budgetPool).findManyForUser(rows[i]!.user_id, rows[i]!.categories),
  'decisions, Prisma': (i: number) => new CategorizationRepository(aiPrisma).findForUser(rows[i]!.user_id, rows[i]!.ids),
  'decisions, pg': (i: number) => new CategorizationReader(aiPool).findForUser(rows[i]!.user_id, rows[i]!.ids),
};

async function measure(name: keyof typeof reads): Promise<{ name: string; cpuMs: number; rows: number }> {
  const read = reads[name];
  for (let i = 0; i < 40; i++) await read(i % rows.length); // warm-up: JIT, pool, prepared plans
  let total = 0;
  const cpu = process.cpuUsage();
  for (let i = 0; i < READS; i++) total += (await read(i % rows.length)).length;
  const used = process.cpuUsage(cpu);
  return { name, cpuMs: (used.user + used.system) / 1000 / READS, rows: total / READS };
}

console.log(`load: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${READS} reads each, ${rows.length} users, one at a time`);
const names = Object.keys(reads) as (keyof typeof reads)[];
// Twice each, alternating, so a burst of load on the machine does not favour one.
const results = [];
for (let round = 0; round < 2; round++) for (const name of names) results.push(await measure(name));
console.log('| read | rows / read | CPU ms / read (this process) |');
console.log('|---|---|---|');
for (const r of results) console.log(`| ${r.name} | ${r.rows.toFixed(1)} | ${r.cpuMs.toFixed(2)} |`);
await Promise.all([budgetPrisma.$disconnect(), aiPrisma.$disconnect(), budgetPool.end(), aiPool.end()]);
