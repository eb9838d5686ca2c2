import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, TRANSACTION_EVENT_CONSUMERS, webhookTransactionBatch, type TransactionEvent, type TransactionEventBatch } from '@centavo/jobs';
import { createPgPool, type PgPool } from '@centavo/db';
import { createLogger } from '@centavo/logger';
import { createSubscriber, type UserEvent } from '@centavo/pubsub';
import { testEnv } from '@centavo/testing';
import { loadConfig } from '../../config.js';
import { createPrisma, type TransactionsPrisma } from '../../db.js';
import { outboxEventsPgStore, type OutboxRow } from '@centavo/outbox';
import { OutboxRelay } from './outbox.relay.js';

// Real PostgreSQL and Redis; a Redis prefix of its own keeps these queues and channels apart.
const config = loadConfig(testEnv({ TRANSACTIONS_PORT: '0', REDIS_PREFIX: `centavo-test-relay-${randomUUID().slice(0, 8)}:` }));
const queues = TRANSACTION_EVENT_CONSUMERS.map((def) => createQueue(config, def.queue));
/** Budget and ai take every user's events; webhooks only those of users with an endpoint for them. */
const always = TRANSACTION_EVENT_CONSUMERS.flatMap((def, i) => (def === webhookTransactionBatch ? [] : [queues[i]!]));
const webhooks = queues[TRANSACTION_EVENT_CONSUMERS.indexOf(webhookTransactionBatch)]!;
const subscriber = createSubscriber(config);
let prisma: TransactionsPrisma;
let pool: PgPool;
let relay: OutboxRelay;
let listening: OutboxRelay;
beforeAll(() => {
  prisma = createPrisma(config.databaseUrl, false);
  // The workers' relay claims through plain pg (outboxEventsPgStore), as domain.ts builds it.
  pool = createPgPool(config.databaseUrl, 2);
  relay = new OutboxRelay(prisma, config, createLogger({ level: 'silent' }), pool);
});
afterAll(async () => {
  await relay?.stop();
  await listening?.stop();
  await Promise.all(queues.map((q) => q.obliterate({ force: true })));
  await Promise.all(queues.map((q) => q.close()));
  await subscriber.close();
  await prisma?.$disconnect();
  await pool?.end();
});

function event(type: TransactionEvent['type'], userId: string, categorySource: 'USER' | 'RULE' | 'AI' | null): TransactionEvent {
  return {
    eventId: randomUUID(),
    type,
    occurredAt: new Date().toISOString(),
    transaction: {
      id: randomUUID(),
      userId,
      accountId: randomUUID(),
      version: 1,
      deleted: false,
      amountMinor: '-1000',
      currency: 'BRL',
      date: '2026-11-10',
      description: 'MERCADO',
      merchant: null,
      categoryId: categorySource ? randomUUID() : null,
      categorySource,
      transferPeerId: null,
    },
  };
}

/** The batch job of each of these consumer queues (default: budget and ai) holding this event, if any. */
const batchesWith = (eventId: string, of = always) =>
  Promise.all(of.map(async (q) => (await q.getJobs(['waiting', 'prioritized'])).find((j) => (j.data as TransactionEventBatch).events.some((e) => e.eventId === eventId))));

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const write = (e: TransactionEvent) =>
  prisma.outboxEvent.create({ data: { id: e.eventId, type: e.type, aggregateId: e.transaction.id, payload: e } });

