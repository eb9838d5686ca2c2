import type { ProfileGrants } from '@centavo/auth-tokens';
import { CategoryDirectory, KnownCategories } from '@centavo/categories';
import { createQueue, enqueue, processor, runImport, webhookDisabledNotice, webhookDrain, webhookEvent, webhookTransactionBatch, type JobProcessor, type QueueConfig } from '@centavo/jobs';
import type { PgPool } from '@centavo/db';
import type { Logger } from '@centavo/logger';
import { createPublisher } from '@centavo/pubsub';
import type { TransactionsConfig } from './config.js';
import { createLoaders, type TransactionsLoaders } from './context.js';
import type { TransactionsPrisma } from './db.js';
import { applyCategorizationProcessor } from './jobs/apply-categorization.processor.js';
import { categoryChangedProcessor } from './jobs/category-changed.processor.js';
import { AccountsReader } from './modules/accounts/accounts.reader.js';
import { AccountsRepository } from './modules/accounts/accounts.repository.js';
import { AccountsService } from './modules/accounts/accounts.service.js';
import { ImportBatchRepository } from './modules/imports/import-batch.repository.js';
import { importProcessor } from './modules/imports/import.processor.js';
import { ImportRunner } from './modules/imports/import-runner.js';
import { ImportsRepository } from './modules/imports/imports.repository.js';
import { ImportsService } from './modules/imports/imports.service.js';
import { SharesRepository } from './modules/shares/shares.repository.js';
import { SharesService } from './modules/shares/shares.service.js';
import { OutboxRelay } from './modules/outbox/outbox.relay.js';
import { TransactionsReader } from './modules/transactions/transactions.reader.js';
import { TransactionsRepository } from './modules/transactions/transactions.repository.js';
import { TransactionsService } from './modules/transactions/transactions.service.js';
import { policyFor } from './modules/webhooks/webhook-address.js';
import { createSender } from './modules/webhooks/webhook-sender.js';
import { SecretBox } from './modules/webhooks/webhook-signature.js';
import { WebhookDispatcher } from './modules/webhooks/webhooks.dispatcher.js';
import { WebhooksRepository } from './modules/webhooks/webhooks.repository.js';
import { WebhooksService } from './modules/webhooks/webhooks.service.js';

/** The transactions domain, built once per process (server or worker). */
export interface TransactionsDomain {
  accounts: AccountsService;
  transactions: TransactionsService;
  imports: ImportsService;
  webhooks: WebhooksService;
  /** Households: accounts shared with other users. */
  shares: SharesService;
  /** Records and sends webhook deliveries; the worker starts its sweeper. */
  webhookDispatcher: WebhookDispatcher;
  /** The caller's loaders for one request: another user's ids load as null. */
  loaders(userId: string | undefined): TransactionsLoaders;
  /** Sends the outbox to BullMQ; the process that builds the domain starts it. */
  relay: OutboxRelay;
  /** What the worker runs: the categorizer's decisions, the category read model, imports. */
  processors: JobProcessor[];
  /** Stops the relay and closes the connections the domain opened (imports queue, publisher). */
  close(): Promise<void>;
}

type ImportLimits = 'IMPORT_MAX_BYTES' | 'IMPORT_UPLOAD_TIMEOUT_MS' | 'MAX_ACTIVE_IMPORTS_PER_USER' | 'IMPORT_BATCH_SIZE' | 'IMPORT_MAX_ERRORS';
type WebhookSettings =
  | 'NODE_ENV'
  | 'webhookSecretKey'
  | 'WEBHOOK_RETRY_SCHEDULE'
  | 'WEBHOOK_TIMEOUT_MS'
  | 'WEBHOOK_ENDPOINT_CONCURRENCY'
  | 'WEBHOOK_WORKER_CONCURRENCY'
  | 'WEBHOOK_DISABLE_AFTER'
  | 'WEBHOOK_SWEEP_MS'
  | 'MAX_WEBHOOK_ENDPOINTS_PER_USER';

export interface TransactionsDomainDeps {
  /** Serves requests; its statements are counted per request (N+1 tests). */
  prisma: TransactionsPrisma;
  /** Background work (relay, processors), not counted; may be the same client as `prisma`. */
  background: TransactionsPrisma;
  /** Plain pg for bulk bytes and rows (statement files, import batches); the caller ends it. */
  pool: PgPool;
  /** `databaseUrl`: where the relay LISTENs for outbox writes once started. */
  config: Pick<TransactionsConfig, 'MAX_ACCOUNTS_PER_USER' | 'MAX_SHARES_PER_ACCOUNT' | 'CATEGORY_SYNC_WAIT_MS' | ImportLimits | WebhookSettings> & QueueConfig & { databaseUrl?: string };
  logger: Logger;
  /** Household members may see the owners of accounts shared with them (the server has them; the worker resolves no owners). */
  profiles?: Pick<ProfileGrants, 'grant' | 'withdraw'>;
}

/** A connection opened on first use only: the server never publishes, the worker rarely enqueues. */
function lazy<T extends { close(): Promise<unknown> }>(open: () => T) {
  let value: T | undefined;
  return { get: () => (value ??= open()), close: async () => void (await value?.close()) };
}

