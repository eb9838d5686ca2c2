import { notFound } from '@centavo/errors';
import { money } from '@centavo/money';
import { isUuid, requireUser } from '@centavo/server';
import type { BudgetContext } from '../../context.js';
import type { MutationResolvers, QueryResolvers } from '../../resolvers.generated.js';
import { requireCurrency } from '../common/inputs.js';
import { sumsByCurrency, type ConversionPart, type CurrencySums } from '../spending/conversion.js';
import type { ConversionView, CurrencyConversionView } from '../spending/spending.service.js';
import { netWorthRef, type NetWorthRef } from './net-worth.js';
import { formatRate, formatRatio } from './rate-math.js';
import type { AppliedRate, StoredRate } from './rate-table.js';

export const rateView = (rate: StoredRate) => ({ id: rate.id, base: rate.base, quote: rate.quote, date: rate.day, rate: formatRate(rate.units) });

/** A conversion part as the API shows it; `combine` makes the figure's amount of its sums (e.g. income - expenses). */
export function conversionView(part: ConversionPart, combine: (sums: readonly bigint[]) => bigint): ConversionView {
  return {
    original: money(combine(part.original), part.currency),
    converted: money(combine(part.converted), part.rate.target),
    rate: appliedRateView(part.rate),
  };
}

// A year of daily rates is some 260 rates shared by every figure's conversions: each is shown once.
const appliedRateViews = new WeakMap<AppliedRate, ConversionView['rate']>();

function appliedRateView(rate: AppliedRate): ConversionView['rate'] {
  let view = appliedRateViews.get(rate);
  if (!view) {
    view = { source: rate.source, target: rate.target, method: rate.method, date: rate.day, rate: formatRatio(rate.ratio), rates: rate.rates.map(rateView) };
    appliedRateViews.set(rate, view);
  }
  return view;
}

/** A figure's conversions summed per currency as the API shows them (only currencies some rate converted). */
export function currencyConversionViews(sums: readonly CurrencySums[], target: string, combine: (sums: readonly bigint[]) => bigint): CurrencyConversionView[] {
  return sums
    .filter((s) => s.rates > 0)
    .map((s) => ({
      original: money(combine(s.original), s.currency),
      converted: money(combine(s.converted), target),
      rateCount: s.rates,
      firstRateDate: s.firstRateDay!,
      lastRateDate: s.lastRateDay!,
    }));
}

const Query = {
  exchangeRates: async (_, args, ctx) => (await ctx.rates.list(requireUser(ctx).id, args)).map(rateView),
} satisfies QueryResolvers;

const Mutation = {
  setExchangeRate: async (_, { input }, ctx) => rateView(await ctx.rates.set(requireUser(ctx).id, input)),
  deleteExchangeRate: (_, { id }, ctx) => {
    const user = requireUser(ctx);
    if (!isUuid(id)) throw notFound('Exchange rate');
    return ctx.rates.delete(user.id, id);
  },
  importExchangeRates: (_, { input }, ctx) => ctx.rates.import(requireUser(ctx).id, input),
} satisfies MutationResolvers;

const NetWorthMonthType = {
  // The gateway sends the fields `total` requires (monthEnd, balances) with the key.
  __resolveReference: (ref: { id: string }) => netWorthRef(ref),
  total: async (month: NetWorthRef, { currency }: { currency: string }, ctx: BudgetContext) => {
    requireUser(ctx);
    const target = requireCurrency(currency);
    const figure = await ctx.netWorth.load({ target, month });
    return {
      amount: money(figure.amounts[0]!, target),
      conversions: figure.conversions.map((c) => conversionView(c, ([amount]) => amount!)),
      conversionTotals: currencyConversionViews(sumsByCurrency(figure.conversions), target, ([amount]) => amount!),
    };
  },
};

export const ratesResolvers = { Query, Mutation, NetWorthMonth: NetWorthMonthType };
