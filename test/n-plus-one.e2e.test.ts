import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlStatementCount } from '@centavo/db';
import { ok, registerUser, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';

let system: RunningSystem;
let user: Session;

beforeAll(async () => {
  // No workers: this file tests the API itself, and background events would only add noise.
  // No response cache: it counts the statements of each (repeated) query.
  system = await startSystem({ RESPONSE_CACHE: '0' }, { workers: false });
  user = await registerUser(system.gatewayUrl, 'batch');
  const { categories } = await ok<{ categories: { id: string }[] }>(system.gatewayUrl, `{ categories { id } }`, {}, user.accessToken);
  const accounts: string[] = [];
  for (const name of ['A', 'B', 'C', 'D']) {
    const { createAccount } = await ok<{ createAccount: { id: string } }>(
      system.gatewayUrl,
      `mutation ($n: String!) { createAccount(input: { name: $n, type: CHECKING, currency: "BRL" }) { id } }`,
      { n: name },
      user.accessToken,
    );
    accounts.push(createAccount.id);
  }
  for (let batch = 0; batch < 10; batch++) {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        ok(
          system.gatewayUrl,
          `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
          {
            i: {
              accountId: accounts[(batch + i) % accounts.length],
              amount: `-${batch * 10 + i + 1}.00`,
              date: `2026-11-${String((i % 28) + 1).padStart(2, '0')}`,
              description: `Purchase ${batch * 10 + i}`,
              categoryId: categories[(batch * 10 + i) % categories.length]!.id,
            },
          },
          user.accessToken,
        ),
      ),
    );
  }
});
afterAll(() => system?.stop());

const PAGE = `query ($first: Int) {
  transactions(first: $first) {
    edges { node { id amount { amount } category { slug name } account { name balance { amount } owner { email } } transferPeer { id } } }
  }
}`;

async function statementsFor(first: number): Promise<number> {
  const before = sqlStatementCount();
  const data = await ok<{ transactions: { edges: unknown[] } }>(system.gatewayUrl, PAGE, { first }, user.accessToken);
  expect(data.transactions.edges).toHaveLength(first);
  return sqlStatementCount() - before;
}

describe('no N+1 through the gateway', () => {
  it('a page of 100 transactions with account, category and owner costs as many statements as a page of 5', async () => {
    await statementsFor(5); // warm-up: the first request of a process may load more
    const small = await statementsFor(5);
    const large = await statementsFor(100);
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(8);
  });
});
