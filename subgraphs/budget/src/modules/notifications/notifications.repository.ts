import { isUniqueViolation } from '@centavo/db';
import { inTransaction, type BudgetDb, type BudgetTx } from '../../db.js';
import type { AlertType, EmailChannel } from '../../generated/prisma/client.js';
import type { EmailAlert } from './email-content.js';

export interface NotificationSettingsRecord {
  userId: string;
  email: string | null;
  digestHour: number;
  timeZone: string;
  /** Only the types the user set; the others are OFF. */
  channels: Map<AlertType, EmailChannel>;
}

export interface SettingsChange {
  /** undefined keeps the address, null clears it. */
  email?: string | null;
  digestHour?: number;
  timeZone?: string;
  alertTypes?: readonly { type: AlertType; channel: EmailChannel }[];
}

export const SETTINGS_DEFAULTS = { email: null, digestHour: 8, timeZone: 'UTC' } as const;

/** A user whose DIGEST alerts wait, with when their digest goes. */
export interface DigestCandidate {
  userId: string;
  digestHour: number;
  timeZone: string;
}

/** What a send needs: the rows of one email (one for an alert, several for a digest) and their alerts. */
export interface Outgoing {
  address: string;
  alerts: EmailAlert[];
  /** The alert_emails rows the email covers, marked sent with it. */
  rowIds: string[];
}

export class NotificationsRepository {
  constructor(private readonly db: BudgetDb) {}

  async settings(userId: string): Promise<NotificationSettingsRecord> {
    const [row, prefs] = await Promise.all([
      this.db.notificationSettings.findUnique({ where: { userId } }),
      this.db.alertEmailPreference.findMany({ where: { userId } }),
    ]);
    return {
      userId,
      email: row?.email ?? SETTINGS_DEFAULTS.email,
      digestHour: row?.digestHour ?? SETTINGS_DEFAULTS.digestHour,
      timeZone: row?.timeZone ?? SETTINGS_DEFAULTS.timeZone,
      channels: new Map(prefs.map((p) => [p.type, p.channel])),
    };
  }

  /** Applies a validated change in one transaction; the types listed get their channel, the others keep theirs. */
  async update(userId: string, change: SettingsChange): Promise<void> {
    const write = () =>
      inTransaction(this.db, async (tx) => {
        const fields = {
          ...(change.email !== undefined ? { email: change.email } : {}),
          ...(change.digestHour !== undefined ? { digestHour: change.digestHour } : {}),
          ...(change.timeZone !== undefined ? { timeZone: change.timeZone } : {}),
        };
        await tx.notificationSettings.upsert({ where: { userId }, create: { userId, ...fields }, update: fields });
        for (const { type, channel } of change.alertTypes ?? []) {
          await tx.alertEmailPreference.upsert({ where: { userId_type: { userId, type } }, create: { userId, type, channel }, update: { channel } });
        }
      });
    try {
      await write();
    } catch (error) {
      // Two concurrent first writes: the loser finds the winner's rows and updates them.
      if (isUniqueViolation(error)) await write();
      else throw error;
    }
  }

  /**
   * In the transaction that publishes these alerts: one alert_emails row per alert whose type the
   * user has on IMMEDIATE or DIGEST, to the address set now. Nothing without an address. The
   * unique (alert, address) keeps a republished alert from being queued twice.
   */
  async queueFor(tx: BudgetTx, userId: string, alerts: readonly { id: string; type: string }[]): Promise<number> {
    if (alerts.length === 0) return 0;
    const settings = await tx.notificationSettings.findUnique({ where: { userId }, select: { email: true } });
    if (!settings?.email) return 0;
    const prefs = await tx.alertEmailPreference.findMany({ where: { userId, channel: { not: 'OFF' } } });
    if (prefs.length === 0) return 0;
    const channelOf = new Map<string, EmailChannel>(prefs.map((p) => [p.type, p.channel]));
    const data = alerts.flatMap((a) => {
      const channel = channelOf.get(a.type);
      return channel ? [{ alertId: a.id, userId, address: settings.email!, channel }] : [];
    });
    if (data.length === 0) return 0;
    const { count } = await tx.alertEmail.createMany({ data, skipDuplicates: true });
    return count;
  }

