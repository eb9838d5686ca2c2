import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, graphql, ok, registerUser, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';
import { eventually } from './support/wait.js';
import { WebhookReceiver, type ReceivedHook } from './support/webhook-receiver.js';

let system: RunningSystem;
let url: string;
let ana: Session;
let bob: Session;
let anaAccount: string;
let bobAccount: string;
const good = new WebhookReceiver();
const flaky = new WebhookReceiver();
const dead = new WebhookReceiver();

interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  payload: string;
}
const DELIVERY = `id eventId eventType status attempts lastStatusCode lastError payload`;
const CREATE = `mutation ($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret endpoint { id url events enabled description } } }`;

async function register(s: Session, hookUrl: string, events: string[]): Promise<{ id: string; secret: string }> {
  const { createWebhookEndpoint: c } = await ok<{ createWebhookEndpoint: { secret: string; endpoint: { id: string } } }>(url, CREATE, { i: { url: hookUrl, events } }, s.accessToken);
  return { id: c.endpoint.id, secret: c.secret };
}

async function createTransaction(s: Session, account: string, description: string): Promise<string> {
  const { createTransaction: t } = await ok<{ createTransaction: { id: string } }>(
    url,
    `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
    { i: { accountId: account, amount: '-12.34', date: '2026-11-20', description } },
    s.accessToken,
  );
  return t.id;
}

const deliveries = async (s: Session, endpointId: string, status?: string) =>
  (await ok<{ webhookDeliveries: Delivery[] }>(url, `query ($e: ID!, $s: WebhookDeliveryStatus) { webhookDeliveries(endpointId: $e, status: $s) { ${DELIVERY} } }`, { e: endpointId, s: status ?? null }, s.accessToken))
    .webhookDeliveries;

/** The receiver's side of the README's verification recipe. */
function verify(secret: string, hook: ReceivedHook): boolean {
  const header = String(hook.headers['centavo-signature']);
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=')));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${hook.body}`).digest('hex');
  return parts.v1 === expected && Math.abs(Date.now() / 1000 - Number(parts.t)) < 300;
}

const hooksAbout = (r: WebhookReceiver, transactionId: string) =>
  r.received.filter((h) => (JSON.parse(h.body) as { data: { transaction?: { id: string } } }).data.transaction?.id === transactionId);

beforeAll(async () => {
  await Promise.all([good.start(), flaky.start(), dead.start()]);
  // Retries after 100 ms and 100 ms (three attempts), a sweep every 100 ms, disabled after 3 dead in a row.
  system = await startSystem({ WEBHOOK_RETRY_SCHEDULE: '100,100', WEBHOOK_SWEEP_MS: '100', WEBHOOK_DISABLE_AFTER: '3', WEBHOOK_TIMEOUT_MS: '2000' });
  url = system.gatewayUrl;
  [ana, bob] = await Promise.all([registerUser(url, 'ana'), registerUser(url, 'bob')]);
  const account = `mutation { createAccount(input: { name: "Main", type: CHECKING, currency: "BRL" }) { id } }`;
  anaAccount = (await ok<{ createAccount: { id: string } }>(url, account, {}, ana.accessToken)).createAccount.id;
  bobAccount = (await ok<{ createAccount: { id: string } }>(url, account, {}, bob.accessToken)).createAccount.id;
}, 60_000);
afterAll(async () => {
  await system?.stop();
  await Promise.all([good.stop(), flaky.stop(), dead.stop()]);
});

