/**
 * Time from createTransaction until `budgets` shows it, through the gateway, with the whole
 * system in this process (subgraphs, gateway, relay, workers) against the local PostgreSQL
 * and Redis:  node --import tsx bench/budget-latency.bench.ts [count=1000]
 */
import { randomUUID } from 'node:crypto';
import { ok, registerUser } from '@centavo/testing';
import { startSystem } from '@centavo/e2e/support/system';

const count = Number(process.argv[2] ?? 1000);
const system = await startSystem({ REDIS_PREFIX: `centavo-bench-${randomUUID().slice(0, 8)}:` });
const url = system.gatewayUrl;
const user = await registerUser(url, 'bench');
const { createAccount } = await ok<{ createAccount: { id: string } }>(
  url,
  `mutation { createAccount(input: { name: "Bench", type: CHECKING, currency: "BRL" }) { id } }`,
  {},
  user.accessToken,
);
const { categories } = await ok<{ categories: { id: string; slug: string }[] }>(url, `{ categories { id slug } }`, {}, user.accessToken);
const groceries = categories.find((c) => c.slug === 'groceries')!.id;
await ok(url, `mutation ($c: ID!) { setBudget(input: { categoryId: $c, month: "2026-11", limit: "100000", currency: "BRL" }) { id } }`, { c: groceries }, user.accessToken);

const latencies: number[] = [];
for (let i = 1; i <= count; i++) {
  const started = performance.now();
  await ok(
    url,
    `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
    { i: { accountId: createAccount.id, amount: '-1.00', date: '2026-11-15', description: `MERCADO ${i}`, categoryId: groceries } },
    user.accessToken,
  );
  const expected = `${i}.00`;
  for (;;) {
    const { budgets } = await ok<{ budgets: { spent: { amount: string } }[] }>(url, `{ budgets(month: "2026-11") { spent { amount } } }`, {}, user.accessToken);
    if (budgets[0]?.spent.amount === expected) break;
    await new Promise((r) => setTimeout(r, 2));
  }
  latencies.push(performance.now() - started);
}
latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
console.log(`createTransaction -> budgets reflects it, ${count} transactions: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`);
await system.stop();
process.exit(0);
