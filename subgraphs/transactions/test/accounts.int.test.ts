import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubgraphServer } from '@centavo/server';
import { codes, graphql, mintToken, ok, testEnv } from '@centavo/testing';
import { loadConfig, startTransactionsSubgraph } from '../src/index.js';

let server: SubgraphServer;
beforeAll(async () => {
  server = await startTransactionsSubgraph(loadConfig(testEnv({ TRANSACTIONS_PORT: '0' })));
});
afterAll(() => server?.stop());

describe('transactions subgraph against PostgreSQL', () => {
  it('stores accounts per user and resolves Account references only for their owner', async () => {
    const [owner, other] = [randomUUID(), randomUUID()];
    const [ownerToken, otherToken] = await Promise.all([mintToken(owner), mintToken(other)]);
    const { createAccount } = await ok<{ createAccount: { id: string; balance: { amount: string } } }>(
      server.url,
      `mutation { createAccount(input: { name: "Conta", type: CHECKING, currency: "BHD", openingBalance: "1.005" }) { id balance { amount } } }`,
      {},
      ownerToken,
    );
    expect(createAccount.balance.amount).toBe('1.005');
    const entities = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Account { id name owner { id } } } }`;
    const r = [{ __typename: 'Account', id: createAccount.id }, { __typename: 'Account', id: 'nope' }];
    expect(await ok(server.url, entities, { r }, ownerToken)).toEqual({
      _entities: [{ id: createAccount.id, name: 'Conta', owner: { id: owner } }, null],
    });
    expect(await ok(server.url, entities, { r }, otherToken)).toEqual({ _entities: [null, null] });
    expect(codes(await graphql(server.url, `{ accounts { id } }`))).toEqual(['UNAUTHENTICATED']);
  });
});
