import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPrivateKey, signAccessToken } from '@centavo/auth-tokens';
import { codes, graphql, registerUser, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';

let system: RunningSystem;
let user: Session;
beforeAll(async () => {
  // No workers: this file tests the API itself, and background events would only add noise.
  system = await startSystem({}, { workers: false });
  user = await registerUser(system.gatewayUrl, 'direct');
});
afterAll(() => system?.stop());

const QUERIES = {
  auth: '{ me { id } }',
  transactions: '{ accounts { id } }',
  budget: '{ categories { id } }',
  ai: '{ rules { id } }',
} as const;

const ENTITY = {
  auth: 'User',
  transactions: 'Account',
  budget: 'Category',
  ai: 'Rule',
} as const;

describe("a subgraph's own URL is no open door", () => {
  it('rejects queries without a token', async () => {
    for (const [name, query] of Object.entries(QUERIES)) {
      const res = await graphql(system.urls[name as keyof typeof QUERIES], query);
      expect(codes(res), name).toEqual(['UNAUTHENTICATED']);
    }
  });

  it('rejects entity lookups without a token', async () => {
    for (const [name, typename] of Object.entries(ENTITY)) {
      const res = await graphql(
        system.urls[name as keyof typeof ENTITY],
        `query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }`,
        { r: [{ __typename: typename, id: user.id }] },
      );
      expect(codes(res), name).toEqual(['UNAUTHENTICATED']);
    }
  });

  it('rejects a token signed by any other key', async () => {
    const { privateKey } = generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const forged = await signAccessToken(await importPrivateKey(privateKey), { userId: user.id, roles: ['ADMIN'] }, 600);
    for (const [name, query] of Object.entries(QUERIES)) {
      const res = await graphql(system.urls[name as keyof typeof QUERIES], query, {}, forged.token);
      expect(codes(res), name).toEqual(['UNAUTHENTICATED']);
      expect(res.status, name).toBe(401);
    }
  });

  it('rejects a logged-out token on every subgraph', async () => {
    const session = await registerUser(system.gatewayUrl, 'logout');
    const before = await graphql(system.urls.transactions, QUERIES.transactions, {}, session.accessToken);
    expect(before.errors).toBeUndefined();
    await graphql(system.gatewayUrl, 'mutation { logout }', {}, session.accessToken);
    for (const [name, query] of Object.entries(QUERIES)) {
      expect(codes(await graphql(system.urls[name as keyof typeof QUERIES], query, {}, session.accessToken)), name).toEqual(['UNAUTHENTICATED']);
    }
  });
});
