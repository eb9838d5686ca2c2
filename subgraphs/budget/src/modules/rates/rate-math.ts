import { currencyExponent, formatScaled, MoneyError, parseScaled } from '@centavo/money';

/** Decimals a stored rate keeps (NUMERIC(26,12) in exchange_rates). */
export const RATE_SCALE = 12;
const RATE_ONE = 10n ** BigInt(RATE_SCALE);
/** Decimals of an applied rate shown to clients (an inverse or cross rate is not a finite decimal). */
export const SHOWN_RATE_SCALE = 10;

/** An exact rate as a fraction: 1 unit of the source currency = num/den units of the target. */
export interface Ratio {
  num: bigint;
  den: bigint;
}

/** Parses a rate such as "5.4321" into units of 10^-12; MoneyError unless a positive decimal. */
export function parseRate(value: string): bigint {
  const units = parseScaled(value, RATE_SCALE, `at most ${RATE_SCALE} decimal places`);
  if (units <= 0n) throw new MoneyError('a rate must be greater than zero');
  return units;
}

export const formatRate = (units: bigint): string => trimZeros(formatScaled(units, RATE_SCALE));

export const directRatio = (units: bigint): Ratio => ({ num: units, den: RATE_ONE });
export const inverseRatio = (units: bigint): Ratio => ({ num: RATE_ONE, den: units });
/** Through a common base B: (B→target) / (B→source). */
export const crossRatio = (baseToSource: bigint, baseToTarget: bigint): Ratio => ({ num: baseToTarget, den: baseToSource });

/** n/d rounded to the nearest integer, ties to even (d > 0). */
export function divideHalfEven(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice < d || (twice === d && q % 2n === 0n)) return q;
  return n < 0n ? q - 1n : q + 1n;
}

/**
 * Minor units of `source` → minor units of `target` at `ratio`, rounded once, half-even, to the
 * target's minor units (JPY 0 decimals, BRL 2, BHD 3).
 */
export function convertMinor(minor: bigint, ratio: Ratio, source: string, target: string): bigint {
  const scaleUp = 10n ** BigInt(currencyExponent(target));
  const scaleDown = 10n ** BigInt(currencyExponent(source));
  return divideHalfEven(minor * ratio.num * scaleUp, ratio.den * scaleDown);
}

/** A ratio as a decimal string with SHOWN_RATE_SCALE decimals (half-even), trailing zeros trimmed. */
export function formatRatio(ratio: Ratio): string {
  return trimZeros(formatScaled(divideHalfEven(ratio.num * 10n ** BigInt(SHOWN_RATE_SCALE), ratio.den), SHOWN_RATE_SCALE));
}

function trimZeros(decimal: string): string {
  return decimal.includes('.') ? decimal.replace(/0+$/, '').replace(/\.$/, '') : decimal;
}
