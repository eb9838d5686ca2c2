import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, TRANSACTION_EVENT_CONSUMERS, type TransactionEvent } from '@centavo/jobs';
import { createLogger } from '@centavo/logger';
import { createSubscriber, type UserEvent } from '@centavo/pubsub';
import { testEnv } from '@centavo/testing';
import { loadConfig } from '../../config.js';
import { createPrisma, type TransactionsPrisma } from '../../db.js';
import { OutboxRelay } from './outbox.relay.js';

// Real PostgreSQL and Redis; a Redis prefix of its own keeps these queues and channels apart.
const config = loadConfig(testEnv({ TRANSACTIONS_PORT: '0', REDIS_PREFIX: `centavo-test-relay-${randomUUID().slice(0, 8)}:` }));
const queues = TRANSACTION_EVENT_CONSUMERS.map((def) => createQueue(config, def.queue));
const subscriber = createSubscriber(config);
let prisma: TransactionsPrisma;
let relay: OutboxRelay;
beforeAll(() => {
  prisma = createPrisma(config.databaseUrl, false);
  relay = new OutboxRelay(prisma, config, createLogger({ level: 'silent' }));
});
afterAll(async () => {
  await relay?.stop();
  await Promise.all(queues.map((q) => q.obliterate({ force: true })));
  await Promise.all(queues.map((q) => q.close()));
  await subscriber.close();
  await prisma?.$disconnect();
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

const write = (e: TransactionEvent) =>
  prisma.outboxEvent.create({ data: { id: e.eventId, type: e.type, aggregateId: e.transaction.id, payload: e } });

describe('transactions outbox relay', () => {
  it('sends each event to budget and ai under its event id, marks it published, and tells live clients of a rule or model category', async () => {
    const userId = randomUUID();
    const heard: UserEvent[] = [];
    await subscriber.subscribe(userId, (e) => heard.push(e));
    const byRule = event('transaction.categorized', userId, 'RULE');
    const byUser = event('transaction.categorized', userId, 'USER');
    const created = event('transaction.created', userId, null);
    for (const e of [byRule, byUser, created]) await write(e);

    expect(await relay.pass()).toBeGreaterThanOrEqual(3);
    for (const q of queues) {
      for (const e of [byRule, byUser, created]) expect((await q.getJob(e.eventId))?.data).toEqual(e);
    }
    const rows = await prisma.outboxEvent.findMany({ where: { id: { in: [byRule.eventId, byUser.eventId, created.eventId] } } });
    expect(rows.every((r) => r.publishedAt)).toBe(true);

    const deadline = Date.now() + 5_000;
    while (heard.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100)); // time for a notice that should not come
    // Only the category chosen by a rule is news to live clients; the user chose theirs.
    expect(heard).toMatchObject([{ __typename: 'Transaction', id: byRule.transaction.id, field: 'transactionCategorized' }]);
  });

  it('sends an event written after a commit at once when kicked, without waiting for a poll', async () => {
    const e = event('transaction.created', randomUUID(), null);
    await write(e);
    relay.kick();
    const deadline = Date.now() + 5_000;
    while (!(await queues[0]!.getJob(e.eventId)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await queues[0]!.getJob(e.eventId)).toBeTruthy();
  });
});
