/**
 * Reports over 100,000 transactions in three currencies (BRL, USD, EUR), converted into BRL at a
 * year of daily ECB rates (USD through the cross EUR rates), through the gateway with the whole
 * system in this process and the response cache off, one request at a time:
 *   node --import tsx bench/currencies.bench.ts [transactions=100000] [requests=200]
 * Env: DB_NAME_PREFIX (centavo_bench_currencies; created, migrated and dropped by the bench).
 * The transactions and the budget domain's ledger and daily aggregates are written straight into
 * the databases (as seed-history does); rates are imported through importExchangeRates.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { ok, registerUser } from '@centavo/testing';
import { startSystem } from '@centavo/e2e/support/system';
import { arrayLiteral, insertMany } from './lib/bulk.js';
import { closePools, dropDatabases, inTransaction, migrateDatabases, poolsFor } from './lib/pg.js';
import { Random } from './lib/random.js';

const TRANSACTIONS = Number(process.argv[2] ?? 100_000);
const REQUESTS = Number(process.argv[3] ?? 200);
const PREFIX = process.env.DB_NAME_PREFIX ?? 'centavo_bench_currencies';
const UNCATEGORIZED = '00000000-0000-0000-0000-000000000000';
const random = new Random(42);

await dropDatabases(PREFIX);
await migrateDatabases(PREFIX);
const system = await startSystem({ DB_NAME_PREFIX: PREFIX, RESPONSE_CACHE: 'false', REDIS_PREFIX: `centavo-bench-${randomUUID().slice(0, 8)}:` });
const url = system.gatewayUrl;
const user = await registerUser(url, 'bench');
const currencies = ['BRL', 'USD', 'EUR'] as const;
const accounts = new Map<string, string>();
for (const currency of currencies) {
  const { createAccount } = await ok<{ createAccount: { id: string } }>(url, `mutation ($c: String!) { createAccount(input: { name: $c, type: CHECKING, currency: $c, openingBalance: "1000.00" }) { id } }`, { c: currency }, user.accessToken);
  accounts.set(currency, createAccount.id);
}
const { categories } = await ok<{ categories: { id: string; kind: string }[] }>(url, `{ categories { id kind } }`, {}, user.accessToken);
const expenseCategories = categories.filter((c) => c.kind === 'EXPENSE').map((c) => c.id);

// 2025, every day; 60% BRL, 25% USD, 15% EUR; 10% income; 20% tagged.
const day0 = Date.UTC(2025, 0, 1);
const rows = Array.from({ length: TRANSACTIONS }, () => {
  const pick = random.next();
  const currency = pick < 0.6 ? 'BRL' : pick < 0.85 ? 'USD' : 'EUR';
  const income = random.chance(0.1);
  const amount = BigInt(random.int(100, 30_000)) * (income ? 1n : -1n);
  const day = new Date(day0 + random.int(0, 364) * 86_400_000).toISOString().slice(0, 10);
  const categoryId = income ? null : expenseCategories[random.int(0, expenseCategories.length - 1)]!;
  const tags = random.chance(0.2) ? [random.chance(0.5) ? 'trip' : 'work'] : [];
  return { id: randomUUID(), currency, amount, day, categoryId, tags };
});
const pools = poolsFor(PREFIX);
let started = performance.now();
await inTransaction(pools.transactions, (client) =>
  insertMany(client, 'transactions', 'id uuid, user_id uuid, account_id uuid, amount_minor bigint, currency text, date date, description text, category_id uuid, tags text[], tag_index text[], updated_at timestamptz',
    rows.map((r) => [r.id, user.id, accounts.get(r.currency)!, r.amount, r.currency, r.day, 'bench', r.categoryId, arrayLiteral(r.tags), arrayLiteral(r.tags), new Date()])));
const daily = new Map<string, { key: string; currency: string; day: string; expense: bigint; income: bigint; count: number }>();
for (const r of rows) {
  const key = r.categoryId ?? UNCATEGORIZED;
  const id = `${key}|${r.currency}|${r.day}`;
  const d = daily.get(id) ?? { key, currency: r.currency, day: r.day, expense: 0n, income: 0n, count: 0 };
  if (r.amount < 0n) d.expense -= r.amount;
  else d.income += r.amount;
  d.count++;
  daily.set(id, d);
}
await inTransaction(pools.budget, async (client) => {
  await insertMany(client, 'transaction_ledger', 'transaction_id uuid, user_id uuid, category_id uuid, day date, currency text, amount_minor bigint, is_transfer boolean, tags jsonb, version int, deleted boolean, updated_at timestamptz',
    rows.map((r) => [r.id, user.id, r.categoryId, r.day, r.currency, r.amount, false, JSON.stringify(r.tags), 1, false, new Date()]));
  await insertMany(client, 'daily_spending', 'user_id uuid, category_key uuid, currency text, day date, expense_minor bigint, income_minor bigint, tx_count int',
    [...daily.values()].map((d) => [user.id, d.key, d.currency, d.day, d.expense, d.income, d.count]));
});
await Promise.all([pools.transactions.query('ANALYZE transactions'), pools.budget.query('ANALYZE transaction_ledger'), pools.budget.query('ANALYZE daily_spending')]);
console.log(`seeded ${TRANSACTIONS} transactions (${daily.size} daily aggregate rows) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

// A year and a month of ECB-format rates, weekdays only (as the ECB publishes), imported as content.
const cubes: string[] = [];
let rateCount = 0;
for (let t = Date.UTC(2024, 11, 1); t <= Date.UTC(2025, 11, 31); t += 86_400_000) {
  const weekday = new Date(t).getUTCDay();
  if (weekday === 0 || weekday === 6) continue;
  const usd = (1.05 + random.int(0, 1000) / 10_000).toFixed(4);
  const brl = (6 + random.int(0, 5000) / 10_000).toFixed(4);
  const jpy = (155 + random.int(0, 1000) / 100).toFixed(2);
  cubes.push(`<Cube time='${new Date(t).toISOString().slice(0, 10)}'><Cube currency='USD' rate='${usd}'/><Cube currency='BRL' rate='${brl}'/><Cube currency='JPY' rate='${jpy}'/></Cube>`);
  rateCount += 3;
}
const xml = `<?xml version="1.0" encoding="UTF-8"?><gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref"><Cube>${cubes.join('')}</Cube></gesmes:Envelope>`;
started = performance.now();
await ok(url, `mutation ($c: String!) { importExchangeRates(input: { format: ECB_XML, content: $c }) { imported } }`, { c: xml }, user.accessToken);
console.log(`importExchangeRates: ${rateCount} rates (${(xml.length / 1024).toFixed(0)} KiB) in ${(performance.now() - started).toFixed(0)} ms`);

const year = { f: '2025-01-01', t: '2025-12-31' };
const cases: [string, string, Record<string, unknown>][] = [
  ['spendingByCategory BRL only (no conversion)', `query ($f: Date!, $t: Date!) { spendingByCategory(from: $f, to: $t, currency: "BRL") { category { id } total { amount } count } }`, year],
  ['spendingByCategory → BRL, a year', `query ($f: Date!, $t: Date!) { spendingByCategory(from: $f, to: $t, currency: "BRL", convert: true) { category { id } total { amount } count conversions { original { amount } converted { amount } rate { method date rate } } } }`, year],
  ['spendingByCategory → BRL, a year, without conversions', `query ($f: Date!, $t: Date!) { spendingByCategory(from: $f, to: $t, currency: "BRL", convert: true) { category { id } total { amount } count } }`, year],
  ['spendingByTag → BRL, a year', `query ($f: Date!, $t: Date!) { spendingByTag(from: $f, to: $t, currency: "BRL", convert: true) { tag total { amount } expenses { amount } income { amount } count conversions { converted { amount } rate { date } } } }`, year],
  ['cashFlow MONTH → BRL, a year', `query ($f: Date!, $t: Date!) { cashFlow(from: $f, to: $t, currency: "BRL", convert: true) { periodStart income { amount } expenses { amount } net { amount } conversions { converted { amount } rate { date } } } }`, year],
  ['cashFlow DAY → BRL, a year', `query ($f: Date!, $t: Date!) { cashFlow(from: $f, to: $t, currency: "BRL", interval: DAY, convert: true) { periodStart net { amount } } }`, year],
  ['spendingByCategory → BRL, a year, conversionTotals', `query ($f: Date!, $t: Date!) { spendingByCategory(from: $f, to: $t, currency: "BRL", convert: true) { category { id } total { amount } count conversionTotals { original { amount } converted { amount } rateCount firstRateDate lastRateDate } } }`, year],
  ['spendingByTag → BRL, a year, conversionTotals', `query ($f: Date!, $t: Date!) { spendingByTag(from: $f, to: $t, currency: "BRL", convert: true) { tag total { amount } expenses { amount } income { amount } count conversionTotals { original { amount } converted { amount } rateCount } } }`, year],
  ['cashFlow MONTH → BRL, a year, conversionTotals', `query ($f: Date!, $t: Date!) { cashFlow(from: $f, to: $t, currency: "BRL", convert: true) { periodStart income { amount } expenses { amount } net { amount } conversionTotals { original { amount } converted { amount } rateCount } } }`, year],
  ['netWorthByMonth 12 months → BRL', `query { netWorthByMonth(from: "2025-01", to: "2025-12") { month balances { amount currency } total(currency: "BRL") { amount { amount } conversions { converted { amount } rate { date method } } } } }`, {}],
];

console.log(`load: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${REQUESTS} requests per report, one at a time, response cache off`);
console.log('| report | p50 ms | p99 ms | max ms | failed |');
console.log('|---|---|---|---|---|');
for (const [name, query, variables] of cases) {
  // A failed request (e.g. the gateway's 5 s subgraph timeout) is counted, not fatal: the table says so.
  const timed = async () => {
    const t0 = performance.now();
    try {
      await ok(url, query, variables, user.accessToken);
      return performance.now() - t0;
    } catch {
      return null;
    }
  };
  for (let i = 0; i < 5; i++) await timed(); // warm-up: JIT, pools, plans
  const latencies: number[] = [];
  let failed = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const ms = await timed();
    if (ms === null) failed++;
    else latencies.push(ms);
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => (latencies.length === 0 ? '-' : latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1));
  console.log(`| ${name} | ${at(0.5)} | ${at(0.99)} | ${at(1)} | ${failed} |`);
}
await system.stop();
await closePools(pools);
await dropDatabases(PREFIX);
process.exit(0);
