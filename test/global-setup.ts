import { databaseUrlFor, SUBGRAPHS, type SubgraphName } from '@centavo/config';
import { generateClients, migrateAll } from '@centavo/db/cli';
import { ensureInfra, type Infra } from '@centavo/infra';

let infra: Infra | undefined;

/**
 * Once per test run: find or start PostgreSQL and Redis, create the test databases
 * (centavo_test_<subgraph>, or CENTAVO_TEST_DB_PREFIX) and apply the committed migrations, as the start command does.
 */
export async function setup(): Promise<void> {
  infra = await ensureInfra();
  // Test workers are forked after this and inherit these variables.
  process.env.DATABASE_URL = infra.databaseUrl;
  process.env.REDIS_URL = infra.redisUrl;
  process.env.DB_NAME_PREFIX = process.env.CENTAVO_TEST_DB_PREFIX ?? 'centavo_test';
  await generateClients({ onlyMissing: true });
  const urls = Object.fromEntries(SUBGRAPHS.map((n) => [n, databaseUrlFor(n)])) as Record<SubgraphName, string>;
  await migrateAll(urls);
}

export async function teardown(): Promise<void> {
  await infra?.stop();
}
