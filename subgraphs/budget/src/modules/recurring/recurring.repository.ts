import { advisoryXactLock } from '@centavo/db';
import { rootClient, type BudgetDb } from '../../db.js';
import { Prisma, type RecurringBill, type RecurringBillSource, type RecurringBillStatus } from '../../generated/prisma/client.js';
import { PERIOD_RULES, type RecurringPeriod } from './detection.js';

/** A bill with its dates as "YYYY-MM-DD". */
export interface BillRecord {
  id: string;
  userId: string;
  name: string;
  payee: string;
  period: RecurringPeriod;
  amountMinor: bigint;
  currency: string;
  categoryId: string | null;
  lastDate: string | null;
  nextDate: string;
  status: RecurringBillStatus;
  source: RecurringBillSource;
  remindDaysBefore: number;
  createdAt: Date;
}

export type NewBill = Omit<BillRecord, 'id' | 'createdAt'>;

export type BillChange = Partial<Omit<NewBill, 'userId' | 'payee' | 'currency'>>;

/** One money-out transaction's payee, as payee_payments keeps it. */
export interface PayeePaymentRecord {
  transactionId: string;
  userId: string;
  payee: string;
  description: string;
  categoryId: string | null;
  day: string;
  currency: string;
  amountMinor: bigint;
}

const asDate = (day: string) => new Date(`${day}T00:00:00.000Z`);
const asDay = (date: Date) => date.toISOString().slice(0, 10);

const toRecord = (row: RecurringBill): BillRecord => ({
  id: row.id,
  userId: row.userId,
  name: row.name,
  payee: row.payee,
  period: row.period,
  amountMinor: row.amountMinor,
  currency: row.currency,
  categoryId: row.categoryId,
  lastDate: row.lastDate ? asDay(row.lastDate) : null,
  nextDate: asDay(row.nextDate),
  status: row.status,
  source: row.source,
  remindDaysBefore: row.remindDaysBefore,
  createdAt: row.createdAt,
});

function toData(change: BillChange) {
  const { lastDate, nextDate, ...rest } = change;
  return {
    ...rest,
    ...(lastDate !== undefined ? { lastDate: lastDate === null ? null : asDate(lastDate) } : {}),
    ...(nextDate !== undefined ? { nextDate: asDate(nextDate) } : {}),
  };
}

const ORDER = [{ nextDate: 'asc' as const }, { name: 'asc' as const }, { id: 'asc' as const }];

export class RecurringRepository {
  constructor(private readonly db: BudgetDb) {}

  /** Writes the payees of these transactions (insert or replace) and forgets those of `removed`. */
  async recordPayments(upserts: readonly PayeePaymentRecord[], removed: readonly string[]): Promise<void> {
    if (removed.length > 0) await this.db.payeePayment.deleteMany({ where: { transactionId: { in: [...removed] } } });
    if (upserts.length === 0) return;
    const column = <K extends keyof PayeePaymentRecord>(key: K) => upserts.map((p) => p[key]);
    await this.db.$executeRaw`
      INSERT INTO payee_payments (transaction_id, user_id, payee, description, category_id, day, currency, amount_minor)
      SELECT * FROM unnest(${column('transactionId')}::uuid[], ${column('userId')}::uuid[], ${column('payee')}::text[],
        ${column('description')}::text[], ${column('categoryId')}::uuid[], ${column('day')}::date[], ${column('currency')}::text[],
        ${upserts.map((p) => p.amountMinor.toString())}::bigint[])
      ON CONFLICT (transaction_id) DO UPDATE SET payee = EXCLUDED.payee, description = EXCLUDED.description,
        category_id = EXCLUDED.category_id, day = EXCLUDED.day, currency = EXCLUDED.currency, amount_minor = EXCLUDED.amount_minor`;
  }

  /** The user's payments since a day to these (payee, currency) pairs, or to every payee when `keys` is null. */
  async payments(userId: string, keys: readonly { payee: string; currency: string }[] | null, since: string): Promise<PayeePaymentRecord[]> {
    if (keys && keys.length === 0) return [];
    const rows = await this.db.payeePayment.findMany({
      where: { userId, day: { gte: asDate(since) }, ...(keys ? { OR: keys.map((k) => ({ payee: k.payee, currency: k.currency })) } : {}) },
      orderBy: [{ day: 'asc' }, { transactionId: 'asc' }],
    });
    return rows.map((r) => ({ ...r, day: asDay(r.day) }));
  }

  /**
   * As payments for these (payee, currency) pairs, but at most the latest `limit` of each pair
   * (in the same order): a payee paid daily has thousands of rows, and detection after every
   * batch of an import read them all again (quadratic in the import's size).
   */
  async latestPayments(userId: string, keys: readonly { payee: string; currency: string }[], since: string, limit: number): Promise<PayeePaymentRecord[]> {
    if (keys.length === 0) return [];
    const rows = await this.db.$queryRaw<{ transaction_id: string; user_id: string; payee: string; description: string; category_id: string | null; day: string; currency: string; amount_minor: bigint }[]>`
      SELECT p.transaction_id::text, p.user_id::text, p.payee, p.description, p.category_id::text, to_char(p.day, 'YYYY-MM-DD') AS day,
        p.currency, p.amount_minor
      FROM unnest(${keys.map((k) => k.payee)}::text[], ${keys.map((k) => k.currency)}::text[]) AS k(payee, currency)
      CROSS JOIN LATERAL (
        SELECT * FROM payee_payments
        WHERE user_id = ${userId}::uuid AND payee = k.payee AND currency = k.currency AND day >= ${since}::date
        ORDER BY day DESC, transaction_id DESC LIMIT ${limit}
      ) p
      ORDER BY p.day, p.transaction_id`;
    return rows.map((r) => ({
      transactionId: r.transaction_id, userId: r.user_id, payee: r.payee, description: r.description, categoryId: r.category_id,
      day: r.day, currency: r.currency, amountMinor: BigInt(r.amount_minor),
    }));
  }

