import pg from 'pg';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptionMetrics } from '@centavo/gateway';
import { createPublisher, type Publisher } from '@centavo/pubsub';
import { databaseUrlFor } from '@centavo/config';
import { codes, graphql, ok, registerUser, testEnv, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';
import { eventually } from './support/wait.js';

// Households: ana owns "Casa" and shares it with bob (VIEWER) and carol (EDITOR); dave is nobody's.
let system: RunningSystem;
let url: string;
let publisher: Publisher;
let ana: Session;
let bob: Session;
let carol: Session;
let dave: Session;
let casa: string;
let privateAccount: string;
let casaTx: string;
let privateTx: string;
let bobShare: string;
let carolShare: string;
const clients: Client[] = [];

interface Share {
  id: string;
  accountName: string;
  ownerEmail: string | null;
  email: string;
  role: string;
  status: string;
  account: { id: string } | null;
}
const SHARE = 'id accountName ownerEmail email role status account { id }';

const q = <T = Record<string, unknown>>(s: Session, query: string, variables: Record<string, unknown> = {}) => ok<T>(url, query, variables, s.accessToken);
const raw = (s: Session, query: string, variables: Record<string, unknown> = {}) => graphql(url, query, variables, s.accessToken);

async function createAccount(s: Session, name: string): Promise<string> {
  const { createAccount } = await q<{ createAccount: { id: string } }>(s, `mutation ($n: String!) { createAccount(input: { name: $n, type: CHECKING, currency: "BRL" }) { id } }`, { n: name });
  return createAccount.id;
}

async function createTx(s: Session, accountId: string, description: string, amount = '-10.00', extra: Record<string, unknown> = {}): Promise<string> {
  const { createTransaction } = await q<{ createTransaction: { id: string } }>(
    s,
    `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
    { i: { accountId, amount, date: '2026-11-20', description, ...extra } },
  );
  return createTransaction.id;
}

const share = async (s: Session, accountId: string, email: string, role: string) =>
  (await q<{ shareAccount: Share }>(s, `mutation ($a: ID!, $e: String!, $r: AccountShareRole!) { shareAccount(accountId: $a, email: $e, role: $r) { ${SHARE} } }`, { a: accountId, e: email, r: role })).shareAccount;

const accountNames = async (s: Session) => (await q<{ accounts: { name: string; role: string }[] }>(s, `{ accounts { name role } }`)).accounts;
const listedIds = async (s: Session, filter: Record<string, unknown> = {}) =>
  (await q<{ transactions: { edges: { node: { id: string } }[]; totalCount: number } }>(s, `query ($f: TransactionFilter) { transactions(filter: $f, first: 200) { edges { node { id } } totalCount } }`, { f: filter })).transactions;

interface Categorized {
  id: string;
  description: string;
  account: { name: string };
}

/** A user's transactionCategorized events over a real graphql-ws connection. */
async function listen(s: Session): Promise<Categorized[]> {
  const received: Categorized[] = [];
  const client = createClient({ url: url.replace('http', 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${s.accessToken}` }, retryAttempts: 0 });
  clients.push(client);
  const before = subscriptionMetrics.activeSubscriptions;
  client.subscribe<{ transactionCategorized: Categorized }>(
    { query: `subscription { transactionCategorized { id description account { name } } }` },
    { next: (msg) => void received.push(msg.data?.transactionCategorized ?? ({ error: msg.errors } as never)), error: () => undefined, complete: () => undefined },
  );
  await eventually(async () => (subscriptionMetrics.activeSubscriptions > before ? true : undefined), 10_000, 'the subscription listening');
  return received;
}

beforeAll(async () => {
  system = await startSystem();
  url = system.gatewayUrl;
  publisher = createPublisher({ REDIS_URL: system.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_PREFIX: system.env.REDIS_PREFIX! });
  [ana, bob, carol, dave] = await Promise.all([registerUser(url, 'ana'), registerUser(url, 'bob'), registerUser(url, 'carol'), registerUser(url, 'dave')]);
  [casa, privateAccount] = [await createAccount(ana, 'Casa'), await createAccount(ana, 'Ana private')];
  casaTx = await createTx(ana, casa, 'Aluguel', '-1500.00');
  privateTx = await createTx(ana, privateAccount, 'Presente surpresa', '-80.00');
}, 60_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await publisher?.close();
  await system?.stop();
});

