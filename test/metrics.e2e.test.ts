import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, ok, registerUser } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';

let system: RunningSystem;
beforeAll(async () => {
  system = await startSystem({}, { workers: false });
});
afterAll(() => system?.stop());

const scrape = async (graphqlUrl: string) => {
  const res = await fetch(new URL('/metrics', graphqlUrl));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
};

/** The value of one sample, 0 when absent. */
const sample = (text: string, name: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
};

describe('/metrics', () => {
  it('is served in Prometheus text by the gateway and every subgraph', async () => {
    for (const url of [system.gatewayUrl, ...Object.values(system.urls)]) {
      expect(await scrape(url)).toContain('# TYPE http_request_duration_seconds histogram');
    }
  });

  it('counts registrations, transactions by type, operations and errors by code', async () => {
    const before = await scrape(system.gatewayUrl);
    const user = await registerUser(system.gatewayUrl, 'metrics');
    const { createAccount } = await ok<{ createAccount: { id: string } }>(
      system.gatewayUrl,
      `mutation { createAccount(input: { name: "M", type: CHECKING, currency: "BRL" }) { id } }`,
      {},
      user.accessToken,
    );
    await ok(
      system.gatewayUrl,
      `mutation CreateSpend($a: ID!) { createTransaction(input: { accountId: $a, amount: "-5", date: "2026-11-02", description: "Cafe" }) { id } }`,
      { a: createAccount.id },
      user.accessToken,
    );
    await graphql(system.gatewayUrl, `{ accounts { id } }`);
    const after = await scrape(system.gatewayUrl);
    expect(sample(after, 'user_registrations_total') - sample(before, 'user_registrations_total')).toBe(1);
    const expense = 'transactions_created_total{type="expense"}';
    expect(sample(after, expense) - sample(before, expense)).toBe(1);
    const unauthenticated = 'graphql_errors_total{service="gateway",code="UNAUTHENTICATED"}';
    expect(sample(after, unauthenticated) - sample(before, unauthenticated)).toBeGreaterThanOrEqual(1);
    expect(after).toMatch(/graphql_operation_duration_seconds_count\{service="gateway",operation="CreateSpend",type="mutation"\} [1-9]/);
    expect(after).toMatch(/subgraph_fetch_duration_seconds_count\{subgraph="transactions",outcome="ok"\} [1-9]/);
  });
});
