import { DEFAULT_PORTS, loadSubgraphConfig, z } from '@centavo/config';

export const loadConfig = (env: Record<string, string | undefined> = process.env) =>
  loadSubgraphConfig(
    'transactions',
    {
      /** Where the transactions domain checks that a category is the caller's. */
      BUDGET_SUBGRAPH_URL: z.url().default(`http://127.0.0.1:${DEFAULT_PORTS.budget}/graphql`),
    },
    env,
  );

export type TransactionsConfig = ReturnType<typeof loadConfig>;
