import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDomainError } from '@centavo/errors';
import { BudgetCategories } from './index.js';

// A real HTTP peer standing in for the budget subgraph, whose behaviour each test sets.
let mode: 'hang' | 'fail' = 'fail';
const server = http.createServer((_req, res) => {
  if (mode === 'hang') return;
  res.writeHead(503, { 'content-type': 'application/json' }).end('{"errors":[{"message":"down"}]}');
});
let url = '';
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const caller = { id: 'u1', token: 't' };
const codeOf = (error: unknown) => (isDomainError(error) ? error.code : String(error));

describe('the budget domain unavailable', () => {
  it('is SERVICE_UNAVAILABLE when it answers 5xx, does not answer in time, or is not there', async () => {
    mode = 'fail';
    expect(codeOf(await new BudgetCategories(url).find(caller, 'c1').catch((e: unknown) => e))).toBe('SERVICE_UNAVAILABLE');
    mode = 'hang';
    expect(codeOf(await new BudgetCategories(url, { timeoutMs: 200 }).find(caller, 'c1').catch((e: unknown) => e))).toBe('SERVICE_UNAVAILABLE');
    expect(codeOf(await new BudgetCategories('http://127.0.0.1:1/graphql').find(caller, 'c1').catch((e: unknown) => e))).toBe('SERVICE_UNAVAILABLE');
  });
});
