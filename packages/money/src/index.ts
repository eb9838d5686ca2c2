/**
 * Exact money: decimal strings at the edges, integer minor units (bigint) inside.
 * Currency exponents come from ICU's ISO 4217 data (BRL 2, JPY 0, BHD 3).
 */

export class MoneyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyError';
  }
}

/** Largest accepted absolute amount, in major units (10^13). */
export const MAX_MAJOR_UNITS = 10n ** 13n;

/**
 * Longest decimal string accepted: ±10^13 with any currency's decimals fits with room to spare.
 * Checked before any regular expression or BigInt, whose cost grows with the input.
 */
export const MAX_DECIMAL_LENGTH = 40;
const MAX_CURRENCY_INPUT_LENGTH = 16;
// 10^13 has 14 digits: a whole part with more significant digits is beyond it.
const MAX_WHOLE_DIGITS = MAX_MAJOR_UNITS.toString().length;

const KNOWN_CURRENCIES = new Set<string>(Intl.supportedValuesOf('currency'));
const exponents = new Map<string, number>();

/** Normalizes and validates an ISO 4217 code; throws MoneyError for anything else. */
export function normalizeCurrency(code: string): string {
  // Long input is neither echoed nor processed.
  if (typeof code !== 'string' || code.length > MAX_CURRENCY_INPUT_LENGTH) throw new MoneyError('not an ISO 4217 currency code');
  const upper = code.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(upper) || !KNOWN_CURRENCIES.has(upper)) {
    throw new MoneyError(`"${code}" is not an ISO 4217 currency code`);
  }
  return upper;
}

/** Number of minor-unit digits of a currency (2 for BRL, 0 for JPY, 3 for BHD). */
export function currencyExponent(currency: string): number {
  const code = normalizeCurrency(currency);
  let exponent = exponents.get(code);
  if (exponent === undefined) {
    exponent = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
      .maximumFractionDigits ?? 2;
    exponents.set(code, exponent);
  }
  return exponent;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal string ("-12.30") into minor units of `currency`. Rejects floats in
 * disguise: exponents, NaN, empty strings, more decimals than the currency has, and
 * amounts beyond ±10^13.
 */
export function parseAmount(value: string, currency: string): bigint {
  const exponent = currencyExponent(currency);
  return parseScaled(value, exponent, `${exponent === 0 ? 'no' : `at most ${exponent}`} decimal places for ${normalizeCurrency(currency)}`);
}

/** Parses a decimal string with at most `scale` decimals into an integer scaled by 10^scale. */
export function parseScaled(value: string, scale: number, scaleMessage = `at most ${scale} decimal places`): bigint {
  if (typeof value !== 'string') throw new MoneyError('must be a decimal string such as "12.30"');
  if (value.length > MAX_DECIMAL_LENGTH) throw new MoneyError(`must be a decimal string of at most ${MAX_DECIMAL_LENGTH} characters`);
  const match = DECIMAL.exec(value.trim());
  if (!match) throw new MoneyError(`"${value}" is not a decimal number such as "-12.30"`);
  const [, sign, whole, fraction = ''] = match;
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > scale) throw new MoneyError(`"${value}" has too many decimal places: ${scaleMessage}`);
  if (whole!.replace(/^0+/, '').length > MAX_WHOLE_DIGITS) throw new MoneyError(`"${value}" is beyond ±10^13`);
  const units = BigInt(whole!) * 10n ** BigInt(scale) + BigInt((significant || '0').padEnd(scale, '0') || '0');
  if (units > MAX_MAJOR_UNITS * 10n ** BigInt(scale)) throw new MoneyError(`"${value}" is beyond ±10^13`);
  return sign === '-' ? -units : units;
}

/** Formats minor units as a decimal string with the currency's exponent ("-1234.50"). */
export function formatAmount(minor: bigint, currency: string): string {
  return formatScaled(minor, currencyExponent(currency));
}

export function formatScaled(units: bigint, scale: number): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const digits = abs.toString().padStart(scale + 1, '0');
  const whole = scale === 0 ? digits : digits.slice(0, -scale);
  const fraction = scale === 0 ? '' : `.${digits.slice(-scale)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

export interface Money {
  amount: string;
  currency: string;
}

export function money(minor: bigint, currency: string): Money {
  return { amount: formatAmount(minor, currency), currency };
}
