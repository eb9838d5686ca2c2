import { crossRatio, directRatio, inverseRatio, type Ratio } from './rate-math.js';

/** A stored rate: on `day`, 1 `base` = rate units × 10^-12 `quote`. */
export interface StoredRate {
  id: string;
  base: string;
  quote: string;
  day: string;
  /** units of 10^-12 */
  units: bigint;
}

export type RateMethod = 'DIRECT' | 'INVERSE' | 'CROSS';

/** The rate a conversion of `source` into `target` used on some day, and the stored rates behind it. */
export interface AppliedRate {
  source: string;
  target: string;
  method: RateMethod;
  /** The date the rate is of: the stored rate's day (for CROSS the older of the two). */
  day: string;
  ratio: Ratio;
  /** One stored rate (DIRECT, INVERSE) or two (CROSS: base→source, base→target). */
  rates: StoredRate[];
  /** Same key, same rate: conversions are grouped by it. */
  key: string;
}

/** The latest element whose day is on or before `day` (days sort as strings). */
function latestOnOrBefore(series: readonly StoredRate[] | undefined, day: string): StoredRate | undefined {
  if (!series) return undefined;
  let lo = 0;
  let hi = series.length - 1;
  let found: StoredRate | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (series[mid]!.day <= day) {
      found = series[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * A user's rates, answering "which rate converts S into T on day D": of the direct rate (S→T),
 * the inverse of T→S and a cross rate through any common base B (B→S and B→T, as the ECB's EUR
 * rates give), the most recent on or before D; on a tie direct, then inverse, then cross.
 */
export class RateTable {
  private readonly series = new Map<string, StoredRate[]>();
  private readonly basesOf = new Map<string, Set<string>>();
  private readonly memo = new Map<string, AppliedRate | null>();

  constructor(rates: readonly StoredRate[]) {
    for (const rate of rates) {
      const key = `${rate.base}/${rate.quote}`;
      let list = this.series.get(key);
      if (!list) this.series.set(key, (list = []));
      list.push(rate);
      let bases = this.basesOf.get(rate.quote);
      if (!bases) this.basesOf.set(rate.quote, (bases = new Set()));
      bases.add(rate.base);
    }
    for (const list of this.series.values()) list.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  }

  /** The rate converting `source` into `target` on `day`; null when no rate is known on or before it. */
  find(source: string, target: string, day: string): AppliedRate | null {
    const memoKey = `${source}|${target}|${day}`;
    const cached = this.memo.get(memoKey);
    if (cached !== undefined) return cached;
    let best: AppliedRate | null = null;
    const consider = (candidate: AppliedRate) => {
      if (!best || candidate.day > best.day) best = candidate;
    };
    const direct = latestOnOrBefore(this.series.get(`${source}/${target}`), day);
    if (direct) consider({ source, target, method: 'DIRECT', day: direct.day, ratio: directRatio(direct.units), rates: [direct], key: direct.id });
    const inverse = latestOnOrBefore(this.series.get(`${target}/${source}`), day);
    if (inverse) consider({ source, target, method: 'INVERSE', day: inverse.day, ratio: inverseRatio(inverse.units), rates: [inverse], key: inverse.id });
    const bases = [...(this.basesOf.get(source) ?? [])].filter((b) => b !== target && this.basesOf.get(target)?.has(b)).sort();
    for (const base of bases) {
      const toSource = latestOnOrBefore(this.series.get(`${base}/${source}`), day);
      const toTarget = latestOnOrBefore(this.series.get(`${base}/${target}`), day);
      if (!toSource || !toTarget) continue;
      consider({
        source,
        target,
        method: 'CROSS',
        day: toSource.day < toTarget.day ? toSource.day : toTarget.day,
        ratio: crossRatio(toSource.units, toTarget.units),
        rates: [toSource, toTarget],
        key: `${toSource.id}+${toTarget.id}`,
      });
    }
    this.memo.set(memoKey, best);
    return best;
  }
}
