import { badInput, limitExceeded, notFound } from '@centavo/errors';
import { MoneyError, parseAmount } from '@centavo/money';
import { requireCurrency } from '../common/inputs.js';
import type { CategoryRecord } from '../categories/categories.repository.js';
import { requireMonth } from '../spending/periods.js';
import type { BudgetRecord, BudgetsRepository } from './budgets.repository.js';

export interface SetBudgetInput {
  categoryId: string;
  month: string;
  limit: string;
  currency: string;
}

export class BudgetsService {
  constructor(
    private readonly budgets: BudgetsRepository,
    /** MAX_BUDGETS_PER_USER: replacing a budget never counts. */
    private readonly maxBudgets: number,
  ) {}

  /** Creates or replaces the budget of a category and month. */
  async set(
    userId: string,
    input: SetBudgetInput,
    loadCategory: (id: string) => Promise<CategoryRecord | null>,
  ): Promise<BudgetRecord> {
    const month = requireMonth(input.month);
    const currency = requireCurrency(input.currency);
    let limitMinor: bigint;
    try {
      limitMinor = parseAmount(input.limit, currency);
    } catch (error) {
      if (error instanceof MoneyError) throw badInput('limit', `limit: ${error.message}`);
      throw error;
    }
    if (limitMinor <= 0n) throw badInput('limit', 'limit must be greater than zero');
    const category = await loadCategory(input.categoryId);
    if (!category) throw notFound('Category');
    if (category.kind === 'TRANSFER') throw badInput('categoryId', 'Transfers never count as spending; choose another category');
    const budget = await this.budgets.upsertWithin(this.maxBudgets, { userId, categoryId: category.id, month, limitMinor, currency });
    if (!budget) throw limitExceeded('budgets', this.maxBudgets);
    return budget;
  }

  list(userId: string, month: string): Promise<BudgetRecord[]> {
    return this.budgets.listByMonth(userId, requireMonth(month));
  }

  async delete(userId: string, id: string): Promise<boolean> {
    if (!(await this.budgets.deleteForUser(userId, id))) throw notFound('Budget');
    return true;
  }
}