describe('outbound webhooks through the gateway', () => {
  it('registers an endpoint (secret shown once) and delivers a signed transaction.created exactly once', async () => {
    const hook = await register(ana, good.url, ['TRANSACTION_CREATED']);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{40,}$/);
    const listed = await ok<{ webhookEndpoints: { id: string; url: string; events: string[]; enabled: boolean }[] }>(url, `{ webhookEndpoints { id url events enabled } }`, {}, ana.accessToken);
    expect(listed.webhookEndpoints).toEqual([{ id: hook.id, url: good.url, events: ['TRANSACTION_CREATED'], enabled: true }]);
    // The secret is not a field of the endpoint: it cannot be read back.
    const again = await graphql(url, `{ webhookEndpoints { secret } }`, {}, ana.accessToken);
    expect(codes(again)).toEqual(['GRAPHQL_VALIDATION_FAILED']);

    const txId = await createTransaction(ana, anaAccount, 'Padaria');
    const [received] = await eventually(async () => (hooksAbout(good, txId).length ? hooksAbout(good, txId) : undefined), 10_000, 'the delivery');
    expect(received!.headers['content-type']).toBe('application/json');
    expect(received!.headers['centavo-event-type']).toBe('transaction.created');
    expect(verify(hook.secret, received!)).toBe(true);
    expect(verify('whsec_wrong', received!)).toBe(false);
    const body = JSON.parse(received!.body) as { id: string; type: string; data: { transaction: { id: string; amountMinor: string; description: string; userId: string } } };
    expect(body).toMatchObject({ id: received!.headers['centavo-event-id'], type: 'transaction.created', data: { transaction: { id: txId, amountMinor: '-1234', description: 'Padaria', userId: ana.id } } });

    const [row] = await eventually(async () => {
      const rows = await deliveries(ana, hook.id);
      return rows[0]?.status === 'DELIVERED' ? rows : undefined;
    }, 5_000, 'DELIVERED');
    expect(row).toMatchObject({ eventId: body.id, eventType: 'TRANSACTION_CREATED', attempts: 1, lastStatusCode: 200, payload: received!.body });
    await new Promise((r) => setTimeout(r, 400)); // a few sweeps: nothing is sent twice
    expect(hooksAbout(good, txId)).toHaveLength(1);

    // Event types the endpoint did not ask for are not sent.
    await ok(url, `mutation ($id: ID!) { updateTransaction(id: $id, input: { description: "Padaria Sol" }) { id } }`, { id: txId }, ana.accessToken);
    await new Promise((r) => setTimeout(r, 400));
    expect(hooksAbout(good, txId)).toHaveLength(1);
  });

  it('retries a failing endpoint, dead-letters the delivery after the last try, and replays it once the receiver recovers', async () => {
    flaky.status = 500;
    const hook = await register(ana, flaky.url, ['TRANSACTION_CREATED']);
    const txId = await createTransaction(ana, anaAccount, 'Farmacia');
    const [deadRow] = await eventually(async () => {
      const rows = await deliveries(ana, hook.id, 'DEAD');
      return rows.length ? rows : undefined;
    }, 10_000, 'the dead letter');
    expect(deadRow).toMatchObject({ attempts: 3, lastStatusCode: 500, lastError: 'the endpoint answered HTTP 500' });
    expect(hooksAbout(flaky, txId)).toHaveLength(3);
    const ids = new Set(hooksAbout(flaky, txId).map((h) => h.headers['centavo-event-id']));
    expect(ids.size).toBe(1);

    flaky.status = 204;
    const replayed = await ok<{ replayWebhookDelivery: Delivery }>(url, `mutation ($id: ID!) { replayWebhookDelivery(id: $id) { ${DELIVERY} } }`, { id: deadRow!.id }, ana.accessToken);
    expect(replayed.replayWebhookDelivery).toMatchObject({ id: deadRow!.id, attempts: 0 });
    await eventually(async () => ((await deliveries(ana, hook.id, 'DELIVERED')).length === 1 ? true : undefined), 10_000, 'the replay delivered');
    const all = hooksAbout(flaky, txId);
    expect(all).toHaveLength(4);
    expect(all[3]!.headers['centavo-event-id']).toBe(deadRow!.eventId);

    // A delivered one cannot be replayed.
    const twice = await graphql(url, `mutation ($id: ID!) { replayWebhookDelivery(id: $id) { id } }`, { id: deadRow!.id }, ana.accessToken);
    expect(codes(twice)).toEqual(['BAD_USER_INPUT']);
  });

  it('disables an endpoint that keeps failing (the user sees why), keeps its events dead-lettered, and works again once enabled', async () => {
    dead.status = 503;
    const hook = await register(ana, dead.url, ['TRANSACTION_CREATED']);
    for (const d of ['a', 'b', 'c']) await createTransaction(ana, anaAccount, `Falha ${d}`);
    const endpoint = await eventually(async () => {
      const { webhookEndpoints } = await ok<{ webhookEndpoints: { id: string; enabled: boolean; disabledReason: string | null; consecutiveFailures: number }[] }>(
        url,
        `{ webhookEndpoints { id enabled disabledReason consecutiveFailures } }`,
        {},
        ana.accessToken,
      );
      const e = webhookEndpoints.find((x) => x.id === hook.id);
      return e && !e.enabled ? e : undefined;
    }, 10_000, 'the endpoint disabled');
    expect(endpoint.disabledReason).toMatch(/3 deliveries in a row failed/);
    // The user is told: a WEBHOOK_DISABLED alert naming the URL, once for this disabling.
    const told = await eventually(async () => {
      const { alerts } = await ok<{ alerts: { type: string; severity: string; message: string }[] }>(url, `{ alerts { type severity message } }`, {}, ana.accessToken);
      const notices = alerts.filter((a) => a.type === 'WEBHOOK_DISABLED');
      return notices.length > 0 ? notices : undefined;
    }, 10_000, 'the WEBHOOK_DISABLED alert');
    expect(told).toEqual([{ type: 'WEBHOOK_DISABLED', severity: 'WARNING', message: expect.stringContaining(`Webhook endpoint ${dead.url} was disabled: 3 deliveries in a row failed`) }]);
    // While disabled nothing is sent; its events wait in the dead-letter list.
    const before = dead.received.length;
    const later = await createTransaction(ana, anaAccount, 'Enquanto desligado');
    const deadRows = await eventually(async () => {
      const rows = await deliveries(ana, hook.id, 'DEAD');
      return rows.length === 4 ? rows : undefined;
    }, 10_000, 'four dead letters');
    expect(dead.received.length).toBe(before);
    const replayDisabled = await graphql(url, `mutation ($id: ID!) { replayWebhookDelivery(id: $id) { id } }`, { id: deadRows[0]!.id }, ana.accessToken);
    expect(codes(replayDisabled)).toEqual(['BAD_USER_INPUT']);

    dead.status = 200;
    const enabled = await ok<{ enableWebhookEndpoint: { enabled: boolean; consecutiveFailures: number } }>(url, `mutation ($id: ID!) { enableWebhookEndpoint(id: $id) { enabled consecutiveFailures } }`, { id: hook.id }, ana.accessToken);
    expect(enabled.enableWebhookEndpoint).toEqual({ enabled: true, consecutiveFailures: 0 });
    const laterRow = deadRows.find((r) => (JSON.parse(r.payload) as { data: { transaction: { id: string } } }).data.transaction.id === later)!;
    await ok(url, `mutation ($id: ID!) { replayWebhookDelivery(id: $id) { id } }`, { id: laterRow.id }, ana.accessToken);
    await eventually(async () => (hooksAbout(dead, later).length === 1 ? true : undefined), 10_000, 'the replayed event');
  });

  it('rotates the secret: later deliveries are signed with the new one only', async () => {
    const receiver = good;
    const hook = await register(ana, `${receiver.url}?rotate=1`, ['TRANSACTION_DELETED']);
    const { rotateWebhookSecret } = await ok<{ rotateWebhookSecret: { secret: string } }>(url, `mutation ($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`, { id: hook.id }, ana.accessToken);
    expect(rotateWebhookSecret.secret).not.toBe(hook.secret);
    const txId = await createTransaction(ana, anaAccount, 'Apagar');
    await ok(url, `mutation ($id: ID!) { deleteTransaction(id: $id) }`, { id: txId }, ana.accessToken);
    const [hookReq] = await eventually(async () => {
      const got = hooksAbout(receiver, txId).filter((h) => h.headers['centavo-event-type'] === 'transaction.deleted');
      return got.length ? got : undefined;
    }, 10_000, 'the deleted event');
    expect(verify(rotateWebhookSecret.secret, hookReq!)).toBe(true);
    expect(verify(hook.secret, hookReq!)).toBe(false);
  });

  it('refuses URLs that are not loopback outside production, with BAD_USER_INPUT', async () => {
    for (const bad of ['https://example.com/hook', 'http://10.0.0.5/hook', 'http://169.254.169.254/latest', 'http://[::ffff:10.0.0.1]/x', 'ftp://127.0.0.1/x', 'http://user:pw@127.0.0.1/x', 'not a url']) {
      const res = await graphql(url, CREATE, { i: { url: bad, events: ['ALERT_RAISED'] } }, ana.accessToken);
      expect([bad, codes(res)]).toEqual([bad, ['BAD_USER_INPUT']]);
      expect(res.errors?.[0]?.extensions?.field).toBe('url');
    }
    const none = await graphql(url, CREATE, { i: { url: good.url, events: [] } }, ana.accessToken);
    expect(codes(none)).toEqual(['BAD_USER_INPUT']);
    const ipv6 = await ok<{ createWebhookEndpoint: { endpoint: { id: string } } }>(url, CREATE, { i: { url: 'http://[::1]:9/x', events: ['ALERT_RAISED'] } }, ana.accessToken);
    await ok(url, `mutation ($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id: ipv6.createWebhookEndpoint.endpoint.id }, ana.accessToken);
  });

  it('keeps users apart: another user\'s endpoint and deliveries are NOT_FOUND, and their events never reach it', async () => {
    const hook = await register(ana, `${good.url}?only=ana`, ['TRANSACTION_CREATED']);
    const bobTx = await createTransaction(bob, bobAccount, 'Bob compra');
    const anaTx = await createTransaction(ana, anaAccount, 'Ana compra');
    await eventually(async () => (hooksAbout(good, anaTx).length >= 1 ? true : undefined), 10_000, 'ana\'s delivery');
    const [row] = await deliveries(ana, hook.id);
    for (const [query, vars] of [
      [`query ($id: ID!) { webhookDeliveries(endpointId: $id) { id } }`, { id: hook.id }],
      [`mutation ($id: ID!) { updateWebhookEndpoint(id: $id, input: { description: "mine" }) { id } }`, { id: hook.id }],
      [`mutation ($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id: hook.id }],
      [`mutation ($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`, { id: hook.id }],
      [`mutation ($id: ID!) { enableWebhookEndpoint(id: $id) { id } }`, { id: hook.id }],
      [`mutation ($id: ID!) { replayWebhookDelivery(id: $id) { id } }`, { id: row!.id }],
    ] as const) {
      expect(codes(await graphql(url, query, vars, bob.accessToken))).toEqual(['NOT_FOUND']);
    }
    expect((await ok<{ webhookEndpoints: unknown[] }>(url, `{ webhookEndpoints { id } }`, {}, bob.accessToken)).webhookEndpoints).toEqual([]);
    expect(hooksAbout(good, bobTx)).toEqual([]);
    const { updateWebhookEndpoint } = await ok<{ updateWebhookEndpoint: { description: string; events: string[] } }>(
      url,
      `mutation ($id: ID!) { updateWebhookEndpoint(id: $id, input: { description: "ana's", events: [TRANSACTION_CREATED, ALERT_RAISED] }) { description events } }`,
      { id: hook.id },
      ana.accessToken,
    );
    expect(updateWebhookEndpoint).toEqual({ description: "ana's", events: ['TRANSACTION_CREATED', 'ALERT_RAISED'] });
  });

  it('sends alert.raised when the budget domain raises an alert', async () => {
    const hook = await register(ana, `${good.url}?alerts=1`, ['ALERT_RAISED']);
    const { categories } = await ok<{ categories: { id: string; slug: string }[] }>(url, `{ categories { id slug } }`, {}, ana.accessToken);
    const restaurants = categories.find((c) => c.slug === 'restaurants')!.id;
    await ok(url, `mutation ($c: ID!) { setBudget(input: { categoryId: $c, month: "2026-05", limit: "10.00", currency: "BRL" }) { id } }`, { c: restaurants }, ana.accessToken);
    await ok(
      url,
      `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
      { i: { accountId: anaAccount, amount: '-20.00', date: '2026-05-14', description: 'Restaurante', categoryId: restaurants } },
      ana.accessToken,
    );
    const alertHooks = await eventually(async () => {
      const got = good.received.filter((h) => h.headers['centavo-event-type'] === 'alert.raised');
      return got.length ? got : undefined;
    }, 15_000, 'alert.raised');
    const body = JSON.parse(alertHooks[0]!.body) as { type: string; data: { alert: { id: string; type: string; budgetId: string } } };
    expect(body.type).toBe('alert.raised');
    const { alerts } = await ok<{ alerts: { id: string; type: string }[] }>(url, `{ alerts { id type } }`, {}, ana.accessToken);
    expect(alerts.map((a) => a.id)).toContain(body.data.alert.id);
    expect((await deliveries(ana, hook.id)).every((d) => d.eventType === 'ALERT_RAISED')).toBe(true);
  });

  it('sends import.finished when a statement import ends, not one event per imported row', async () => {
    const hook = await register(ana, `${good.url}?imports=1`, ['IMPORT_FINISHED', 'TRANSACTION_CREATED']);
    const csv = 'date,description,amount\n2026-10-01,Mercado,-10.00\n2026-10-02,Padaria,-5.50\n';
    const { importTransactions } = await ok<{ importTransactions: { id: string } }>(
      url,
      `mutation ($i: ImportTransactionsInput!) { importTransactions(input: $i) { id } }`,
      { i: { accountId: anaAccount, format: 'CSV', content: csv } },
      ana.accessToken,
    );
    const finished = await eventually(async () => {
      const got = good.received.filter((h) => h.headers['centavo-event-type'] === 'import.finished');
      return got.length ? got : undefined;
    }, 15_000, 'import.finished');
    const body = JSON.parse(finished[0]!.body) as { id: string; data: { import: { id: string; status: string; imported: number; accountId: string } } };
    expect(body.data.import).toMatchObject({ id: importTransactions.id, status: 'COMPLETED', imported: 2, accountId: anaAccount });
    await new Promise((r) => setTimeout(r, 400));
    const rows = await deliveries(ana, hook.id);
    expect(rows.map((r) => r.eventType)).toEqual(['IMPORT_FINISHED']);
  });

  it('caps the endpoints one user may register (LIMIT_EXCEEDED past MAX_WEBHOOK_ENDPOINTS_PER_USER)', async () => {
    const carla = await registerUser(url, 'carla');
    for (let i = 0; i < 10; i++) await register(carla, `${good.url}?n=${i}`, ['ALERT_RAISED']);
    const over = await graphql(url, CREATE, { i: { url: good.url, events: ['ALERT_RAISED'] } }, carla.accessToken);
    expect(codes(over)).toEqual(['LIMIT_EXCEEDED']);
    expect(over.errors?.[0]?.extensions?.limit).toBe(10);
  });
});
