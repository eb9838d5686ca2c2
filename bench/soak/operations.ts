import { randomUUID } from 'node:crypto';
import { call } from './client.js';
import { decimal, MAX_TARGETS, monthOf, type LoadContext, type SoakUser, type Target } from './users.js';

/** The mix, in shares of the fixed rate: mostly new transactions, then the reads a screen makes. */
export const MIX = {
  createTransaction: 30,
  createTransfer: 4,
  updateTransaction: 7,
  categorizeTransaction: 6,
  deleteTransaction: 3,
  transactions: 16,
  budgets: 8,
  spendingByCategory: 6,
  cashFlow: 5,
  alerts: 6,
  suggestCategories: 8,
  login: 1,
} as const;

export type Operation = keyof typeof MIX;

const TX_PAGE = `query ($f: TransactionFilter, $after: String) { transactions(filter: $f, first: 50, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id amount { amount currency } date description merchant notes categorySource
    account { id name currency } category { id slug name } transferPeer { id }
    categorization { confidence source explanation modelVersion category { slug } } } } } }`;

const day = (date: Date) => date.toISOString().slice(0, 10);

/** Runs one operation of the mix for this user; an edit without a transaction to edit creates one instead. */
export async function runOperation(ctx: LoadContext, user: SoakUser, op: Operation): Promise<void> {
  const { rng, now } = ctx;
  const q = <T>(name: string, query: string, variables: Record<string, unknown> = {}) => call<T>(ctx.stats, ctx.url, name, query, variables, user.accessToken);
  const currency = user.accounts[0]!.currency;
  switch (op) {
    case 'createTransaction':
      return createTransaction(ctx, user);
    case 'createTransfer': {
      const from = rng.pick(user.accounts);
      const to = rng.pick(user.accounts.filter((a) => a.id !== from.id));
      const cents = rng.int(5_000, 200_000);
      const toAmount = from.currency === to.currency ? {} : { toAmount: decimal(from.currency === 'USD' ? cents * 5 : Math.max(1, Math.round(cents / 5))) };
      await q('createTransfer', 'mutation ($i: CreateTransferInput!) { createTransfer(input: $i) { id transferPeer { id } } }', {
        i: { fromAccountId: from.id, toAccountId: to.id, amount: decimal(cents), date: randomDate(ctx), ...toAmount, idempotencyKey: randomUUID() },
      });
      return;
    }
    case 'updateTransaction':
    case 'categorizeTransaction':
    case 'deleteTransaction':
      return editTransaction(ctx, user, op);
    case 'transactions': {
      const variant = rng.int(0, 3);
      const filter =
        variant === 1 ? { categoryId: user.bySlug.get(rng.pick(['groceries', 'restaurants', 'transport'])) } : variant === 2 ? { search: rng.pick(['uber', 'mercado', 'posto', 'netflix']) } : null;
      const after = variant === 3 ? user.cursor : null;
      const data = await q<{ transactions: { pageInfo: { endCursor: string | null } } }>('transactions', TX_PAGE, { f: filter, after });
      if (data) user.cursor = data.transactions.pageInfo.endCursor;
      return;
    }
    case 'budgets':
      await q('budgets', 'query ($m: String!) { budgets(month: $m) { id month category { slug name } limit { amount currency } spent { amount } remaining { amount } progress status } }', {
        m: monthOf(now, rng.chance(0.8) ? 0 : 1),
      });
      return;
    case 'spendingByCategory': {
      const from = rng.chance(0.5) ? `${monthOf(now)}-01` : day(new Date(now.getTime() - 90 * 86_400_000));
      await q('spendingByCategory', 'query ($f: Date!, $t: Date!, $c: String!) { spendingByCategory(from: $f, to: $t, currency: $c) { category { id slug name } total { amount currency } count } }', {
        f: from,
        t: day(now),
        c: currency,
      });
      return;
    }
    case 'cashFlow': {
      const monthly = rng.chance(0.6);
      await q('cashFlow', 'query ($f: Date!, $t: Date!, $c: String!, $i: Interval) { cashFlow(from: $f, to: $t, currency: $c, interval: $i) { periodStart income { amount } expenses { amount } net { amount } } }', {
        f: monthly ? `${monthOf(now, 11)}-01` : day(new Date(now.getTime() - 90 * 86_400_000)),
        t: day(now),
        c: currency,
        i: monthly ? 'MONTH' : 'WEEK',
      });
      return;
    }
    case 'alerts':
      await q('alerts', 'query ($u: Boolean) { alerts(unreadOnly: $u, first: 20) { id type severity message createdAt readAt budget { id month } transaction { id description } } }', {
        u: rng.chance(0.5),
      });
      return;
    case 'suggestCategories': {
      const line = rng.pick(ctx.lines);
      await q('suggestCategories', 'query ($d: String!, $a: Decimal!) { suggestCategories(description: $d, amount: $a, limit: 3) { category { slug } confidence } }', {
        d: line.description,
        a: decimal(line.amountMinor),
      });
      return;
    }
    case 'login': {
      const data = await call<{ login: { accessToken: string; refreshToken: string } }>(ctx.stats, ctx.url, 'login', 'mutation ($i: LoginInput!) { login(input: $i) { accessToken refreshToken } }', {
        i: { email: user.email, password: user.password },
      });
      // A new session: the next refresh, and the next socket, use it.
      if (data) Object.assign(user, { accessToken: data.login.accessToken, refreshToken: data.login.refreshToken });
      return;
    }
  }
}

