import { badInput } from '@centavo/errors';
import { z } from 'zod';
import type { AlertType, EmailChannel } from '../../generated/prisma/client.js';
import type { NotificationSettingsRecord, NotificationsRepository, SettingsChange } from './notifications.repository.js';
import { canonicalTimeZone } from './time-zones.js';

export const ALERT_TYPES: readonly AlertType[] = [
  'BUDGET_WARNING',
  'BUDGET_EXCEEDED',
  'UNUSUAL_SPENDING',
  'LARGE_TRANSACTION',
  'BILL_DUE',
  'RECURRING_AMOUNT_CHANGED',
  'WEBHOOK_DISABLED',
];

export interface NotificationSettingsView extends Omit<NotificationSettingsRecord, 'channels'> {
  alertTypes: { type: AlertType; channel: EmailChannel }[];
  emailDelivery: boolean;
}

export interface SettingsInput {
  email?: string | null;
  alertTypes?: readonly { type: AlertType; channel: EmailChannel }[] | null;
  digestHour?: number | null;
  timeZone?: string | null;
}

const emailSchema = z.email().max(254);

export class NotificationsService {
  constructor(
    private readonly repo: NotificationsRepository,
    /** Whether the worker sends email (SMTP_URL set); settings are kept either way. */
    private readonly emailDelivery: boolean,
  ) {}

  async settings(userId: string): Promise<NotificationSettingsView> {
    const { channels, ...rest } = await this.repo.settings(userId);
    return { ...rest, alertTypes: ALERT_TYPES.map((type) => ({ type, channel: channels.get(type) ?? 'OFF' })), emailDelivery: this.emailDelivery };
  }

  async update(userId: string, input: SettingsInput): Promise<NotificationSettingsView> {
    const change: SettingsChange = {};
    if (input.email !== undefined) {
      if (input.email === null) change.email = null;
      else {
        const email = input.email.trim();
        if (!emailSchema.safeParse(email).success) throw badInput('email', 'email must be a valid email address of at most 254 characters');
        change.email = email;
      }
    }
    if (input.digestHour !== undefined && input.digestHour !== null) {
      if (!Number.isInteger(input.digestHour) || input.digestHour < 0 || input.digestHour > 23) throw badInput('digestHour', 'digestHour must be from 0 to 23');
      change.digestHour = input.digestHour;
    }
    if (input.timeZone !== undefined && input.timeZone !== null) {
      const timeZone = canonicalTimeZone(input.timeZone.trim());
      if (!timeZone) throw badInput('timeZone', 'timeZone must be an IANA time zone, e.g. "Europe/Lisbon"');
      change.timeZone = timeZone;
    }
    if (input.alertTypes) {
      const seen = new Set<AlertType>();
      for (const { type } of input.alertTypes) {
        if (seen.has(type)) throw badInput('alertTypes', `alertTypes lists ${type} more than once`);
        seen.add(type);
      }
      change.alertTypes = input.alertTypes;
    }
    await this.repo.update(userId, change);
    return this.settings(userId);
  }
}
