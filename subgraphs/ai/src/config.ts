import { DEFAULT_PORTS, loadSubgraphConfig, z } from '@centavo/config';

export const loadConfig = (env: Record<string, string | undefined> = process.env) =>
  loadSubgraphConfig(
    'ai',
    {
      /** Where the ai domain resolves Category references to check a rule's category. */
      BUDGET_SUBGRAPH_URL: z.url().default(`http://127.0.0.1:${DEFAULT_PORTS.budget}/graphql`),
      /** Below this model confidence a transaction stays uncategorized (with suggestions). */
      CATEGORIZE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
    },
    env,
  );

export type AiConfig = ReturnType<typeof loadConfig>;
