import { budgetTransactionBatch, createQueue, enqueue, runProcessors, webhookEvent, type RunningProcessors } from '@centavo/jobs';
import { createPgPool } from '@centavo/db';
import { createLogger, type Logger } from '@centavo/logger';
import { createPublisher } from '@centavo/pubsub';
import { loadConfig, type BudgetConfig } from './config.js';
import { createPrisma } from './db.js';
import { createBudgetDomain } from './domain.js';
import type { PendingAlert } from './modules/alerts/alerts.repository.js';
import { createEmailChannel, smtpMailer, type EmailChannel } from './modules/notifications/email-channel.js';
import { startBillReminders } from './modules/recurring/bill-reminders.js';

export interface BudgetWorker {
  /** Lets in-flight jobs and the reminder pass finish, closes the BullMQ workers and the publisher, then the database connection. */
  stop(): Promise<void>;
}

/**
 * Runs the budget domain's processors: every transaction change updates the spending aggregates,
 * raises the alerts it causes, and publishes budgetUpdated and alertRaised to the user; every
 * BILL_REMINDER_INTERVAL_MS it raises the BILL_DUE alerts that came due; with SMTP_URL set, it
 * emails alerts (sendAlertEmail jobs) and every EMAIL_PASS_INTERVAL_MS enqueues the due digests.
 */
export async function startBudgetWorker(
  config: BudgetConfig = loadConfig(),
  root: Logger = createLogger({ level: config.LOG_LEVEL }),
): Promise<BudgetWorker> {
  const logger = root.child({ service: 'budget-worker' });
  const prisma = createPrisma(config.databaseUrl, false);
  // Each batch of transaction events is one transaction on this pool (one client per job run at once).
  const pool = createPgPool(config.databaseUrl, config.WORKER_CONCURRENCY + 1);
  const publisher = createPublisher(config, logger);
  // Alerts by email only with an SMTP server: without one, nothing is queued or sent.
  const emails: EmailChannel | undefined = config.SMTP_URL
    ? createEmailChannel({ prisma, queue: config, logger, mailer: smtpMailer(config.SMTP_URL, config.SMTP_FROM) })
    : undefined;
  // Alerts reach the user's webhooks as events on the transactions domain's queue, keyed by alert id.
  const webhookQueue = createQueue(config, webhookEvent.queue, logger);
  const alertWebhooks = (userId: string, alert: PendingAlert) =>
    enqueue(
      webhookQueue,
      webhookEvent,
      { type: 'alert.raised', eventId: alert.id, userId, occurredAt: alert.createdAt.toISOString(), alert: { ...alert, createdAt: alert.createdAt.toISOString() } },
      `alert-raised-${alert.id}`,
    );
  const domain = createBudgetDomain({
    prisma,
    pool,
    queue: config,
    logger,
    quotas: config,
    recurring: config,
    publisher,
    alertWebhooks,
    ...(emails ? { emails: emails.hook, emailDelivery: true } : {}),
  });
  let running: RunningProcessors;
  try {
    // A killed worker's job stalls and is retried; it must never be failed for stalling.
    running = await runProcessors(config, [...domain.processors, ...(emails ? [emails.processor] : [])], logger, {
      concurrency: config.WORKER_CONCURRENCY,
      stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
      maxStalledCount: 100,
    });
  } catch (error) {
    await emails?.stop();
    await webhookQueue.close();
    await publisher.close();
    await prisma.$disconnect();
    await pool.end();
    throw error;
  }
  const reminders = startBillReminders({ prisma, publisher, webhooks: alertWebhooks, logger, intervalMs: config.BILL_REMINDER_INTERVAL_MS, ...(emails ? { emails: emails.hook } : {}) });
  emails?.start(config.EMAIL_PASS_INTERVAL_MS);
  logger.info({ queue: budgetTransactionBatch.queue, concurrency: config.WORKER_CONCURRENCY }, 'budget worker ready');
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        await Promise.all([running.close(), reminders.stop()]);
        await emails?.stop();
        await webhookQueue.close();
        await publisher.close();
        await prisma.$disconnect();
        await pool.end();
      })();
      return stopping;
    },
  };
}