  /** The user's IMMEDIATE emails not sent yet (to enqueue after the commit that queued them). */
  async pendingImmediate(userId: string): Promise<string[]> {
    const rows = await this.db.alertEmail.findMany({ where: { userId, channel: 'IMMEDIATE', sentAt: null }, select: { id: true }, take: 1000 });
    return rows.map((r) => r.id);
  }

  /** IMMEDIATE emails of any user queued before `before` and not sent: their enqueue may have been lost. */
  staleImmediate(before: Date, take: number): Promise<{ id: string; userId: string }[]> {
    return this.db.alertEmail.findMany({
      where: { sentAt: null, channel: 'IMMEDIATE', createdAt: { lt: before } },
      select: { id: true, userId: true },
      orderBy: { createdAt: 'asc' },
      take,
    });
  }

  /** Every user with DIGEST alerts waiting, with their digest hour and time zone. */
  async digestCandidates(): Promise<DigestCandidate[]> {
    const rows = await this.db.$queryRaw<{ user_id: string; digest_hour: number; time_zone: string }[]>`
      SELECT s.user_id::text, s.digest_hour, s.time_zone
      FROM notification_settings s
      WHERE EXISTS (SELECT 1 FROM alert_emails e
                    WHERE e.user_id = s.user_id AND e.channel = 'DIGEST' AND e.sent_at IS NULL AND e.digest_id IS NULL)`;
    return rows.map((r) => ({ userId: r.user_id, digestHour: r.digest_hour, timeZone: r.time_zone }));
  }

  /** The user's digest of a local day, created once; null when that day's digest was already sent. */
  async digestFor(userId: string, day: string): Promise<string | null> {
    await this.db.emailDigest.createMany({ data: [{ userId, day: new Date(`${day}T00:00:00Z`) }], skipDuplicates: true });
    const digest = await this.db.emailDigest.findUnique({ where: { userId_day: { userId, day: new Date(`${day}T00:00:00Z`) } } });
    return digest && !digest.sentAt ? digest.id : null;
  }

  /** Digests created and not sent (a lost enqueue, or a worker that stopped): to enqueue again. */
  unsentDigests(take: number): Promise<{ id: string; userId: string }[]> {
    return this.db.emailDigest.findMany({ where: { sentAt: null }, select: { id: true, userId: true }, orderBy: { createdAt: 'asc' }, take });
  }

  /** One IMMEDIATE email to send; null once sent (or unknown). */
  async outgoingAlert(id: string): Promise<Outgoing | null> {
    const row = await this.db.alertEmail.findUnique({ where: { id } });
    if (!row || row.sentAt) return null;
    const alert = await this.db.alert.findUnique({ where: { id: row.alertId }, select: { id: true, type: true, message: true, createdAt: true } });
    if (!alert) return null;
    return { address: row.address, alerts: [alert], rowIds: [row.id] };
  }

  /**
   * The digest to send, with its local day: first it takes every DIGEST alert of the user still
   * waiting (so a retry sends the same list), oldest first, to the address of the latest. Null once sent.
   */
  async outgoingDigest(id: string): Promise<(Outgoing & { day: string }) | null> {
    const digest = await this.db.emailDigest.findUnique({ where: { id } });
    if (!digest || digest.sentAt) return null;
    await this.db.alertEmail.updateMany({
      where: { userId: digest.userId, channel: 'DIGEST', sentAt: null, digestId: null },
      data: { digestId: digest.id },
    });
    const rows = await this.db.alertEmail.findMany({ where: { digestId: digest.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    const alerts = await this.db.alert.findMany({
      where: { id: { in: rows.map((r) => r.alertId) } },
      select: { id: true, type: true, message: true, createdAt: true },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return {
      day: digest.day.toISOString().slice(0, 10),
      address: rows.at(-1)?.address ?? '',
      alerts,
      rowIds: rows.map((r) => r.id),
    };
  }

  /** The marker of a sent email: its rows (and its digest) get sent_at, so no retry sends it again. */
  async markSent(rowIds: readonly string[], digestId?: string): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      if (rowIds.length > 0) await tx.alertEmail.updateMany({ where: { id: { in: [...rowIds] } }, data: { sentAt: new Date() } });
      if (digestId) await tx.emailDigest.update({ where: { id: digestId }, data: { sentAt: new Date() } });
    });
  }
}
