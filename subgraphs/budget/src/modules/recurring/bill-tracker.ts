import type { TransactionSnapshot } from '@centavo/jobs';
import { formatAmount } from '@centavo/money';
import type { BudgetBatchTx, BudgetPrisma } from '../../db.js';
import { SEVERITY } from '../alerts/alert-rules.js';
import { AlertsBatchRepository } from '../alerts/alerts.batch-repository.js';
import type { NewAlert } from '../alerts/alerts.repository.js';
import type { BatchContext } from '../spending/batch-context.js';
import type { LedgerChange } from '../spending/spending.service.js';
import { addPeriod, dayOf, dearer, payeeKey, payeeMatches, withinTolerance } from './detection.js';
import { RecurringBatchRepository } from './recurring.batch-repository.js';
import type { BillChange, BillRecord, PayeePaymentRecord } from './recurring.repository.js';
import { refreshSuggestions, type PayeeKey } from './suggestions.js';

export interface RecurringSettings {
  /** How far (in %) a payment may differ from a bill's amount and still be the same bill's price. */
  tolerancePercent: number;
  /** The clock of "today" (UTC); tests pass their own. */
  now?: () => Date;
}

/**
 * The payee of a snapshot, worked out once per snapshot object: a batch asks for each of its
 * rows up to three times (payee row, suggestions check, detection), an import's 2,000 at a time.
 */
const payees = new WeakMap<TransactionSnapshot, string | null>();
function payeeOf(snapshot: TransactionSnapshot): string | null {
  let payee = payees.get(snapshot);
  if (payee === undefined) payees.set(snapshot, (payee = payeeKey(snapshot.description)));
  return payee;
}

/** The payee row a change leaves: money out, not a transfer, not deleted, with a payee in its description. */
function paymentOf(change: LedgerChange): PayeePaymentRecord | null {
  const { next, snapshot } = change;
  if (next.deleted || next.isTransfer || next.amountMinor >= 0n) return null;
  const payee = payeeOf(snapshot);
  if (!payee) return null;
  return {
    transactionId: next.transactionId,
    userId: next.userId,
    payee,
    description: snapshot.description,
    categoryId: next.categoryId,
    day: next.day,
    currency: next.currency,
    amountMinor: -next.amountMinor,
  };
}

export const amountChangedMessage = (bill: BillRecord, payment: PayeePaymentRecord): string => {
  const money = (minor: bigint) => `${formatAmount(minor, bill.currency)} ${bill.currency}`;
  return `${bill.name} got dearer: ${money(payment.amountMinor)} on ${payment.day}, expected ${money(bill.amountMinor)}`;
};

/**
 * Whether detection must look at a payment again after a change that moved only its category:
 * only a suggestion of its payee (which carries its latest payment's category) can change then;
 * the pattern (days and amounts) cannot.
 */
export const suggestionOf = (bills: readonly BillRecord[], snapshot: TransactionSnapshot): boolean => {
  const payee = payeeOf(snapshot);
  const currency = snapshot.currency.toUpperCase();
  return payee !== null && bills.some((b) => b.status === 'SUGGESTED' && b.payee === payee && b.currency === currency);
};

/** What the budget worker does for recurring bills with each batch of transaction changes. */
export interface BillTracker {
  /**
   * In the batch's database transaction, before the alerts lock budgets and move the sums (so
   * none of this lengthens those locks), and only for applied changes (a replay does nothing):
   * records each change's payee payment (payee_payments, written by the batch's write statement
   * with the sums: `context.payments`), or forgets it; a new payment to a
   * confirmed bill's payee, later than its last one, advances the bill (lastDate, nextDate) and
   * raises RECURRING_AMOUNT_CHANGED once per payment costing more than the tolerance above the
   * bill's amount (the bill then expects the new amount).
   */
  inBatch(tx: BudgetBatchTx, changes: readonly LedgerChange[], context: BatchContext): Promise<void>;
  /**
   * After the commit, also on replays: re-detects the suggestions of the batch's payees. After
   * the commit, so of two batches running at once the later sees the other's payments too.
   */
  afterBatch(userId: string, snapshots: readonly TransactionSnapshot[]): Promise<void>;
}