  async list(userId: string, filter: { status?: RecurringBillStatus; dueBy?: string } = {}): Promise<BillRecord[]> {
    const rows = await this.db.recurringBill.findMany({
      where: { userId, ...(filter.status ? { status: filter.status } : {}), ...(filter.dueBy ? { nextDate: { lte: asDate(filter.dueBy) } } : {}) },
      orderBy: ORDER,
    });
    return rows.map(toRecord);
  }

  async findManyForUser(userId: string, ids: readonly string[]): Promise<BillRecord[]> {
    return (await this.db.recurringBill.findMany({ where: { userId, id: { in: [...ids] } } })).map(toRecord);
  }

  /** The user's bills of these ids, locked until the transaction ends (in id order: no deadlock). */
  async lockForUser(userId: string, ids: readonly string[]): Promise<BillRecord[]> {
    const locked = await this.db.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM recurring_bills WHERE user_id = ${userId}::uuid AND id = ANY(${[...ids]}::uuid[]) ORDER BY id FOR UPDATE`;
    return this.byIds(locked.map((r) => r.id));
  }

  async findByPayee(userId: string, payee: string, currency: string): Promise<BillRecord | null> {
    const row = await this.db.recurringBill.findUnique({ where: { userId_payee_currency: { userId, payee, currency } } });
    return row ? toRecord(row) : null;
  }

  /**
   * Creates a bill unless the user has `max` bills made by hand already (null then). The count
   * and the insert run under a per-user lock, so concurrent creates never pass the quota.
   */
  createWithin(max: number, bill: NewBill): Promise<BillRecord | null> {
    return rootClient(this.db).$transaction(async (tx) => {
      await advisoryXactLock(tx, 'recurring-bills-quota', bill.userId);
      if ((await tx.recurringBill.count({ where: { userId: bill.userId, source: 'MANUAL' } })) >= max) return null;
      return toRecord(await tx.recurringBill.create({ data: { ...bill, ...toData(bill) } }));
    });
  }

  /** Null when the bill is not the user's. */
  async update(userId: string, id: string, change: BillChange): Promise<BillRecord | null> {
    const { count } = await this.db.recurringBill.updateMany({ where: { id, userId }, data: toData(change) });
    if (count === 0) return null;
    const row = await this.db.recurringBill.findFirst({ where: { id, userId } });
    return row ? toRecord(row) : null;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const { count } = await this.db.recurringBill.deleteMany({ where: { id, userId } });
    return count > 0;
  }

  async deleteMany(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.db.recurringBill.deleteMany({ where: { id: { in: [...ids] } } });
  }

  /** Suggestions from detection; a concurrent one for the same payee wins and this one is skipped. */
  async createSuggestions(bills: readonly NewBill[]): Promise<void> {
    if (bills.length === 0) return;
    await this.db.recurringBill.createMany({ data: bills.map((b) => ({ ...b, ...toData(b) })), skipDuplicates: true });
  }

  /** Confirmed bills (every user's) unpaid for longer than their period's grace days (PERIOD_RULES) on `today`. */
  async pastGrace(today: string, take: number): Promise<BillRecord[]> {
    const grace = Prisma.sql`CASE b.period WHEN 'WEEKLY' THEN ${PERIOD_RULES.WEEKLY.graceDays}::int
      WHEN 'MONTHLY' THEN ${PERIOD_RULES.MONTHLY.graceDays}::int ELSE ${PERIOD_RULES.YEARLY.graceDays}::int END`;
    const ids = await this.db.$queryRaw<{ id: string }[]>`
      SELECT b.id::text FROM recurring_bills b
      WHERE b.status = 'CONFIRMED' AND b.next_date < ${today}::date - ${grace}
      ORDER BY b.next_date, b.id LIMIT ${take}::int`;
    return this.byIds(ids.map((r) => r.id));
  }

  private async byIds(ids: readonly string[]): Promise<BillRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.recurringBill.findMany({ where: { id: { in: [...ids] } }, orderBy: [{ nextDate: 'asc' }, { id: 'asc' }] });
    return rows.map(toRecord);
  }

  /**
   * Confirmed bills (every user's) due for a reminder on `today` (nextDate − remindDaysBefore ≤
   * today) without a BILL_DUE alert for that due date yet (md5(id:date)::uuid = billOccurrenceId).
   */
  async dueForReminder(today: string, take: number): Promise<BillRecord[]> {
    const ids = await this.db.$queryRaw<{ id: string }[]>`
      SELECT b.id::text FROM recurring_bills b
      WHERE b.status = 'CONFIRMED' AND b.next_date - b.remind_days_before <= ${today}::date
        AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.type = 'BILL_DUE'
          AND a.subject_id = md5(b.id::text || ':' || to_char(b.next_date, 'YYYY-MM-DD'))::uuid)
      ORDER BY b.next_date, b.id LIMIT ${take}::int`;
    return this.byIds(ids.map((r) => r.id));
  }
}
