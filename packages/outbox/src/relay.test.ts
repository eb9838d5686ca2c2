import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CATEGORY_EVENT_CONSUMERS, categoryEvent as categoryEventSchema, createQueue, defineJob, type CategoryEvent } from '@centavo/jobs';
import { z } from 'zod';
import { createLogger } from '@centavo/logger';
import { createOutboxRelay, groupEvents, type OutboxRelayOptions } from './relay.js';
import type { ClaimResult, OutboxRow, OutboxStore } from './store.js';

// Real Redis under a prefix of its own, as in packages/jobs/src/failed.test.ts.
const queue = { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_PREFIX: `centavo-test-outbox-${randomUUID().slice(0, 8)}:` };
const inspect = CATEGORY_EVENT_CONSUMERS.map((def) => createQueue(queue, def.queue));
afterAll(async () => {
  await Promise.all(inspect.map((q) => q.obliterate({ force: true })));
  await Promise.all(inspect.map((q) => q.close()));
});

const logger = createLogger({ level: 'silent' });

function categoryEvent(): CategoryEvent {
  return {
    eventId: randomUUID(),
    type: 'category.created',
    occurredAt: new Date().toISOString(),
    category: { id: randomUUID(), userId: randomUUID(), slug: 'pets', kind: 'EXPENSE' },
  };
}

/** An outbox in memory that behaves as the SQL one: a failed publish leaves its rows unpublished. */
class FakeStore implements OutboxStore {
  readonly rows: (OutboxRow & { published: boolean })[] = [];
  active = 0;
  maxActive = 0;
  claims = 0;
  cleanups: number[] = [];
  /** Resolves the next claim's publish only when released (to hold a pass open). */
  gate: Promise<void> | undefined;

  add(...events: CategoryEvent[]): void {
    for (const e of events) this.rows.push({ id: e.eventId, payload: e, published: false });
  }

  async claim(limit: number, publish: (rows: OutboxRow[]) => Promise<void>): Promise<ClaimResult> {
    this.claims++;
    this.maxActive = Math.max(this.maxActive, ++this.active);
    try {
      await this.gate;
      const rows = this.rows.filter((r) => !r.published).slice(0, limit);
      if (rows.length === 0) return { claimed: 0, more: false };
      await publish(rows.map(({ id, payload }) => ({ id, payload })));
      for (const r of rows) r.published = true;
      return { claimed: rows.length, more: rows.length === limit };
    } finally {
      this.active--;
    }
  }

  pendingCalls = 0;
  pending(): Promise<boolean> {
    this.pendingCalls++;
    return Promise.resolve(this.rows.some((r) => !r.published));
  }

  cleanup(retentionDays: number): Promise<void> {
    this.cleanups.push(retentionDays);
    return Promise.resolve();
  }
}

const relayOf = (store: OutboxStore, over: Partial<OutboxRelayOptions<typeof categoryEventSchema>> = {}) =>
  createOutboxRelay({ store, schema: categoryEventSchema, consumers: CATEGORY_EVENT_CONSUMERS, queue, logger, ...over });

/** A grouped consumer of category events (one job per user and pass), on a queue of this file's. */
const grouped = defineJob({
  queue: 'outbox-test-grouped',
  name: 'category-batch',
  schema: z.object({ userId: z.uuid(), events: z.array(categoryEventSchema).min(1) }),
});
const groupedQueue = createQueue(queue, grouped.queue);
afterAll(async () => {
  await groupedQueue.obliterate({ force: true });
  await groupedQueue.close();
});

