import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrlFor } from '@centavo/config';
import { ALL_QUEUES } from '@centavo/jobs';
import { mintToken, ok, registerUser, testEnv } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';

let system: RunningSystem;
let base: string;
let userToken: string;
let adminToken: string;

const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { accessToken } }`;
const PASSWORD = 'correct horse battery';

/** Grants ADMIN as an operator would, in the auth database, then logs in again for a token carrying it. */
async function adminSession(gatewayUrl: string): Promise<string> {
  const admin = await registerUser(gatewayUrl, 'queue-admin', PASSWORD);
  const client = new pg.Client({ connectionString: databaseUrlFor('auth', testEnv()) });
  await client.connect();
  try {
    const updated = await client.query(`UPDATE users SET roles = ARRAY['USER','ADMIN']::"Role"[] WHERE email = $1`, [admin.email]);
    expect(updated.rowCount).toBe(1);
  } finally {
    await client.end();
  }
  const data = await ok<{ login: { accessToken: string } }>(gatewayUrl, LOGIN, { input: { email: admin.email, password: PASSWORD } });
  return data.login.accessToken;
}

beforeAll(async () => {
  system = await startSystem({}, { workers: false });
  base = new URL('/', system.gatewayUrl).origin;
  userToken = (await registerUser(system.gatewayUrl, 'queue-user')).accessToken;
  adminToken = await adminSession(system.gatewayUrl);
});
afterAll(() => system?.stop());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const errorCode = async (res: Response) => ((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code;

describe('queue dashboard at /admin/queues', () => {
  it('refuses a request without a token (401) or with a bad one (401)', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(401);
      expect(await errorCode(res)).toBe('UNAUTHENTICATED');
    }
    const forged = await fetch(`${base}/admin/queues`, { headers: bearer('not.a.token') });
    expect(forged.status).toBe(401);
    expect(await errorCode(forged)).toBe('UNAUTHENTICATED');
  });

  it('refuses a USER (403)', async () => {
    for (const token of [userToken, await mintToken()]) {
      const res = await fetch(`${base}/admin/queues/api/queues`, { headers: bearer(token) });
      expect(res.status).toBe(403);
      expect(await errorCode(res)).toBe('FORBIDDEN');
    }
  });

  it('serves the board and its API to an ADMIN, over every queue', async () => {
    const page = await fetch(`${base}/admin/queues`, { headers: bearer(adminToken) });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(await page.text()).toContain('/admin/queues');

    const api = await fetch(`${base}/admin/queues/api/queues`, { headers: bearer(adminToken) });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: { name: string }[] };
    expect(body.queues.map((q) => q.name).sort()).toEqual([...ALL_QUEUES].sort());
  });

  it('lets a browser in with the HttpOnly cookie of POST /admin/session (ADMIN only)', async () => {
    expect((await fetch(`${base}/admin/session`, { method: 'POST' })).status).toBe(401);
    const refused = await fetch(`${base}/admin/session`, { method: 'POST', headers: bearer(userToken) });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('set-cookie')).toBeNull();

    const session = await fetch(`${base}/admin/session`, { method: 'POST', headers: bearer(adminToken) });
    expect(session.status).toBe(200);
    const setCookie = session.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^centavo_admin=[^;]+;/);
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/; SameSite=Strict/i);
    expect(setCookie).toMatch(/; Path=\/admin(;|$)/);
    const cookie = setCookie.split(';')[0]!;

    const page = await fetch(`${base}/admin/queues`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    // The page's scripts load as the browser resolves them (against <base href>), with the cookie.
    const html = await page.text();
    const baseHref = /<base href="([^"]+)"/.exec(html)?.[1] ?? '/admin/queues/';
    const script = /<script[^>]+src="([^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(new URL(script!, new URL(baseHref, base)), { headers: { cookie } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    const api = await fetch(`${base}/admin/queues/api/queues`, { headers: { cookie } });
    expect(api.status).toBe(200);

    // The cookie alone cannot open another session, and a bad cookie is no way in.
    expect((await fetch(`${base}/admin/session`, { method: 'POST', headers: { cookie } })).status).toBe(401);
    expect((await fetch(`${base}/admin/queues`, { headers: { cookie: 'centavo_admin=forged' } })).status).toBe(401);

    const logout = await fetch(`${base}/admin/session`, { method: 'DELETE' });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toMatch(/^centavo_admin=;.*Expires=Thu, 01 Jan 1970/i);
  });

  it('is off with QUEUE_DASHBOARD=0', async () => {
    const { loadConfig } = await import('@centavo/gateway');
    expect(loadConfig(testEnv({ QUEUE_DASHBOARD: '0' })).QUEUE_DASHBOARD).toBe(false);
    expect(loadConfig(testEnv()).QUEUE_DASHBOARD).toBe(true);
  });
});
