import { notFound } from '@centavo/errors';
import { money } from '@centavo/money';
import { isUuid, requireUser, type ObjectResolvers } from '@centavo/server';
import type { BudgetContext } from '../../context.js';
import type { MutationResolvers, QueryResolvers, RecurringBillResolvers } from '../../resolvers.generated.js';
import type { BillRecord } from './recurring.repository.js';

const loadCategory = (ctx: BudgetContext) => async (id: string) => (isUuid(id) ? ctx.loaders.category.load(id) : null);
const requireBillId = (id: string): string => {
  if (!isUuid(id)) throw notFound('RecurringBill');
  return id;
};

const Query = {
  recurringBills: (_, { status }, ctx) => ctx.recurring.list(requireUser(ctx).id, status),
  recurringBill: async (_, { id }, ctx) => {
    requireUser(ctx);
    const bill = isUuid(id) ? await ctx.loaders.bill.load(id) : null;
    if (!bill) throw notFound('RecurringBill');
    return bill;
  },
  upcomingBills: (_, { days }, ctx) => ctx.recurring.upcoming(requireUser(ctx).id, days),
} satisfies QueryResolvers;

const Mutation = {
  createRecurringBill: (_, { input }, ctx) => ctx.recurring.create(requireUser(ctx).id, input, loadCategory(ctx)),
  updateRecurringBill: (_, { id, input }, ctx) => {
    const user = requireUser(ctx);
    return ctx.recurring.update(user.id, requireBillId(id), input, loadCategory(ctx));
  },
  confirmRecurringBill: (_, { id }, ctx) => {
    const user = requireUser(ctx);
    return ctx.recurring.setStatus(user.id, requireBillId(id), 'CONFIRMED');
  },
  dismissRecurringBill: (_, { id }, ctx) => {
    const user = requireUser(ctx);
    return ctx.recurring.setStatus(user.id, requireBillId(id), 'DISMISSED');
  },
  deleteRecurringBill: (_, { id }, ctx) => {
    const user = requireUser(ctx);
    return ctx.recurring.delete(user.id, requireBillId(id));
  },
  detectRecurringBills: (_, __, ctx) => ctx.recurring.detect(requireUser(ctx).id),
} satisfies MutationResolvers;

const RecurringBillType = {
  amount: (bill) => money(bill.amountMinor, bill.currency),
  category: (bill, _, ctx) => (bill.categoryId ? ctx.loaders.category.load(bill.categoryId) : null),
} satisfies ObjectResolvers<RecurringBillResolvers, BillRecord>;

export const recurringResolvers = { Query, Mutation, RecurringBill: RecurringBillType };
