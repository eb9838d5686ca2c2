import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, type RunningSystem } from './support/system.js';

/**
 * Per-IP limits behind a load balancer: with TRUST_PROXY the caller's address comes from the
 * proxy's X-Forwarded-For; without it the header is ignored, so a client cannot pick a new
 * address for every request.
 */
const LIMIT = 3;
let trusting: RunningSystem;
let plain: RunningSystem;

beforeAll(async () => {
  [trusting, plain] = await Promise.all([
    startSystem({ IP_RATE_LIMIT_PER_MINUTE: String(LIMIT), TRUST_PROXY: 'loopback' }, { workers: false }),
    startSystem({ IP_RATE_LIMIT_PER_MINUTE: String(LIMIT) }, { workers: false }),
  ]);
});
afterAll(() => Promise.all([trusting?.stop(), plain?.stop()]));

const statuses = (url: string, forwardedFor: (i: number) => string, n: number) =>
  Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor(i) }, body: '{"query":"{ __typename }"}' });
      await res.body?.cancel();
      return res.status;
    }),
  );

describe('TRUST_PROXY', () => {
  it("meters each client behind a trusted proxy by the address the proxy reports", async () => {
    const first = await statuses(trusting.gatewayUrl, () => '203.0.113.1', LIMIT + 1);
    expect(first.filter((s) => s === 429)).toHaveLength(1);
    expect(await statuses(trusting.gatewayUrl, () => '203.0.113.2', 1)).toEqual([200]);
  });

  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    const spoofed = await statuses(plain.gatewayUrl, (i) => `198.51.100.${i + 1}`, LIMIT + 1);
    expect(spoofed.filter((s) => s === 429)).toHaveLength(1);
  });
});
