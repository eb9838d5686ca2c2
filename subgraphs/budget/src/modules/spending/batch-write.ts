import type { BudgetBatchTx } from '../../db.js';
import type { PayeePaymentRecord } from '../recurring/recurring.repository.js';
import { mergeDeltas, type AggregateDelta, type LedgerEntry } from './ledger.js';

/** A part as stored in transaction_ledger.parts (JSON: the amount as a string). */
export interface StoredPart {
  categoryId: string | null;
  amountMinor: string;
  isTransfer: boolean;
  tags: string[];
}

export const partsJson = (e: LedgerEntry): string | null =>
  e.parts && e.parts.length > 0 ? JSON.stringify(e.parts.map((p): StoredPart => ({ ...p, amountMinor: p.amountMinor.toString() }))) : null;

/** What a batch writes, in one statement (writeBatch). */
export interface BatchWrite {
  /** Ledger rows the ledger did not hold: inserted with their last applied entry. */
  inserted: readonly LedgerEntry[];
  /** Ledger rows whose last applied entry differs from what they hold. */
  updated: readonly LedgerEntry[];
  /** Every applied change's deltas, in event order (merged per aggregate row here). */
  deltas: readonly AggregateDelta[];
  /** Payee rows to write (insert or replace) and to forget. */
  payments: { upserts: readonly PayeePaymentRecord[]; removed: readonly string[] };
}

/** Numbered parameters of one statement. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

const LEDGER_NAMES = 'transaction_id, user_id, category_id, day, currency, amount_minor, is_transfer, version, deleted, parts, tags';

/** The entries as unnest(...) of one array per column: one statement for any number of rows. */
function ledgerUnnest(p: Params, entries: readonly LedgerEntry[]): string {
  const columns = [
    p.add(entries.map((e) => e.transactionId), 'uuid[]'), p.add(entries.map((e) => e.userId), 'uuid[]'),
    p.add(entries.map((e) => e.categoryId), 'uuid[]'), p.add(entries.map((e) => e.day), 'date[]'),
    p.add(entries.map((e) => e.currency), 'text[]'), p.add(entries.map((e) => e.amountMinor.toString()), 'bigint[]'),
    p.add(entries.map((e) => e.isTransfer), 'boolean[]'), p.add(entries.map((e) => e.version), 'int[]'),
    p.add(entries.map((e) => e.deleted), 'boolean[]'), p.add(entries.map(partsJson), 'jsonb[]'),
    p.add(entries.map((e) => JSON.stringify(e.tags ?? [])), 'jsonb[]'),
  ];
  return `unnest(${columns.join(', ')}) AS n(${LEDGER_NAMES})`;
}


/** A concurrent batch inserted a row this one found missing: the whole transaction runs again (retryOnConflict). */
const concurrentInsert = (): Error =>
  Object.assign(new Error('a ledger row this batch found missing was inserted by a concurrent batch'), { code: '40001' });

/**
 * Everything a batch writes, in one statement of data-modifying CTEs over disjoint rows: new
 * ledger rows, changed ones, the aggregates (one upsert, rows in key order, last: an aggregate
 * row is the lock concurrent batches of a user meet on) and the payee rows. A new row that a
 * concurrent batch inserted meanwhile fails the transaction as a serialization failure, so it
 * runs again and finds that row locked and current.
 */
export async function writeBatch(tx: BudgetBatchTx, write: BatchWrite): Promise<void> {
  const p = new Params();
  const ctes: string[] = [];
  if (write.inserted.length > 0) {
    ctes.push(`ins AS (
      INSERT INTO transaction_ledger (${LEDGER_NAMES}, updated_at)
      SELECT n.*, now() FROM ${ledgerUnnest(p, write.inserted)} ORDER BY n.transaction_id
      ON CONFLICT (transaction_id) DO NOTHING RETURNING 1)`);
  }
  if (write.updated.length > 0) {
    ctes.push(`upd AS (
      UPDATE transaction_ledger l SET user_id = n.user_id, category_id = n.category_id, day = n.day, currency = n.currency,
        amount_minor = n.amount_minor, is_transfer = n.is_transfer, version = n.version, deleted = n.deleted,
        parts = n.parts, tags = n.tags, updated_at = now()
      FROM ${ledgerUnnest(p, write.updated)} WHERE l.transaction_id = n.transaction_id)`);
  }
  const { upserts, removed } = write.payments;
  if (removed.length > 0) ctes.push(`forgotten AS (DELETE FROM payee_payments WHERE transaction_id = ANY(${p.add(removed, 'uuid[]')}))`);
  if (upserts.length > 0) {
    const column = <T>(of: (r: PayeePaymentRecord) => T, type: string) => p.add(upserts.map(of), type);
    ctes.push(`payments AS (
      INSERT INTO payee_payments (transaction_id, user_id, payee, description, category_id, day, currency, amount_minor)
      SELECT * FROM unnest(${[
        column((r) => r.transactionId, 'uuid[]'), column((r) => r.userId, 'uuid[]'), column((r) => r.payee, 'text[]'),
        column((r) => r.description, 'text[]'), column((r) => r.categoryId, 'uuid[]'), column((r) => r.day, 'date[]'),
        column((r) => r.currency, 'text[]'), column((r) => r.amountMinor.toString(), 'bigint[]'),
      ].join(', ')})
      ON CONFLICT (transaction_id) DO UPDATE SET payee = EXCLUDED.payee, description = EXCLUDED.description,
        category_id = EXCLUDED.category_id, day = EXCLUDED.day, currency = EXCLUDED.currency, amount_minor = EXCLUDED.amount_minor)`);
  }
  const rows = mergeDeltas(write.deltas);
  if (rows.length > 0) {
    ctes.push(`sums AS (
      INSERT INTO daily_spending AS s (user_id, category_key, currency, day, expense_minor, income_minor, tx_count)
      SELECT * FROM unnest(${[
        p.add(rows.map((d) => d.userId), 'uuid[]'), p.add(rows.map((d) => d.categoryKey), 'uuid[]'), p.add(rows.map((d) => d.currency), 'text[]'),
        p.add(rows.map((d) => d.day), 'date[]'), p.add(rows.map((d) => d.expenseMinor.toString()), 'bigint[]'),
        p.add(rows.map((d) => d.incomeMinor.toString()), 'bigint[]'), p.add(rows.map((d) => d.count), 'int[]'),
      ].join(', ')})
      ON CONFLICT (user_id, category_key, currency, day) DO UPDATE SET
        expense_minor = s.expense_minor + excluded.expense_minor,
        income_minor = s.income_minor + excluded.income_minor,
        tx_count = s.tx_count + excluded.tx_count)`);
  }
  if (ctes.length === 0) return;
  const counted = write.inserted.length > 0 ? '(SELECT count(*) FROM ins)::int' : '0';
  const { rows: [result] } = await tx.query<{ inserted: number }>(`WITH ${ctes.join(',\n')}\nSELECT ${counted} AS inserted`, p.values);
  if ((result?.inserted ?? 0) !== write.inserted.length) throw concurrentInsert();
}
