import DataLoader from 'dataloader';
import { parseAmount } from '@centavo/money';
import { convertDays, type ConvertedFigure } from '../spending/conversion.js';
import { ReportRates, type RatesService } from './rates.service.js';

/** A month of net worth as the transactions subgraph gave it (the fields `total` requires). */
export interface NetWorthRef {
  id: string;
  monthEnd: string;
  balances: { amount: string; currency: string }[];
}

/** A representation with the fields `total` requires; null when the gateway sent less. */
export function netWorthRef(ref: { id: string; monthEnd?: unknown; balances?: unknown }): NetWorthRef | null {
  const { monthEnd, balances } = ref;
  if (typeof monthEnd !== 'string' || !Array.isArray(balances)) return null;
  if (!balances.every((b: { amount?: unknown; currency?: unknown }) => typeof b?.amount === 'string' && typeof b?.currency === 'string')) return null;
  return { id: ref.id, monthEnd, balances: balances as NetWorthRef['balances'] };
}

export interface NetWorthRequest {
  target: string;
  month: NetWorthRef;
}

/**
 * Converts months of net worth into a currency for one request: the rates of every month and
 * currency are read once per target currency; a month without some rate fails alone.
 */
export function createNetWorthLoader(rates: Pick<RatesService, 'tableFor'>, userId: string | undefined) {
  return new DataLoader<NetWorthRequest, ConvertedFigure, string>(
    async (requests) => {
      if (!userId) throw new Error('net worth conversion without a user');
      const byTarget = new Map<string, NetWorthRequest[]>();
      for (const r of requests) byTarget.set(r.target, [...(byTarget.get(r.target) ?? []), r]);
      const tables = new Map(await Promise.all([...byTarget.entries()].map(async ([target, list]) => {
        const days = list.map((r) => r.month.monthEnd).sort();
        const sources = [...new Set(list.flatMap((r) => r.month.balances.map((b) => b.currency)))];
        return [target, await rates.tableFor(userId, sources, target, days[0]!, days[days.length - 1]!)] as const;
      })));
      return requests.map((r) => {
        try {
          const rows = r.month.balances.map((b) => ({ key: r.month.id, currency: b.currency, day: r.month.monthEnd, amounts: [parseAmount(b.amount, b.currency)], count: 0 }));
          const figure = convertDays(rows, new ReportRates(tables.get(r.target)!, r.target), 1).get(r.month.id);
          return figure ?? { amounts: [0n], count: 0, conversions: [] };
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error));
        }
      });
    },
    { cacheKeyFn: (r) => `${r.target}|${r.month.id}|${r.month.monthEnd}|${JSON.stringify(r.month.balances)}` },
  );
}

export type NetWorthLoader = ReturnType<typeof createNetWorthLoader>;
