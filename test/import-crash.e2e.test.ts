import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, registerUser, testEnv, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';
import { StatementStream, upload } from './support/uploads.js';
import { eventually } from './support/wait.js';

const root = path.resolve(import.meta.dirname, '..');
// Queues of its own, so no other test file's worker takes this import; small batches, so the
// import is mid-way for a while; a short stalled interval, so a killed worker's job is taken again soon.
const env = { REDIS_PREFIX: `centavo-test-import-crash-${randomUUID().slice(0, 8)}:`, WORKER_STALLED_INTERVAL_MS: '1000', IMPORT_BATCH_SIZE: '100' };
const ROWS = 10_000;

let system: RunningSystem;
let user: Session;
let worker: ChildProcess | undefined;

function startWorker(): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'bin/centavo.ts', '--module=worker'], {
    cwd: root,
    env: { ...testEnv(env), LOG_LEVEL: 'silent' },
    stdio: 'ignore',
  });
}

interface Job {
  status: string;
  processed: number;
  imported: number;
  duplicates: number;
  total: number | null;
}

beforeAll(async () => {
  system = await startSystem(env, { workers: false });
  user = await registerUser(system.gatewayUrl, 'import-crash');
}, 120_000);
afterAll(async () => {
  worker?.kill('SIGKILL');
  await system?.stop();
});

describe('an import whose worker is killed with SIGKILL mid-way', () => {
  it(`resumes in a new worker and stores each of ${ROWS} rows exactly once`, async () => {
    const url = system.gatewayUrl;
    const { createAccount } = await ok<{ createAccount: { id: string } }>(url, `mutation { createAccount(input: { name: "Crash", type: CHECKING, currency: "BRL" }) { id } }`, {}, user.accessToken);
    const file = new StatementStream(11);
    const answer = await upload(url, user.accessToken, { accountId: createAccount.id, format: 'CSV' }, file.pieces({ totalRows: ROWS }));
    expect(answer.status).toBe(202);
    const id = answer.body.id!;
    const job = async () => (await ok<{ importJob: Job }>(url, `query ($id: ID!) { importJob(id: $id) { status processed imported duplicates total } }`, { id }, user.accessToken)).importJob;

    let kills = 0;
    worker = startWorker();
    // Killed twice while it writes batches: each time some rows are in, and more are to come.
    for (let k = 0; k < 2; k++) {
      const seen = await job();
      await eventually(async () => {
        const now = await job();
        return now.processed > seen.processed && now.processed < ROWS ? now : undefined;
      }, 120_000, `the import to move on (kill ${k + 1})`);
      worker.kill('SIGKILL');
      kills++;
      worker = startWorker();
    }
    expect(kills).toBe(2);

    const done = await eventually(async () => {
      const now = await job();
      return now.status === 'COMPLETED' || now.status === 'FAILED' ? now : undefined;
    }, 420_000, 'the import to end (a new worker starts, then takes the stalled job once its lock expires)');
    expect(done).toEqual({ status: 'COMPLETED', processed: ROWS, total: ROWS, imported: ROWS, duplicates: 0 });
    const { accounts, transactions } = await ok<{ accounts: { id: string; balance: { amount: string } }[]; transactions: { totalCount: number } }>(
      url,
      `query ($a: ID!) { accounts { id balance { amount } } transactions(filter: { accountId: $a }, first: 0) { totalCount } }`,
      { a: createAccount.id },
      user.accessToken,
    );
    expect(transactions.totalCount).toBe(ROWS);
    const sum = file.sumMinor;
    const abs = sum < 0n ? -sum : sum;
    const expected = `${sum < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
    expect(accounts.find((a) => a.id === createAccount.id)?.balance.amount).toBe(expected);
  }, 720_000);
});
