import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// One graphql in every test process, as at run time: Node and Apollo load graphql's CommonJS
// build (its "main"), while Vite would pick the ESM build (its "module") for our sources, and
// graphql's instanceof checks fail across the two copies.
const graphqlMain = createRequire(import.meta.url).resolve('graphql');

// CENTAVO_TEST_DB_PREFIX lets two checkouts run their tests at once on one PostgreSQL; each
// vitest worker then uses its own copy of these databases (test/worker-env.ts).
const dbPrefix = process.env.CENTAVO_TEST_DB_PREFIX ?? 'centavo_test';

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlMain }] },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'subgraphs/*/src/**/*.test.ts', 'subgraphs/*/test/**/*.test.ts', 'gateway/src/**/*.test.ts', 'gateway/test/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/worker-env.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default on 2 cores is one file at a time; most files spend their time waiting on
    // PostgreSQL, Redis, child processes and timers, and none shares state with another.
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS ?? 3),
    env: {
      NODE_ENV: 'test',
      APOLLO_TELEMETRY_DISABLED: '1',
      DB_NAME_PREFIX: dbPrefix,
      REDIS_PREFIX: 'centavo-test:',
      // Three systems at once on a PostgreSQL of 100 connections: 20 per Prisma client overflowed it
      // ("too many clients", answered as SERVICE_UNAVAILABLE) when bursts met.
      DATABASE_POOL_SIZE: '6',
    },
  },
});
