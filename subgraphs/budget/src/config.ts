import { loadSubgraphConfig } from '@centavo/config';

export const loadConfig = (env: Record<string, string | undefined> = process.env) =>
  loadSubgraphConfig('budget', {}, env);

export type BudgetConfig = ReturnType<typeof loadConfig>;
