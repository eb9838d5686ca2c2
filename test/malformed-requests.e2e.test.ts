import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, type RunningSystem } from './support/system.js';

let system: RunningSystem;
beforeAll(async () => {
  system = await startSystem({ BODY_LIMIT: '64kb' }, { workers: false });
});
afterAll(() => system?.stop());

async function post(url: string, body: string, contentType = 'application/json') {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text };
}

/** JSON in the contract's error shape, with no HTML and no stack trace. */
function expectJsonError(res: { status: number; type: string; text: string }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.type).toMatch(/^application\/json/);
  expect(res.text).not.toMatch(/<html|<pre|<!DOCTYPE|\bat .*:\d+:\d+/i);
  const body = JSON.parse(res.text) as { errors: { message: string; extensions: { code: string } }[] };
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0]?.extensions.code).toBe(code);
  expect(typeof body.errors[0]?.message).toBe('string');
}

describe('malformed and oversized requests', () => {
  it('get a JSON 400 BAD_REQUEST from the gateway and from every subgraph', async () => {
    for (const url of [system.gatewayUrl, ...Object.values(system.urls)]) {
      expectJsonError(await post(url, '{"query": "{ me { id } }", '), 400, 'BAD_REQUEST');
      expectJsonError(await post(url, '\u0000'), 400, 'BAD_REQUEST');
    }
  });

  it('get a JSON 413 PAYLOAD_TOO_LARGE over the body limit', async () => {
    expectJsonError(await post(system.gatewayUrl, JSON.stringify({ query: `{ me { id } } #${'x'.repeat(70_000)}` })), 413, 'PAYLOAD_TOO_LARGE');
    // Subgraphs take up to 1mb.
    expectJsonError(await post(system.urls.transactions, JSON.stringify({ query: `#${'x'.repeat(1_100_000)}` })), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answer unknown paths and the admin routes in JSON too', async () => {
    expectJsonError(await post(`${system.gatewayUrl.replace(/\/graphql$/, '')}/nowhere`, '{'), 404, 'NOT_FOUND');
    expectJsonError(await post(`${system.urls.budget.replace(/\/graphql$/, '')}/nowhere`, '{'), 404, 'NOT_FOUND');
    expectJsonError(await post(`${system.gatewayUrl.replace(/\/graphql$/, '')}/admin/session`, '{"broken'), 401, 'UNAUTHENTICATED');
  });
});
