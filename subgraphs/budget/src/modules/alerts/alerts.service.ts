import { badInput, notFound } from '@centavo/errors';
import { MoneyError, parseAmount } from '@centavo/money';
import { requireCurrency } from '../common/inputs.js';
import { defaultLargeThreshold } from './alert-rules.js';
import type { AlertRecord, AlertsRepository, ThresholdRecord } from './alerts.repository.js';

export const MAX_ALERTS_PAGE = 200;

/** AlertSettings are resolved field by field for the user they belong to. */
export interface AlertSettingsView {
  userId: string;
}

export class AlertsService {
  constructor(private readonly alerts: AlertsRepository) {}

  /** The caller's alerts, newest first; `first` from 1 to MAX_ALERTS_PAGE. */
  list(userId: string, args: { unreadOnly?: boolean | null; first?: number | null }): Promise<AlertRecord[]> {
    const first = args.first ?? 50;
    if (!Number.isInteger(first) || first < 1 || first > MAX_ALERTS_PAGE) {
      throw badInput('first', `first must be between 1 and ${MAX_ALERTS_PAGE}`);
    }
    return this.alerts.list(userId, { unreadOnly: args.unreadOnly ?? false, take: first });
  }

  /** Idempotent: the first readAt stays. */
  async markRead(userId: string, id: string): Promise<AlertRecord> {
    const alert = await this.alerts.markRead(userId, id);
    if (!alert) throw notFound('Alert');
    return alert;
  }

  /** The LARGE_TRANSACTION threshold in effect for a currency, in its minor units. */
  async largeTransactionThreshold(userId: string, currencyInput: string): Promise<{ currency: string; minMinor: bigint }> {
    const currency = requireCurrency(currencyInput);
    return { currency, minMinor: (await this.alerts.threshold(userId, currency)) ?? defaultLargeThreshold(currency) };
  }

  listThresholds(userId: string): Promise<ThresholdRecord[]> {
    return this.alerts.listThresholds(userId);
  }

  /** Sets the caller's threshold of one currency: greater than zero, in the currency's decimals. */
  async setLargeTransactionThreshold(userId: string, input: { amount: string; currency: string }): Promise<void> {
    const currency = requireCurrency(input.currency);
    let minMinor: bigint;
    try {
      minMinor = parseAmount(input.amount, currency);
    } catch (error) {
      if (error instanceof MoneyError) throw badInput('amount', `amount: ${error.message}`);
      throw error;
    }
    if (minMinor <= 0n) throw badInput('amount', 'amount must be greater than zero');
    await this.alerts.setThreshold(userId, currency, minMinor);
  }
}
