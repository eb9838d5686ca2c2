import { isUniqueViolation } from '@centavo/db';
import { badInput, conflict, limitExceeded, notFound } from '@centavo/errors';
import { MoneyError, parseAmount } from '@centavo/money';
import type { CategoryRecord } from '../categories/categories.repository.js';
import { requireCurrency } from '../common/inputs.js';
import { parseDay } from '../spending/periods.js';
import { dayOf, DEFAULT_REMIND_DAYS, MAX_REMIND_DAYS, payeeKey, type RecurringPeriod } from './detection.js';
import type { BillChange, BillRecord, RecurringRepository } from './recurring.repository.js';

export interface CreateBillInput {
  name: string;
  period: RecurringPeriod;
  amount: string;
  currency: string;
  nextDate: string;
  categoryId?: string | null;
  remindDaysBefore?: number | null;
}

export interface UpdateBillInput {
  name?: string | null;
  period?: RecurringPeriod | null;
  amount?: string | null;
  nextDate?: string | null;
  categoryId?: string | null;
  remindDaysBefore?: number | null;
}

export type BillStatus = BillRecord['status'];
type LoadCategory = (id: string) => Promise<CategoryRecord | null>;

export const MAX_BILL_NAME = 100;
export const MAX_UPCOMING_DAYS = 366;
/** How far from today a due date may be set. */
const MAX_DATE_DISTANCE_DAYS = 3_660;

export interface RecurringOptions {
  /** MAX_RECURRING_BILLS_PER_USER: bills created by hand (detection's suggestions do not count). */
  maxBills: number;
  /** Detection over every payee of the user, in one database transaction; returns the suggestions. */
  detect: (userId: string) => Promise<BillRecord[]>;
  now?: () => Date;
}

export class RecurringService {
  constructor(
    private readonly bills: RecurringRepository,
    private readonly options: RecurringOptions,
  ) {}

  private today(): string {
    return dayOf((this.options.now ?? (() => new Date()))());
  }

  list(userId: string, status?: BillStatus | null): Promise<BillRecord[]> {
    return this.bills.list(userId, status ? { status } : {});
  }

  /** Confirmed bills due within `days` days of today, overdue ones included. */
  upcoming(userId: string, days: number): Promise<BillRecord[]> {
    if (!Number.isInteger(days) || days < 0 || days > MAX_UPCOMING_DAYS) throw badInput('days', `days must be between 0 and ${MAX_UPCOMING_DAYS}`);
    const until = new Date(`${this.today()}T00:00:00.000Z`);
    until.setUTCDate(until.getUTCDate() + days);
    return this.bills.list(userId, { status: 'CONFIRMED', dueBy: dayOf(until) });
  }

  /** A confirmed MANUAL bill; takes over a suggested or dismissed one of the same payee and currency. */
  async create(userId: string, input: CreateBillInput, loadCategory: LoadCategory): Promise<BillRecord> {
    const name = this.requireName(input.name);
    const payee = payeeKey(name)!;
    const currency = requireCurrency(input.currency);
    const fields = {
      name,
      period: input.period,
      amountMinor: requireAmount(input.amount, currency),
      nextDate: this.requireDate(input.nextDate),
      remindDaysBefore: requireRemindDays(input.remindDaysBefore ?? DEFAULT_REMIND_DAYS),
      categoryId: input.categoryId ? await requireCategory(input.categoryId, loadCategory) : null,
      status: 'CONFIRMED' as const,
      source: 'MANUAL' as const,
    };
    const existing = await this.bills.findByPayee(userId, payee, currency);
    if (existing?.status === 'CONFIRMED') throw conflict(`A confirmed bill for ${payee} in ${currency} exists already`, 'name');
    if (existing) return (await this.bills.update(userId, existing.id, { ...fields, lastDate: null }))!;
    let created: BillRecord | null;
    try {
      created = await this.bills.createWithin(this.options.maxBills, { ...fields, userId, payee, currency, lastDate: null });
    } catch (error) {
      // Detection or another request created the payee's bill meanwhile.
      if (isUniqueViolation(error)) throw conflict(`A bill for ${payee} in ${currency} was created meanwhile; try again`, 'name');
      throw error;
    }
    if (!created) throw limitExceeded('recurring bills', this.options.maxBills);
    return created;
  }

  async update(userId: string, id: string, input: UpdateBillInput, loadCategory: LoadCategory): Promise<BillRecord> {
    const bill = await this.require(userId, id);
    const change: BillChange = {};
    // Absent and null both leave a field as it is, except categoryId (null clears it).
    const given = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;
    if (given(input.name)) change.name = this.requireName(input.name);
    if (given(input.period)) change.period = input.period;
    if (given(input.amount)) change.amountMinor = requireAmount(input.amount, bill.currency);
    if (given(input.nextDate)) change.nextDate = this.requireDate(input.nextDate);
    if (given(input.remindDaysBefore)) change.remindDaysBefore = requireRemindDays(input.remindDaysBefore);
    if (input.categoryId === null) change.categoryId = null;
    else if (input.categoryId !== undefined) change.categoryId = await requireCategory(input.categoryId, loadCategory);
    if (Object.keys(change).length === 0) return bill;
    const updated = await this.bills.update(userId, id, change);
    if (!updated) throw notFound('RecurringBill');
    return updated;
  }

  async setStatus(userId: string, id: string, status: 'CONFIRMED' | 'DISMISSED'): Promise<BillRecord> {
    const updated = await this.bills.update(userId, id, { status });
    if (!updated) throw notFound('RecurringBill');
    return updated;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    if (!(await this.bills.delete(userId, id))) throw notFound('RecurringBill');
    return true;
  }

  detect(userId: string): Promise<BillRecord[]> {
    return this.options.detect(userId);
  }

  private async require(userId: string, id: string): Promise<BillRecord> {
    const [bill] = await this.bills.findManyForUser(userId, [id]);
    if (!bill) throw notFound('RecurringBill');
    return bill;
  }

  private requireName(value: string): string {
    const name = value.trim().replace(/\s+/g, ' ');
    if (name.length === 0 || name.length > MAX_BILL_NAME) throw badInput('name', `name must have 1 to ${MAX_BILL_NAME} characters`);
    if (!payeeKey(name)) throw badInput('name', 'name must have at least one word without digits, to match payments by');
    return name;
  }

  private requireDate(value: string): string {
    const day = parseDay(value);
    if (day === null) throw badInput('nextDate', 'nextDate must be a date such as "2026-12-05"');
    const today = parseDay(this.today())!;
    if (Math.abs(day - today) > MAX_DATE_DISTANCE_DAYS) throw badInput('nextDate', 'nextDate must be within 10 years of today');
    return value;
  }
}

function requireAmount(value: string, currency: string): bigint {
  let minor: bigint;
  try {
    minor = parseAmount(value, currency);
  } catch (error) {
    if (error instanceof MoneyError) throw badInput('amount', `amount: ${error.message}`);
    throw error;
  }
  if (minor <= 0n) throw badInput('amount', 'amount must be greater than zero');
  return minor;
}

function requireRemindDays(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_REMIND_DAYS) {
    throw badInput('remindDaysBefore', `remindDaysBefore must be between 0 and ${MAX_REMIND_DAYS}`);
  }
  return value;
}

async function requireCategory(id: string, loadCategory: LoadCategory): Promise<string> {
  const category = await loadCategory(id);
  if (!category) throw notFound('Category');
  if (category.kind === 'TRANSFER') throw badInput('categoryId', 'A bill is money out; choose a category that is not a transfer');
  return category.id;
}
