import { formatAmount } from '@centavo/money';
import type { BudgetTx } from '../../db.js';
import { SEVERITY } from '../alerts/alert-rules.js';
import { AlertsRepository, type NewAlert } from '../alerts/alerts.repository.js';
import type { LedgerChange } from '../spending/spending.service.js';
import { addPeriod, dayOf, dearer, payeeKey, payeeMatches, withinTolerance } from './detection.js';
import { RecurringRepository, type BillChange, type BillRecord, type PayeePaymentRecord } from './recurring.repository.js';
import { refreshSuggestions, type PayeeKey } from './suggestions.js';

export interface RecurringSettings {
  /** How far (in %) a payment may differ from a bill's amount and still be the same bill's price. */
  tolerancePercent: number;
  /** The clock of "today" (UTC); tests pass their own. */
  now?: () => Date;
}

/** The payee row a change leaves: money out, not a transfer, not deleted, with a payee in its description. */
function paymentOf(change: LedgerChange): PayeePaymentRecord | null {
  const { next, snapshot } = change;
  if (next.deleted || next.isTransfer || next.amountMinor >= 0n) return null;
  const payee = payeeKey(snapshot.description);
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
 * Keeps recurring bills in step with a batch of transaction changes, in the batch's database
 * transaction (so a replay, which applies nothing, does nothing here either):
 * - records each change's payee payment (payee_payments), or forgets it;
 * - a new payment to a confirmed bill's payee, later than its last one, advances the bill
 *   (lastDate, nextDate), and raises RECURRING_AMOUNT_CHANGED once per payment that costs more
 *   than the tolerance above the bill's amount (the bill then expects the new amount);
 * - re-detects the suggestions of the payees the batch touched and no decided bill owns.
 */
export function createBillTracker(settings: RecurringSettings) {
  return async (tx: BudgetTx, changes: readonly LedgerChange[]): Promise<void> => {
    const userId = changes[0]?.next.userId;
    if (!userId) return;
    const today = dayOf((settings.now ?? (() => new Date()))());
    const repo = new RecurringRepository(tx);

    const finalOf = new Map<string, LedgerChange>();
    for (const change of changes) finalOf.set(change.next.transactionId, change);
    const touched = new Map<string, PayeeKey>();
    const touch = (k: PayeeKey) => touched.set(`${k.currency}|${k.payee}`, { payee: k.payee, currency: k.currency });
    for (const k of await repo.payeesOf([...finalOf.keys()])) touch(k);
    const upserts: PayeePaymentRecord[] = [];
    const removed: string[] = [];
    for (const [id, change] of finalOf) {
      const payment = paymentOf(change);
      if (payment) {
        upserts.push(payment);
        touch(payment);
      } else {
        removed.push(id);
      }
    }
    await repo.recordPayments(upserts, removed);
    if (touched.size === 0) return;

    // New payments, in day order, against the user's confirmed bills.
    const created = changes
      .filter((c) => c.previous === null)
      .map(paymentOf)
      .filter((p): p is PayeePaymentRecord => p !== null)
      .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
    if (created.length > 0) {
      const confirmed = await repo.list(userId, { status: 'CONFIRMED' });
      const state = new Map(confirmed.map((b) => [b.id, { ...b }]));
      const changed = new Map<string, BillChange>();
      const alerts: NewAlert[] = [];
      for (const payment of created) {
        // The longest matching payee wins ("NETFLIX COM" over "NETFLIX").
        const bill = [...state.values()]
          .filter((b) => b.currency === payment.currency && payeeMatches(b.payee, payment.payee))
          .sort((a, b) => b.payee.length - a.payee.length)[0];
        if (!bill || (bill.lastDate !== null && payment.day <= bill.lastDate)) continue;
        if (dearer(payment.amountMinor, bill.amountMinor, settings.tolerancePercent)) {
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
        if (!withinTolerance(payment.amountMinor, bill.amountMinor, settings.tolerancePercent)) update.amountMinor = payment.amountMinor;
        Object.assign(bill, update);
        changed.set(bill.id, { ...changed.get(bill.id), ...update });
      }
      for (const [id, change] of changed) await repo.update(userId, id, change);
      await new AlertsRepository(tx).raise(alerts);
    }

    await refreshSuggestions(tx, userId, [...touched.values()], { tolerancePercent: settings.tolerancePercent, today });
  };
}
