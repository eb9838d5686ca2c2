import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { databaseUrlFor, SUBGRAPHS, type SubgraphName } from '@centavo/config';
import { generateClients, migrateAll } from '@centavo/db/cli';
import { ensureInfra, type Infra } from '@centavo/infra';

let infra: Infra | undefined;

/**
 * Once per test run: find or start PostgreSQL and Redis, apply the committed migrations to the
 * base databases (centavo_test_<subgraph>, or CENTAVO_TEST_DB_PREFIX), as the start command
 * does, then give each vitest worker a fresh copy of them (<base>_w<n>_<subgraph>, see
 * testDbPrefix): files that run at the same time never share a table.
 */
export async function setup(project: TestProject): Promise<void> {
  infra = await ensureInfra();
  // Test workers are forked after this and inherit these variables.
  process.env.DATABASE_URL = infra.databaseUrl;
  process.env.REDIS_URL = infra.redisUrl;
  const base = process.env.CENTAVO_TEST_DB_PREFIX ?? 'centavo_test';
  process.env.DB_NAME_PREFIX = base;
  await generateClients({ onlyMissing: true });
  const urls = Object.fromEntries(SUBGRAPHS.map((n) => [n, databaseUrlFor(n)])) as Record<SubgraphName, string>;
  await migrateAll(urls);
  await cloneForWorkers(infra.databaseUrl, base, Math.max(1, Number(project.config.maxWorkers) || 1));
  // The categorization model's file, trained once here (seconds) unless one fits this code and data:
  // every test process and every system the tests start then reads it instead of training.
  const { datasetModel } = await import('../subgraphs/ai/src/modules/training/model-artifact.js');
  datasetModel();
}

/** CREATE DATABASE ... TEMPLATE copies a database in a moment; the template must have no connections. */
async function cloneForWorkers(serverUrl: string, base: string, workers: number): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    for (const name of SUBGRAPHS) {
      const template = `${base}_${name}`;
      await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [template]);
      for (let worker = 1; worker <= workers; worker++) {
        const copy = `${base}_w${worker}_${name}`;
        await client.query(`DROP DATABASE IF EXISTS "${copy}" WITH (FORCE)`);
        await client.query(`CREATE DATABASE "${copy}" TEMPLATE "${template}" STRATEGY FILE_COPY`);
      }
    }
  } finally {
    await client.end();
  }
}

export async function teardown(): Promise<void> {
  await infra?.stop();
}
