import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubgraphServer } from '@centavo/server';
import { startBudgetSubgraph, loadConfig } from '@centavo/subgraph-budget';
import { testEnv } from '@centavo/testing';
import { eventually } from './testing-wait.js';

/**
 * The machine's PostgreSQL is shared with the other test files, so the subgraph reaches it
 * through a TCP relay of this test's own: closing the relay (and its connections) makes the
 * database unreachable for this subgraph alone, opening it again brings it back.
 */
const pgUrl = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
const sockets = new Set<net.Socket>();
let relay: net.Server;
let relayPort = 0;
let server: SubgraphServer;

function openRelay(): Promise<void> {
  relay = net.createServer((client) => {
    const upstream = net.connect(Number(pgUrl.port || 5432), pgUrl.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve) => relay.listen(relayPort, '127.0.0.1', resolve));
}

function closeRelay(): Promise<void> {
  const closed = new Promise<void>((resolve) => relay.close(() => resolve()));
  for (const s of sockets) s.destroy();
  return closed;
}

beforeAll(async () => {
  await openRelay();
  relayPort = (relay.address() as AddressInfo).port;
  const url = new URL(pgUrl);
  url.host = `127.0.0.1:${relayPort}`;
  url.pathname = `/${testEnv().DB_NAME_PREFIX}_budget`;
  server = await startBudgetSubgraph(loadConfig(testEnv({ BUDGET_PORT: '0', DATABASE_URL_BUDGET: url.toString() })));
});
afterAll(async () => {
  await server?.stop();
  if (relay.listening) await closeRelay();
});

const ready = async () => {
  const res = await fetch(new URL('/ready', server.url));
  return { status: res.status, body: (await res.json()) as { checks: { name: string; ok: boolean }[] } };
};

describe('/ready', () => {
  it('turns 503 while PostgreSQL is unreachable and 200 again when it is back', async () => {
    expect((await ready()).status).toBe(200);
    await closeRelay();
    const down = await eventually(async () => {
      const r = await ready();
      return r.status === 503 ? r : undefined;
    }, 10_000, '/ready 503');
    expect(down.body.checks).toContainEqual(expect.objectContaining({ name: 'postgres', ok: false }));
    expect((await fetch(new URL('/live', server.url))).status).toBe(200);
    await openRelay();
    await eventually(async () => ((await ready()).status === 200 ? true : undefined), 15_000, '/ready 200');
  }, 60_000);
});
