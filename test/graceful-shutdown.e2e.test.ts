import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ok, registerUser } from '@centavo/testing';
import { processEnv, spawnCentavo } from './support/process.js';
import { eventually } from './support/wait.js';

const env = processEnv(14600);
const url = env.gatewayUrl;
let child: ChildProcess | undefined;

const start = (): ChildProcess => spawnCentavo('all', env);
// A process start on a busy machine can take far longer than on a quiet one.
const up = () => eventually(async () => ((await fetch('http://127.0.0.1:14600/ready')).ok ? true : undefined), 90_000, 'the system up');

afterAll(() => {
  child?.kill('SIGKILL');
});

describe('SIGTERM under load', () => {
  it('loses no accepted request and no job', async () => {
    child = start();
    await up();
    const user = await registerUser(url, 'sigterm');
    const { createAccount } = await ok<{ createAccount: { id: string } }>(
      url,
      `mutation { createAccount(input: { name: "Load", type: CHECKING, currency: "BRL" }) { id } }`,
      {},
      user.accessToken,
    );
    const { categories } = await ok<{ categories: { id: string; slug: string }[] }>(url, `{ categories { id slug } }`, {}, user.accessToken);
    const groceries = categories.find((c) => c.slug === 'groceries')!.id;

    const accepted: string[] = [];
    let refused = 0;
    const send = async (i: number) => {
      try {
        const data = await ok<{ createTransaction: { id: string } }>(
          url,
          `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
          { i: { accountId: createAccount.id, amount: '-1.00', date: '2026-04-10', description: `MERCADO ${i}`, categoryId: groceries } },
          user.accessToken,
        );
        accepted.push(data.createTransaction.id);
      } catch {
        refused++; // not accepted: the client saw an error and may retry
      }
    };
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    const load = Array.from({ length: 300 }, (_, i) => new Promise((r) => setTimeout(r, i * 3)).then(() => send(i)));
    await new Promise((r) => setTimeout(r, 400));
    child.kill('SIGTERM');
    await Promise.all(load);
    expect(await exited).toBe(0);
    expect(accepted.length).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0); // SIGTERM really came in the middle of the load
    expect(accepted.length + refused).toBe(300);

    // Back up: every accepted transaction is there, and every stored one is in the aggregates.
    child = start();
    await up();
    const { transactions } = await ok<{ transactions: { totalCount: number } }>(
      url,
      `query ($a: ID!) { transactions(filter: { accountId: $a }, first: 1) { totalCount } }`,
      { a: createAccount.id },
      user.accessToken,
    );
    expect(transactions.totalCount).toBeGreaterThanOrEqual(accepted.length);
    for (const id of accepted.slice(0, 20)) {
      expect((await ok<{ transaction: { id: string } }>(url, `query ($id: ID!) { transaction(id: $id) { id } }`, { id }, user.accessToken)).transaction.id).toBe(id);
    }
    await eventually(
      async () => {
        const data = await ok<{ spendingByCategory: { count: number }[] }>(
          url,
          `{ spendingByCategory(from: "2026-04-01", to: "2026-04-30", currency: "BRL") { count } }`,
          {},
          user.accessToken,
        );
        return data.spendingByCategory[0]?.count === transactions.totalCount ? true : undefined;
      },
      30_000,
      `all ${transactions.totalCount} stored transactions in the aggregates`,
    );
    const stopped = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await stopped;
    child = undefined;
  }, 300_000);
});
