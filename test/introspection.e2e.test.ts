import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, graphql, ok } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';

let system: RunningSystem;
beforeAll(async () => {
  system = await startSystem({}, { workers: false });
});
afterAll(() => system?.stop());

interface Field { name: string; args: { name: string }[]; type: { kind: string; ofType: { name: string } | null } }

describe('introspection over HTTP', () => {
  it('shows the Subscription type the graphql-ws server runs, so Sandbox and code generators see the whole API', async () => {
    const data = await ok<{ __schema: { subscriptionType: { name: string } | null; queryType: { name: string } }; __type: { fields: Field[] } | null }>(
      system.gatewayUrl,
      `{ __schema { subscriptionType { name } queryType { name } } __type(name: "Subscription") { fields { name args { name } type { kind ofType { name } } } } }`,
    );
    expect(data.__schema.subscriptionType).toEqual({ name: 'Subscription' });
    expect(data.__schema.queryType).toEqual({ name: 'Query' });
    const fields = Object.fromEntries(data.__type!.fields.map((f) => [f.name, f]));
    expect(Object.keys(fields).sort()).toEqual(['alertRaised', 'budgetUpdated', 'importProgress', 'transactionCategorized']);
    expect(fields.importProgress!.args.map((a) => a.name)).toEqual(['id']);
    expect(fields.importProgress!.type).toEqual({ kind: 'NON_NULL', ofType: { name: 'ImportJob' } });
  });

  it('still runs every other operation through the gateway, and a subscription over HTTP is refused with a code', async () => {
    const mixed = await graphql(system.gatewayUrl, `{ __typename __schema { queryType { name } } }`);
    expect(mixed.data).toMatchObject({ __typename: 'Query', __schema: { queryType: { name: 'Query' } } });
    const overHttp = await graphql(system.gatewayUrl, `subscription { alertRaised { id } }`);
    expect(codes(overHttp)).toHaveLength(1);
    expect(codes(overHttp)[0]).toEqual(expect.any(String));
  });
});