export function createBillTracker(db: BudgetPrisma, settings: RecurringSettings): BillTracker {
  const today = () => dayOf((settings.now ?? (() => new Date()))());
  return {
    async inBatch(tx, changes, context) {
      const userId = changes[0]?.next.userId;
      if (!userId) return;
      const finalOf = new Map<string, LedgerChange>();
      const seenBefore = new Set<string>();
      for (const change of changes) {
        const id = change.next.transactionId;
        // Only a transaction the ledger had before this batch can have a payee row to forget.
        if (!finalOf.has(id) && change.previous !== null) seenBefore.add(id);
        finalOf.set(id, change);
      }
      const upserts: PayeePaymentRecord[] = [];
      const removed: string[] = [];
      for (const [id, change] of finalOf) {
        const payment = paymentOf(change);
        if (payment) upserts.push(payment);
        else if (seenBefore.has(id)) removed.push(id);
      }
      context.payments.upserts.push(...upserts);
      context.payments.removed.push(...removed);
      const created = changes
        .filter((c) => c.previous === null)
        .map(paymentOf)
        .filter((p): p is PayeePaymentRecord => p !== null)
        .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
      if (created.length > 0) context.alertsRaised += await advanceBills(tx, context, created, settings.tolerancePercent);
    },
    async afterBatch(userId, snapshots) {
      const keys = new Map<string, PayeeKey>();
      for (const s of snapshots) {
        const payee = payeeOf(s);
        const currency = s.currency.toUpperCase();
        if (payee) keys.set(`${currency}|${payee}`, { payee, currency });
      }
      if (keys.size === 0) return;
      // No transaction of its own: each write stands alone (a concurrent pass writes the same suggestion).
      await refreshSuggestions(db, userId, [...keys.values()], { tolerancePercent: settings.tolerancePercent, today: today() });
    },
  };
}

/**
 * New payments (in day order) against the user's confirmed bills. The matched bills are locked,
 * so two batches paying one bill at once apply in turn; other bills are not held up.
 */
async function advanceBills(tx: BudgetBatchTx, context: BatchContext, created: readonly PayeePaymentRecord[], tolerancePercent: number): Promise<number> {
  const { userId } = context;
  const repo = new RecurringBatchRepository(tx);
  const matchOf = (bills: readonly BillRecord[], payment: PayeePaymentRecord) =>
    // The longest matching payee wins ("NETFLIX COM" over "NETFLIX").
    bills
      .filter((b) => b.currency === payment.currency && payeeMatches(b.payee, payment.payee))
      .sort((a, b) => b.payee.length - a.payee.length)[0];
  // The batch's first statement read the user's bills.
  const confirmed = context.bills.filter((b) => b.status === 'CONFIRMED');
  const matched = [...new Set(created.map((p) => matchOf(confirmed, p)?.id).filter((id): id is string => id !== undefined))];
  if (matched.length === 0) return 0;
  const state = new Map((await repo.lockForUser(userId, matched)).filter((b) => b.status === 'CONFIRMED').map((b) => [b.id, b]));
  const changed = new Map<string, BillChange>();
  const alerts: NewAlert[] = [];
  for (const payment of created) {
    const bill = matchOf([...state.values()], payment);
    if (!bill || (bill.lastDate !== null && payment.day <= bill.lastDate)) continue;
    if (dearer(payment.amountMinor, bill.amountMinor, tolerancePercent)) {
      alerts.push({
        userId,
        type: 'RECURRING_AMOUNT_CHANGED',
        severity: SEVERITY.RECURRING_AMOUNT_CHANGED,
        message: amountChangedMessage(bill, payment),
        transactionId: payment.transactionId,
        budgetId: null,
        month: null,
        billId: bill.id,
      });
    }
    const update: BillChange = { lastDate: payment.day, nextDate: addPeriod(payment.day, bill.period) };
    if (!withinTolerance(payment.amountMinor, bill.amountMinor, tolerancePercent)) update.amountMinor = payment.amountMinor;
    Object.assign(bill, update);
    changed.set(bill.id, { ...changed.get(bill.id), ...update });
  }
  for (const [id, change] of changed) await repo.advance(userId, id, change);
  return new AlertsBatchRepository(tx).raise(alerts);
}
