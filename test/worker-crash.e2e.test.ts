import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetTransactionBatch, createQueue } from '@centavo/jobs';
import { ok, registerUser, testEnv, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';
import { eventually } from './support/wait.js';

const root = path.resolve(import.meta.dirname, '..');
// Queues of its own, so no other test file's worker takes these jobs.
// Generous subgraph timeout: what this test checks is exactness, not speed on a busy machine.
const env = { REDIS_PREFIX: `centavo-test-crash-${randomUUID().slice(0, 8)}:`, WORKER_STALLED_INTERVAL_MS: '1000', SUBGRAPH_TIMEOUT_MS: '30000' };
const TOTAL = 1000;

let system: RunningSystem;
let user: Session;
let worker: ChildProcess | undefined;

function startWorker(): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'bin/centavo.ts', '--module=worker'], {
    cwd: root,
    env: { ...testEnv(env), WORKER_CONCURRENCY: '8', LOG_LEVEL: 'silent' },
    stdio: 'ignore',
  });
}

beforeAll(async () => {
  system = await startSystem(env, { workers: false });
  user = await registerUser(system.gatewayUrl, 'crash');
});
afterAll(async () => {
  worker?.kill('SIGKILL');
  await system?.stop();
});

describe('the worker killed with SIGKILL again and again', () => {
  it(`counts each of ${TOTAL} transactions in the aggregates exactly once`, async () => {
    const url = system.gatewayUrl;
    const { createAccount } = await ok<{ createAccount: { id: string } }>(
      url,
      `mutation { createAccount(input: { name: "Card", type: CREDIT_CARD, currency: "BRL" }) { id } }`,
      {},
      user.accessToken,
    );
    const { categories } = await ok<{ categories: { id: string; slug: string }[] }>(url, `{ categories { id slug } }`, {}, user.accessToken);
    const groceries = categories.find((c) => c.slug === 'groceries')!.id;

    let kills = 0;
    let creating = true;
    worker = startWorker();
    const killer = (async () => {
      while (creating) {
        // Long enough for the new worker to start and be killed in the middle of its jobs.
        await new Promise((r) => setTimeout(r, 1200 + Math.random() * 1000));
        worker?.kill('SIGKILL');
        kills++;
        worker = startWorker();
      }
    })();

    let expected = 0n;
    const amounts = Array.from({ length: TOTAL }, (_, i) => BigInt(100 + ((i * 7919) % 9000)));
    // A failed request must stop the killer too, or it restarts workers after the test is over.
    try {
    for (let i = 0; i < TOTAL; i += 25) {
      await Promise.all(
        amounts.slice(i, i + 25).map((cents, j) => {
          expected += cents;
          return ok(
            url,
            `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
            {
              i: {
                accountId: createAccount.id,
                amount: `-${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`,
                date: `2026-03-${String(((i + j) % 28) + 1).padStart(2, '0')}`,
                description: `MERCADO ${i + j}`,
                categoryId: groceries,
              },
            },
            user.accessToken,
          );
        }),
      );
    }
    } finally {
      creating = false;
      await killer;
    }
    expect(kills).toBeGreaterThanOrEqual(3);

    const total = `${expected / 100n}.${String(expected % 100n).padStart(2, '0')}`;
    const spending = await eventually(
      async () => {
        const data = await ok<{ spendingByCategory: { total: { amount: string }; count: number }[] }>(
          url,
          `{ spendingByCategory(from: "2026-03-01", to: "2026-03-31", currency: "BRL") { total { amount } count } }`,
          {},
          user.accessToken,
        );
        const row = data.spendingByCategory[0];
        return row && row.count === TOTAL ? row : undefined;
      },
      60_000,
      `${TOTAL} transactions in the aggregates`,
    );
    expect(spending).toEqual({ total: { amount: total }, count: TOTAL });
    // Nothing ended in the failed set either.
    const queue = createQueue(testEnv(env) as { REDIS_URL: string; REDIS_PREFIX: string }, budgetTransactionBatch.queue);
    expect(await queue.getJobCounts('failed')).toEqual({ failed: 0 });
    await queue.close();
  }, 180_000);
});
