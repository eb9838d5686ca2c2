import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CATEGORY_EVENT_CONSUMERS, createQueue, type CategoryEvent } from '@centavo/jobs';
import { createLogger } from '@centavo/logger';
import { createOutboxRelay, type OutboxRelayOptions } from './relay.js';
import type { OutboxRow, OutboxStore } from './store.js';

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

  async claim(limit: number, publish: (rows: OutboxRow[]) => Promise<void>): Promise<number> {
    this.claims++;
    this.maxActive = Math.max(this.maxActive, ++this.active);
    try {
      await this.gate;
      const rows = this.rows.filter((r) => !r.published).slice(0, limit);
      if (rows.length === 0) return 0;
      await publish(rows.map(({ id, payload }) => ({ id, payload })));
      for (const r of rows) r.published = true;
      return rows.length;
    } finally {
      this.active--;
    }
  }

  cleanup(retentionDays: number): Promise<void> {
    this.cleanups.push(retentionDays);
    return Promise.resolve();
  }
}

const relayOf = (store: OutboxStore, over: Partial<OutboxRelayOptions<typeof CATEGORY_EVENT_CONSUMERS[0]['schema']>> = {}) =>
  createOutboxRelay({ store, consumers: CATEGORY_EVENT_CONSUMERS, queue, logger, ...over });

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
    const relay = relayOf(store, { pollMs: 60_000 });
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
    const relay = relayOf(store, { batch: 2, retentionDays: 3, pollMs: 60_000 });
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

  it('polls once started, and stop() waits for the pass in progress and ignores later kicks', async () => {
    const store = new FakeStore();
    const relay = relayOf(store, { pollMs: 20 });
    relay.start();
    await until(() => store.claims >= 2, 'two polls');
    let release!: () => void;
    store.gate = new Promise((r) => (release = r));
    store.add(categoryEvent());
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
});