describe('sharing an account by email', () => {
  it('invites by email: the invitee sees the invitation, but not the account until accepting', async () => {
    // Cached before the share: the accept must not be hidden by bob's cached responses.
    expect(await accountNames(bob)).toEqual([]);
    const sent = await share(ana, casa, `  ${bob.email.toUpperCase()} `, 'VIEWER');
    bobShare = sent.id;
    expect(sent).toMatchObject({ accountName: 'Casa', ownerEmail: ana.email, email: bob.email, role: 'VIEWER', status: 'PENDING', account: { id: casa } });

    const { accountSharesReceived } = await q<{ accountSharesReceived: Share[] }>(bob, `{ accountSharesReceived { ${SHARE} } }`);
    expect(accountSharesReceived).toEqual([{ ...sent, account: null }]);
    expect(codes(await raw(bob, `query ($id: ID!) { account(id: $id) { name } }`, { id: casa }))).toEqual(['NOT_FOUND']);
    // Nobody else sees it or can accept it.
    expect((await q<{ accountSharesReceived: Share[] }>(dave, `{ accountSharesReceived { id } }`)).accountSharesReceived).toEqual([]);
    expect(codes(await raw(dave, `mutation ($id: ID!) { acceptAccountShare(id: $id) { id } }`, { id: bobShare }))).toEqual(['NOT_FOUND']);

    const { acceptAccountShare } = await q<{ acceptAccountShare: Share }>(bob, `mutation ($id: ID!) { acceptAccountShare(id: $id) { ${SHARE} } }`, { id: bobShare });
    expect(acceptAccountShare).toMatchObject({ status: 'ACCEPTED', account: { id: casa } });
    expect(await accountNames(bob)).toEqual([{ name: 'Casa', role: 'VIEWER' }]);
    const { account } = await q<{ account: { name: string; role: string; balance: { amount: string }; shares: unknown[] } }>(
      bob,
      `query ($id: ID!) { account(id: $id) { name role balance { amount } shares { id } } }`,
      { id: casa },
    );
    expect(account).toEqual({ name: 'Casa', role: 'VIEWER', balance: { amount: '-1500.00' }, shares: [] });
    // The owner sees who the account is shared with.
    const owner = await q<{ account: { role: string; shares: Share[] } }>(ana, `query ($id: ID!) { account(id: $id) { role shares { email status role } } }`, { id: casa });
    expect(owner.account).toEqual({ role: 'OWNER', shares: [{ email: bob.email, status: 'ACCEPTED', role: 'VIEWER' }] });
  });

  it("shows a member the shared account's transactions only, never the owner's other accounts", async () => {
    const listed = await listedIds(bob);
    expect(listed.edges.map((e) => e.node.id)).toEqual([casaTx]);
    expect(listed.totalCount).toBe(1);
    expect((await listedIds(bob, { accountId: casa })).totalCount).toBe(1);
    expect((await listedIds(bob, { accountId: privateAccount })).totalCount).toBe(0);
    const { transaction } = await q<{ transaction: { description: string; account: { name: string; role: string } } }>(
      bob,
      `query ($id: ID!) { transaction(id: $id) { description account { name role } } }`,
      { id: casaTx },
    );
    expect(transaction).toEqual({ description: 'Aluguel', account: { name: 'Casa', role: 'VIEWER' } });
    expect(codes(await raw(bob, `query ($id: ID!) { transaction(id: $id) { id } }`, { id: privateTx }))).toEqual(['NOT_FOUND']);
    expect(codes(await raw(bob, `query ($id: ID!) { account(id: $id) { id } }`, { id: privateAccount }))).toEqual(['NOT_FOUND']);
    // The owner's list is unchanged by sharing.
    expect((await listedIds(ana)).totalCount).toBe(2);
  });

  it("shows a member the shared account's owner (id, email, name, no roles), and nobody else any other user", async () => {
    const { accounts } = await q<{ accounts: { name: string; owner: { id: string; email: string; name: string; roles: string[] } }[] }>(bob, `{ accounts { name owner { id email name roles } } }`);
    expect(accounts).toEqual([{ name: 'Casa', owner: { id: ana.id, email: ana.email, name: expect.any(String), roles: [] } }]);
    const { transaction } = await q<{ transaction: { account: { owner: { email: string } } } }>(bob, `query ($id: ID!) { transaction(id: $id) { account { owner { email } } } }`, { id: casaTx });
    expect(transaction.account.owner.email).toBe(ana.email);
    // Straight to the auth subgraph: ana's profile is no stranger's to read, grant or not.
    const entities = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { email } } }`;
    const direct = (s: Session) => graphql<{ _entities: unknown[] }>(system.urls.auth, entities, { r: [{ __typename: 'User', id: ana.id }] }, s.accessToken);
    expect((await direct(bob)).data?._entities).toEqual([{ email: ana.email }]);
    expect((await direct(dave)).data?._entities).toEqual([null]);
  });

  it('refuses every write of a VIEWER with FORBIDDEN and changes nothing', async () => {
    const { categories } = await q<{ categories: { id: string; slug: string }[] }>(bob, `{ categories { id slug } }`);
    const groceries = categories.find((c) => c.slug === 'groceries')!.id;
    const attempts: [string, Record<string, unknown>][] = [
      [`mutation ($a: ID!) { createTransaction(input: { accountId: $a, amount: "-1", date: "2026-11-21", description: "x" }) { id } }`, { a: casa }],
      [`mutation ($id: ID!) { updateTransaction(id: $id, input: { description: "hacked" }) { id } }`, { id: casaTx }],
      [`mutation ($id: ID!) { deleteTransaction(id: $id) }`, { id: casaTx }],
      [`mutation ($id: ID!, $c: ID!) { categorizeTransaction(id: $id, categoryId: $c) { id } }`, { id: casaTx, c: groceries }],
      [`mutation ($a: ID!) { updateAccount(id: $a, input: { name: "Mine now" }) { id } }`, { a: casa }],
      [`mutation ($a: ID!) { shareAccount(accountId: $a, email: "eve@example.com", role: EDITOR) { id } }`, { a: casa }],
      [`mutation ($a: ID!, $b: ID!) { createTransfer(input: { fromAccountId: $a, toAccountId: $b, amount: "1", date: "2026-11-21" }) { id } }`, { a: casa, b: casa }],
    ];
    for (const [query, variables] of attempts) expect(codes(await raw(bob, query, variables)), query).toEqual(['FORBIDDEN']);
    // The categorizer may have chosen a category meanwhile; the VIEWER's choice never lands.
    const { transaction } = await q<{ transaction: { description: string; categorySource: string | null } }>(ana, `query ($id: ID!) { transaction(id: $id) { description categorySource } }`, { id: casaTx });
    expect(transaction.description).toBe('Aluguel');
    expect(transaction.categorySource).not.toBe('USER');
    expect((await listedIds(ana, { accountId: casa })).totalCount).toBe(1);
    expect(await accountNames(ana)).toEqual([
      { name: 'Casa', role: 'OWNER' },
      { name: 'Ana private', role: 'OWNER' },
    ]);
    // A stranger still gets NOT_FOUND, not FORBIDDEN: the account's existence is not revealed.
    expect(codes(await raw(dave, attempts[1]![0], attempts[1]![1]))).toEqual(['NOT_FOUND']);
    expect(codes(await raw(dave, attempts[0]![0], attempts[0]![1]))).toEqual(['NOT_FOUND']);
  });

  it("lets an EDITOR write: the rows are in the owner's books, with the owner's categories", async () => {
    const sent = await share(ana, casa, carol.email, 'EDITOR');
    carolShare = sent.id;
    await q(carol, `mutation ($id: ID!) { acceptAccountShare(id: $id) { id } }`, { id: carolShare });
    // Cached by the owner before the member's write: the write must reach the owner's next read.
    expect((await listedIds(ana, { accountId: casa })).totalCount).toBe(1);

    const id = await createTx(carol, casa, 'Feira', '-45.30', { idempotencyKey: 'k-1' });
    expect(await createTx(carol, casa, 'Feira', '-45.30', { idempotencyKey: 'k-1' })).toBe(id);
    // The same key from the owner is the owner's own, not the member's row.
    const anaOwn = await createTx(ana, casa, 'Luz', '-120.00', { idempotencyKey: 'k-1' });
    expect(anaOwn).not.toBe(id);
    await eventually(async () => ((await listedIds(ana, { accountId: casa })).totalCount === 3 ? true : undefined), 5_000, "the owner's list");

    // carol picks her own default "groceries": the row gets the owner's groceries.
    const carolCats = (await q<{ categories: { id: string; slug: string }[] }>(carol, `{ categories { id slug } }`)).categories;
    const anaCats = (await q<{ categories: { id: string; slug: string }[] }>(ana, `{ categories { id slug } }`)).categories;
    const { categorizeTransaction } = await q<{ categorizeTransaction: { categorySource: string } }>(
      carol,
      `mutation ($id: ID!, $c: ID!) { categorizeTransaction(id: $id, categoryId: $c) { categorySource } }`,
      { id, c: carolCats.find((c) => c.slug === 'groceries')!.id },
    );
    expect(categorizeTransaction.categorySource).toBe('USER');
    const { transaction } = await q<{ transaction: { description: string; category: { id: string; slug: string } } }>(
      ana,
      `query ($id: ID!) { transaction(id: $id) { description category { id slug } } }`,
      { id },
    );
    expect(transaction).toEqual({ description: 'Feira', category: { id: anaCats.find((c) => c.slug === 'groceries')!.id, slug: 'groceries' } });

    await q(carol, `mutation ($id: ID!) { updateTransaction(id: $id, input: { notes: "semana 47" }) { id } }`, { id });
    expect(await q(carol, `mutation ($id: ID!) { deleteTransaction(id: $id) }`, { id: anaOwn })).toEqual({ deleteTransaction: true });
    // A transfer leg in the shared account whose other leg is in the owner's private account:
    // its notes are the member's to edit, its amount (which moves both legs) and deletion are not.
    const { createTransfer } = await q<{ createTransfer: { id: string } }>(
      ana,
      `mutation ($a: ID!, $b: ID!) { createTransfer(input: { fromAccountId: $a, toAccountId: $b, amount: "200.00", date: "2026-11-22" }) { id } }`,
      { a: casa, b: privateAccount },
    );
    const leg = createTransfer.id;
    const { transaction: seen } = await q<{ transaction: { transferPeer: unknown } }>(carol, `query ($id: ID!) { transaction(id: $id) { transferPeer { id } } }`, { id: leg });
    expect(seen.transferPeer).toBeNull();
    await q(carol, `mutation ($id: ID!) { updateTransaction(id: $id, input: { notes: "poupança" }) { id } }`, { id: leg });
    expect(codes(await raw(carol, `mutation ($id: ID!) { updateTransaction(id: $id, input: { amount: "-1.00" }) { id } }`, { id: leg }))).toEqual(['FORBIDDEN']);
    expect(codes(await raw(carol, `mutation ($id: ID!) { deleteTransaction(id: $id) }`, { id: leg }))).toEqual(['FORBIDDEN']);
    const { transaction: after } = await q<{ transaction: { amount: { amount: string }; notes: string } }>(ana, `query ($id: ID!) { transaction(id: $id) { amount { amount } notes } }`, { id: leg });
    expect(after).toEqual({ amount: { amount: '-200.00' }, notes: 'poupança' });
    await q(ana, `mutation ($id: ID!) { deleteTransaction(id: $id) }`, { id: leg });

    // A statement import is the owner's job (its progress, its rows): not a member's, even an EDITOR's.
    const csv = 'date,description,amount\n2026-11-01,Padaria,-5.00\n';
    const importing = `mutation ($a: ID!, $c: String!) { importTransactions(input: { accountId: $a, format: CSV, content: $c }) { id } }`;
    expect(codes(await raw(carol, importing, { a: casa, c: csv }))).toEqual(['FORBIDDEN']);
    expect(codes(await raw(dave, importing, { a: casa, c: csv }))).toEqual(['NOT_FOUND']);
    // Still no way into the owner's other accounts, and no renaming or resharing.
    expect(codes(await raw(carol, `mutation ($id: ID!) { updateTransaction(id: $id, input: { notes: "x" }) { id } }`, { id: privateTx }))).toEqual(['NOT_FOUND']);
    expect(codes(await raw(carol, `mutation ($a: ID!) { updateAccount(id: $a, input: { archived: true }) { id } }`, { a: casa }))).toEqual(['FORBIDDEN']);
    expect(codes(await raw(carol, `mutation ($a: ID!, $b: ID!) { createTransfer(input: { fromAccountId: $a, toAccountId: $b, amount: "1", date: "2026-11-21" }) { id } }`, { a: casa, b: privateAccount }))).toEqual(['NOT_FOUND']);
  });

  it('refuses bad input: not an email, the owner themself, an id that is not a share', async () => {
    expect(codes(await raw(ana, `mutation ($a: ID!) { shareAccount(accountId: $a, email: "not-an-email", role: VIEWER) { id } }`, { a: casa }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await raw(ana, `mutation ($a: ID!, $e: String!) { shareAccount(accountId: $a, email: $e, role: VIEWER) { id } }`, { a: casa, e: ana.email }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await raw(dave, `mutation ($a: ID!) { shareAccount(accountId: $a, email: "eve@example.com", role: VIEWER) { id } }`, { a: casa }))).toEqual(['NOT_FOUND']);
    expect(codes(await raw(ana, `mutation { revokeAccountShare(id: "nope") }`))).toEqual(['NOT_FOUND']);
    expect(codes(await raw(dave, `mutation ($id: ID!) { revokeAccountShare(id: $id) }`, { id: bobShare }))).toEqual(['NOT_FOUND']);
    // A member cannot revoke another member.
    expect(codes(await raw(carol, `mutation ($id: ID!) { revokeAccountShare(id: $id) }`, { id: bobShare }))).toEqual(['NOT_FOUND']);
  });
});

describe('live events and revoking', () => {
  it('delivers transactionCategorized of a shared row to its members; a revoked member gets NOT_FOUND and no events', async () => {
    const [anaEvents, bobEvents, carolEvents, daveEvents] = await Promise.all([listen(ana), listen(bob), listen(carol), listen(dave)]);
    const first = await createTx(ana, casa, 'NETFLIX.COM', '-55.90');
    const heard = (events: Categorized[], id: string) => eventually(async () => events.find((e) => e.id === id), 20_000, `the event of ${id}`);
    expect(await heard(bobEvents, first)).toEqual({ id: first, description: 'NETFLIX.COM', account: { name: 'Casa' } });
    await heard(carolEvents, first);
    await heard(anaEvents, first);

    // bob reads the account now (cached), then ana revokes: from that commit on, nothing.
    await q(bob, `query ($id: ID!) { account(id: $id) { name } }`, { id: casa });
    await listedIds(bob);
    expect(await q(ana, `mutation ($id: ID!) { revokeAccountShare(id: $id) }`, { id: bobShare })).toEqual({ revokeAccountShare: true });
    expect(codes(await raw(bob, `query ($id: ID!) { account(id: $id) { name } }`, { id: casa }))).toEqual(['NOT_FOUND']);
    expect(codes(await raw(bob, `query ($id: ID!) { transaction(id: $id) { id } }`, { id: first }))).toEqual(['NOT_FOUND']);
    expect(await listedIds(bob)).toEqual({ edges: [], totalCount: 0 });
    expect(await accountNames(bob)).toEqual([]);
    expect((await q<{ accountSharesReceived: unknown[] }>(bob, `{ accountSharesReceived { id } }`)).accountSharesReceived).toEqual([]);

    const second = await createTx(ana, casa, 'SPOTIFY', '-21.90');
    await heard(carolEvents, second);
    await heard(anaEvents, second);
    // A notice of a shared row that raced the revoke: the member's refetch is NOT_FOUND and skipped.
    const skipped = subscriptionMetrics.skippedSharedEvents;
    await publisher.publish(bob.id, { __typename: 'Transaction', id: second, field: 'transactionCategorized', shared: true });
    await eventually(async () => (subscriptionMetrics.skippedSharedEvents > skipped ? true : undefined), 10_000, 'the skipped event');
    await new Promise((r) => setTimeout(r, 500));
    expect(bobEvents.map((e) => e.id)).toEqual([first]);
    expect(daveEvents).toEqual([]);
  }, 60_000);

  it("never lets an EDITOR's write that raced a revoke commit after it", async () => {
    const invite = await share(ana, casa, dave.email, 'EDITOR');
    await q(dave, `mutation ($id: ID!) { acceptAccountShare(id: $id) { id } }`, { id: invite.id });
    const db = new pg.Client({ connectionString: databaseUrlFor('transactions', testEnv()) });
    await db.connect();
    try {
      // Hold the share row, as a revoke in progress would: dave's write passes its role check, then waits on it.
      await db.query('BEGIN');
      await db.query('SELECT id FROM account_shares WHERE id = $1 FOR UPDATE', [invite.id]);
      const write = raw(dave, `mutation ($a: ID!) { createTransaction(input: { accountId: $a, amount: "-9.99", date: "2026-11-23", description: "RACED THE REVOKE" }) { id } }`, { a: casa });
      // Seen as a lock wait on the row (pg_stat_activity's query text can lag behind the extended protocol).
      await eventually(async () => {
        const { rows } = await db.query(`SELECT 1 FROM pg_locks WHERE NOT granted AND locktype = 'transactionid' AND pid <> pg_backend_pid()`);
        return rows.length > 0 ? true : undefined;
      }, 4_000, "dave's write waiting on the share");
      // The revoke commits (what revokeAccountShare does to the row).
      await db.query('DELETE FROM account_shares WHERE id = $1', [invite.id]);
      await db.query('COMMIT');
      expect(codes(await write)).toEqual(['NOT_FOUND']);
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM transactions WHERE description = 'RACED THE REVOKE'`);
      expect(rows[0].n).toBe(0);
    } finally {
      await db.end();
    }
  });

  it('lets a member leave, and an invitee decline', async () => {
    const ownerOf = async () =>
      (await graphql<{ _entities: unknown[] }>(system.urls.auth, `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { email } } }`, { r: [{ __typename: 'User', id: ana.id }] }, carol.accessToken)).data?._entities;
    await q(carol, `{ accounts { owner { email } } }`);
    expect(await ownerOf()).toEqual([{ email: ana.email }]);
    expect(await q(carol, `mutation ($id: ID!) { leaveAccountShare(id: $id) }`, { id: carolShare })).toEqual({ leaveAccountShare: true });
    // Gone with the share: the owner's profile too.
    expect(await ownerOf()).toEqual([null]);
    expect(codes(await raw(carol, `query ($id: ID!) { account(id: $id) { id } }`, { id: casa }))).toEqual(['NOT_FOUND']);
    expect(codes(await raw(carol, `mutation ($a: ID!) { createTransaction(input: { accountId: $a, amount: "-1", date: "2026-11-21", description: "x" }) { id } }`, { a: casa }))).toEqual(['NOT_FOUND']);
    const invite = await share(ana, casa, dave.email, 'EDITOR');
    expect(await q(dave, `mutation ($id: ID!) { leaveAccountShare(id: $id) }`, { id: invite.id })).toEqual({ leaveAccountShare: true });
    expect(codes(await raw(dave, `mutation ($id: ID!) { acceptAccountShare(id: $id) { id } }`, { id: invite.id }))).toEqual(['NOT_FOUND']);
    const { accountSharesSent } = await q<{ accountSharesSent: Share[] }>(ana, `{ accountSharesSent { email } }`);
    expect(accountSharesSent).toEqual([]);
  });
});
