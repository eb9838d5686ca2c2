import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, registerUser, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';
import { eventually } from './support/wait.js';

let system: RunningSystem;
let url: string;
let ana: Session;
let bob: Session;
let account: string;
let cat: Map<string, string>;
const clients: Client[] = [];

interface Categorized {
  id: string;
  description: string;
  amount: { amount: string };
  category: { slug: string } | null;
  categorySource: string;
  account: { name: string };
  categorization: { confidence: number; explanation: string; source: string; modelVersion: string } | null;
}

/** Collects a user's transactionCategorized events over a real graphql-ws connection. */
async function listen(s: Session): Promise<Categorized[]> {
  const received: Categorized[] = [];
  const client = createClient({ url: url.replace('http', 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${s.accessToken}` }, retryAttempts: 0 });
  clients.push(client);
  let ready: () => void;
  const subscribed = new Promise<void>((resolve) => (ready = resolve));
  client.on('connected', () => setTimeout(() => ready(), 100));
  client.subscribe<{ transactionCategorized: Categorized }>(
    {
      query: `subscription { transactionCategorized {
        id description amount { amount } category { slug } categorySource account { name }
        categorization { confidence explanation source modelVersion } } }`,
    },
    { next: (msg) => msg.data && received.push(msg.data.transactionCategorized), error: () => undefined, complete: () => undefined },
  );
  await subscribed;
  return received;
}

const create = async (s: Session, description: string, amount: string) =>
  (
    await ok<{ createTransaction: { id: string } }>(
      url,
      `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
      { i: { accountId: account, amount, date: '2026-11-20', description } },
      s.accessToken,
    )
  ).createTransaction.id;

beforeAll(async () => {
  system = await startSystem();
  url = system.gatewayUrl;
  [ana, bob] = await Promise.all([registerUser(url, 'ana'), registerUser(url, 'bob')]);
  account = (
    await ok<{ createAccount: { id: string } }>(url, `mutation { createAccount(input: { name: "Nubank", type: CHECKING, currency: "BRL" }) { id } }`, {}, ana.accessToken)
  ).createAccount.id;
  const { categories } = await ok<{ categories: { id: string; slug: string }[] }>(url, `{ categories { id slug } }`, {}, ana.accessToken);
  cat = new Map(categories.map((c) => [c.slug, c.id]));
}, 60_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await system?.stop();
});

describe('categorization pushed live', () => {
  it('categorizes NETFLIX.COM as subscriptions and pushes it with federated fields; another user hears nothing', async () => {
    const [anaEvents, bobEvents] = await Promise.all([listen(ana), listen(bob)]);
    const id = await create(ana, 'NETFLIX.COM', '-55.90');
    const event = await eventually(async () => anaEvents.find((e) => e.id === id), 15_000, 'transactionCategorized');
    expect(event).toMatchObject({
      amount: { amount: '-55.90' },
      category: { slug: 'subscriptions' },
      categorySource: 'AI',
      account: { name: 'Nubank' },
    });
    expect(event.categorization?.confidence).toBeGreaterThan(0.5);
    expect(event.categorization?.explanation).toBeTruthy();
    expect(bobEvents).toEqual([]);
    const { transaction } = await ok<{
      transaction: { merchant: string | null; categorization: { source: string }; suggestions: { category: { slug: string } }[] };
    }>(
      url,
      `query ($id: ID!) { transaction(id: $id) { merchant categorization { source } suggestions { category { slug } } } }`,
      { id },
      ana.accessToken,
    );
    expect(transaction).toMatchObject({ merchant: 'NETFLIX', categorization: { source: 'AI' } });
    expect(transaction.suggestions[0]?.category.slug).toBe('subscriptions');
  }, 30_000);

  it('learns a merchant from ONE correction', async () => {
    const events = await listen(ana);
    const first = await create(ana, 'PADARIA DO ZE LTDA SAO PAULO BR', '-12.00');
    await eventually(async () => {
      const { transaction } = await ok<{ transaction: { categorization: unknown } }>(url, `query ($id: ID!) { transaction(id: $id) { categorization { source } } }`, { id: first }, ana.accessToken);
      return transaction.categorization ?? (events.some((e) => e.id === first) ? true : undefined);
    }, 15_000, 'first decision').catch(() => undefined);
    await ok(url, `mutation ($id: ID!, $c: ID!) { categorizeTransaction(id: $id, categoryId: $c) { id } }`, { id: first, c: cat.get('gifts') }, ana.accessToken);
    // The correction is learned by the worker; give it a moment, then the next row follows it.
    await eventually(async () => {
      const { transaction } = await ok<{ transaction: { categorization: { source: string } | null } }>(
        url,
        `query ($id: ID!) { transaction(id: $id) { categorization { source } } }`,
        { id: first },
        ana.accessToken,
      );
      return transaction.categorization?.source === 'USER' ? true : undefined;
    }, 15_000, 'correction learned');
    const second = await create(ana, 'PADARIA DO ZE LTDA 7/10 SAO PAULO', '-8.50');
    const event = await eventually(async () => events.find((e) => e.id === second), 15_000, 'second categorized');
    expect(event.category?.slug).toBe('gifts');
    expect(event.categorization?.explanation).toMatch(/PADARIA DO ZE/);
  }, 40_000);

  it('suggests categories without storing anything', async () => {
    const { suggestCategories } = await ok<{ suggestCategories: { category: { slug: string }; confidence: number }[] }>(
      url,
      `{ suggestCategories(description: "UBER *TRIP HELP.UBER.COM", amount: "-23.40", limit: 3) { category { slug } confidence } }`,
      {},
      ana.accessToken,
    );
    expect(suggestCategories[0]?.category.slug).toBe('transport');
    expect(suggestCategories.length).toBeLessThanOrEqual(3);
  });

  it('never overrides a category the user chose', async () => {
    const { createTransaction } = await ok<{ createTransaction: { id: string } }>(
      url,
      `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
      { i: { accountId: account, amount: '-30', date: '2026-11-20', description: 'NETFLIX.COM', categoryId: cat.get('entertainment') } },
      ana.accessToken,
    );
    await new Promise((r) => setTimeout(r, 1500));
    const { transaction } = await ok<{ transaction: { category: { slug: string }; categorySource: string } }>(
      url,
      `query ($id: ID!) { transaction(id: $id) { category { slug } categorySource } }`,
      { id: createTransaction.id },
      ana.accessToken,
    );
    expect(transaction).toEqual({ category: { slug: 'entertainment' }, categorySource: 'USER' });
  });
});
