import type { PgPool } from '@centavo/db';
import { CATEGORY_EVENT_CONSUMERS, categoryEvent, type JobProcessor, type QueueConfig, type webhookDisabledNotice } from '@centavo/jobs';
import type { Logger } from '@centavo/logger';
import { createOutboxRelay, outboxEventsStore, type OutboxRelay } from '@centavo/outbox';
import type { Publisher } from '@centavo/pubsub';
import { QUOTA_DEFAULTS, RECURRING_DEFAULTS, type BudgetQuotas } from './config.js';
import type { BudgetPrisma } from './db.js';
import { createLiveUpdates, createTransactionChangedProcessor, type TransactionChangedProcessor } from './jobs/transaction-changed.processor.js';
import { createWebhookDisabledProcessor } from './jobs/webhook-disabled.processor.js';
import { createLoaders, type BudgetLoaders } from './loaders.js';
import { AlertsRepository } from './modules/alerts/alerts.repository.js';
import { AlertsService } from './modules/alerts/alerts.service.js';
import type { NotifierDeps } from './modules/alerts/live-notifier.js';
import { BudgetsRepository } from './modules/budgets/budgets.repository.js';
import { BudgetsService } from './modules/budgets/budgets.service.js';
import { CategoriesReader } from './modules/categories/categories.reader.js';
import { CategoriesRepository } from './modules/categories/categories.repository.js';
import { CategoriesService } from './modules/categories/categories.service.js';
import type { AlertEmailHook } from './modules/notifications/email-channel.js';
import { NotificationsRepository } from './modules/notifications/notifications.repository.js';
import { NotificationsService } from './modules/notifications/notifications.service.js';
import { RatesRepository } from './modules/rates/rates.repository.js';
import { RatesService } from './modules/rates/rates.service.js';
import { createBillTracker } from './modules/recurring/bill-tracker.js';
import { dayOf } from './modules/recurring/detection.js';
import { RecurringRepository } from './modules/recurring/recurring.repository.js';
import { RecurringService } from './modules/recurring/recurring.service.js';
import { refreshSuggestions } from './modules/recurring/suggestions.js';
import { SpendingRepository } from './modules/spending/spending.repository.js';
import { SpendingService } from './modules/spending/spending.service.js';

export interface BudgetDomainDeps {
  prisma: BudgetPrisma;
  /**
   * Plain pg: the batches of transaction events (SpendingRepository.applyBatch, with their alerts
   * and payee payments) need it; with it the dashboard's category reads use it too (categories.reader.ts).
   */
  pool?: PgPool;
  /** Redis of the job queues (the relay's consumers). */
  queue: QueueConfig;
  /** Where the category relay LISTENs for outbox writes once started; without it only kick() runs it. */
  databaseUrl?: string;
  logger: Logger;
  quotas?: BudgetQuotas;
  /** The relay's own client, whose statements db.ts does not count as a request's; default `prisma`. */
  relayPrisma?: BudgetPrisma;
  /** Live updates of the transaction-changed processor (the worker's); without it, aggregates only. */
  publisher?: Pick<Publisher, 'publish'>;
  /** Recurring bills' amount tolerance (%), for detection and RECURRING_AMOUNT_CHANGED. */
  recurring?: typeof RECURRING_DEFAULTS;
  /** The clock of "today" for recurring bills; tests move it. */
  now?: () => Date;
  /** Alerts by email, queued where alerts are published (the worker's, when SMTP is configured). */
  emails?: AlertEmailHook;
  /** Whether this installation sends email (SMTP_URL set), as notificationSettings tells. */
  emailDelivery?: boolean;
  /** Each alert also goes to the user's webhooks (the worker's; with `publisher` only). */
  alertWebhooks?: NotifierDeps['webhooks'];
}

/** The budget domain, built once per process: services, loaders, job processors and the category relay. */
export interface BudgetDomain {
  categories: CategoriesService;
  budgets: BudgetsService;
  spending: SpendingService;
  alerts: AlertsService;
  recurring: RecurringService;
  notifications: NotificationsService;
  rates: RatesService;
  loaders(userId: string | undefined): BudgetLoaders;
  /** What the worker runs (runProcessors): transaction events → spending, alerts, live updates. */
  processors: readonly [TransactionChangedProcessor, JobProcessor<typeof webhookDisabledNotice.schema>];
  /** Sends category events from the outbox to their consumers; the server starts it (index.ts). */
  categoryRelay: OutboxRelay;
}

/** The composition root of the budget subgraph: server (index.ts) and worker (worker.ts) start here. */
export function createBudgetDomain(deps: BudgetDomainDeps): BudgetDomain {
  const { prisma, quotas = QUOTA_DEFAULTS } = deps;
  const repos = {
    categories: new CategoriesRepository(prisma),
    budgets: new BudgetsRepository(prisma),
    spending: new SpendingRepository(prisma, deps.pool),
    alerts: new AlertsRepository(prisma),
    recurring: new RecurringRepository(prisma),
  };
  const loaderRepos = deps.pool ? { ...repos, categories: new CategoriesReader(deps.pool) } : repos;
  const now = deps.now ?? (() => new Date());
  const tolerancePercent = (deps.recurring ?? RECURRING_DEFAULTS).RECURRING_AMOUNT_TOLERANCE_PERCENT;
  const categoryRelay = createOutboxRelay({
    store: outboxEventsStore(deps.relayPrisma ?? prisma),
    schema: categoryEvent,
    consumers: CATEGORY_EVENT_CONSUMERS,
    queue: deps.queue,
    logger: deps.logger,
    ...(deps.databaseUrl ? { databaseUrl: deps.databaseUrl } : {}),
  });
  // After a commit that wrote an event, so it leaves at once (the NOTIFY wakes other processes' relays).
  const categories = new CategoriesService(repos.categories, quotas.MAX_CATEGORIES_PER_USER, () => categoryRelay.kick());
  const ensureDefaults = (userId: string) => categories.ensureDefaults(userId);
  const rates = new RatesService(new RatesRepository(prisma));
  const spending = new SpendingService(repos.spending, ensureDefaults, rates);
  const live = deps.publisher && createLiveUpdates(
    {
      alerts: repos.alerts,
      budgets: repos.budgets,
      spending,
      ...(deps.emails ? { emails: deps.emails } : {}),
      ...(deps.alertWebhooks ? { webhooks: deps.alertWebhooks } : {}),
    },
    deps.publisher,
    createBillTracker(prisma, { tolerancePercent, now }),
  );
  return {
    categories,
    budgets: new BudgetsService(repos.budgets, quotas.MAX_BUDGETS_PER_USER),
    spending,
    alerts: new AlertsService(repos.alerts),
    recurring: new RecurringService(repos.recurring, {
      maxBills: quotas.MAX_RECURRING_BILLS_PER_USER,
      now,
      detect: (userId) => prisma.$transaction((tx) => refreshSuggestions(tx, userId, null, { tolerancePercent, today: dayOf(now()) })),
    }),
    notifications: new NotificationsService(new NotificationsRepository(prisma), deps.emailDelivery ?? false),
    rates,
    loaders: (userId) => createLoaders(userId, loaderRepos, ensureDefaults),
    processors: [createTransactionChangedProcessor(spending, live), createWebhookDisabledProcessor(repos.alerts, live || undefined)],
    categoryRelay,
  };
}
