import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBudgetDomain, type BudgetDomain } from '../src/domain.js';
import { createEmailChannel, type EmailChannel, type Mailer } from '../src/modules/notifications/email-channel.js';
import { event, newUser, snapshot, testPool, testRun, type TestUser } from './factories.js';
import { startLive, type LiveHarness } from './live.js';

/** A mailer that keeps what it sent, and fails the next `failures` sends. */
const sent: { to: string; subject: string; messageId: string }[] = [];
let failures = 0;
const mailer: Mailer = {
  async send(m) {
    if (failures > 0) {
      failures--;
      throw new Error('451 try later');
    }
    sent.push({ to: m.to, subject: m.subject, messageId: m.messageId });
  },
  close: () => undefined,
};

let h: LiveHarness;
let channel: EmailChannel;
let domain: BudgetDomain;
let ana: TestUser;
const quiet = { publish: async () => undefined };

beforeAll(async () => {
  h = await startLive();
  // Its own queue prefix: nothing runs these jobs but the test, which calls the processor itself.
  const queue = { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_PREFIX: `centavo-test-${randomUUID()}:` };
  channel = createEmailChannel({ prisma: h.prisma, queue, logger: testRun.logger, mailer });
  domain = createBudgetDomain({ prisma: h.prisma, pool: testPool(), queue, logger: testRun.logger, publisher: quiet, emails: channel.hook });
  ana = await newUser(h.server.url);
});
afterAll(async () => {
  await channel?.stop();
  await h?.stop();
});

const emailsOf = (userId: string) => h.prisma.alertEmail.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } });

describe('the alert email channel', () => {
  it('queues one email per alert and address, sends it once whatever the retries and replays', async () => {
    await ana.query(`mutation { updateNotificationSettings(input: { email: "ana@example.com", alertTypes: [{ type: LARGE_TRANSACTION, channel: IMMEDIATE }] }) { email } }`);
    const tx = snapshot(ana.id, { amountMinor: '-150000', description: 'Notebook' });
    const created = event(tx, 'transaction.created');
    await domain.processors[0].handleEvent(created, testRun);
    // A replay of the same event queues nothing more.
    await domain.processors[0].handleEvent(created, testRun);
    const [row, ...more] = await emailsOf(ana.id);
    expect(more).toEqual([]);
    expect(row).toMatchObject({ address: 'ana@example.com', channel: 'IMMEDIATE', sentAt: null });

    // The SMTP server fails the first try: the job throws (BullMQ retries it) and the row stays unsent.
    failures = 1;
    const job = { kind: 'alert' as const, id: row!.id, userId: ana.id };
    await expect(channel.processor.handle(job, testRun)).rejects.toThrow('451');
    expect((await emailsOf(ana.id))[0]!.sentAt).toBeNull();
    expect(await channel.processor.handle(job, testRun)).toEqual({ sent: true });
    // A run of the same job after the success (a retry, a replay) sends nothing.
    expect(await channel.processor.handle(job, testRun)).toEqual({ sent: false });
    expect(sent).toEqual([{ to: 'ana@example.com', subject: expect.stringContaining('Large transaction: 1500.00 BRL') as unknown, messageId: `<alert-${row!.id}@centavo.invalid>` }]);
    expect((await emailsOf(ana.id))[0]!.sentAt).toBeInstanceOf(Date);
  });

  it('uses the address and channel in effect when the alert is published; without an address, nothing', async () => {
    const bob = await newUser(h.server.url);
    await bob.query(`mutation { updateNotificationSettings(input: { alertTypes: [{ type: LARGE_TRANSACTION, channel: IMMEDIATE }] }) { email } }`);
    await domain.processors[0].handleEvent(event(snapshot(bob.id, { amountMinor: '-200000' }), 'transaction.created'), testRun);
    expect(await emailsOf(bob.id)).toEqual([]);
    await bob.query(`mutation { updateNotificationSettings(input: { email: "bob@example.com", alertTypes: [{ type: LARGE_TRANSACTION, channel: DIGEST }] }) { email } }`);
    await domain.processors[0].handleEvent(event(snapshot(bob.id, { amountMinor: '-300000' }), 'transaction.created'), testRun);
    expect((await emailsOf(bob.id)).map((r) => [r.address, r.channel])).toEqual([['bob@example.com', 'DIGEST']]);
  });
});
