import { badInput } from '@centavo/errors';
import { MoneyError, parseAmount } from '@centavo/money';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date "YYYY-MM-DD" (no 2026-02-30), as a UTC midnight Date. */
export function parseDate(value: string, field: string): Date {
  const match = DATE.exec(value);
  if (match) {
    const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const date = new Date(Date.UTC(y, m - 1, d));
    if (y >= 1900 && y <= 2200 && date.getUTCMonth() === m - 1 && date.getUTCDate() === d) return date;
  }
  throw badInput(field, `${field} must be a calendar date "YYYY-MM-DD"`);
}

export function amountOf(value: string, currency: string, field: string): bigint {
  try {
    return parseAmount(value, currency);
  } catch (error) {
    if (error instanceof MoneyError) throw badInput(field, `${field}: ${error.message}`);
    throw error;
  }
}

export function text(value: string, field: string, max: number): string {
  const trimmed = value.trim();
  if (!trimmed) throw badInput(field, `${field} must not be empty`);
  if (trimmed.length > max) throw badInput(field, `${field} must have at most ${max} characters`);
  return trimmed;
}

export function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed.length > max) throw badInput(field, `${field} must have at most ${max} characters`);
  return trimmed || null;
}

export function idempotencyKeyOf(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value.length < 1 || value.length > 255) throw badInput('idempotencyKey', 'idempotencyKey must have 1 to 255 characters');
  return value;
}
