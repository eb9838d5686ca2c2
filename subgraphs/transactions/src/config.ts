import { loadSubgraphConfig } from '@centavo/config';

export const loadConfig = (env: Record<string, string | undefined> = process.env) =>
  loadSubgraphConfig('transactions', {}, env);

export type TransactionsConfig = ReturnType<typeof loadConfig>;
