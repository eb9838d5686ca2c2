import { loadSubgraphConfig, z } from '@centavo/config';

/** Per-user quotas; past them a create is LIMIT_EXCEEDED with the limit in extensions. */
export const QUOTA_DEFAULTS = {
  /** Custom categories (the defaults every user starts with do not count). */
  MAX_CATEGORIES_PER_USER: 200,
  /** Budgets over all months (replacing one of the same category and month does not count). */
  MAX_BUDGETS_PER_USER: 5_000,
};

// WORKER_CONCURRENCY and WORKER_STALLED_INTERVAL_MS come with every subgraph's config (workerEnv).
export const loadConfig = (env: Record<string, string | undefined> = process.env) =>
  loadSubgraphConfig(
    'budget',
    {
      MAX_CATEGORIES_PER_USER: z.coerce.number().int().min(1).default(QUOTA_DEFAULTS.MAX_CATEGORIES_PER_USER),
      MAX_BUDGETS_PER_USER: z.coerce.number().int().min(1).default(QUOTA_DEFAULTS.MAX_BUDGETS_PER_USER),
    },
    env,
  );

export type BudgetConfig = ReturnType<typeof loadConfig>;
export type BudgetQuotas = typeof QUOTA_DEFAULTS;
