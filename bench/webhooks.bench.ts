/**
 * Webhook delivery under a slow and a failing endpoint, with the system as production runs it
 * (bin/centavo.ts processes: the API process and the worker), receivers on 127.0.0.1:
 *   node --import tsx bench/webhooks.bench.ts [events=1000] [slow-ms=100] [base-port=5500]
 * User A registers a slow endpoint (answers 200 after slow-ms) and a failing one (always 500),
 * both for transaction.created, and creates `events` transactions. User B, with a fast endpoint,
 * creates one transaction every 100 ms: alone, during a control load (the same `events` from a
 * user with no endpoints: the pipeline's own cost on this machine) and during A's load; the
 * latency from B's createTransaction answer to its receiver is measured in each phase.
 * Checks: every event reaches the slow endpoint exactly once (distinct Centavo-Event-Id, no
 * repeats after a settle time), every event ends DEAD for the failing one after every attempt,
 * and B's deliveries are not slowed by A's endpoints. Retries are shrunk (WEBHOOK_RETRY_SCHEDULE
 * 200,200,200: four attempts), the sweep runs every 200 ms and auto-disable is off, so every
 * event goes through every attempt.
 */
import { randomUUID } from 'node:crypto';
import { ok, registerUser, type Session } from '@centavo/testing';
import { WebhookReceiver } from '@centavo/e2e/support/webhook-receiver';
import { dropDatabases, migrateDatabases, poolFor } from './lib/pg.js';
import { deletePrefix } from './lib/redis.js';
import { startCentavo } from './lib/system.js';


const EVENTS = Number(process.argv[2] ?? 1000);
const SLOW_MS = Number(process.argv[3] ?? 100);
const BASE_PORT = Number(process.argv[4] ?? 5500);
const dbPrefix = `centavo_bench_hooks_${randomUUID().slice(0, 6)}`;
const redisPrefix = `centavo-bench-hooks-${randomUUID().slice(0, 8)}:`;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return Date.now() - started;
}

const CREATE_HOOK = `mutation ($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { endpoint { id } } }`;
const CREATE_TX = `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`;

async function userWithAccount(url: string, label: string): Promise<{ user: Session; account: string }> {
  const user = await registerUser(url, label);
  const { createAccount } = await ok<{ createAccount: { id: string } }>(url, `mutation { createAccount(input: { name: "Bench", type: CHECKING, currency: "BRL" }) { id } }`, {}, user.accessToken);
  return { user, account: createAccount.id };
}

const hook = async (url: string, s: Session, target: string) =>
  (await ok<{ createWebhookEndpoint: { endpoint: { id: string } } }>(url, CREATE_HOOK, { i: { url: target, events: ['TRANSACTION_CREATED'] } }, s.accessToken)).createWebhookEndpoint.endpoint.id;

const createTx = (url: string, s: Session, account: string, description: string) =>
  ok<{ createTransaction: { id: string } }>(url, CREATE_TX, { i: { accountId: account, amount: '-1.00', date: '2026-11-20', description } }, s.accessToken).then((r) => r.createTransaction.id);

const txOf = (body: string) => (JSON.parse(body) as { data: { transaction: { id: string } } }).data.transaction.id;

/** `n` transactions of one user, 5 createTransaction calls in flight; one the gateway timed out is tried again. */
async function createMany(url: string, who: { user: Session; account: string }, n: number, label: string): Promise<void> {
  for (let i = 0; i < n; i += 5) {
    await Promise.all(
      Array.from({ length: Math.min(5, n - i) }, async (_, k) => {
        for (let attempt = 0; ; attempt++) {
          try {
            return await createTx(url, who.user, who.account, `${label} ${i + k}`);
          } catch (error) {
            if (attempt >= 5) throw error;
            await new Promise((r) => setTimeout(r, 500));
          }
        }
      }),
    );
  }
}

/** When each of B's transactions reached B's receiver, and who is waiting for which. */
const arrivals = new Map<string, number>();
const waiters = new Map<string, () => void>();
const probeErrors = { count: 0, late: 0 };

