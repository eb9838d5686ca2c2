import { defineConfig } from 'vitest/config';

// CENTAVO_TEST_DB_PREFIX lets two checkouts run their tests at once on one PostgreSQL.
const dbPrefix = process.env.CENTAVO_TEST_DB_PREFIX ?? 'centavo_test';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'subgraphs/*/src/**/*.test.ts', 'subgraphs/*/test/**/*.test.ts', 'gateway/src/**/*.test.ts', 'gateway/test/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: {
      NODE_ENV: 'test',
      APOLLO_TELEMETRY_DISABLED: '1',
      DB_NAME_PREFIX: dbPrefix,
      REDIS_PREFIX: 'centavo-test:',
    },
  },
});
