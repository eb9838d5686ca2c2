import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@centavo/logger';
import { testEnv } from '@centavo/testing';
import { loadConfig } from '../src/config.js';
import { createPrisma, type TransactionsPrisma } from '../src/db.js';
import { WebhookDispatcher, type DispatcherDeps } from '../src/modules/webhooks/webhooks.dispatcher.js';
import { WebhooksRepository, type DisableNotice } from '../src/modules/webhooks/webhooks.repository.js';

const config = loadConfig(testEnv({ TRANSACTIONS_PORT: '0' }));
let prisma: TransactionsPrisma;
beforeAll(() => {
  prisma = createPrisma(config.databaseUrl, false);
});
afterAll(() => prisma?.$disconnect());

const endpoint = (userId: string) =>
  prisma.webhookEndpoint.create({ data: { userId, url: 'http://127.0.0.1:9/hook', events: ['transaction.created'], secretCiphertext: 'x' } });

function dispatcher(notify: (n: DisableNotice) => Promise<void>): WebhookDispatcher {
  const deps = {
    repo: new WebhooksRepository(prisma),
    drains: () => ({ add: () => Promise.resolve() }),
    sweepMs: 20,
    notifyDisabled: notify,
    logger: createLogger({ level: 'silent' }),
  } as unknown as DispatcherDeps;
  return new WebhookDispatcher(deps);
}

describe('the notice of a disabled webhook endpoint', () => {
  it('is handed over once per disabling, also when a crash or a failed hand-over came between the disabling and the notice', async () => {
    const userId = randomUUID();
    const repo = new WebhooksRepository(prisma);
    const { id } = await endpoint(userId);
    // Disabled and committed, then the process died before the notice left: the flag stays.
    expect(await repo.disable(id, '3 deliveries in a row failed every attempt')).toBe(true);
    expect(await repo.disable(id, 'again')).toBe(false);

    const sent: DisableNotice[] = [];
    let failNext = true;
    const next = dispatcher((n) => {
      if (n.userId !== userId) return Promise.reject(new Error('not this test\'s')); // other test files' endpoints stay waiting
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('redis away'));
      }
      sent.push(n);
      return Promise.resolve();
    });
    await next.sweep(); // the first sweep after a start looks for waiting notices: Redis fails
    expect(sent).toEqual([]);
    await next.sweep(); // the failure left it waiting: this sweep hands it over
    expect(sent).toEqual([{ id, userId, url: 'http://127.0.0.1:9/hook', disabledAt: expect.any(Date), disabledReason: '3 deliveries in a row failed every attempt' }]);
    await next.sweep();
    expect(sent).toHaveLength(1);
    expect((await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id } })).disableNoticePending).toBe(false);
    await prisma.webhookEndpoint.delete({ where: { id } });
  });
});
