import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubgraphServer } from '@centavo/server';
import { codes, graphql, mintToken, ok, testEnv, uniqueEmail } from '@centavo/testing';
import { loadConfig, startAuthSubgraph } from '../src/index.js';

let server: SubgraphServer;
beforeAll(async () => {
  server = await startAuthSubgraph(loadConfig(testEnv({ AUTH_PORT: '0', ACCESS_TOKEN_TTL_SECONDS: '120' })));
});
afterAll(() => server?.stop());

describe('auth subgraph against PostgreSQL and Redis', () => {
  it('issues tokens with the configured lifetime that the subgraph itself accepts', async () => {
    const { register } = await ok<{ register: { accessToken: string; expiresAt: string; user: { id: string } } }>(
      server.url,
      `mutation ($e: String!) { register(input: { email: $e, password: "long enough", name: "Int" }) { accessToken expiresAt user { id } } }`,
      { e: uniqueEmail('int') },
    );
    const ttl = new Date(register.expiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(100_000);
    expect(ttl).toBeLessThanOrEqual(120_000);
    expect(await ok(server.url, `{ me { id } }`, {}, register.accessToken)).toEqual({ me: { id: register.user.id } });
  });

  it("resolves a User reference for its owner only", async () => {
    const { register } = await ok<{ register: { accessToken: string; user: { id: string } } }>(
      server.url,
      `mutation ($e: String!) { register(input: { email: $e, password: "long enough", name: "Ref" }) { accessToken user { id } } }`,
      { e: uniqueEmail('ref') },
    );
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id name } } }`;
    const r = [{ __typename: 'User', id: register.user.id }];
    expect(await ok(server.url, query, { r }, register.accessToken)).toEqual({ _entities: [{ id: register.user.id, name: 'Ref' }] });
    expect(await ok(server.url, query, { r }, await mintToken())).toEqual({ _entities: [null] });
    expect(codes(await graphql(server.url, query, { r }))).toEqual(['UNAUTHENTICATED']);
  });
});
