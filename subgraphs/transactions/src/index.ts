import { createAuthRuntime } from '@centavo/auth-tokens';
import { BudgetCategories } from '@centavo/budget-client';
import { createLogger, type Logger } from '@centavo/logger';
import { bootSubgraph, loadTypeDefs, mergeResolvers, type SubgraphServer } from '@centavo/server';
import { loadConfig, type TransactionsConfig } from './config.js';
import { createLoaders, type TransactionsContext } from './context.js';
import { createPrisma } from './db.js';
import { accountsResolvers } from './modules/accounts/accounts.resolvers.js';
import { AccountsRepository } from './modules/accounts/accounts.repository.js';
import { AccountsService } from './modules/accounts/accounts.service.js';
import { OutboxRelay } from './modules/outbox/outbox.relay.js';
import { transactionsResolvers } from './modules/transactions/transactions.resolvers.js';
import { TransactionsRepository } from './modules/transactions/transactions.repository.js';
import { TransactionsService } from './modules/transactions/transactions.service.js';

export { loadConfig };
export { startTransactionsWorker, type TransactionsWorker } from './worker.js';
export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** Starts the transactions subgraph and its outbox relay. */
export async function startTransactionsSubgraph(
  config: TransactionsConfig = loadConfig(),
  root: Logger = createLogger({ level: config.LOG_LEVEL }),
): Promise<SubgraphServer> {
  const logger = root.child({ service: 'transactions' });
  const runtime = await createAuthRuntime(config, logger);
  const prisma = createPrisma(config.databaseUrl);
  const accountsRepo = new AccountsRepository(prisma);
  const accounts = new AccountsService(accountsRepo, config.MAX_ACCOUNTS_PER_USER);
  const transactionsRepo = new TransactionsRepository(prisma);
  const categories = new BudgetCategories(config.BUDGET_SUBGRAPH_URL);
  const relayPrisma = createPrisma(config.databaseUrl, false);
  const relay = new OutboxRelay(relayPrisma, config, logger);
  relay.start();
  return bootSubgraph<TransactionsContext>({
    name: 'transactions',
    config,
    logger,
    runtime,
    typeDefs,
    resolvers: mergeResolvers(accountsResolvers, transactionsResolvers),
    db: prisma,
    context: (base) => {
      const loaders = createLoaders(base.user?.id, accountsRepo, transactionsRepo);
      const transactions = new TransactionsService({
        transactions: transactionsRepo,
        account: (id) => loaders.account.load(id),
        categories,
        onEvents: () => relay.kick(),
      });
      return { ...base, accounts, accountsRepo, transactions, transactionsRepo, loaders };
    },
    onStop: async () => {
      await relay.stop();
      await relayPrisma.$disconnect();
    },
  });
}
