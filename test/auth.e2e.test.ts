import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, graphql, ok, registerUser, uniqueEmail } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';

let system: RunningSystem;
let url: string;
beforeAll(async () => {
  // No workers: this file tests the API itself, and background events would only add noise.
  system = await startSystem({}, { workers: false });
  url = system.gatewayUrl;
});
afterAll(() => system?.stop());

const REGISTER = `mutation ($input: RegisterInput!) {
  register(input: $input) { accessToken refreshToken expiresAt user { id email name roles createdAt } }
}`;
const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { accessToken refreshToken user { id } } }`;
const REFRESH = `mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken user { id } } }`;
const ME = `{ me { id email name roles } }`;

describe('auth through the gateway', () => {
  it('register → login → me → refresh rotation with reuse detection → logout', async () => {
    const email = uniqueEmail('ana');
    const reg = await ok<{ register: { accessToken: string; expiresAt: string; user: { id: string; email: string; roles: string[] } } }>(
      url,
      REGISTER,
      { input: { email: email.toUpperCase(), password: 's3cret-pass', name: ' Ana  Souza ' } },
    );
    expect(reg.register.user).toMatchObject({ email, roles: ['USER'] });
    const ttl = new Date(reg.register.expiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000);

    const login = await ok<{ login: { accessToken: string; refreshToken: string; user: { id: string } } }>(url, LOGIN, {
      input: { email: `  ${email.toUpperCase()} `, password: 's3cret-pass' },
    });
    expect(login.login.user.id).toBe(reg.register.user.id);

    const me = await ok<{ me: { id: string; email: string; name: string } }>(url, ME, {}, login.login.accessToken);
    expect(me.me).toMatchObject({ id: reg.register.user.id, email, name: 'Ana Souza' });

    const first = await ok<{ refreshToken: { accessToken: string; refreshToken: string } }>(url, REFRESH, {
      t: login.login.refreshToken,
    });
    expect(first.refreshToken.refreshToken).not.toBe(login.login.refreshToken);
    expect((await ok<{ me: { id: string } }>(url, ME, {}, first.refreshToken.accessToken)).me.id).toBe(reg.register.user.id);

    // The old refresh token no longer works, and presenting it revokes the new one too.
    expect(codes(await graphql(url, REFRESH, { t: login.login.refreshToken }))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await graphql(url, REFRESH, { t: first.refreshToken.refreshToken }))).toEqual(['UNAUTHENTICATED']);

    // Logout: the access token stops working at once.
    const again = await ok<{ login: { accessToken: string; refreshToken: string } }>(url, LOGIN, {
      input: { email, password: 's3cret-pass' },
    });
    expect(await ok(url, `mutation ($t: String) { logout(refreshToken: $t) }`, { t: again.login.refreshToken }, again.login.accessToken)).toEqual({ logout: true });
    const after = await graphql(url, ME, {}, again.login.accessToken);
    expect(codes(after)).toEqual(['UNAUTHENTICATED']);
    expect(after.status).toBe(401);
    // ... and so does the refresh token handed to logout.
    expect(codes(await graphql(url, REFRESH, { t: again.login.refreshToken }))).toEqual(['UNAUTHENTICATED']);
    // Other sessions of the same user are untouched.
    expect((await ok<{ me: { id: string } }>(url, ME, {}, login.login.accessToken)).me.id).toBe(reg.register.user.id);
  });

  it('validates registration input and naming the field', async () => {
    const short = await graphql(url, REGISTER, { input: { email: uniqueEmail(), password: 'short', name: 'X' } });
    expect(short.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    const bad = await graphql(url, REGISTER, { input: { email: 'not-an-email', password: 'long enough', name: 'X' } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
  });

  it('refuses a second registration of the same email, whatever its case', async () => {
    const email = uniqueEmail('dup');
    await ok(url, REGISTER, { input: { email, password: 'long enough', name: 'A' } });
    const second = await graphql(url, REGISTER, { input: { email: email.toUpperCase(), password: 'other pass', name: 'B' } });
    expect(second.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'email' });
  });

  it('gives one generic error for an unknown email and for a wrong password', async () => {
    const user = await registerUser(url, 'login');
    const wrong = await graphql(url, LOGIN, { input: { email: user.email, password: 'wrong password' } });
    const unknown = await graphql(url, LOGIN, { input: { email: uniqueEmail('nobody'), password: 'wrong password' } });
    expect(codes(wrong)).toEqual(['UNAUTHENTICATED']);
    expect(codes(unknown)).toEqual(['UNAUTHENTICATED']);
    expect(wrong.errors?.[0]?.message).toBe(unknown.errors?.[0]?.message);
  });

  it('lets one of two concurrent refreshes of the same token win and revokes the family', async () => {
    const user = await registerUser(url, 'race');
    const results = await Promise.all([graphql(url, REFRESH, { t: user.refreshToken }), graphql(url, REFRESH, { t: user.refreshToken })]);
    const winners = results.filter((r) => !r.errors);
    expect(winners.length).toBeLessThanOrEqual(1);
    expect(results.some((r) => codes(r)[0] === 'UNAUTHENTICATED')).toBe(true);
  });

  it('requires a token for everything but register, login and refreshToken', async () => {
    for (const query of ['{ me { id } }', '{ accounts { id } }', '{ categories { id } }', '{ rules { id } }']) {
      expect(codes(await graphql(url, query)), query).toEqual(['UNAUTHENTICATED']);
    }
    const garbage = await graphql(url, ME, {}, 'not.a.token');
    expect(codes(garbage)).toEqual(['UNAUTHENTICATED']);
  });
});