describe('transactions outbox relay', () => {
  it('claims through plain pg: a failed publish leaves the rows unpublished, the next claim sends them once, payload intact', async () => {
    const store = outboxEventsPgStore(pool);
    const e = event('transaction.created', randomUUID(), null);
    await write(e);
    await expect(store.claim(500, async () => { throw new Error('Redis is down'); })).rejects.toThrow('Redis is down');
    const sent: OutboxRow[] = [];
    await store.claim(500, async (rows) => void sent.push(...rows));
    expect(sent.find((r) => r.id === e.eventId)?.payload).toEqual(e);
    const again: OutboxRow[] = [];
    await store.claim(500, async (rows) => void again.push(...rows));
    expect(again.map((r) => r.id)).not.toContain(e.eventId);
  });

  it('claims in outbox order and counts rows held by a claim in progress as not pending (that claim publishes them, or they stay for the next)', async () => {
    const store = outboxEventsPgStore(pool);
    // Another test's leftovers first, so only this test's rows are unpublished.
    await store.claim(500, async () => undefined);
    const user = randomUUID();
    const events = [event('transaction.created', user, null), event('transaction.created', user, null), event('transaction.created', user, null)];
    // Written in reverse, each dated a second after the next: the claim's order is created_at's.
    const t0 = Date.now();
    for (const [i, e] of [...events.entries()].reverse()) {
      await prisma.outboxEvent.create({ data: { id: e.eventId, type: e.type, aggregateId: e.transaction.id, payload: e, createdAt: new Date(t0 - (3 - i) * 1000) } });
    }
    expect(await store.pending!()).toBe(true);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let seen: string[] = [];
    let claimed!: () => void;
    const inProgress = new Promise<void>((resolve) => (claimed = resolve));
    const claim = store.claim(500, async (rows) => {
      seen = rows.map((r) => r.id);
      claimed();
      await held;
      throw new Error('Redis went away');
    });
    await inProgress;
    expect(seen).toEqual(events.map((e) => e.eventId));
    expect(await store.pending!()).toBe(false);
    release();
    await expect(claim).rejects.toThrow('Redis went away');
    expect(await store.pending!()).toBe(true);
    const sent: string[] = [];
    await store.claim(500, async (rows) => void sent.push(...rows.map((r) => r.id)));
    expect(sent).toEqual(events.map((e) => e.eventId));
    expect(await store.pending!()).toBe(false);
  });

  it('claims a backlog of large payloads a budget at a time, oldest first, the first row of a claim always, and says more are waiting', async () => {
    const budget = 20_000;
    const store = outboxEventsPgStore(pool, undefined, budget);
    await outboxEventsPgStore(pool).claim(500, async () => undefined);
    const user = randomUUID();
    // Descriptions that do not compress: each payload is stored at about 8 KB; the last at about 30 KB, over the budget alone.
    const noise = (bytes: number) => randomBytes(bytes / 2).toString('hex');
    const events = Array.from({ length: 7 }, (_, i) => {
      const e = event('transaction.created', user, null);
      return { ...e, transaction: { ...e.transaction, description: noise(i === 6 ? 30_000 : 8_000) } };
    });
    const t0 = Date.now();
    for (const [i, e] of events.entries()) {
      await prisma.outboxEvent.create({ data: { id: e.eventId, type: e.type, aggregateId: e.transaction.id, payload: e, createdAt: new Date(t0 - (7 - i) * 1000) } });
    }
    const claims: { ids: string[]; more: boolean }[] = [];
    for (let more = true; more; ) {
      const ids: string[] = [];
      ({ more } = await store.claim(500, async (rows) => void ids.push(...rows.map((r) => r.id))));
      claims.push({ ids, more });
      if (claims.length > 10) throw new Error('the claims never ended');
    }
    // 8 KB each: three fit under 20,000 bytes (the third starts at 16 KB); the 30 KB row goes alone.
    expect(claims.map((c) => c.ids.length)).toEqual([3, 3, 1]);
    expect(claims.map((c) => c.more)).toEqual([true, true, false]);
    expect(claims.flatMap((c) => c.ids)).toEqual(events.map((e) => e.eventId));
    expect(await store.pending!()).toBe(false);
  });

  it('sends a user\'s events to budget and ai in one batch job each, in order, marks them published, and tells live clients of a rule or model category', async () => {
    const userId = randomUUID();
    const heard: UserEvent[] = [];
    await subscriber.subscribe(userId, (e) => heard.push(e));
    const byRule = event('transaction.categorized', userId, 'RULE');
    const byUser = event('transaction.categorized', userId, 'USER');
    const created = event('transaction.created', userId, null);
    for (const e of [byRule, byUser, created]) await write(e);

    expect(await relay.pass()).toBeGreaterThanOrEqual(3);
    const [budgetJob, aiJob] = await batchesWith(byRule.eventId);
    for (const job of [budgetJob, aiJob]) expect(job?.data).toEqual({ userId, events: [byRule, byUser, created] });
    expect(budgetJob?.name).toBe('transaction-batch');
    const rows = await prisma.outboxEvent.findMany({ where: { id: { in: [byRule.eventId, byUser.eventId, created.eventId] } } });
    expect(rows.every((r) => r.publishedAt)).toBe(true);

    const deadline = Date.now() + 5_000;
    while (heard.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100)); // time for a notice that should not come
    // Only the category chosen by a rule is news to live clients; the user chose theirs.
    expect(heard).toMatchObject([{ __typename: 'Transaction', id: byRule.transaction.id, field: 'transactionCategorized' }]);
  });

  it('sends a user\'s one-row events to the webhooks consumer only when the user has an endpoint (enabled or not) taking their type', async () => {
    const endpoint = (userId: string, events: string[], enabled = true) =>
      prisma.webhookEndpoint.create({ data: { userId, url: 'https://example.test/hook', events, secretCiphertext: 'x', enabled } });
    const none = event('transaction.created', randomUUID(), null);
    const otherType = event('transaction.created', randomUUID(), null);
    await endpoint(otherType.transaction.userId, ['alert.raised']);
    const hooked = event('transaction.created', randomUUID(), null);
    await endpoint(hooked.transaction.userId, ['transaction.updated', 'transaction.created']);
    // A disabled endpoint still records its deliveries (dead-lettered, replayable once enabled).
    const disabled = event('transaction.created', randomUUID(), null);
    await endpoint(disabled.transaction.userId, ['transaction.created'], false);
    for (const e of [none, otherType, hooked, disabled]) await write(e);

    expect(await relay.pass()).toBeGreaterThanOrEqual(4);
    for (const e of [none, otherType, hooked, disabled]) expect((await batchesWith(e.eventId)).every(Boolean)).toBe(true);
    const [noneJob] = await batchesWith(none.eventId, [webhooks]);
    const [otherJob] = await batchesWith(otherType.eventId, [webhooks]);
    const [hookedJob] = await batchesWith(hooked.eventId, [webhooks]);
    const [disabledJob] = await batchesWith(disabled.eventId, [webhooks]);
    expect(noneJob).toBeUndefined();
    expect(otherJob).toBeUndefined();
    expect(hookedJob?.data).toEqual({ userId: hooked.transaction.userId, events: [hooked] });
    expect(disabledJob?.data).toEqual({ userId: disabled.transaction.userId, events: [disabled] });
  });

  it('sends an event written after a commit at once when kicked, without waiting for a poll', async () => {
    const e = event('transaction.created', randomUUID(), null);
    await write(e);
    relay.kick();
    await until(async () => (await batchesWith(e.eventId)).every(Boolean), 'the kicked pass');
  });

  it('is woken by the outbox trigger\'s NOTIFY (no kick, no poll), and sweeps what was written while it was not listening', async () => {
    const before = event('transaction.created', randomUUID(), null);
    await write(before);
    listening = new OutboxRelay(prisma, { ...config, databaseUrl: config.databaseUrl }, createLogger({ level: 'silent' }), pool);
    listening.start();
    await listening.listening();
    await until(async () => (await batchesWith(before.eventId)).every(Boolean), 'the sweep on connect');
    // Idle: the listening relay issues no statement until a write commits.
    const passes = await prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM outbox_events WHERE published_at IS NULL`;
    expect(Number(passes[0]!.n)).toBe(0);
    const later = event('transaction.created', randomUUID(), null);
    await write(later);
    await until(async () => (await batchesWith(later.eventId)).every(Boolean), 'the NOTIFY wake-up');
    // A rolled-back write notifies nobody and leaves nothing.
    const rolledBack = event('transaction.created', randomUUID(), null);
    await prisma.$transaction(async (tx) => {
      await tx.outboxEvent.create({ data: { id: rolledBack.eventId, type: rolledBack.type, aggregateId: rolledBack.transaction.id, payload: rolledBack } });
      throw new Error('rollback');
    }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    expect((await batchesWith(rolledBack.eventId)).some(Boolean)).toBe(false);
  });
});
