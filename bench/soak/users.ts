import type { LabelledRow } from '../../subgraphs/ai/src/modules/categorize/dataset.js';
import type { Random } from '../lib/random.js';
import { call, Subscriber } from './client.js';
import type { Stats } from './stats.js';

/** A transaction the load may edit, categorize or delete. */
export interface Target {
  id: string;
  cents: number;
}

export interface SoakUser {
  email: string;
  password: string;
  seeded: boolean;
  accessToken: string;
  refreshToken: string;
  accounts: { id: string; name: string; currency: string }[];
  categories: { id: string; slug: string; kind: string }[];
  bySlug: Map<string, string>;
  /** The user's recent plain (not transfer) transactions; bounded. */
  targets: Target[];
  /** Targets with a request in flight: never edited and deleted at once, which would race to NOT_FOUND. */
  busy: Set<string>;
  /** endCursor of the user's last transactions page, to read the next page sometimes. */
  cursor: string | null;
  subscriber: Subscriber;
}

export const MAX_TARGETS = 200;

export interface LoadContext {
  url: string;
  stats: Stats;
  rng: Random;
  /** Bank lines of the ai data set (no transfers): descriptions, amounts and true categories. */
  lines: LabelledRow[];
  now: Date;
}

const AUTH = 'accessToken refreshToken user { id }';

/** Cents → "-45.90". */
export const decimal = (cents: number): string => `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;

export const monthOf = (date: Date, back = 0): string => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - back, 1)).toISOString().slice(0, 7);

/**
 * Brings one user to where the steady load starts, through the gateway as a client does:
 * register (or log in, for a seeded user with history), accounts, categories, this month's
 * budgets, two rules, a few transactions, and the subscriber. Any failure aborts the soak.
 */
export async function setUpUser(ctx: LoadContext, who: { email: string; password: string; seeded: boolean }): Promise<SoakUser> {
  const { url, stats } = ctx;
  const must = async <T>(op: string, query: string, variables: Record<string, unknown>, token?: string): Promise<T> => {
    const data = await call<T>(stats, url, `setup:${op}`, query, variables, token);
    if (!data) throw new Error(`setting up ${who.email}: ${op} failed (${[...stats.errors.keys()].filter((k) => k.startsWith(`setup:${op} `)).join(', ')})`);
    return data;
  };
  const auth = who.seeded
    ? (await must<{ login: { accessToken: string; refreshToken: string } }>('login', `mutation ($i: LoginInput!) { login(input: $i) { ${AUTH} } }`, { i: { email: who.email, password: who.password } })).login
    : (
        await must<{ register: { accessToken: string; refreshToken: string } }>('register', `mutation ($i: RegisterInput!) { register(input: $i) { ${AUTH} } }`, {
          i: { email: who.email, password: who.password, name: 'Soak User' },
        })
      ).register;
  const token = auth.accessToken;
  const { accounts, categories } = await must<{ accounts: SoakUser['accounts']; categories: SoakUser['categories'] }>(
    'read',
    '{ accounts { id name currency } categories { id slug kind } }',
    {},
    token,
  );
  const wanted = [
    { name: 'Conta Corrente', type: 'CHECKING', currency: 'BRL', openingBalance: '5000.00' },
    { name: 'Poupança', type: 'SAVINGS', currency: 'BRL', openingBalance: '20000.00' },
    ...(ctx.rng.chance(0.3) ? [{ name: 'Wise', type: 'CHECKING', currency: 'USD', openingBalance: '800.00' }] : []),
  ];
  for (const input of wanted.slice(accounts.length)) {
    const { createAccount } = await must<{ createAccount: SoakUser['accounts'][number] }>('createAccount', 'mutation ($i: CreateAccountInput!) { createAccount(input: $i) { id name currency } }', { i: input }, token);
    accounts.push(createAccount);
  }
  const bySlug = new Map(categories.map((c) => [c.slug, c.id]));
  const budgets: [string, string, string][] = [['groceries', '1500', monthOf(ctx.now)], ['restaurants', '800', monthOf(ctx.now)], ['transport', '500', monthOf(ctx.now)], ['groceries', '1500', monthOf(ctx.now, 1)]];
  for (const [slug, limit, month] of budgets) {
    await must('setBudget', 'mutation ($i: SetBudgetInput!) { setBudget(input: $i) { id } }', { i: { categoryId: bySlug.get(slug), month, limit, currency: 'BRL' } }, token);
  }
  for (const rule of [
    { field: 'DESCRIPTION', operator: 'CONTAINS', value: 'UBER', categoryId: bySlug.get('transport'), priority: 10 },
    { field: 'MERCHANT', operator: 'STARTS_WITH', value: 'PADARIA', categoryId: bySlug.get('groceries'), priority: 5 },
  ]) {
    await must('createRule', 'mutation ($i: RuleInput!) { createRule(input: $i) { id } }', { i: rule }, token);
  }
  const { transactions } = await must<{ transactions: { edges: { node: { id: string; amount: { amount: string }; transferPeer: { id: string } | null } }[] } }>(
    'transactions',
    '{ transactions(first: 100) { edges { node { id amount { amount } transferPeer { id } } } } }',
    {},
    token,
  );
  const targets = transactions.edges
    .filter((e) => !e.node.transferPeer)
    .map((e) => ({ id: e.node.id, cents: Math.round(Number(e.node.amount.amount) * 100) }));
  const user: SoakUser = {
    ...who,
    accessToken: token,
    refreshToken: auth.refreshToken,
    accounts,
    categories,
    bySlug,
    targets,
    busy: new Set(),
    cursor: null,
    subscriber: new Subscriber(url, stats),
  };
  await user.subscriber.connect(token);
  return user;
}

/** refreshToken, as a client does before its access token expires; the subscriber reconnects with the new one. */
export async function refresh(ctx: LoadContext, user: SoakUser): Promise<void> {
  const data = await call<{ refreshToken: { accessToken: string; refreshToken: string } }>(
    ctx.stats,
    ctx.url,
    'refreshToken',
    `mutation ($t: String!) { refreshToken(refreshToken: $t) { ${AUTH} } }`,
    { t: user.refreshToken },
  );
  if (!data) return;
  user.accessToken = data.refreshToken.accessToken;
  user.refreshToken = data.refreshToken.refreshToken;
  await user.subscriber.connect(user.accessToken);
}
