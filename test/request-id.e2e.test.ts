import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@centavo/logger';
import { ok, registerUser, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';
import { eventually } from './support/wait.js';

// Every log line of the whole system, as parsed JSON.
const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

let system: RunningSystem;
let user: Session;
beforeAll(async () => {
  system = await startSystem({}, { logger: createLogger({ level: 'debug', destination: sink }) });
  user = await registerUser(system.gatewayUrl, 'trace');
}, 60_000);
afterAll(() => system?.stop());

describe('request ids', () => {
  it("follow one request from the gateway into the subgraph and the jobs it caused, and tokens never reach the logs", async () => {
    const { createAccount } = await ok<{ createAccount: { id: string } }>(
      system.gatewayUrl,
      `mutation { createAccount(input: { name: "Logs", type: CHECKING, currency: "BRL" }) { id } }`,
      {},
      user.accessToken,
    );
    const requestId = `req-${Date.now()}`;
    const res = await fetch(system.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.accessToken}`, 'x-request-id': requestId },
      body: JSON.stringify({
        query: `mutation ($a: ID!) { createTransaction(input: { accountId: $a, amount: "-9.90", date: "2026-11-20", description: "NETFLIX.COM" }) { id } }`,
        variables: { a: createAccount.id },
      }),
    });
    expect(res.status).toBe(200);
    const services = await eventually(
      async () => {
        const seen = new Set(lines.filter((l) => l.requestId === requestId).map((l) => String(l.service)));
        return ['gateway', 'transactions', 'budget-worker', 'ai-worker'].every((s) => seen.has(s)) ? seen : undefined;
      },
      15_000,
      'the request id in gateway, subgraph and worker logs',
    );
    expect([...services].sort()).toEqual(expect.arrayContaining(['ai-worker', 'budget-worker', 'gateway', 'transactions']));
    const all = lines.map((l) => JSON.stringify(l)).join('\n');
    expect(all).not.toContain(user.accessToken);
    expect(all).not.toContain(user.refreshToken);
  }, 30_000);
});
