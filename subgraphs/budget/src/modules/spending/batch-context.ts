import type { BudgetBatchTx } from '../../db.js';
import type { CategoryKind } from '../../generated/prisma/client.js';
import type { ThresholdRecord } from '../alerts/alerts.repository.js';
import type { CoveringBudget } from '../budgets/budgets.repository.js';
import { BILL_COLUMNS, toBillRecord, type BillRow } from '../recurring/recurring.batch-repository.js';
import type { BillRecord, PayeePaymentRecord } from '../recurring/recurring.repository.js';

/**
 * What a batch of one user's transaction events needs to know of the user, read with its ledger
 * rows in the batch's first statement (readBatch), and what the batch's effects leave for the
 * statement that writes it and for the live updates after the commit.
 */
export interface BatchContext {
  userId: string;
  /** The user's categories among those the batch's snapshots name (absent: not the user's). */
  categories: Map<string, { kind: CategoryKind; parentId: string | null; name: string }>;
  /** LARGE_TRANSACTION thresholds the user set, by currency order. */
  thresholds: ThresholdRecord[];
  /** Whether the user has any budget: without one, no budget is locked, read or told of. */
  hasBudgets: boolean;
  /** Every bill of the user, in RecurringRepository.list's order (next date, name, id). */
  bills: BillRecord[];
  /** Whether an alert of the user was unpublished before this batch (an earlier run that crashed before publishing). */
  alertsPending: boolean;
  /** Alerts this batch's transaction stored (it publishes them after the commit). */
  alertsRaised: number;
  /** The budgets the batch's applied changes moved, once the alerts looked them up (null: not looked up). */
  budgetsMoved: CoveringBudget[] | null;
  /** Payee rows the batch's write statement records (upserts) or forgets (removed transaction ids). */
  payments: { upserts: PayeePaymentRecord[]; removed: string[] };
}

/** A ledger row as the batch reads it, or null columns on the context row. */
export interface BatchLedgerRow {
  transaction_id: string;
  user_id: string;
  category_id: string | null;
  day: string;
  currency: string;
  amount_minor: string;
  is_transfer: boolean;
  version: number;
  deleted: boolean;
  parts: { categoryId: string | null; amountMinor: string; isTransfer: boolean; tags: string[] }[] | null;
  tags: string[] | null;
}

interface ContextJson {
  categories: [string, CategoryKind, string | null, string][] | null;
  thresholds: [string, string][] | null;
  hasBudgets: boolean;
  bills: BillRow[] | null;
  alertsPending: boolean;
}

/**
 * One statement: locks the batch's existing ledger rows (in transaction id order, as every batch
 * does) and reads the user's context in one extra row (JSON), instead of a statement each for
 * the thresholds, the confirmed bills, whether budgets exist and the category kinds.
 */
const READ_BATCH = `WITH locked AS MATERIALIZED (
    SELECT transaction_id::text, user_id::text, category_id::text, to_char(day, 'YYYY-MM-DD') AS day, currency,
      amount_minor::text, is_transfer, version, deleted, parts, tags
    FROM transaction_ledger WHERE transaction_id = ANY($2::uuid[]) ORDER BY transaction_id FOR UPDATE
  )
  SELECT locked.*, NULL::json AS context FROM locked
  UNION ALL
  SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, json_build_object(
    'categories', (SELECT json_agg(json_build_array(id::text, kind::text, parent_id::text, name))
      FROM categories WHERE user_id = $1::uuid AND id = ANY($3::uuid[])),
    'thresholds', (SELECT json_agg(json_build_array(currency, min_minor::text) ORDER BY currency)
      FROM large_transaction_thresholds WHERE user_id = $1::uuid),
    'hasBudgets', EXISTS (SELECT 1 FROM budgets WHERE user_id = $1::uuid),
    'bills', (SELECT json_agg(b ORDER BY b.next_date, b.name, b.id)
      FROM (SELECT ${BILL_COLUMNS} FROM recurring_bills WHERE user_id = $1::uuid) b),
    'alertsPending', EXISTS (SELECT 1 FROM alerts WHERE user_id = $1::uuid AND published_at IS NULL))`;

/** The batch's existing ledger rows, locked, and the user's context (see READ_BATCH). */
export async function readBatch(
  tx: BudgetBatchTx,
  userId: string,
  transactionIds: readonly string[],
  categoryIds: readonly string[],
): Promise<{ rows: BatchLedgerRow[]; context: BatchContext }> {
  const { rows } = await tx.query<BatchLedgerRow & { context: ContextJson | null }>(READ_BATCH, [userId, transactionIds, categoryIds]);
  const json = rows.find((r) => r.context !== null)?.context;
  if (!json) throw new Error('the batch context row is missing');
  return {
    rows: rows.filter((r) => r.context === null),
    context: {
      userId,
      categories: categoriesOf(json.categories ?? []),
      thresholds: (json.thresholds ?? []).map(([currency, min]) => ({ currency, minMinor: BigInt(min) })),
      hasBudgets: json.hasBudgets,
      bills: (json.bills ?? []).map(toBillRecord),
      alertsPending: json.alertsPending,
      alertsRaised: 0,
      budgetsMoved: null,
      payments: { upserts: [], removed: [] },
    },
  };
}

const categoriesOf = (rows: ContextJson['categories'] & object) =>
  new Map(rows.map(([id, kind, parentId, name]) => [id, { kind, parentId, name }]));

/** The user's categories of these ids again (after the user's defaults were created mid-batch). */
export async function rereadCategories(tx: BudgetBatchTx, context: BatchContext, ids: readonly string[]): Promise<void> {
  const { rows } = await tx.query<{ c: ContextJson['categories'] }>(
    `SELECT json_agg(json_build_array(id::text, kind::text, parent_id::text, name)) AS c FROM categories WHERE user_id = $1::uuid AND id = ANY($2::uuid[])`,
    [context.userId, ids],
  );
  context.categories = categoriesOf(rows[0]?.c ?? []);
}
