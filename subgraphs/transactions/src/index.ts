import { createAuthRuntime } from '@centavo/auth-tokens';
import { createLogger, type Logger } from '@centavo/logger';
import { bootSubgraph, loadTypeDefs, type SubgraphServer } from '@centavo/server';
import { loadConfig, type TransactionsConfig } from './config.js';
import { createLoaders, type TransactionsContext } from './context.js';
import { createPrisma } from './db.js';
import { accountsResolvers } from './modules/accounts/accounts.resolvers.js';
import { AccountsRepository } from './modules/accounts/accounts.repository.js';
import { AccountsService } from './modules/accounts/accounts.service.js';

export { loadConfig };
export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export async function startTransactionsSubgraph(
  config: TransactionsConfig = loadConfig(),
  root: Logger = createLogger({ level: config.LOG_LEVEL }),
): Promise<SubgraphServer> {
  const logger = root.child({ service: 'transactions' });
  const runtime = await createAuthRuntime(config);
  const prisma = createPrisma(config.databaseUrl);
  const accountsRepo = new AccountsRepository(prisma);
  const accounts = new AccountsService(accountsRepo);
  return bootSubgraph<TransactionsContext>({
    name: 'transactions',
    config,
    logger,
    runtime,
    typeDefs,
    resolvers: accountsResolvers,
    db: prisma,
    context: (base) => ({ ...base, accounts, accountsRepo, loaders: createLoaders(base.user?.id, accountsRepo) }),
  });
}
