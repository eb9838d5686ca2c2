import { loadSubgraphConfig, z } from '@centavo/config';

export const loadConfig = (env: Record<string, string | undefined> = process.env) =>
  loadSubgraphConfig(
    'transactions',
    {
      /** Accounts one user may have, archived ones included; past it createAccount is LIMIT_EXCEEDED. */
      MAX_ACCOUNTS_PER_USER: z.coerce.number().int().min(1).default(100),
      /**
       * How long an unknown category id is looked up again in the read model before it is
       * NOT_FOUND: a category created a moment ago reaches it through budget's outbox and a job.
       * 0 looks once.
       */
      CATEGORY_SYNC_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(3000),
    },
    env,
  );

export type TransactionsConfig = ReturnType<typeof loadConfig>;
