import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubgraphServer } from '@centavo/server';
import { codes, deleteRedisKeys, graphql, ok, testEnv, uniqueEmail } from '@centavo/testing';
import { createPrisma, type AuthPrisma } from '../src/db.js';
import { loadConfig, startAuthSubgraph } from '../src/index.js';

const config = loadConfig(testEnv({ AUTH_PORT: '0', REDIS_PREFIX: `centavo-test-refresh-${randomUUID().slice(0, 8)}:` }));
let server: SubgraphServer;
let prisma: AuthPrisma;
beforeAll(async () => {
  server = await startAuthSubgraph(config);
  prisma = createPrisma(config.databaseUrl, false);
});
afterAll(async () => {
  await server?.stop();
  await prisma?.$disconnect();
  await deleteRedisKeys(config.REDIS_URL, config.REDIS_PREFIX);
});

const REFRESH = `mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }`;
const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

async function login(): Promise<{ accessToken: string; refreshToken: string }> {
  const { register } = await ok<{ register: { accessToken: string; refreshToken: string } }>(
    server.url,
    `mutation ($e: String!) { register(input: { email: $e, password: "long enough", name: "Race" }) { accessToken refreshToken } }`,
    { e: uniqueEmail('race') },
  );
  return register;
}

describe('one refresh token presented concurrently', () => {
  it('lets at most one of 20 through and leaves every token of the family revoked', async () => {
    // Several rounds: a lucky interleaving must not hide a surviving token.
    for (let round = 0; round < 4; round += 1) {
      const { refreshToken } = await login();
      const family = (await prisma.refreshToken.findUniqueOrThrow({ where: { tokenHash: sha256(refreshToken) } })).familyId;
      const results = await Promise.all(Array.from({ length: 20 }, () => graphql<{ refreshToken: { refreshToken: string } }>(server.url, REFRESH, { t: refreshToken })));
      const winners = results.filter((r) => !r.errors);
      expect(winners.length).toBeLessThanOrEqual(1);
      for (const loser of results.filter((r) => r.errors)) expect(codes(loser)).toEqual(['UNAUTHENTICATED']);

      // A reuse was seen, so the family is gone, including what the winner got.
      expect(await prisma.refreshToken.count({ where: { familyId: family, revokedAt: null } })).toBe(0);
      for (const winner of winners) {
        expect(codes(await graphql(server.url, REFRESH, { t: winner.data!.refreshToken.refreshToken }))).toEqual(['UNAUTHENTICATED']);
      }
    }
  });

  it('still rotates a token used once, and revokes the family on its reuse', async () => {
    const first = await login();
    const { refreshToken: second } = await ok<{ refreshToken: { refreshToken: string } }>(server.url, REFRESH, { t: first.refreshToken });
    const { refreshToken: third } = await ok<{ refreshToken: { refreshToken: string } }>(server.url, REFRESH, { t: second.refreshToken });
    expect(codes(await graphql(server.url, REFRESH, { t: first.refreshToken }))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await graphql(server.url, REFRESH, { t: third.refreshToken }))).toEqual(['UNAUTHENTICATED']);
  });

  it('revokes, at logout, a token issued by a refresh racing with it', async () => {
    for (let round = 0; round < 3; round += 1) {
      const { accessToken, refreshToken } = await login();
      const family = (await prisma.refreshToken.findUniqueOrThrow({ where: { tokenHash: sha256(refreshToken) } })).familyId;
      await Promise.all([
        graphql(server.url, REFRESH, { t: refreshToken }),
        graphql(server.url, `mutation ($t: String) { logout(refreshToken: $t) }`, { t: refreshToken }, accessToken),
      ]);
      expect(await prisma.refreshToken.count({ where: { familyId: family, revokedAt: null } })).toBe(0);
    }
  });
});
