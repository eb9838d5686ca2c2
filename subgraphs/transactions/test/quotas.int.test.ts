import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubgraphServer } from '@centavo/server';
import { codes, graphql, mintToken, ok, testEnv } from '@centavo/testing';
import { loadConfig, startTransactionsSubgraph } from '../src/index.js';

// Two servers with a small quota: the cap must hold across processes, not only within one.
let servers: SubgraphServer[];
beforeAll(async () => {
  servers = await Promise.all([0, 1].map(() => startTransactionsSubgraph(loadConfig(testEnv({ TRANSACTIONS_PORT: '0', MAX_ACCOUNTS_PER_USER: '5' })))));
});
afterAll(() => Promise.all(servers.map((s) => s.stop())));

const CREATE = `mutation ($n: String!) { createAccount(input: { name: $n, type: CASH, currency: "BRL" }) { id } }`;

describe('accounts per user', () => {
  it('never exceed MAX_ACCOUNTS_PER_USER under concurrent creates', async () => {
    const token = await mintToken(randomUUID());
    const results = await Promise.all(Array.from({ length: 14 }, (_, i) => graphql(servers[i % 2]!.url, CREATE, { n: `Conta ${i}` }, token)));
    const created = results.filter((r) => !r.errors);
    const refused = results.filter((r) => r.errors);
    expect(created).toHaveLength(5);
    for (const r of refused) {
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', resource: 'accounts', limit: 5 });
    }
    const { accounts } = await ok<{ accounts: { id: string }[] }>(servers[0]!.url, `{ accounts(includeArchived: true) { id } }`, {}, token);
    expect(accounts).toHaveLength(5);
    // Archiving one frees nothing: archived accounts still count.
    await ok(servers[0]!.url, `mutation ($id: ID!) { updateAccount(id: $id, input: { archived: true }) { id } }`, { id: accounts[0]!.id }, token);
    expect(codes(await graphql(servers[1]!.url, CREATE, { n: 'Mais uma' }, token))).toEqual(['LIMIT_EXCEEDED']);
    // Another user has a quota of their own.
    expect(codes(await graphql(servers[0]!.url, CREATE, { n: 'Outra' }, await mintToken(randomUUID())))).toEqual([]);
  });

  it('allows 100 accounts per user unless configured', () => {
    expect(loadConfig(testEnv()).MAX_ACCOUNTS_PER_USER).toBe(100);
  });
});
