import { DEFAULT_PORTS, loadSubgraphConfig, z } from '@centavo/config';

export const loadConfig = (env: Record<string, string | undefined> = process.env) =>
  loadSubgraphConfig(
    'ai',
    {
      /** Where the ai domain resolves Category references to check a rule's category. */
      BUDGET_SUBGRAPH_URL: z.url().default(`http://127.0.0.1:${DEFAULT_PORTS.budget}/graphql`),
    },
    env,
  );

export type AiConfig = ReturnType<typeof loadConfig>;
