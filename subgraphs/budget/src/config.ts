import { loadSubgraphConfig } from '@centavo/config';

// WORKER_CONCURRENCY and WORKER_STALLED_INTERVAL_MS come with every subgraph's config (workerEnv).
export const loadConfig = (env: Record<string, string | undefined> = process.env) =>
  loadSubgraphConfig('budget', {}, env);

export type BudgetConfig = ReturnType<typeof loadConfig>;