/** A date in this month (budgets see it) most of the time, else in the last 60 days. */
function randomDate(ctx: LoadContext): string {
  const { rng, now } = ctx;
  if (rng.chance(0.85)) return `${monthOf(now)}-${String(rng.int(1, now.getUTCDate())).padStart(2, '0')}`;
  return day(new Date(now.getTime() - rng.int(0, 60) * 86_400_000));
}

async function createTransaction(ctx: LoadContext, user: SoakUser): Promise<void> {
  const { rng } = ctx;
  const line = rng.pick(ctx.lines);
  // A few large expenses raise LARGE_TRANSACTION alerts all along the run.
  const cents = rng.chance(0.03) ? -rng.int(100_000, 400_000) : Math.sign(line.amountMinor) * Math.max(1, Math.round(Math.abs(line.amountMinor) * (0.7 + 0.6 * rng.next())));
  const account = rng.chance(0.7) ? user.accounts[0]! : rng.pick(user.accounts);
  const input = {
    accountId: account.id,
    amount: decimal(cents),
    date: randomDate(ctx),
    description: line.description,
    ...(rng.chance(0.3) ? { categoryId: user.bySlug.get(line.slug) } : {}),
    ...(rng.chance(0.5) ? { idempotencyKey: randomUUID() } : {}),
  };
  const data = await call<{ createTransaction: { id: string } }>(ctx.stats, ctx.url, 'createTransaction', 'mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id amount { amount } category { slug } } }', { i: input }, user.accessToken);
  if (!data) return;
  user.targets.push({ id: data.createTransaction.id, cents });
  if (user.targets.length > MAX_TARGETS) user.targets.shift();
}

function pickTarget(ctx: LoadContext, user: SoakUser): Target | null {
  for (let i = 0; i < 5 && user.targets.length > 0; i++) {
    const t = ctx.rng.pick(user.targets);
    if (!user.busy.has(t.id)) return t;
  }
  return null;
}

async function editTransaction(ctx: LoadContext, user: SoakUser, op: 'updateTransaction' | 'categorizeTransaction' | 'deleteTransaction'): Promise<void> {
  const { rng } = ctx;
  const target = pickTarget(ctx, user);
  if (!target) return createTransaction(ctx, user);
  const q = (query: string, variables: Record<string, unknown>) => call(ctx.stats, ctx.url, op, query, variables, user.accessToken);
  user.busy.add(target.id);
  try {
    if (op === 'deleteTransaction') {
      user.targets.splice(user.targets.indexOf(target), 1);
      await q('mutation ($id: ID!) { deleteTransaction(id: $id) }', { id: target.id });
    } else if (op === 'categorizeTransaction') {
      // A correction: another category of the kind the amount allows.
      const kind = target.cents < 0 ? 'EXPENSE' : 'INCOME';
      const category = rng.pick(user.categories.filter((c) => c.kind === kind));
      await q('mutation ($id: ID!, $c: ID!) { categorizeTransaction(id: $id, categoryId: $c) { id category { slug } categorySource } }', { id: target.id, c: category.id });
    } else {
      const sign = target.cents < 0 ? -1 : 1;
      const variant = rng.int(0, 3);
      const input =
        variant === 0
          ? { amount: decimal(sign * rng.int(100, 50_000)) }
          : variant === 1
            ? { description: rng.pick(ctx.lines.filter((l) => Math.sign(l.amountMinor) === sign)).description }
            : variant === 2
              ? { notes: `note ${randomUUID().slice(0, 8)}` }
              : { date: randomDate(ctx) };
      await q('mutation ($id: ID!, $i: UpdateTransactionInput!) { updateTransaction(id: $id, input: $i) { id amount { amount } description category { slug } } }', { id: target.id, i: input });
      if (input.amount) target.cents = Math.round(Number(input.amount) * 100);
    }
  } finally {
    user.busy.delete(target.id);
  }
}
