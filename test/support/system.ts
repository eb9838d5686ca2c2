import { startGateway, loadConfig as gatewayConfig } from '@centavo/gateway';
import { startAiSubgraph, startAiWorker, loadConfig as aiConfig } from '@centavo/subgraph-ai';
import { startAuthSubgraph, loadConfig as authConfig } from '@centavo/subgraph-auth';
import { startBudgetSubgraph, startBudgetWorker, loadConfig as budgetConfig } from '@centavo/subgraph-budget';
import {
  startTransactionsSubgraph,
  startTransactionsWorker,
  loadConfig as transactionsConfig,
} from '@centavo/subgraph-transactions';
import { randomUUID } from 'node:crypto';
import type { Logger } from '@centavo/logger';
import { deleteRedisKeys, testEnv } from '@centavo/testing';

export interface RunningSystem {
  gatewayUrl: string;
  /** The environment the system runs with (its REDIS_PREFIX is its own). */
  env: Record<string, string | undefined>;
  urls: { auth: string; transactions: string; budget: string; ai: string };
  /** Stops or starts again (on the same port) the ai subgraph, to see the others carry on. */
  aiSubgraph: { stop(): Promise<void>; start(): Promise<void> };
  /** Forgets every rate-limit counter of this system, so a test can count from zero again. */
  resetRateLimits(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole system in this process on free ports, started by the same functions as
 * `centavo --module=all`: four subgraphs, the gateway composed from supergraph.yaml, and the workers.
 */
export async function startSystem(
  overrides: Record<string, string> = {},
  options: { workers?: boolean; logger?: Logger } = {},
): Promise<RunningSystem> {
  // Queues and channels of its own: no other test file's worker takes its jobs or hears its events.
  const prefix = `centavo-test-${randomUUID().slice(0, 8)}:`;
  const env = testEnv({ AUTH_PORT: '0', TRANSACTIONS_PORT: '0', BUDGET_PORT: '0', AI_PORT: '0', GATEWAY_PORT: '0', REDIS_PREFIX: prefix, ...overrides });
  // No subgraph calls another: they start side by side.
  const [auth, budget, transactions, firstAi] = await Promise.all([
    startAuthSubgraph(authConfig(env), options.logger),
    startBudgetSubgraph(budgetConfig(env), options.logger),
    startTransactionsSubgraph(transactionsConfig(env), options.logger),
    startAiSubgraph(aiConfig(env), options.logger),
  ]);
  let ai: typeof firstAi | null = firstAi;
  const gateway = await startGateway(
    gatewayConfig({
      ...env,
      AUTH_SUBGRAPH_URL: auth.url,
      TRANSACTIONS_SUBGRAPH_URL: transactions.url,
      BUDGET_SUBGRAPH_URL: budget.url,
      AI_SUBGRAPH_URL: firstAi.url,
    }),
    options.logger,
  );
  // The workers of `centavo --module=worker`, unless a test runs them as a process of its own.
  const workers =
    options.workers === false
      ? []
      : await Promise.all([
          startBudgetWorker(budgetConfig(env), options.logger),
          startTransactionsWorker(transactionsConfig(env), options.logger),
          startAiWorker(aiConfig(env), options.logger),
        ]);
  return {
    gatewayUrl: gateway.url,
    env,
    urls: { auth: auth.url, transactions: transactions.url, budget: budget.url, ai: firstAi.url },
    aiSubgraph: {
      async stop() {
        await ai?.stop();
        ai = null;
      },
      async start() {
        ai ??= await startAiSubgraph(aiConfig({ ...env, AI_PORT: String(firstAi.http.port) }), options.logger);
      },
    },
    resetRateLimits: () => deleteRedisKeys(env.REDIS_URL ?? 'redis://127.0.0.1:6379', `${env.REDIS_PREFIX!}ratelimit:`),
    async stop() {
      await gateway.stop();
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all([auth.stop(), transactions.stop(), budget.stop(), ai?.stop()]);
      await deleteRedisKeys(env.REDIS_URL ?? 'redis://127.0.0.1:6379', env.REDIS_PREFIX!);
    },
  };
}
