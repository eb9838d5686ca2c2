import { badInput } from '@centavo/errors';
import { MoneyError, normalizeCurrency } from '@centavo/money';

/** An ISO 4217 code from a client, upper-cased; BAD_USER_INPUT naming `field` otherwise. */
export function requireCurrency(value: string, field = 'currency'): string {
  try {
    return normalizeCurrency(value);
  } catch (error) {
    if (error instanceof MoneyError) throw badInput(field, error.message);
    throw error;
  }
}
