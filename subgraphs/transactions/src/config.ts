import { DEFAULT_PORTS, loadSubgraphConfig, z } from '@centavo/config';

export const loadConfig = (env: Record<string, string | undefined> = process.env) =>
  loadSubgraphConfig(
    'transactions',
    {
      /** Where the transactions domain checks that a category is the caller's. */
      BUDGET_SUBGRAPH_URL: z.url().default(`http://127.0.0.1:${DEFAULT_PORTS.budget}/graphql`),
      /** Accounts one user may have, archived ones included; past it createAccount is LIMIT_EXCEEDED. */
      MAX_ACCOUNTS_PER_USER: z.coerce.number().int().min(1).default(100),
    },
    env,
  );

export type TransactionsConfig = ReturnType<typeof loadConfig>;
