/**
 * The client half of scripts/compose-smoke.sh: through the composed gateway at `--url`, a new user
 * registers, subscribes to transactionCategorized (graphql-ws), creates an account and a
 * transaction, and must receive that transaction categorized. Exits 0 on success, 1 otherwise.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const url = process.argv.find((a) => a.startsWith('--url='))?.slice(6) ?? 'http://127.0.0.1:5206/graphql';
const timeoutMs = Number(process.argv.find((a) => a.startsWith('--timeout-ms='))?.slice(13) ?? 60_000);

async function gql<T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (!response.ok || body.errors || !body.data) throw new Error(`${query.split('(')[0]}: HTTP ${response.status} ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}

const step = (message: string) => console.log(`  ${new Date().toISOString()} ${message}`);

async function main(): Promise<void> {
  const email = `smoke-${randomUUID().slice(0, 8)}@example.com`;
  const { register } = await gql<{ register: { accessToken: string; user: { id: string } } }>(
    `mutation ($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }`,
    { i: { email, password: 'correct horse battery', name: 'Smoke Test' } },
  );
  step(`registered ${email} (${register.user.id})`);
  const token = register.accessToken;

  const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
  let connected: () => void;
  const isConnected = new Promise<void>((resolve) => (connected = resolve));
  client.on('connected', () => connected());
  type Categorized = { id: string; description: string; category: { slug: string } | null; categorySource: string | null };
  const received: Categorized[] = [];
  let wake: () => void = () => undefined;
  client.subscribe<{ transactionCategorized: Categorized }>(
    { query: 'subscription { transactionCategorized { id description category { slug } categorySource } }' },
    {
      next: (message) => {
        if (message.data) received.push(message.data.transactionCategorized);
        wake();
      },
      error: (err) => console.error('  subscription error', err),
      complete: () => undefined,
    },
  );
  await isConnected;
  await new Promise((r) => setTimeout(r, 500)); // the subscribe message reaches the gateway
  step('subscribed to transactionCategorized over graphql-ws');

  const { createAccount } = await gql<{ createAccount: { id: string } }>(
    `mutation ($i: CreateAccountInput!) { createAccount(input: $i) { id } }`,
    { i: { name: 'Checking', type: 'CHECKING', currency: 'BRL' } },
    token,
  );
  const { createTransaction } = await gql<{ createTransaction: { id: string } }>(
    `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
    { i: { accountId: createAccount.id, amount: '-45.90', date: '2026-11-20', description: 'FARMACIA SAO JOAO 123' } },
    token,
  );
  step(`created transaction ${createTransaction.id}`);

  const deadline = Date.now() + timeoutMs;
  while (!received.some((t) => t.id === createTransaction.id)) {
    if (Date.now() > deadline) throw new Error(`no transactionCategorized for ${createTransaction.id} within ${timeoutMs} ms (got ${JSON.stringify(received)})`);
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, 1000);
    });
  }
  const event = received.find((t) => t.id === createTransaction.id)!;
  step(`received transactionCategorized: ${event.description} -> ${event.category?.slug ?? 'uncategorized'} (${event.categorySource})`);
  await client.dispose();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`  ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
