/**
 * Fills a database set with 18 months of history, so benchmarks run on a used database:
 *   node --import tsx bench/seed-history.ts [users=2000] [transactions=300000]
 * Env: DB_NAME_PREFIX (centavo_soak; migrate it first: DB_NAME_PREFIX=centavo_soak node --import tsx bin/centavo.ts migrate),
 *      SEED (PRNG seed, random by default), SEED_VERIFY=0 to skip the check through the gateway.
 * Each run adds new users with their history (emails seed-<run tag>-<n>@example.com, password
 * in seed/credentials.ts): running twice adds more history, it never touches earlier rows.
 * Rows go in with multi-row INSERTs straight into each subgraph's database (see seed/write.ts);
 * then the ai domain's own retraining runs over the users' choices, as its nightly job would.
 */
import { hashPassword } from '../subgraphs/auth/src/modules/users/credentials.js';
import { closePools, poolsFor } from './lib/pg.js';
import { Random } from './lib/random.js';
import { deletePrefix } from './lib/redis.js';
import { startCentavo } from './lib/system.js';
import { planBudgets } from './seed/budgets.js';
import { loadCatalog } from './seed/catalog.js';
import { retrainGlobalModel } from './seed/retrain.js';
import { SEED_PASSWORD } from './seed/credentials.js';
import { generateUser, type GenerateContext } from './seed/generate-user.js';
import { verifySeededUsers } from './seed/verify.js';
import { writeChunk, type SeededUser, type WriteContext } from './seed/write.js';

const USERS = Number(process.argv[2] ?? 2000);
const TRANSACTIONS = Number(process.argv[3] ?? 300_000);
const PREFIX = process.env.DB_NAME_PREFIX ?? 'centavo_soak';
const SEED = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Users per chunk: each chunk is one database transaction per database. */
const CHUNK = 50;
/** 18 months. */
const HISTORY_DAYS = 548;
/** Verification starts the API on these ports (gateway first); the soak uses 15600-15605. */
const VERIFY_PORT = 15610;
const VERIFY_USERS = 5;

if (!Number.isInteger(USERS) || USERS < 1 || !Number.isInteger(TRANSACTIONS) || TRANSACTIONS < USERS) {
  console.error('usage: seed-history.ts [users >= 1] [transactions >= users]');
  process.exit(2);
}

const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
const pools = poolsFor(PREFIX, 2);
const missing = [];
for (const [name, table] of [['auth', 'users'], ['transactions', 'transactions'], ['budget', 'daily_spending'], ['ai', 'categorizations']] as const) {
  const ok = await pools[name].query(`SELECT to_regclass('${table}') IS NOT NULL AS ok`).then((r) => r.rows[0]?.ok === true, () => false);
  if (!ok) missing.push(`${PREFIX}_${name}`);
}
if (missing.length) {
  console.error(`not migrated: ${missing.join(', ')}; run: DB_NAME_PREFIX=${PREFIX} node --import tsx bin/centavo.ts migrate`);
  await closePools(pools);
  process.exit(2);
}

const runTag = Date.now().toString(36);
console.log(`seeding ${PREFIX}: ${USERS} users, ${TRANSACTIONS} transactions over ${HISTORY_DAYS} days (seed ${SEED}, run tag ${runTag})`);
const [passwordHash, catalog] = [await hashPassword(SEED_PASSWORD), loadCatalog()];
console.log(`catalog of ${catalog.lines.length} descriptions categorized by model ${catalog.modelVersion} (${seconds()} s)`);

// Users get between 0.3 and 1.7 times the average, summing exactly to TRANSACTIONS.
const rng = new Random(SEED);
const weights = Array.from({ length: USERS }, () => 0.3 + 1.4 * rng.next());
const totalWeight = weights.reduce((a, b) => a + b, 0);
const perUser = weights.map((w) => Math.max(1, Math.floor((w / totalWeight) * TRANSACTIONS)));
for (let i = 0, rest = TRANSACTIONS - perUser.reduce((a, b) => a + b, 0); rest !== 0; i = (i + 1) % USERS) {
  if (rest > 0 || perUser[i]! > 1) {
    perUser[i]! += Math.sign(rest);
    rest -= Math.sign(rest);
  }
}

const now = new Date();
const generation: GenerateContext = { catalog, now, days: HISTORY_DAYS, runTag };
const writing: WriteContext = { passwordHash, modelVersion: catalog.modelVersion, counts: new Map() };
const sample: SeededUser[] = [];
const generate = (from: number): SeededUser[] =>
  perUser.slice(from, from + CHUNK).map((count, i) => {
    const userRng = new Random(SEED + from + i + 1);
    const user = generateUser(generation, from + i, count, userRng);
    return { user, ...planBudgets(user, now, HISTORY_DAYS, userRng) };
  });

// Generating the next chunk (CPU here) overlaps with writing the previous one (CPU in PostgreSQL).
let writing$: Promise<void> = Promise.resolve();
let written = 0;
for (let from = 0; from < USERS; from += CHUNK) {
  const chunk = generate(from);
  if (sample.length < VERIFY_USERS) sample.push(...chunk.slice(0, VERIFY_USERS - sample.length));
  await writing$;
  writing$ = writeChunk(pools, chunk, writing).then(() => {
    written += chunk.length;
    if (written % 500 === 0 || written === USERS) {
      console.log(`  ${written}/${USERS} users, ${writing.counts.get('transactions.transactions') ?? 0} transactions (${seconds()} s)`);
    }
  });
}
await writing$;
const seedSeconds = seconds();
console.log(`\ninserted in ${seedSeconds} s:`);
for (const [table, rows] of [...writing.counts.entries()].sort()) console.log(`  ${table.padEnd(34)} ${rows.toLocaleString('en-US').padStart(10)}`);

// The users' choices are training rows of the global model (GLOBAL_LEARNING is on by default):
// retrain once over them, as the nightly job would have.
const model = await retrainGlobalModel(PREFIX);
console.log(`\nretrained the global model as the nightly job would: ${model.version} on ${model.examples.toLocaleString('en-US')} training rows, ${model.seconds.toFixed(1)} s`);

let problems: string[] = [];
if (process.env.SEED_VERIFY !== '0') {
  const to = now.toISOString().slice(0, 10);
  const from = new Date(now.getTime() - HISTORY_DAYS * 86_400_000).toISOString().slice(0, 10);
  console.log(`\nchecking ${sample.length} seeded users through the gateway (API on :${VERIFY_PORT})...`);
  const system = await startCentavo({
    basePort: VERIFY_PORT,
    dbPrefix: PREFIX,
    redisPrefix: `centavo-seed-${runTag}:`,
    processes: ['auth,transactions,budget,ai,gateway'],
    logDir: `/tmp/centavo-seed-${runTag}`,
  });
  try {
    problems = await verifySeededUsers(system.gatewayUrl, pools, sample.map((s) => s.user), from, to);
  } finally {
    await system.stop();
    await deletePrefix(system.env.REDIS_PREFIX!);
  }
  for (const p of problems) console.log(`  MISMATCH ${p}`);
  console.log(problems.length ? `${problems.length} mismatches` : 'balances, counts, spendingByCategory and budgets agree with the seeded transactions');
}
await closePools(pools);
process.exit(problems.length ? 1 : 0);
