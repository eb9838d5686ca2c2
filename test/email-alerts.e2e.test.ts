import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@centavo/logger';
import { createBudgetPrisma, createEmailChannel, loadConfig as budgetConfig } from '@centavo/subgraph-budget';
import { codes, graphql, ok, registerUser, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';
import { eventually } from './support/wait.js';

/** A message the SMTP server on 127.0.0.1 accepted. */
interface Received {
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

/** An SMTP server for the test: keeps what it accepts; `failFor` answers 451 (try later) to that many messages per recipient. */
function smtpServer() {
  const received: Received[] = [];
  const failFor = new Map<string, number>();
  let rejected = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const to = session.envelope.rcptTo.map((r) => r.address);
      simpleParser(stream)
        .then((mail) => {
          const failures = failFor.get(to[0]!) ?? 0;
          if (failures > 0) {
            failFor.set(to[0]!, failures - 1);
            rejected++;
            callback(Object.assign(new Error('mailbox busy, try later'), { responseCode: 451 }));
            return;
          }
          received.push({ to, subject: mail.subject ?? '', text: mail.text ?? '', html: typeof mail.html === 'string' ? mail.html : '', messageId: mail.messageId ?? '' });
          callback();
        })
        .catch(callback);
    },
  });
  return {
    received,
    failFor,
    rejected: () => rejected,
    to: (address: string) => received.filter((m) => m.to.includes(address)),
    listen: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const smtp = smtpServer();
let system: RunningSystem;
let url: string;

interface User {
  session: Session;
  account: string;
  cat: Map<string, string>;
  address: string;
}

const SETTINGS_FIELDS = `email digestHour timeZone emailDelivery alertTypes { type channel }`;
const UPDATE = `mutation ($i: UpdateNotificationSettingsInput!) { updateNotificationSettings(input: $i) { ${SETTINGS_FIELDS} } }`;
const SETTINGS = `{ notificationSettings { ${SETTINGS_FIELDS} } }`;

interface Settings {
  email: string | null;
  digestHour: number;
  timeZone: string;
  emailDelivery: boolean;
  alertTypes: { type: string; channel: string }[];
}

async function newUser(label: string): Promise<User> {
  const session = await registerUser(url, label);
  const account = (
    await ok<{ createAccount: { id: string } }>(url, `mutation { createAccount(input: { name: "Card", type: CREDIT_CARD, currency: "BRL" }) { id } }`, {}, session.accessToken)
  ).createAccount.id;
  const { categories } = await ok<{ categories: { id: string; slug: string }[] }>(url, `{ categories { id slug } }`, {}, session.accessToken);
  return { session, account, cat: new Map(categories.map((c) => [c.slug, c.id])), address: `${label}-${session.id.slice(0, 8)}@example.com` };
}

const update = (u: User, input: Record<string, unknown>) => ok<{ updateNotificationSettings: Settings }>(url, UPDATE, { i: input }, u.session.accessToken);

async function setBudget(u: User, categoryId: string, limit: string) {
  await ok(url, `mutation ($c: ID!, $l: Decimal!) { setBudget(input: { categoryId: $c, month: "2026-05", limit: $l, currency: "BRL" }) { id } }`, { c: categoryId, l: limit }, u.session.accessToken);
}

async function spend(u: User, amount: string, categoryId: string | null, description = 'Restaurante') {
  await ok(
    url,
    `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
    { i: { accountId: u.account, amount, date: '2026-05-14', description, ...(categoryId ? { categoryId } : {}) } },
    u.session.accessToken,
  );
}

const alertsOf = async (u: User) => (await ok<{ alerts: { id: string; type: string; message: string }[] }>(url, `{ alerts { id type message } }`, {}, u.session.accessToken)).alerts;

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  const port = await smtp.listen();
  // The worker's own digest pass runs at start (nothing waits then) and then hourly: the test runs digests itself.
  system = await startSystem({ SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_FROM: 'Centavo <alerts@centavo.test>', EMAIL_PASS_INTERVAL_MS: '3600000' });
  url = system.gatewayUrl;
});
afterAll(async () => {
  await system?.stop();
  await smtp.close();
});

describe('alerts by email through the gateway', () => {
  it('starts with nothing emailed, refuses bad input without changing anything, and keeps settings per user', async () => {
    const [ana, bob] = await Promise.all([newUser('ana'), newUser('bob')]);
    const fresh = (await ok<{ notificationSettings: Settings }>(url, SETTINGS, {}, ana.session.accessToken)).notificationSettings;
    expect(fresh).toMatchObject({ email: null, digestHour: 8, timeZone: 'UTC', emailDelivery: true });
    expect(fresh.alertTypes).toHaveLength(7);
    expect(fresh.alertTypes.every((t) => t.channel === 'OFF')).toBe(true);

    const bad = async (input: Record<string, unknown>) => codes(await graphql(url, UPDATE, { i: input }, ana.session.accessToken));
    expect(await bad({ email: 'not an email' })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ email: `${'a'.repeat(250)}@example.com` })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ email: 'ana@example.com', digestHour: 24 })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ timeZone: 'Mars/Olympus' })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ alertTypes: [{ type: 'BILL_DUE', channel: 'DIGEST' }, { type: 'BILL_DUE', channel: 'OFF' }] })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ alertTypes: [{ type: 'NOPE', channel: 'DIGEST' }] })).toEqual(['BAD_USER_INPUT']);
    expect((await ok<{ notificationSettings: Settings }>(url, SETTINGS, {}, ana.session.accessToken)).notificationSettings).toEqual(fresh);

    const set = await update(ana, { email: ` ${ana.address} `, digestHour: 7, timeZone: 'Europe/Lisbon', alertTypes: [{ type: 'BILL_DUE', channel: 'DIGEST' }] });
    expect(set.updateNotificationSettings).toMatchObject({ email: ana.address, digestHour: 7, timeZone: 'Europe/Lisbon' });
    expect(set.updateNotificationSettings.alertTypes).toContainEqual({ type: 'BILL_DUE', channel: 'DIGEST' });
    // Fields left out stay; a second type keeps the first.
    const again = await update(ana, { alertTypes: [{ type: 'LARGE_TRANSACTION', channel: 'IMMEDIATE' }] });
    expect(again.updateNotificationSettings).toMatchObject({ email: ana.address, digestHour: 7, timeZone: 'Europe/Lisbon' });
    expect(again.updateNotificationSettings.alertTypes.filter((t) => t.channel !== 'OFF')).toEqual([
      { type: 'LARGE_TRANSACTION', channel: 'IMMEDIATE' },
      { type: 'BILL_DUE', channel: 'DIGEST' },
    ]);
    expect((await ok<{ notificationSettings: Settings }>(url, SETTINGS, {}, ana.session.accessToken)).notificationSettings).toEqual(again.updateNotificationSettings);

    // Another user sees only their own settings.
    expect((await ok<{ notificationSettings: Settings }>(url, SETTINGS, {}, bob.session.accessToken)).notificationSettings).toEqual(fresh);
    expect(codes(await graphql(url, SETTINGS, {}))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await graphql(url, UPDATE, { i: { email: 'x@example.com' } }))).toEqual(['UNAUTHENTICATED']);
  });

  it('emails an IMMEDIATE alert once, with a text part and the user text escaped in HTML; OFF types send nothing', async () => {
    const cleo = await newUser('cleo');
    const { createCategory } = await ok<{ createCategory: { id: string } }>(
      url,
      `mutation { createCategory(input: { name: "<b>Bar & Grill</b>", kind: EXPENSE }) { id } }`,
      {},
      cleo.session.accessToken,
    );
    await update(cleo, { email: cleo.address, alertTypes: [{ type: 'BUDGET_WARNING', channel: 'IMMEDIATE' }, { type: 'LARGE_TRANSACTION', channel: 'OFF' }] });
    await setBudget(cleo, createCategory.id, '100.00');
    await spend(cleo, '-85.00', createCategory.id);
    await spend(cleo, '-20.00', createCategory.id);
    await spend(cleo, '-1500.00', null, 'Notebook');

    const [mail] = await eventually(async () => (smtp.to(cleo.address).length > 0 ? smtp.to(cleo.address) : undefined), 15_000, 'alert email');
    const alerts = await eventually(async () => ((await alertsOf(cleo)).length === 3 ? alertsOf(cleo) : undefined), 10_000, 'three alerts');
    const warning = alerts.find((a) => a.type === 'BUDGET_WARNING')!;
    expect(alerts.map((a) => a.type).sort()).toEqual(['BUDGET_EXCEEDED', 'BUDGET_WARNING', 'LARGE_TRANSACTION']);
    expect(mail!.subject).toBe(`Centavo: Budget warning: ${warning.message}`);
    expect(warning.message).toContain('<b>Bar & Grill</b>');
    expect(mail!.text).toContain(warning.message);
    expect(mail!.html).toContain('&lt;b&gt;Bar &amp; Grill&lt;/b&gt;');
    expect(mail!.html).not.toContain('<b>Bar');
    expect(mail!.messageId).toMatch(/^<alert-[0-9a-f-]{36}@centavo\.invalid>$/);
    // BUDGET_EXCEEDED was never set (OFF) and LARGE_TRANSACTION is OFF: nothing more comes.
    await settle(2_000);
    expect(smtp.to(cleo.address)).toHaveLength(1);
  });

  it('sends nothing for a user whose types are all OFF, even with an address', async () => {
    const dan = await newUser('dan');
    await update(dan, { email: dan.address, alertTypes: [{ type: 'LARGE_TRANSACTION', channel: 'OFF' }] });
    await spend(dan, '-2500.00', null, 'Sofa');
    await eventually(async () => ((await alertsOf(dan)).length > 0 ? true : undefined), 10_000, 'large alert');
    await settle(2_000);
    expect(smtp.to(dan.address)).toEqual([]);
  });

  it('retries when the SMTP server fails, and delivers once when it recovers', async () => {
    const eve = await newUser('eve');
    await update(eve, { email: eve.address, alertTypes: [{ type: 'LARGE_TRANSACTION', channel: 'IMMEDIATE' }] });
    smtp.failFor.set(eve.address, 2);
    const before = smtp.rejected();
    await spend(eve, '-1200.00', null, 'Flight');
    const mails = await eventually(async () => (smtp.to(eve.address).length > 0 ? smtp.to(eve.address) : undefined), 20_000, 'email after retries');
    expect(smtp.rejected() - before).toBe(2);
    expect(mails[0]!.subject).toBe('Centavo: Large transaction: Large transaction: 1200.00 BRL on 2026-05-14 (Flight)');
    await settle(2_000);
    expect(smtp.to(eve.address)).toHaveLength(1);
  });

  it('sends one daily digest of the DIGEST alerts at the digest hour of the user\'s time zone, once', async () => {
    const fay = await newUser('fay');
    await update(fay, {
      email: fay.address,
      digestHour: 20,
      timeZone: 'America/Sao_Paulo',
      alertTypes: ['BUDGET_WARNING', 'BUDGET_EXCEEDED', 'LARGE_TRANSACTION'].map((type) => ({ type, channel: 'DIGEST' })),
    });
    await setBudget(fay, fay.cat.get('restaurants')!, '100.00');
    await spend(fay, '-85.00', fay.cat.get('restaurants')!);
    await spend(fay, '-20.00', fay.cat.get('restaurants')!);
    await spend(fay, '-3000.00', null, 'Piano');
    await eventually(async () => ((await alertsOf(fay)).length === 3 ? true : undefined), 10_000, 'three alerts');

    // The worker's pass, driven by the test's clock (São Paulo is UTC-3).
    const env = system.env;
    const prisma = createBudgetPrisma(budgetConfig(env).databaseUrl, false);
    const channel = createEmailChannel({
      prisma,
      queue: { REDIS_URL: env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_PREFIX: env.REDIS_PREFIX! },
      logger: createLogger({ level: 'silent' }),
      // This channel only enqueues: the system's worker sends.
      mailer: { send: () => Promise.reject(new Error('not this one')), close: () => undefined },
    });
    try {
      // Published alerts are queued for email in the same transaction: wait until all three are.
      const waiting = () => prisma.alertEmail.count({ where: { userId: fay.session.id, channel: 'DIGEST', sentAt: null } });
      await eventually(async () => ((await waiting()) === 3 ? true : undefined), 10_000, 'three queued emails');
      expect((await channel.pass(new Date('2026-05-14T22:30:00Z'))).digests).toBe(0); // 19:30 there
      await settle(1_000);
      expect(smtp.to(fay.address)).toEqual([]);
      expect((await channel.pass(new Date('2026-05-14T23:30:00Z'))).digests).toBe(1); // 20:30 there
      const [digest] = await eventually(async () => (smtp.to(fay.address).length > 0 ? smtp.to(fay.address) : undefined), 15_000, 'digest');
      expect(digest!.subject).toBe('Centavo: your alerts digest for 2026-05-14 (3 alerts)');
      for (const alert of await alertsOf(fay)) expect(digest!.text).toContain(alert.message);
      expect(digest!.html).toContain('<li>');
      // The same day again: nothing waits and the day is done.
      expect((await channel.pass(new Date('2026-05-14T23:45:00Z'))).digests).toBe(0);
      await settle(1_500);
      expect(smtp.to(fay.address)).toHaveLength(1);
      expect(await waiting()).toBe(0);
    } finally {
      await channel.stop();
      await prisma.$disconnect();
    }
  });
});
