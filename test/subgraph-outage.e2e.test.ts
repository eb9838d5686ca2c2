import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, ok, registerUser, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';
import { eventually } from './support/wait.js';

let system: RunningSystem;
let user: Session;
let transactionId: string;
beforeAll(async () => {
  // Short breaker cooldown so the test sees recovery quickly.
  system = await startSystem({ SUBGRAPH_BREAKER_COOLDOWN_MS: '300', SUBGRAPH_BREAKER_FAILURES: '2' }, { workers: false });
  user = await registerUser(system.gatewayUrl, 'outage');
  const { createAccount } = await ok<{ createAccount: { id: string } }>(
    system.gatewayUrl,
    `mutation { createAccount(input: { name: "A", type: CHECKING, currency: "BRL" }) { id } }`,
    {},
    user.accessToken,
  );
  const { createTransaction } = await ok<{ createTransaction: { id: string } }>(
    system.gatewayUrl,
    `mutation ($a: ID!) { createTransaction(input: { accountId: $a, amount: "-5", date: "2026-11-02", description: "Cafe" }) { id } }`,
    { a: createAccount.id },
    user.accessToken,
  );
  transactionId = createTransaction.id;
});
afterAll(() => system?.stop());

// `categorization` comes from the ai subgraph; everything else from transactions.
const QUERY = `query ($id: ID!) { transaction(id: $id) { id description categorization { source } } }`;

describe('a stopped subgraph', () => {
  it('fails fast for its own fields while the others resolve, and service resumes by itself', async () => {
    await system.aiSubgraph.stop();
    const started = Date.now();
    const res = await graphql<{ transaction: { description: string; categorization: unknown } }>(system.gatewayUrl, QUERY, { id: transactionId }, user.accessToken);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.data?.transaction).toMatchObject({ description: 'Cafe', categorization: null });
    expect(res.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');

    await system.aiSubgraph.start();
    const back = await eventually(async () => {
      const again = await graphql(system.gatewayUrl, QUERY, { id: transactionId }, user.accessToken);
      return again.errors ? undefined : again;
    }, 10_000, 'the ai subgraph back');
    expect(back.data).toEqual({ transaction: { id: transactionId, description: 'Cafe', categorization: null } });
  });
});
