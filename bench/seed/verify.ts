import { DEFAULT_CATEGORIES, defaultCategoryId } from '../../packages/categories/src/index.js';
import { graphql } from '@centavo/testing';
import type { Pools } from '../lib/pg.js';
import { SEED_PASSWORD } from './credentials.js';

/** "-12.30" → -1230n (BRL and USD have two decimals). */
export function toMinor(amount: string): bigint {
  const [whole = '0', fraction = ''] = amount.replace('-', '').split('.');
  const minor = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
  return amount.startsWith('-') ? -minor : minor;
}

async function gql<T>(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const res = await graphql<T>(url, query, variables, token);
  if (res.errors?.length || !res.data) throw new Error(`${query.slice(0, 60)}: ${JSON.stringify(res.errors ?? res)}`);
  return res.data;
}

const sorted = (m: Map<string, string>) => JSON.stringify([...m.entries()].sort());

/**
 * Logs in as seeded users through the gateway and compares what the API answers (balances,
 * transaction counts, spendingByCategory over the whole history, every budget's spent) with
 * sums computed straight from the transactions database. Returns one line per disagreement.
 */
export async function verifySeededUsers(url: string, pools: Pools, users: { id: string; email: string }[], from: string, to: string): Promise<string[]> {
  const problems: string[] = [];
  for (const user of users) {
    const { login } = await gql<{ login: { accessToken: string } }>(
      url,
      'mutation ($i: LoginInput!) { login(input: $i) { accessToken } }',
      { i: { email: user.email, password: SEED_PASSWORD } },
    );
    const token = login.accessToken;
    const say = (what: string, api: unknown, db: unknown) => {
      if (JSON.stringify(api) !== JSON.stringify(db)) problems.push(`${user.email} ${what}: API ${JSON.stringify(api)} vs database ${JSON.stringify(db)}`);
    };

    const api = await gql<{ accounts: { id: string; currency: string; balance: { amount: string } }[]; transactions: { totalCount: number } }>(
      url,
      '{ accounts { id currency balance { amount } } transactions(first: 1) { totalCount } }',
      {},
      token,
    );
    const db = await pools.transactions.query<{ id: string; balance: string }>(
      `SELECT a.id::text, (a.opening_balance_minor + COALESCE(SUM(t.amount_minor), 0))::text AS balance
       FROM accounts a LEFT JOIN transactions t ON t.account_id = a.id WHERE a.user_id = $1 GROUP BY a.id`,
      [user.id],
    );
    say('balances', sorted(new Map(api.accounts.map((a) => [a.id, toMinor(a.balance.amount).toString()]))), sorted(new Map(db.rows.map((r) => [r.id, r.balance]))));
    const total = await pools.transactions.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM transactions WHERE user_id = $1', [user.id]);
    say('transactions.totalCount', api.transactions.totalCount, total.rows[0]!.n);

    const currency = api.accounts[0]?.currency ?? 'BRL';
    const kind = new Map(DEFAULT_CATEGORIES.map((c) => [defaultCategoryId(user.id, c.slug), c.kind]));
    const { spendingByCategory } = await gql<{ spendingByCategory: { category: { id: string } | null; total: { amount: string }; count: number }[] }>(
      url,
      'query ($f: Date!, $t: Date!, $c: String!) { spendingByCategory(from: $f, to: $t, currency: $c) { category { id } total { amount } count } }',
      { f: from, t: to, c: currency },
      token,
    );
    const sums = await pools.transactions.query<{ category_id: string | null; net: string; n: number }>(
      `SELECT category_id::text, SUM(-amount_minor)::text AS net, COUNT(*)::int AS n FROM transactions
       WHERE user_id = $1 AND currency = $2 AND date BETWEEN $3 AND $4 AND transfer_peer_id IS NULL GROUP BY category_id`,
      [user.id, currency, from, to],
    );
    const expected = new Map(
      sums.rows
        .filter((r) => (r.category_id === null || kind.get(r.category_id) === 'EXPENSE') && BigInt(r.net) > 0n)
        .map((r) => [r.category_id ?? 'uncategorized', `${r.net}/${r.n}`]),
    );
    const got = new Map(spendingByCategory.map((s) => [s.category?.id ?? 'uncategorized', `${toMinor(s.total.amount)}/${s.count}`]));
    say(`spendingByCategory ${from}..${to} ${currency}`, sorted(got), sorted(expected));

    const budgets = await pools.budget.query<{ id: string; category_id: string; month: string; currency: string }>(
      'SELECT id::text, category_id::text, month, currency FROM budgets WHERE user_id = $1',
      [user.id],
    );
    for (const month of [...new Set(budgets.rows.map((b) => b.month))]) {
      const answer = await gql<{ budgets: { id: string; spent: { amount: string } }[] }>(
        url,
        'query ($m: String!) { budgets(month: $m) { id spent { amount } } }',
        { m: month },
        token,
      );
      const want = new Map<string, string>();
      for (const b of budgets.rows.filter((r) => r.month === month)) {
        const net = await pools.transactions.query<{ net: string }>(
          `SELECT COALESCE(SUM(-amount_minor), 0)::text AS net FROM transactions WHERE user_id = $1 AND category_id = $2
           AND currency = $3 AND to_char(date, 'YYYY-MM') = $4 AND transfer_peer_id IS NULL`,
          [user.id, b.category_id, b.currency, month],
        );
        const spent = BigInt(net.rows[0]!.net);
        want.set(b.id, (spent > 0n ? spent : 0n).toString());
      }
      say(`budgets(${month}) spent`, sorted(new Map(answer.budgets.map((b) => [b.id, toMinor(b.spent.amount).toString()]))), sorted(want));
    }
  }
  return problems;
}
