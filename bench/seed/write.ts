import { DEFAULT_CATEGORIES } from '../../packages/categories/src/index.js';
import { arrayLiteral, insertMany } from '../lib/bulk.js';
import { inTransaction, type Pools, type PoolClient, type SubgraphName } from '../lib/pg.js';
import type { SeedAlert, SeedBudget } from './budgets.js';
import type { SeedUser } from './generate-user.js';

export interface SeededUser {
  user: SeedUser;
  budgets: SeedBudget[];
  alerts: SeedAlert[];
}

/** Rows inserted per "database.table". */
export type Counts = Map<string, number>;

export interface WriteContext {
  passwordHash: string;
  modelVersion: string;
  counts: Counts;
}

const NIL = '00000000-0000-0000-0000-000000000000';

/**
 * Writes a chunk of users into the four databases, one database transaction each (a chunk is
 * all there or not at all in each database). No outbox rows are written: these changes are
 * history, already applied by every consumer, so the relay has nothing to replay.
 */
export async function writeChunk(pools: Pools, chunk: readonly SeededUser[], ctx: WriteContext): Promise<void> {
  const writer = (db: SubgraphName, write: (put: Put, c: PoolClient) => Promise<void>) =>
    inTransaction(pools[db], (c) =>
      write(async (table, spec, rows) => {
        const inserted = await insertMany(c, table, spec, rows);
        ctx.counts.set(`${db}.${table}`, (ctx.counts.get(`${db}.${table}`) ?? 0) + inserted);
      }, c).then(() => undefined),
    );
  const users = chunk.map((s) => s.user);
  await Promise.all([
    writer('auth', (put) => writeAuth(put, users, ctx)),
    writer('transactions', (put) => writeTransactions(put, users)),
    writer('budget', async (put, c) => {
      await writeBudget(put, chunk);
      const daily = await aggregateDaily(c, users);
      ctx.counts.set('budget.daily_spending', (ctx.counts.get('budget.daily_spending') ?? 0) + daily);
    }),
    writer('ai', (put) => writeAi(put, users, ctx)),
  ]);
}

type Put = (table: string, spec: string, rows: Parameters<typeof insertMany>[3]) => Promise<void>;

async function writeAuth(put: Put, users: readonly SeedUser[], ctx: WriteContext): Promise<void> {
  await put(
    'users',
    'id uuid, email text, name text, password_hash text, created_at timestamptz, updated_at timestamptz',
    users.map((u) => [u.id, u.email, u.name, ctx.passwordHash, u.createdAt, u.createdAt]),
  );
}

async function writeTransactions(put: Put, users: readonly SeedUser[]): Promise<void> {
  await put(
    'accounts',
    'id uuid, user_id uuid, name text, type "AccountType", currency varchar, opening_balance_minor bigint, created_at timestamptz, updated_at timestamptz',
    users.flatMap((u) => u.accounts.map((a) => [a.id, a.userId, a.name, a.type, a.currency, a.openingBalanceMinor, a.createdAt, a.createdAt])),
  );
  await put(
    'transactions',
    'id uuid, user_id uuid, account_id uuid, amount_minor bigint, currency varchar, date date, description text, merchant text, category_id uuid, category_source "CategorySource", transfer_peer_id uuid, version int, created_at timestamptz, updated_at timestamptz',
    users.flatMap((u) =>
      u.transactions.map((t) => [
        t.id, t.userId, t.accountId, t.amountMinor, t.currency, t.date, t.description, t.merchant,
        t.categoryId, t.categorySource, t.transferPeerId, t.version, t.createdAt, t.updatedAt,
      ]),
    ),
  );
}

async function writeBudget(put: Put, chunk: readonly SeededUser[]): Promise<void> {
  const users = chunk.map((s) => s.user);
  await put(
    'categories',
    'id uuid, user_id uuid, slug text, name text, kind "CategoryKind", is_default boolean, created_at timestamptz',
    users.flatMap((u) => DEFAULT_CATEGORIES.map((cat) => [u.categoryIds[cat.slug], u.id, cat.slug, cat.name, cat.kind, true, u.createdAt])),
  );
  await put(
    'budgets',
    'id uuid, user_id uuid, category_id uuid, month varchar, limit_minor bigint, currency varchar, created_at timestamptz, updated_at timestamptz',
    chunk.flatMap((s) => s.budgets.map((b) => [b.id, b.userId, b.categoryId, b.month, b.limitMinor, b.currency, b.createdAt, b.createdAt])),
  );
  await put(
    'transaction_ledger',
    'transaction_id uuid, user_id uuid, category_id uuid, day date, currency varchar, amount_minor bigint, is_transfer boolean, version int, deleted boolean, updated_at timestamptz',
    users.flatMap((u) =>
      u.transactions.map((t) => [t.id, t.userId, t.categoryId, t.date, t.currency, t.amountMinor, t.isTransfer, t.version, false, t.updatedAt]),
    ),
  );
  await put(
    'alerts',
    'id uuid, user_id uuid, type "AlertType", severity "Severity", message text, subject_id uuid, transaction_id uuid, budget_id uuid, month varchar, created_at timestamptz, read_at timestamptz, published_at timestamptz',
    chunk.flatMap((s) =>
      s.alerts.map((a) => [a.id, a.userId, a.type, a.severity, a.message, a.subjectId, a.transactionId, a.budgetId, a.month, a.createdAt, a.readAt, a.createdAt]),
    ),
  );
}

