import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubgraphServer } from '@centavo/server';
import { startBudgetSubgraph, loadConfig } from '@centavo/subgraph-budget';
import { testEnv } from '@centavo/testing';
import { postgresRelay } from './support/tcp-relay.js';
import { eventually } from './support/wait.js';

/**
 * The machine's PostgreSQL is shared with the other test files, so the subgraph reaches it
 * through a TCP relay of this test's own: cutting the relay (and its connections) makes the
 * database unreachable for this subgraph alone, restoring it brings it back.
 */
const relay = postgresRelay();
let server: SubgraphServer;

beforeAll(async () => {
  await relay.restore();
  const url = new URL(relay.urlFor(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres'));
  url.pathname = `/${testEnv().DB_NAME_PREFIX}_budget`;
  server = await startBudgetSubgraph(loadConfig(testEnv({ BUDGET_PORT: '0', DATABASE_URL_BUDGET: url.toString() })));
});
afterAll(async () => {
  await server?.stop();
  await relay.cut();
});

const ready = async () => {
  const res = await fetch(new URL('/ready', server.url));
  return { status: res.status, body: (await res.json()) as { checks: { name: string; ok: boolean }[] } };
};

describe('/ready', () => {
  it('turns 503 while PostgreSQL is unreachable and 200 again when it is back', async () => {
    expect((await ready()).status).toBe(200);
    await relay.cut();
    const down = await eventually(async () => {
      const r = await ready();
      return r.status === 503 ? r : undefined;
    }, 10_000, '/ready 503');
    expect(down.body.checks).toContainEqual(expect.objectContaining({ name: 'postgres', ok: false }));
    expect((await fetch(new URL('/live', server.url))).status).toBe(200);
    await relay.restore();
    await eventually(async () => ((await ready()).status === 200 ? true : undefined), 15_000, '/ready 200');
  }, 60_000);
});
