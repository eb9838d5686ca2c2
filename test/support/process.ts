import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { testEnv } from '@centavo/testing';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OFFSETS = { GATEWAY_PORT: 0, AUTH_PORT: 1, TRANSACTIONS_PORT: 2, BUDGET_PORT: 3, AI_PORT: 4, WORKER_PORT: 5 } as const;

/**
 * The environment of a system started as processes of its own: ports from `basePort` up (so a
 * developer's instance on 4000-4005 does not interfere), subgraph URLs to match, and a Redis
 * prefix of its own.
 */
export function processEnv(basePort: number, overrides: Record<string, string> = {}): Record<string, string | undefined> & { gatewayUrl: string } {
  const port = (name: keyof typeof OFFSETS) => basePort + OFFSETS[name];
  const url = (name: keyof typeof OFFSETS) => `http://127.0.0.1:${port(name)}/graphql`;
  return {
    ...testEnv({ REDIS_PREFIX: `centavo-test-${randomUUID().slice(0, 8)}:`, LOG_LEVEL: 'warn' }),
    ...Object.fromEntries(Object.keys(OFFSETS).map((k) => [k, String(port(k as keyof typeof OFFSETS))])),
    AUTH_SUBGRAPH_URL: url('AUTH_PORT'),
    TRANSACTIONS_SUBGRAPH_URL: url('TRANSACTIONS_PORT'),
    BUDGET_SUBGRAPH_URL: url('BUDGET_PORT'),
    AI_SUBGRAPH_URL: url('AI_PORT'),
    ...overrides,
    gatewayUrl: url('GATEWAY_PORT'),
  };
}

/**
 * `centavo --module=<modules>` as a child process, exactly as the start command runs it; with
 * CENTAVO_TEST_BUILD=dist, the compiled build as the image runs it (`pnpm build` first).
 */
export function spawnCentavo(modules: string, env: Record<string, string | undefined>, stdio: 'ignore' | 'inherit' = 'ignore'): ChildProcess {
  const entry = process.env.CENTAVO_TEST_BUILD === 'dist' ? ['dist/bin/centavo.js'] : ['--import', 'tsx', 'bin/centavo.ts'];
  return spawn(process.execPath, [...entry, `--module=${modules}`], {
    cwd: ROOT,
    env,
    stdio: ['ignore', stdio, 'inherit'],
  });
}
