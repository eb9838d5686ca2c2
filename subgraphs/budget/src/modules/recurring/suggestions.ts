import type { BudgetDb } from '../../db.js';
import { CategoriesRepository } from '../categories/categories.repository.js';
import { formatDay, parseDay } from '../spending/periods.js';
import { DEFAULT_REMIND_DAYS, detectPattern, HISTORY_DAYS, payeeMatches, runReachesFirst, type DetectedPattern } from './detection.js';
import { RecurringRepository, type BillRecord, type NewBill, type PayeePaymentRecord } from './recurring.repository.js';

export interface PayeeKey {
  payee: string;
  currency: string;
}

const keyOf = (k: PayeeKey) => `${k.currency}|${k.payee}`;
const MAX_NAME = 100;

/** A bill the user decided about (confirmed, dismissed or made by hand) owns its payee: detection leaves it alone. */
export const decidedBillFor = (bills: readonly BillRecord[], key: PayeeKey): BillRecord | undefined =>
  bills.find((b) => b.status !== 'SUGGESTED' && b.currency === key.currency && payeeMatches(b.payee, key.payee));

/** Payments read per payee for detection at first; a payee whose pattern may reach further back is read whole. */
const LATEST_PAYMENTS = 64;

/**
 * The payments detection needs for these payees: the latest LATEST_PAYMENTS of each, and all of
 * a payee's when its pattern could begin before them (runReachesFirst). detectPattern gives the
 * same answer as over every payment.
 */
async function latestPayments(repo: RecurringRepository, userId: string, keys: readonly PayeeKey[], since: string): Promise<PayeePaymentRecord[]> {
  const latest = await repo.latestPayments(userId, keys, since, LATEST_PAYMENTS);
  const byKey = new Map<string, PayeePaymentRecord[]>();
  for (const p of latest) {
    const group = byKey.get(keyOf(p));
    if (group) group.push(p);
    else byKey.set(keyOf(p), [p]);
  }
  const whole = keys.filter((k) => {
    const group = byKey.get(keyOf(k));
    return group !== undefined && group.length === LATEST_PAYMENTS && runReachesFirst(group);
  });
  if (whole.length === 0) return latest;
  const all = await repo.payments(userId, whole, since);
  const wholeKeys = new Set(whole.map(keyOf));
  return [...latest.filter((p) => !wholeKeys.has(keyOf(p))), ...all];
}

/**
 * Brings the user's suggestions for these payees (every payee when `keys` is null) in line with
 * their payments: a pattern found creates or updates the payee's suggestion, none deletes it.
 * Payees of a decided bill are skipped. Returns the suggestions as they now are.
 */
export async function refreshSuggestions(
  db: BudgetDb,
  userId: string,
  keys: readonly PayeeKey[] | null,
  options: { tolerancePercent: number; today: string },
): Promise<BillRecord[]> {
  const repo = new RecurringRepository(db);
  const bills = await repo.list(userId);
  const open = keys?.filter((k) => !decidedBillFor(bills, k)) ?? null;
  if (open && open.length === 0) return [];
  const since = formatDay(parseDay(options.today)! - HISTORY_DAYS);
  const payments = open ? await latestPayments(repo, userId, open, since) : await repo.payments(userId, null, since);
  const groups = new Map<string, PayeePaymentRecord[]>();
  // Every payee asked about, and on a full pass every suggestion: one without a pattern now goes.
  for (const key of open ?? bills.filter((b) => b.status === 'SUGGESTED')) groups.set(keyOf(key), []);
  for (const p of payments) {
    if (!open && decidedBillFor(bills, p)) continue;
    const group = groups.get(keyOf(p)) ?? [];
    group.push(p);
    groups.set(keyOf(p), group);
  }
  const suggested = new Map(bills.filter((b) => b.status === 'SUGGESTED').map((b) => [keyOf(b), b]));
  const found: { key: string; latest: PayeePaymentRecord; pattern: DetectedPattern }[] = [];
  const gone: string[] = [];
  for (const [key, group] of groups) {
    const pattern = detectPattern(group, options);
    if (pattern) found.push({ key, latest: group[group.length - 1]!, pattern });
    else if (suggested.has(key)) gone.push(suggested.get(key)!.id);
  }
  // A category deleted since the payment was recorded is left out (the bill's foreign key).
  const categoryIds = [...new Set(found.map((f) => f.latest.categoryId).filter((id): id is string => id !== null))];
  const known = new Set(categoryIds.length > 0 ? (await new CategoriesRepository(db).findManyForUser(userId, categoryIds)).map((c) => c.id) : []);
  const fresh: NewBill[] = [];
  const out: BillRecord[] = [];
  for (const { key, latest, pattern } of found) {
    const detected = {
      name: latest.description.trim().replace(/\s+/g, ' ').slice(0, MAX_NAME) || latest.payee,
      period: pattern.period,
      amountMinor: pattern.amountMinor,
      categoryId: latest.categoryId && known.has(latest.categoryId) ? latest.categoryId : null,
      lastDate: pattern.lastDate,
      nextDate: pattern.nextDate,
    };
    const existing = suggested.get(key);
    if (existing) {
      const updated = await repo.update(userId, existing.id, detected);
      if (updated) out.push(updated);
    } else {
      fresh.push({ ...detected, userId, payee: latest.payee, currency: latest.currency, status: 'SUGGESTED', source: 'DETECTED', remindDaysBefore: DEFAULT_REMIND_DAYS });
    }
  }
  await repo.deleteMany(gone);
  await repo.createSuggestions(fresh);
  for (const bill of fresh) {
    const created = await repo.findByPayee(userId, bill.payee, bill.currency);
    if (created) out.push(created);
  }
  return out;
}
