import { generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPrivateKey, keyIdOf, resolveKeyPems, signAccessToken } from '@centavo/auth-tokens';
import { codes, graphql, mintToken, ok, registerUser, testEnv } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';

const pair = () =>
  generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });

let system: RunningSystem;
let url: string;
const next = pair();
// The test key pair (what mintToken signs with) plays the key being rotated out.
const previous = resolveKeyPems({ keyDir: testEnv().JWT_KEY_DIR!, generate: true });

beforeAll(async () => {
  system = await startSystem(
    // As an environment would hold them: one line, "\n" escapes.
    { JWT_PUBLIC_KEY: next.publicKey, JWT_PRIVATE_KEY: next.privateKey, JWT_PREVIOUS_PUBLIC_KEY: previous.publicKeyPem.replace(/\n/g, '\\n') },
    { workers: false },
  );
  url = system.gatewayUrl;
});
afterAll(() => system?.stop());

describe("rotation of Centavo's own signing key", () => {
  it('signs with the new key, still accepts the previous one, and publishes both', async () => {
    const res = await fetch(new URL('/.well-known/jwks.json', url));
    const jwks = (await res.json()) as JSONWebKeySet;
    expect(jwks.keys.map((k) => k.kid)).toEqual([await keyIdOf(next.publicKey), await keyIdOf(previous.publicKeyPem)]);

    // New tokens: the new key's kid, and they verify against the published set.
    const ana = await registerUser(url, 'ana');
    expect(decodeProtectedHeader(ana.accessToken).kid).toBe(jwks.keys[0]!.kid);
    expect((await jwtVerify(ana.accessToken, createLocalJWKSet(jwks), { issuer: 'centavo-auth', audience: 'centavo' })).payload.sub).toBe(ana.id);

    // A token of the previous key keeps working, at the gateway and in the subgraphs, until it expires.
    expect(await ok(url, `{ accounts { id } }`, {}, await mintToken())).toEqual({ accounts: [] });
    // A key that is neither is refused.
    const stranger = await signAccessToken(await importPrivateKey(pair().privateKey), { userId: ana.id, roles: ['USER'] }, 60);
    expect(codes(await graphql(url, `{ accounts { id } }`, {}, stranger.token))).toEqual(['UNAUTHENTICATED']);
  });
});