/**
 * The daily sums follow from the ledger exactly as the worker's deltas would: transfers count
 * nowhere, uncategorized rows go under the nil UUID. Returns the rows written.
 */
async function aggregateDaily(c: PoolClient, users: readonly SeedUser[]): Promise<number> {
  const result = await c.query(
    `INSERT INTO daily_spending AS s (user_id, category_key, currency, day, expense_minor, income_minor, tx_count)
     SELECT user_id, COALESCE(category_id, '${NIL}'::uuid), currency, day,
       SUM(CASE WHEN amount_minor < 0 THEN -amount_minor ELSE 0 END), SUM(CASE WHEN amount_minor > 0 THEN amount_minor ELSE 0 END), COUNT(*)
     FROM transaction_ledger
     WHERE user_id = ANY($1::uuid[]) AND NOT is_transfer AND NOT deleted
     GROUP BY 1, 2, 3, 4
     ON CONFLICT (user_id, category_key, currency, day) DO UPDATE SET
       expense_minor = s.expense_minor + excluded.expense_minor, income_minor = s.income_minor + excluded.income_minor,
       tx_count = s.tx_count + excluded.tx_count`,
    [users.map((u) => u.id)],
  );
  return result.rowCount ?? 0;
}

async function writeAi(put: Put, users: readonly SeedUser[], ctx: WriteContext): Promise<void> {
  await put(
    'categorizations',
    'transaction_id uuid, user_id uuid, category_id uuid, suggestions jsonb, confidence float8, source "DecisionSource", explanation text, model_version text, transaction_version int, updated_at timestamptz',
    users.flatMap((u) =>
      u.decisions.map((d) => [
        d.transactionId, d.userId, d.categoryId, JSON.stringify(d.suggestions), d.confidence, d.source, d.explanation,
        ctx.modelVersion, d.transactionVersion, d.at,
      ]),
    ),
  );
  await put(
    'merchant_memory',
    'user_id uuid, merchant text, category_id uuid, count int, updated_at timestamptz',
    users.flatMap((u) => [...u.memory.entries()].map(([merchant, m]) => [u.id, merchant, m.categoryId, m.count, m.at])),
  );
  const corrections = users.flatMap((u) => u.corrections);
  await put(
    'learned_corrections',
    'transaction_id uuid, version int, created_at timestamptz',
    corrections.map((k) => [k.transactionId, k.version, k.at]),
  );
  await put(
    'training_examples',
    'transaction_id uuid, user_id uuid, description text, amount_cents bigint, slug text, version int, recorded_at timestamptz',
    users.flatMap((u) => u.choices.map((c) => [c.transactionId, u.id, c.description, c.amountCents, c.slug, c.version, c.at])),
  );
  const withTokens = corrections.filter((k) => k.tokens.length > 0);
  await put(
    'prior_contributions',
    'transaction_id uuid, user_id uuid, direction text, category_id uuid, tokens text[], version int, updated_at timestamptz',
    withTokens.map((k) => [k.transactionId, k.userId, k.direction, k.categoryId, arrayLiteral(k.tokens), k.version, k.at]),
  );
  // Each learned transaction adds one to each of its words in its direction and category.
  const priors = new Map<string, { userId: string; direction: string; token: string; categoryId: string; count: number; at: Date }>();
  for (const k of withTokens) {
    for (const token of k.tokens) {
      const key = `${k.userId}|${k.direction}|${token}|${k.categoryId}`;
      const p = priors.get(key);
      if (p) {
        p.count++;
        if (k.at > p.at) p.at = k.at;
      } else priors.set(key, { userId: k.userId, direction: k.direction, token, categoryId: k.categoryId, count: 1, at: k.at });
    }
  }
  await put(
    'user_token_priors',
    'user_id uuid, direction text, token text, category_id uuid, count int, updated_at timestamptz',
    [...priors.values()].map((p) => [p.userId, p.direction, p.token, p.categoryId, p.count, p.at]),
  );
}