/** The composition root of the transactions subgraph: repositories, services, relay and processors, once. */
export function createTransactionsDomain({ prisma, background, pool, config, logger, profiles }: TransactionsDomainDeps): TransactionsDomain {
  // The reads of every dashboard in plain SQL (4x cheaper than Prisma: transactions.reader.ts).
  const accountsReader = new AccountsReader(pool);
  const accountsRepo = new AccountsRepository(prisma, accountsReader);
  const transactionsRepo = new TransactionsRepository(prisma, new TransactionsReader(pool), accountsReader);
  const knownCategories = new KnownCategories(prisma.knownCategory);
  const sharesRepo = new SharesRepository(prisma);
  // Live notices of a shared account's transactions reach its members too (read when relayed).
  const relay = new OutboxRelay(background, config, logger, pool);
  const categories = new CategoryDirectory({ lookup: (id) => knownCategories.find(id), waitMs: config.CATEGORY_SYNC_WAIT_MS });
  const transactions = new TransactionsService({ transactions: transactionsRepo, accounts: accountsRepo, categories, onEvents: () => relay.kick() });
  const importQueue = lazy(() => createQueue(config, runImport.queue, logger));
  const publisher = lazy(() => createPublisher(config, logger));
  const shares = new SharesService({
    shares: sharesRepo,
    accounts: accountsRepo,
    invalidate: (userIds) => publisher.get().invalidate(userIds),
    ...(profiles ? { profiles } : {}),
    maxShares: config.MAX_SHARES_PER_ACCOUNT,
  });
  const webhookEvents = lazy(() => createQueue(config, webhookEvent.queue, logger));
  const webhookDrains = lazy(() => createQueue(config, webhookDrain.queue, logger));
  const budgetNotices = lazy(() => createQueue(config, webhookDisabledNotice.queue, logger));
  const box = new SecretBox(config.webhookSecretKey);
  const policy = policyFor(config.NODE_ENV);
  const webhookDispatcher = new WebhookDispatcher({
    repo: new WebhooksRepository(background),
    send: createSender({ policy, timeoutMs: config.WEBHOOK_TIMEOUT_MS }),
    box,
    drains: () => webhookDrains.get(),
    schedule: config.WEBHOOK_RETRY_SCHEDULE,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    endpointConcurrency: config.WEBHOOK_ENDPOINT_CONCURRENCY,
    disableAfter: config.WEBHOOK_DISABLE_AFTER,
    sweepMs: config.WEBHOOK_SWEEP_MS,
    invalidate: (userId) => publisher.get().invalidate([userId]),
    notifyDisabled: (n) =>
      enqueue(
        budgetNotices.get(),
        webhookDisabledNotice,
        { userId: n.userId, endpointId: n.id, url: n.url, reason: n.disabledReason, disabledAt: n.disabledAt.toISOString() },
        `webhook-disabled-${n.id}-${n.disabledAt.getTime()}`,
      ),
    logger,
  });
  const webhooks = new WebhooksService({
    repo: new WebhooksRepository(prisma),
    box,
    policy,
    maxEndpoints: config.MAX_WEBHOOK_ENDPOINTS_PER_USER,
    wake: (endpointId, userId) => webhookDispatcher.wake(endpointId, userId),
  });
  const imports = new ImportsService({
    jobs: new ImportsRepository(prisma, pool),
    accounts: accountsRepo,
    enqueue: (job) => enqueue(importQueue.get(), runImport, job, job.importId),
    limits: { maxBytes: config.IMPORT_MAX_BYTES, maxActive: config.MAX_ACTIVE_IMPORTS_PER_USER, uploadTimeoutMs: config.IMPORT_UPLOAD_TIMEOUT_MS },
    logger,
  });
  const importRunner = new ImportRunner({
    jobs: new ImportsRepository(background, pool),
    batches: new ImportBatchRepository(pool),
    publish: (userId, id) => publisher.get().publish(userId, { __typename: 'ImportJob', id, field: 'importProgress' }),
    onEvents: () => relay.kick(),
    // The import's id is the event's: one import.finished per import however often it is queued.
    finished: (userId, importId) =>
      enqueue(webhookEvents.get(), webhookEvent, { type: 'import.finished', eventId: importId, userId, importId, occurredAt: new Date().toISOString() }, `import-finished-${importId}`),
    batchSize: config.IMPORT_BATCH_SIZE,
    maxErrors: config.IMPORT_MAX_ERRORS,
  });
  return {
    accounts: new AccountsService(accountsRepo, config.MAX_ACCOUNTS_PER_USER, {
      membersOf: (ids) => sharesRepo.membersOf(ids),
      invalidate: (userIds) => publisher.get().invalidate(userIds),
    }),
    transactions,
    imports,
    webhooks,
    shares,
    webhookDispatcher,
    loaders: (userId) => createLoaders(userId, accountsRepo, transactionsRepo, sharesRepo, profiles),
    relay,
    processors: [
      applyCategorizationProcessor(new TransactionsRepository(background, undefined, undefined, pool), () => relay.kick()),
      categoryChangedProcessor(new KnownCategories(background.knownCategory)),
      importProcessor(importRunner),
      processor(webhookTransactionBatch, (batch) => webhookDispatcher.onTransactionBatch(batch)),
      processor(webhookEvent, (event) => webhookDispatcher.onEvent(event)),
      // One job per endpoint at a time, each holding one slot: a slow endpoint never delays another's.
      processor(webhookDrain, ({ endpointId }, run) => webhookDispatcher.drain(endpointId, run.logger), { concurrency: config.WEBHOOK_WORKER_CONCURRENCY }),
    ],
    async close() {
      await relay.stop();
      await webhookDispatcher.stop();
      await Promise.all([importQueue.close(), publisher.close(), webhookEvents.close(), webhookDrains.close(), budgetNotices.close()]);
    },
  };
}
