import { CategoryDirectory, KnownCategories } from '@centavo/categories';
import type { JobProcessor, QueueConfig } from '@centavo/jobs';
import type { Logger } from '@centavo/logger';
import type { TransactionsConfig } from './config.js';
import { createLoaders, type TransactionsLoaders } from './context.js';
import type { TransactionsPrisma } from './db.js';
import { applyCategorizationProcessor } from './jobs/apply-categorization.processor.js';
import { categoryChangedProcessor } from './jobs/category-changed.processor.js';
import { AccountsRepository } from './modules/accounts/accounts.repository.js';
import { AccountsService } from './modules/accounts/accounts.service.js';
import { OutboxRelay } from './modules/outbox/outbox.relay.js';
import { TransactionsRepository } from './modules/transactions/transactions.repository.js';
import { TransactionsService } from './modules/transactions/transactions.service.js';

/** The transactions domain, built once per process (server or worker). */
export interface TransactionsDomain {
  accounts: AccountsService;
  transactions: TransactionsService;
  /** The caller's loaders for one request: another user's ids load as null. */
  loaders(userId: string | undefined): TransactionsLoaders;
  /** Sends the outbox to BullMQ; the process that builds the domain starts it. */
  relay: OutboxRelay;
  /** What the worker runs: the categorizer's decisions, and the category read model. */
  processors: JobProcessor[];
}

export interface TransactionsDomainDeps {
  /** Serves requests; its statements are counted per request (N+1 tests). */
  prisma: TransactionsPrisma;
  /** Background work (relay, processors), not counted; may be the same client as `prisma`. */
  background: TransactionsPrisma;
  config: Pick<TransactionsConfig, 'MAX_ACCOUNTS_PER_USER' | 'CATEGORY_SYNC_WAIT_MS'> & QueueConfig;
  logger: Logger;
}

/** The composition root of the transactions subgraph: repositories, services, relay and processors, once. */
export function createTransactionsDomain({ prisma, background, config, logger }: TransactionsDomainDeps): TransactionsDomain {
  const accountsRepo = new AccountsRepository(prisma);
  const transactionsRepo = new TransactionsRepository(prisma);
  const knownCategories = new KnownCategories(prisma.knownCategory);
  const relay = new OutboxRelay(background, config, logger);
  const categories = new CategoryDirectory({ lookup: (id) => knownCategories.find(id), waitMs: config.CATEGORY_SYNC_WAIT_MS });
  const transactions = new TransactionsService({ transactions: transactionsRepo, accounts: accountsRepo, categories, onEvents: () => relay.kick() });
  return {
    accounts: new AccountsService(accountsRepo, config.MAX_ACCOUNTS_PER_USER),
    transactions,
    loaders: (userId) => createLoaders(userId, accountsRepo, transactionsRepo),
    relay,
    processors: [
      applyCategorizationProcessor(new TransactionsRepository(background), () => relay.kick()),
      categoryChangedProcessor(new KnownCategories(background.knownCategory)),
    ],
  };
}
