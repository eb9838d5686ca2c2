import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrlFor, SUBGRAPHS } from '@centavo/config';
import { createQueue } from '@centavo/jobs';
import { codes, graphql, ok, registerUser, testDbPrefix, testEnv, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';
import { eventually } from './support/wait.js';

const ROOT = path.resolve(import.meta.dirname, '..');
// Databases and a Redis prefix of this file's own: the test drops them and restores into them.
const SOURCE = `${testDbPrefix()}_bk`;
const FRESH = `${testDbPrefix()}_bk_fresh`;
const REDIS_PREFIX = `centavo-test-bk-${randomUUID().slice(0, 8)}:`;
const env = testEnv({ DB_NAME_PREFIX: SOURCE, REDIS_PREFIX });
const server = env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const queueConfig = { REDIS_URL: env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_PREFIX };
const dir = mkdtempSync(path.join(tmpdir(), 'centavo-backup-'));
const archive = path.join(dir, 'centavo.backup.gz');

let system: RunningSystem | undefined;
let url: string;
let ana: Session;
let loggedOut: Session;

interface Run {
  code: number | null;
  output: string;
}

/** `centavo <args>` as a child process, as an operator (or a cron job) runs it. */
function centavo(args: string[], overrides: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/centavo.ts', ...args], {
      cwd: ROOT,
      env: { ...env, LOG_LEVEL: 'info', ...overrides },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const dbName = (prefix: string, name: string) => `${prefix}_${name}`;

async function dropDatabases(prefix: string): Promise<void> {
  await onServer(async (c) => {
    for (const name of SUBGRAPHS) await c.query(`DROP DATABASE IF EXISTS "${dbName(prefix, name)}" WITH (FORCE)`);
  });
}

async function databasesExist(prefix: string): Promise<number> {
  return onServer(async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = ANY($1)', [SUBGRAPHS.map((n) => dbName(prefix, n))])).rowCount ?? 0);
}

async function deleteRedisKeys(): Promise<void> {
  const { deleteRedisKeys: del } = await import('@centavo/testing');
  await del(queueConfig.REDIS_URL, REDIS_PREFIX);
}

const TRANSACTIONS = `{ transactions(first: 100) { totalCount edges { node { id date description notes amount { amount currency } category { slug } account { id name }
  splits { amount { amount } category { slug } note tags } tags } } } }`;
const BUDGETS = `query ($m: String!) { budgets(month: $m) { id limit { amount } spent { amount } status category { slug } } }`;
const ALERTS = `{ alerts(first: 50) { id type severity message readAt transaction { id } budget { id } } }`;
const RULES = `{ rules { id field operator value priority category { slug } } }`;

/** Everything of ana's the test expects back, as the gateway shows it. */
async function snapshotOf(token: string) {
  const [transactions, budgets, alerts, rules, accounts] = await Promise.all([
    ok(url, TRANSACTIONS, {}, token),
    ok(url, BUDGETS, { m: '2026-05' }, token),
    ok(url, ALERTS, {}, token),
    ok(url, RULES, {}, token),
    ok(url, `{ accounts { id name type currency balance { amount } } }`, {}, token),
  ]);
  return { transactions, budgets, alerts, rules, accounts };
}

/** Waits until the relay sent every outbox event and the budget worker applied them. */
async function settled(): Promise<void> {
  const queue = createQueue(queueConfig, 'budget-events');
  try {
    await eventually(
      async () => {
        const outbox = new pg.Client({ connectionString: databaseUrlFor('transactions', env) });
        await outbox.connect();
        const unpublished = await outbox
          .query<{ n: string }>('SELECT count(*) AS n FROM outbox_events WHERE published_at IS NULL')
          .finally(() => outbox.end());
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        return unpublished.rows[0]!.n === '0' && Object.values(counts).every((n) => n === 0) ? true : undefined;
      },
      30_000,
      'outbox and budget queue drained',
    );
  } finally {
    await queue.close();
  }
}

beforeAll(async () => {
  // A migrated installation of its own, copied from the set the global setup migrated.
  await dropDatabases(SOURCE);
  await dropDatabases(FRESH);
  const template = process.env.CENTAVO_TEST_DB_PREFIX ?? 'centavo_test';
  await onServer(async (c) => {
    for (const name of SUBGRAPHS) await c.query(`CREATE DATABASE "${dbName(SOURCE, name)}" TEMPLATE "${dbName(template, name)}" STRATEGY FILE_COPY`);
  });
  system = await startSystem({ DB_NAME_PREFIX: SOURCE, REDIS_PREFIX });
  url = system.gatewayUrl;
}, 120_000);

afterAll(async () => {
  await system?.stop();
  await deleteRedisKeys();
  await dropDatabases(SOURCE);
  await dropDatabases(FRESH);
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('centavo backup and restore', () => {
  let before: Awaited<ReturnType<typeof snapshotOf>>;

  it('backs up a running installation, which after a wipe and a restore shows every transaction, budget, alert and rule', async () => {
    ana = await registerUser(url, 'ana', 'backup password');
    loggedOut = (await ok<{ login: Session & { user: { id: string } } }>(url, `mutation ($i: LoginInput!) { login(input: $i) { accessToken refreshToken user { id } } }`, {
      i: { email: ana.email, password: 'backup password' },
    })).login;
    const accountOf = async (name: string, type: string) =>
      (await ok<{ createAccount: { id: string } }>(url, `mutation ($i: CreateAccountInput!) { createAccount(input: $i) { id } }`, { i: { name, type, currency: 'BRL' } }, ana.accessToken)).createAccount.id;
    const checking = await accountOf('Checking', 'CHECKING');
    const card = await accountOf('Card', 'CREDIT_CARD');
    const { categories } = await ok<{ categories: { id: string; slug: string }[] }>(url, `{ categories { id slug } }`, {}, ana.accessToken);
    const cat = new Map(categories.map((c) => [c.slug, c.id]));
    await ok(url, `mutation ($c: ID!) { setBudget(input: { categoryId: $c, month: "2026-05", limit: "100.00", currency: "BRL" }) { id } }`, { c: cat.get('restaurants') }, ana.accessToken);
    await ok(url, `mutation ($c: ID!) { createRule(input: { field: DESCRIPTION, operator: CONTAINS, value: "PADARIA", categoryId: $c }) { id } }`, { c: cat.get('restaurants') }, ana.accessToken);
    const create = async (accountId: string, amount: string, description: string, slug: string | null, notes?: string) =>
      (
        await ok<{ createTransaction: { id: string } }>(
          url,
          `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
          { i: { accountId, amount, date: '2026-05-14', description, ...(slug ? { categoryId: cat.get(slug) } : {}), ...(notes ? { notes } : {}) } },
          ana.accessToken,
        )
      ).createTransaction.id;
    await create(card, '-85.00', 'Restaurante "Bom" \\ tab\there', 'restaurants', 'línea 1\nlínea 2');
    await create(card, '-20.00', 'Padaria', 'restaurants');
    await create(checking, '5000.00', 'Salário', 'salary');
    const receipt = await create(checking, '-100.00', 'SUPERMERCADO', 'groceries');
    await ok(
      url,
      `mutation ($id: ID!, $p: [SplitPartInput!]!) { splitTransaction(id: $id, parts: $p) { id } }`,
      { id: receipt, p: [{ amount: '-70.00', categoryId: cat.get('groceries'), tags: ['weekly'] }, { amount: '-30.00', categoryId: cat.get('health'), note: 'farmácia' }] },
      ana.accessToken,
    );
    // 85% then 105% of the budget: two alerts, raised by the budget worker.
    await eventually(async () => ((await ok<{ alerts: unknown[] }>(url, ALERTS, {}, ana.accessToken)).alerts.length >= 2 ? true : undefined), 15_000, 'two alerts');
    await settled();
    // A revoked access token (logout) must stay revoked after a restore: the denylist is in Redis.
    expect(await ok(url, `mutation ($t: String) { logout(refreshToken: $t) }`, { t: loggedOut.refreshToken }, loggedOut.accessToken)).toEqual({ logout: true });
    // A job waiting in a queue (a retrain due in an hour) must be back in its queue after a restore.
    const maintenance = createQueue(queueConfig, 'ai-maintenance');
    await maintenance.add('retrain-model', { reason: 'backup test' }, { jobId: 'backup-test-retrain', delay: 3_600_000 });
    await maintenance.close();

    before = await snapshotOf(ana.accessToken);
    expect((before.transactions as { transactions: { totalCount: number } }).transactions.totalCount).toBe(4);
    expect((before.alerts as { alerts: unknown[] }).alerts).toHaveLength(2);
    expect((before.rules as { rules: unknown[] }).rules).toHaveLength(1);
    expect(JSON.stringify(before.budgets)).toContain('"105.00"');

    // Online: the system keeps running while the backup is taken.
    const backup = await centavo(['backup', `--output=${archive}`]);
    expect(backup.output).toContain('backup written');
    expect(backup.code).toBe(0);
    const manifest = await centavo(['restore', archive, '--verify-only']);
    expect(manifest.code).toBe(0);
    expect(manifest.output).toContain('archive is intact');

    // The wipe: processes stopped, Redis keys and databases gone.
    await system!.stop();
    system = undefined;
    await deleteRedisKeys();
    await dropDatabases(SOURCE);
    expect(await databasesExist(SOURCE)).toBe(0);

    const restored = await centavo(['restore', archive]);
    expect(restored.output).toContain('restore done');
    expect(restored.code).toBe(0);

    system = await startSystem({ DB_NAME_PREFIX: SOURCE, REDIS_PREFIX });
    url = system.gatewayUrl;
    // Events published in the minute before the backup are sent again; applying them twice changes nothing.
    await settled();
    expect(await snapshotOf(ana.accessToken)).toEqual(before);

    // Logging in still works, the logged-out token stays revoked, the pending job is back.
    const login = await ok<{ login: { accessToken: string } }>(url, `mutation ($i: LoginInput!) { login(input: $i) { accessToken } }`, { i: { email: ana.email, password: 'backup password' } });
    expect(await snapshotOf(login.login.accessToken)).toEqual(before);
    expect(codes(await graphql(url, '{ me { id } }', {}, loggedOut.accessToken))).toEqual(['UNAUTHENTICATED']);
    const queue = createQueue(queueConfig, 'ai-maintenance');
    try {
      const job = await queue.getJob('backup-test-retrain');
      expect(job?.data).toEqual({ reason: 'backup test' });
      expect(await job?.isDelayed()).toBe(true);
    } finally {
      await queue.close();
    }
  }, 240_000);

  it('refuses to restore over data without --force (exit 2) and replaces it with --force', async () => {
    const refused = await centavo(['restore', archive]);
    expect(refused.code).toBe(2);
    expect(refused.output).toMatch(/the auth database \(\S+_bk_auth\) is not empty \(table \w+ has rows\).*--force/);

    // Data written since is gone after a forced restore; what the archive holds is back.
    const extra = await registerUser(url, 'later');
    await system!.stop();
    system = undefined;
    const forced = await centavo(['restore', archive, '--force']);
    expect(forced.code).toBe(0);
    system = await startSystem({ DB_NAME_PREFIX: SOURCE, REDIS_PREFIX });
    url = system.gatewayUrl;
    expect(codes(await graphql(url, `mutation ($i: LoginInput!) { login(input: $i) { accessToken } }`, { i: { email: extra.email, password: 'correct horse battery' } }))).toEqual(['UNAUTHENTICATED']);
    await settled();
    expect(await snapshotOf(ana.accessToken)).toEqual(before);
  }, 120_000);

  it('refuses a corrupted or truncated archive (exit 3) before touching anything', async () => {
    const text = gunzipSync(readFileSync(archive));
    // One changed character in a row of the transactions table: gzip is happy, the table's checksum is not.
    const section = text.indexOf('{"kind":"table","subgraph":"transactions","table":"transactions"');
    const at = text.indexOf('Padaria', section);
    expect(at).toBeGreaterThan(0);
    const tampered = Buffer.from(text);
    tampered.write('Pedaria', at);
    const bad = path.join(dir, 'tampered.backup.gz');
    writeFileSync(bad, gzipSync(tampered));
    const run = await centavo(['restore', bad], { DB_NAME_PREFIX: FRESH });
    expect(run.code).toBe(3);
    expect(run.output).toMatch(/archive is corrupt or not a Centavo backup: table transactions\.transactions does not match its checksum/);
    expect(await databasesExist(FRESH)).toBe(0);

    const truncated = path.join(dir, 'truncated.backup.gz');
    writeFileSync(truncated, gzipSync(text.subarray(0, Math.floor(text.length / 2))));
    const cut = await centavo(['restore', truncated], { DB_NAME_PREFIX: FRESH });
    expect(cut.code).toBe(3);
    expect(cut.output).toMatch(/archive is corrupt or not a Centavo backup: .*truncated/);

    const notGzip = path.join(dir, 'plain.txt');
    writeFileSync(notGzip, 'hello');
    const plain = await centavo(['restore', notGzip], { DB_NAME_PREFIX: FRESH });
    expect(plain.code).toBe(3);
    expect(await databasesExist(FRESH)).toBe(0);
  }, 60_000);
});
