import { createQueue, enqueue, processor, sendAlertEmail, type JobProcessor, type QueueConfig } from '@centavo/jobs';
import type { Logger } from '@centavo/logger';
import type { Transporter } from 'nodemailer';
import type { BudgetPrisma, BudgetTx } from '../../db.js';
import { alertEmail, digestEmail, type EmailContent } from './email-content.js';
import { NotificationsRepository } from './notifications.repository.js';
import { localTime } from './time-zones.js';

/** What the places that publish alerts call (LiveNotifier, the bill reminders). */
export interface AlertEmailHook {
  /** In the transaction that marks these alerts published: queue their emails (alert_emails rows). */
  queue(tx: BudgetTx, userId: string, alerts: readonly { id: string; type: string }[]): Promise<void>;
  /** After that commit: enqueue the user's IMMEDIATE emails. */
  afterCommit(userId: string): Promise<void>;
}

export interface Mailer {
  send(message: EmailContent & { to: string; messageId: string }): Promise<void>;
  close(): void;
}

/**
 * Sends through the SMTP server of `url` (smtp://host:port, smtps:// for TLS, user:password@ for auth).
 * nodemailer (~300 KB of code) loads with the first email, not at every start of the worker.
 */
export function smtpMailer(url: string, from: string): Mailer {
  let transport: Promise<Transporter> | undefined;
  const transportOnce = () =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        url,
        // A server that hangs fails the attempt, which BullMQ retries, instead of holding the job.
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      } as Parameters<typeof nodemailer.createTransport>[0]),
    ));
  return {
    async send(m) {
      await (await transportOnce()).sendMail({ from, to: m.to, subject: m.subject, text: m.text, html: m.html, messageId: m.messageId });
    },
    close: () => void transport?.then((t) => t.close()),
  };
}

export interface EmailChannelDeps {
  prisma: BudgetPrisma;
  queue: QueueConfig;
  logger: Logger;
  mailer: Mailer;
  /** The domain part of Message-IDs. */
  messageIdDomain?: string;
  now?: () => Date;
}

/** IMMEDIATE emails queued longer than this and not sent get enqueued again by the pass. */
const STALE_MS = 60_000;
const PAGE = 500;

export interface EmailChannel {
  hook: AlertEmailHook;
  processor: JobProcessor<typeof sendAlertEmail.schema>;
  /** One pass: enqueue due digests (per user at their local digest hour) and emails whose enqueue was lost. */
  pass(now?: Date): Promise<{ digests: number; requeued: number }>;
  /** Runs pass() now and every `intervalMs` until stop(). */
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

/**
 * Alerts by email. Each email is a BullMQ job (sendAlertEmail) whose id is its row's id, retried
 * with backoff; the row's sent_at, set after the SMTP server accepted the message, makes a
 * later run of the same job send nothing. The Message-ID is the row's, so if a worker dies
 * between the send and the marker, the one duplicate a retry sends is recognisable as such.
 */
export function createEmailChannel(deps: EmailChannelDeps): EmailChannel {
  const repo = new NotificationsRepository(deps.prisma);
  const queue = createQueue(deps.queue, sendAlertEmail.queue, deps.logger);
  const domain = deps.messageIdDomain ?? 'centavo.invalid';
  const clock = deps.now ?? (() => new Date());
  const add = (kind: 'alert' | 'digest', id: string, userId: string) =>
    enqueue(queue, sendAlertEmail, { kind, id, userId }, `${kind}-${id}`);

  const hook: AlertEmailHook = {
    async queue(tx, userId, alerts) {
      await new NotificationsRepository(tx).queueFor(tx, userId, alerts);
    },
    async afterCommit(userId) {
      for (const id of await repo.pendingImmediate(userId)) await add('alert', id, userId);
    },
  };

  const handle = async (payload: { kind: 'alert' | 'digest'; id: string }, run: { logger: Logger }) => {
    if (payload.kind === 'alert') {
      const out = await repo.outgoingAlert(payload.id);
      if (!out) return { sent: false };
      await deps.mailer.send({ to: out.address, messageId: `<alert-${payload.id}@${domain}>`, ...alertEmail(out.alerts[0]!) });
      await repo.markSent(out.rowIds);
      run.logger.info({ emailId: payload.id }, 'alert email sent');
      return { sent: true };
    }
    const out = await repo.outgoingDigest(payload.id);
    if (!out) return { sent: false };
    if (out.alerts.length === 0 || !out.address) {
      await repo.markSent(out.rowIds, payload.id);
      return { sent: false };
    }
    await deps.mailer.send({ to: out.address, messageId: `<digest-${payload.id}@${domain}>`, ...digestEmail(out.day, out.alerts) });
    await repo.markSent(out.rowIds, payload.id);
    run.logger.info({ digestId: payload.id, alerts: out.alerts.length }, 'digest email sent');
    return { sent: true };
  };

  const pass = async (now = clock()) => {
    let digests = 0;
    for (const user of await repo.digestCandidates()) {
      const local = localTime(now, user.timeZone);
      if (local.hour < user.digestHour) continue;
      const id = await repo.digestFor(user.userId, local.day);
      if (!id) continue;
      await add('digest', id, user.userId);
      digests++;
    }
    let requeued = 0;
    for (const row of await repo.staleImmediate(new Date(now.getTime() - STALE_MS), PAGE)) {
      await add('alert', row.id, row.userId);
      requeued++;
    }
    for (const row of await repo.unsentDigests(PAGE)) await add('digest', row.id, row.userId);
    return { digests, requeued };
  };

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  return {
    hook,
    processor: processor(sendAlertEmail, handle),
    pass,
    start(intervalMs) {
      const schedule = () => {
        if (stopped) return;
        running = pass()
          .then(({ digests }) => {
            if (digests) deps.logger.debug({ digests }, 'digests enqueued');
          })
          .catch((error: unknown) => deps.logger.error({ err: error }, 'email pass failed'))
          .finally(() => {
            running = undefined;
            if (!stopped) timer = setTimeout(schedule, intervalMs);
          });
      };
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await queue.close();
      deps.mailer.close();
    },
  };
}