/** B's probe: one transaction every 100 ms; latency from the mutation's answer to B's receiver. */
async function probe(url: string, b: { user: Session; account: string }, stop: () => boolean, minCount: number): Promise<number[]> {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  for (let i = 0; !stop() || i < minCount; i++) {
    pending.push(
      (async () => {
        const id = await createTx(url, b.user, b.account, `probe ${i}`).catch(() => null);
        if (!id) return void probeErrors.count++; // the gateway timed out: nothing to time
        const answered = Date.now();
        if (!arrivals.has(id)) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 120_000);
            waiters.set(id, () => (clearTimeout(timer), resolve()));
          });
        }
        // Not there after 120 s: counted as 120 s (and as late).
        if (!arrivals.has(id)) probeErrors.late++;
        latencies.push(Math.max(0, (arrivals.get(id) ?? answered + 120_000) - answered));
      })(),
    );
    await new Promise((r) => setTimeout(r, 100));
  }
  await Promise.all(pending);
  return latencies;
}

const pool = poolFor(dbPrefix, 'transactions');
const stage = (xs: number[] | null) => ({ p50: Math.round(pct((xs ?? []).map(Number), 50)), p99: Math.round(pct((xs ?? []).map(Number), 99)) });

/** Where B's time went: commit → delivery row (outbox relay, queue, fan-out), row → delivered (drain, HTTP). */
async function stagesOf(userId: string, from: number, to: number) {
  const rows = await pool.query<{ recorded: number[] | null; sent: number[] | null }>(
    `SELECT array_agg(extract(epoch FROM d.created_at - t.created_at) * 1000) AS recorded,
            array_agg(extract(epoch FROM d.delivered_at - d.created_at) * 1000) AS sent
     FROM webhook_deliveries d JOIN transactions t ON t.id = (d.body::json->'data'->'transaction'->>'id')::uuid
     WHERE d.user_id = $1 AND t.created_at BETWEEN to_timestamp($2 / 1000.0) AND to_timestamp($3 / 1000.0)`,
    [userId, from, to],
  );
  return { commitToRecorded: stage(rows.rows[0]!.recorded), recordedToDelivered: stage(rows.rows[0]!.sent) };
}