const jobIds = async () => Promise.all(inspect.map(async (q) => (await q.getJobs(['waiting'])).map((j) => j.id).sort()));

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('outbox relay', () => {
  it('enqueues every event to every consumer queue under the event id, and marks it published', async () => {
    const store = new FakeStore();
    const events = [categoryEvent(), categoryEvent()];
    store.add(...events);
    const relay = relayOf(store);
    expect(await relay.pass()).toBe(2);
    const ids = events.map((e) => e.eventId).sort();
    expect(await jobIds()).toEqual([ids, ids]);
    const job = await inspect[1]!.getJob(events[0]!.eventId);
    expect(job?.name).toBe('category-changed');
    expect(job?.data).toEqual(events[0]);
    expect(store.rows.every((r) => r.published)).toBe(true);
    // A replay (a crash before the commit) adds nothing: the job ids are taken.
    store.rows.forEach((r) => (r.published = false));
    await relay.pass();
    expect(await jobIds()).toEqual([ids, ids]);
    await relay.stop();
    await Promise.all(inspect.map((q) => q.obliterate({ force: true })));
  });

  it('leaves events unpublished when a send fails, and sends them on a later pass', async () => {
    const store = new FakeStore();
    store.add(categoryEvent());
    let fail = true;
    const relay = relayOf(store, { alsoSend: () => [fail ? Promise.reject(new Error('redis down')) : Promise.resolve()] });
    await expect(relay.pass()).rejects.toThrow('redis down');
    expect(store.rows[0]!.published).toBe(false);
    fail = false;
    expect(await relay.pass()).toBe(1);
    expect(store.rows[0]!.published).toBe(true);
    await relay.stop();
    await Promise.all(inspect.map((q) => q.obliterate({ force: true })));
  });

  it('rejects a payload that is not the consumers\' event, publishing nothing of the batch', async () => {
    const store = new FakeStore();
    store.rows.push({ id: randomUUID(), payload: { type: 'nonsense' }, published: false });
    const relay = relayOf(store);
    await expect(relay.pass()).rejects.toThrow();
    expect(store.rows[0]!.published).toBe(false);
    await relay.stop();
  });

  it('runs one pass at a time: a kick during a pass runs one more pass after it', async () => {
    const store = new FakeStore();
    let release!: () => void;
    store.gate = new Promise((r) => (release = r));
    const relay = relayOf(store);
    relay.kick();
    store.add(categoryEvent());
    relay.kick();
    relay.kick();
    await until(() => store.claims === 1, 'the first pass');
    release();
    await until(() => store.rows.every((r) => r.published) && store.claims === 2 && store.active === 0, 'the second pass');
    // The first pass found the row (it was added before the gate opened); the kicks ran one more pass.
    expect(store.maxActive).toBe(1);
    expect(store.claims).toBe(2);
    await relay.stop();
    await Promise.all(inspect.map((q) => q.obliterate({ force: true })));
  });

  it('drains full batches in one pass and cleans up published rows once an hour', async () => {
    const store = new FakeStore();
    store.add(...Array.from({ length: 5 }, categoryEvent));
    const relay = relayOf(store, { batch: 2, retentionDays: 3 });
    relay.kick();
    await until(() => store.cleanups.length === 1, 'the cleanup');
    // 2 + 2 + 1: the short batch ends the drain.
    expect(store.claims).toBe(3);
    expect(store.cleanups).toEqual([3]);
    relay.kick();
    await until(() => store.claims === 4 && store.active === 0, 'a later pass');
    expect(store.cleanups).toEqual([3]);
    await relay.stop();
    await Promise.all(inspect.map((q) => q.obliterate({ force: true })));
  });

  it('does not poll: started without a database, it runs one sweep and then only when kicked', async () => {
    const store = new FakeStore();
    const relay = relayOf(store);
    relay.start();
    await until(() => store.claims === 1 && store.active === 0, 'the start sweep');
    await new Promise((r) => setTimeout(r, 300));
    expect(store.claims).toBe(1);
    store.add(categoryEvent());
    relay.kick();
    await until(() => store.rows.every((r) => r.published), 'the kicked pass');
    await relay.stop();
    await Promise.all(inspect.map((q) => q.obliterate({ force: true })));
  });

  it('retries a failed pass after a backoff without being kicked again', async () => {
    const store = new FakeStore();
    store.add(categoryEvent());
    let fail = true;
    const relay = relayOf(store, { alsoSend: () => [fail ? Promise.reject(new Error('redis down')) : Promise.resolve()] });
    relay.kick();
    await until(() => store.claims === 1 && store.active === 0, 'the failed pass');
    fail = false;
    await until(() => store.rows.every((r) => r.published), 'the retry');
    await relay.stop();
    await Promise.all(inspect.map((q) => q.obliterate({ force: true })));
  });

  it('runs a pass for a NOTIFY, unless a pass began after the NOTIFY arrived', async () => {
    // The listener LISTENs on the server's own database, notified here as the outbox trigger does.
    const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
    const { default: pg } = await import('pg');
    const notifier = new pg.Client({ connectionString: databaseUrl });
    await notifier.connect();
    const store = new FakeStore();
    const relay = relayOf(store, { databaseUrl, notifyDelayMs: 200 });
    try {
      relay.start();
      await relay.listening();
      await until(() => store.claims === 1 && store.active === 0, 'the start sweep');
      // Another process's write: the NOTIFY's pass publishes it.
      store.add(categoryEvent());
      await notifier.query(`SELECT pg_notify('outbox_events', '')`);
      await until(() => store.rows.every((r) => r.published), "the NOTIFY's pass");
      expect(store.claims).toBe(2);
      // This process's write: the NOTIFY arrives, then the writer kicks; its pass read the rows.
      store.add(categoryEvent());
      await notifier.query(`SELECT pg_notify('outbox_events', '')`);
      await new Promise((r) => setTimeout(r, 50)); // the NOTIFY is read
      relay.kick();
      await until(() => store.rows.every((r) => r.published), 'the kicked pass');
      await new Promise((r) => setTimeout(r, 400));
      expect(store.claims).toBe(3);
      // Another process's relay already published the rows: one look, no claim.
      const looks = store.pendingCalls;
      await notifier.query(`SELECT pg_notify('outbox_events', '')`);
      await until(() => store.pendingCalls === looks + 1, 'the look');
      await new Promise((r) => setTimeout(r, 100));
      expect(store.claims).toBe(3);
    } finally {
      await relay.stop();
      await notifier.end();
      await Promise.all(inspect.map((q) => q.obliterate({ force: true })));
    }
  });

  it('stop() waits for the pass in progress and ignores later kicks', async () => {
    const store = new FakeStore();
    const relay = relayOf(store);
    relay.start();
    await until(() => store.claims >= 1 && store.active === 0, 'the start sweep');
    let release!: () => void;
    store.gate = new Promise((r) => (release = r));
    store.add(categoryEvent());
    relay.kick();
    await until(() => store.active === 1, 'a pass held open');
    let stopped = false;
    const stopping = relay.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    release();
    await stopping;
    const claims = store.claims;
    relay.kick();
    await new Promise((r) => setTimeout(r, 50));
    expect(store.claims).toBe(claims);
    await Promise.all(inspect.map((q) => q.obliterate({ force: true })));
  });

  it('groups a pass into one job per user in order, bounded in rows, round-robin, bulk jobs behind live ones', async () => {
    const store = new FakeStore();
    const bulkUser = randomUUID();
    const liveUser = randomUUID();
    const of = (userId: string) => {
      const e = categoryEvent();
      return { ...e, category: { ...e.category, userId } };
    };
    const bulk = Array.from({ length: 25 }, () => of(bulkUser));
    const live = of(liveUser);
    store.add(...bulk, live);
    const relay = relayOf(store, { consumers: [], grouped: { definitions: [grouped], groupOf: (e) => e.category.userId, maxRows: 20, bulkFrom: 20 } });
    expect(await relay.pass()).toBe(26);
    const jobs = await groupedQueue.getJobs(['waiting', 'prioritized']);
    const summary = jobs.map((j) => ({ userId: j.data.userId as string, ids: (j.data.events as CategoryEvent[]).map((e) => e.eventId), priority: j.opts.priority ?? 0 }));
    expect(summary.sort((a, b) => b.ids.length - a.ids.length)).toEqual([
      { userId: bulkUser, ids: bulk.slice(0, 20).map((e) => e.eventId), priority: 10 },
      { userId: bulkUser, ids: bulk.slice(20).map((e) => e.eventId), priority: 0 },
      { userId: liveUser, ids: [live.eventId], priority: 0 },
    ]);
    // The prioritized (bulk) job is taken after every job without a priority.
    expect(await groupedQueue.getJobCountByTypes('prioritized')).toBe(1);
    // The same pass replayed (a crash before the commit) adds no job: the ids hash the events.
    store.rows.forEach((r) => (r.published = false));
    await relay.pass();
    expect(await groupedQueue.getJobCountByTypes('waiting', 'prioritized')).toBe(3);
    await relay.stop();
    await groupedQueue.obliterate({ force: true });
  });

  it('cuts groups by weight (a summary event counts its rows) and lists them round-robin', () => {
    const rows = [
      { id: 'a1', event: { user: 'a', rows: 3 } },
      { id: 'a2', event: { user: 'a', rows: 3 } },
      { id: 'b1', event: { user: 'b', rows: 1 } },
      { id: 'a3', event: { user: 'a', rows: 10 } },
    ];
    const groups = groupEvents(rows, { groupOf: (e) => e.user, weightOf: (e) => e.rows, maxRows: 5 });
    expect(groups.map((g) => g.map((j) => [j.ids, j.rows]))).toEqual([
      [[['a1'], 3], [['a2'], 3], [['a3'], 10]],
      [[['b1'], 1]],
    ]);
  });
});