await migrateDatabases(dbPrefix);
const [slow, failing, fast] = await Promise.all([new WebhookReceiver().start(), new WebhookReceiver().start(), new WebhookReceiver().start()]);
slow.delayMs = SLOW_MS;
failing.status = 500;
fast.onReceive = (h) => {
  const id = txOf(h.body);
  arrivals.set(id, h.at);
  waiters.get(id)?.();
};
const system = await startCentavo({
  basePort: BASE_PORT,
  dbPrefix,
  redisPrefix,
  processes: ['auth,transactions,budget,ai,gateway', 'worker'],
  logDir: `/tmp/${dbPrefix}`,
  env: {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    USER_RATE_LIMIT_PER_MINUTE: '100000000',
    IP_RATE_LIMIT_PER_MINUTE: '100000000',
    REGISTER_RATE_LIMIT_PER_MINUTE: '100000',
    WEBHOOK_RETRY_SCHEDULE: '200,200,200',
    WEBHOOK_SWEEP_MS: '200',
    WEBHOOK_DISABLE_AFTER: '1000000',
  },
});
const url = system.gatewayUrl;
try {
  const a = await userWithAccount(url, 'hooks-a');
  const b = await userWithAccount(url, 'hooks-b');
  const slowId = await hook(url, a.user, slow.url);
  const failingId = await hook(url, a.user, failing.url);
  await hook(url, b.user, fast.url);

  const baseline = await probe(url, b, () => true, 20);

  // Control: the same load from a user with no endpoints, to tell the pipeline's own cost under
  // this machine's load from what A's slow and failing endpoints add.
  const control = await userWithAccount(url, 'hooks-control');
  let controlDone = false;
  const controlStarted = Date.now();
  const controlLoad = createMany(url, control, EVENTS, 'control').then(
    () => ({ ms: Date.now() - controlStarted }),
    (error: unknown) => ({ error }),
  ).finally(() => (controlDone = true));
  const duringControl = await probe(url, b, () => controlDone, 20);
  const controlOutcome = await controlLoad;
  if ('error' in controlOutcome) throw controlOutcome.error;
  const controlStages = await stagesOf(b.user.id, controlStarted, Date.now());
  const lateBeforeLoad = probeErrors.late;
  await new Promise((r) => setTimeout(r, 10_000)); // the control's categorization and budget work settles

  let loadDone = false;
  const started = Date.now();
  const load = (async () => {
    // A's events (it may have created a timed-out one anyway: the expected count is read from the database).
    await createMany(url, a, EVENTS, 'load');
    const created = Date.now() - started;
    const rows = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM transactions WHERE user_id = $1`, [a.user.id]);
    const expected = Number(rows.rows[0]!.n);
    const slowDone = await until(() => new Set(slow.received.map((h) => h.headers['centavo-event-id'])).size >= expected, 30 * 60_000, 'the slow endpoint');
    const statusOf = async (endpointId: string) =>
      Object.fromEntries(
        (await pool.query<{ status: string; n: string }>(`SELECT status::text, count(*) AS n FROM webhook_deliveries WHERE endpoint_id = $1 GROUP BY status`, [endpointId])).rows.map((r) => [r.status, Number(r.n)]),
      ) as Record<string, number>;
    await until(async () => (await statusOf(failingId)).DEAD === expected, 30 * 60_000, 'every failing delivery DEAD');
    return { expected, created, slowAt: created + slowDone, deadAt: Date.now() - started, statusOf };
  })().finally(() => (loadDone = true));
  // Settled at once: a failure is reported after the probe, not as an unhandled rejection.
  const loaded = load.then((value) => ({ value }), (error: unknown) => ({ error }));
  const during = await probe(url, b, () => loadDone, 20);
  const outcome = await loaded;
  if ('error' in outcome) throw outcome.error;
  const { expected, created, slowAt, deadAt, statusOf } = outcome.value;

  await new Promise((r) => setTimeout(r, 3000)); // settle: a repeat would show up now
  const slowIds = slow.received.map((h) => String(h.headers['centavo-event-id']));
  const failingAttempts = new Map<string, number>();
  for (const h of failing.received) failingAttempts.set(String(h.headers['centavo-event-id']), (failingAttempts.get(String(h.headers['centavo-event-id'])) ?? 0) + 1);
  const attemptCounts = [...failingAttempts.values()];
  const slowStatus = await statusOf(slowId);

  const failingStatus = await statusOf(failingId);

  const result = {
    events: expected,
    slowMs: SLOW_MS,
    createdInMs: created,
    slow: { requests: slowIds.length, distinctEvents: new Set(slowIds).size, repeats: slowIds.length - new Set(slowIds).size, rows: slowStatus, allDeliveredAfterMs: slowAt },
    failing: {
      requests: failing.received.length,
      distinctEvents: failingAttempts.size,
      attemptsPerEvent: { min: Math.min(...attemptCounts), max: Math.max(...attemptCounts) },
      rows: failingStatus,
      allDeadAfterMs: deadAt,
    },
    otherUser: {
      baseline: { n: baseline.length, p50: pct(baseline, 50), p99: pct(baseline, 99), max: Math.max(...baseline) },
      duringControlLoad: { n: duringControl.length, p50: pct(duringControl, 50), p99: pct(duringControl, 99), max: Math.max(...duringControl), late: lateBeforeLoad, stagesMs: controlStages, loadCreatedInMs: controlOutcome.ms },
      duringWebhookLoad: { n: during.length, p50: pct(during, 50), p99: pct(during, 99), max: Math.max(...during), late: probeErrors.late - lateBeforeLoad, stagesMs: await stagesOf(b.user.id, started, Date.now()) },
      probeMutationsTimedOut: probeErrors.count,
    },
  };
  console.log(JSON.stringify(result, null, 2));
  const okRun = result.slow.distinctEvents === expected && result.slow.repeats === 0 && failingStatus.DEAD === expected && result.failing.attemptsPerEvent.min === 4 && result.failing.attemptsPerEvent.max === 4;
  console.log(okRun ? 'PASS: exactly once to the slow endpoint, every event dead-lettered for the failing one' : 'FAIL');
  process.exitCode = okRun ? 0 : 1;
} finally {
  await pool.end();
  await system.stop();
  await Promise.all([slow.stop(), failing.stop(), fast.stop()]);
  await deletePrefix(redisPrefix);
  await dropDatabases(dbPrefix);
}
