import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerUser } from '@centavo/testing';
import { startSystem, type RunningSystem } from '../support/system.js';
import { codesOf, deepTransactions, expectAlive, expectClean, expectRefused, gql, send, tally } from './harness.js';

/** Hostile documents and malformed requests: every limit holds however the operation is written. */
let system: RunningSystem;
let url: string;
let token: string;

beforeAll(async () => {
  system = await startSystem({ MAX_QUERY_DEPTH: '8', MAX_QUERY_COST: '2000', MAX_ALIASES: '10', MAX_QUERY_TOKENS: '1000' }, { workers: false });
  url = system.gatewayUrl;
  token = (await registerUser(url, 'hostile-docs')).accessToken;
});
afterAll(() => system?.stop());
afterEach(() => expectAlive(url));

const fragmentChain = (depth: number) => {
  const fragments = Array.from({ length: depth }, (_, i) =>
    i === depth - 1 ? `fragment F${i} on Transaction { id }` : `fragment F${i} on Transaction { transferPeer { ...F${i + 1} } }`,
  );
  return `{ transactions(first: 1) { edges { node { ...F0 } } } } ${fragments.join(' ')}`;
};

describe('hostile documents', () => {
  it('refuses a deep query', async () => expectRefused(await gql(url, deepTransactions(12), {}, token), 'QUERY_TOO_DEEP'));

  it('refuses depth hidden in a chain of named fragments', async () => expectRefused(await gql(url, fragmentChain(12), {}, token), 'QUERY_TOO_DEEP'));

  it('refuses depth hidden in inline fragments', async () => {
    let inner = 'id';
    for (let i = 0; i < 12; i++) inner = `... on Transaction { transferPeer { ${inner} } }`;
    expectRefused(await gql(url, `{ transactions(first: 1) { edges { node { ${inner} } } } }`, {}, token), 'QUERY_TOO_DEEP');
  });

  it('refuses 2,000 nested braces before parsing, without a token', async () => {
    const a = await send(url, { query: `${'{ a '.repeat(2000)}${'}'.repeat(2000)}` });
    expectClean(a);
    expect(a.status).toBe(400);
    expect(codesOf(a)[0]).toMatch(/QUERY_TOO_DEEP|TOO_MANY_TOKENS/);
  });

  it('refuses a costly query', async () => {
    const q = '{ transactions(first: 200) { edges { node { account { transactions(first: 200) { edges { node { id } } } } } } } }';
    expectRefused(await gql(url, q, {}, token), 'QUERY_TOO_COMPLEX');
  });

  it('refuses a costly query whose page sizes come in variables', async () => {
    const q = 'query ($n: Int!) { transactions(first: $n) { edges { node { account { transactions(first: $n) { edges { node { id } } } } } } } }';
    expectRefused(await gql(url, q, { n: 200 }, token), 'QUERY_TOO_COMPLEX');
  });

  it('refuses too many aliases', async () => {
    const q = `{ ${Array.from({ length: 11 }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    expectRefused(await gql(url, q, {}, token), 'TOO_MANY_ALIASES');
  });

  it('refuses too many tokens', async () => expectRefused(await gql(url, `{ ${'me { id } '.repeat(300)} }`, {}, token), 'TOO_MANY_TOKENS'));

  it('refuses a 900 KB unauthenticated query quickly', async () => {
    const a = await send(url, { query: `{ ${'__typename '.repeat(80_000)} }` });
    expectRefused(a, 'TOO_MANY_TOKENS');
    expect(a.ms).toBeLessThan(1_500);
  });

  it('answers a query padded with 900 KB of comments', async () => {
    expectClean(await send(url, { query: `# ${'x'.repeat(900_000)}\n{ __typename }` }));
  });

  it('refuses a body over the size limit as JSON with HTTP 413', async () => {
    const a = await send(url, { query: '{ __typename }', variables: { pad: 'x'.repeat(1_200_000) } });
    expectClean(a);
    expect(a.status).toBe(413);
  });

  it('refuses malformed JSON as JSON, without a stack', async () => {
    const a = await send(url, '{"query": "{ __typename }",');
    expectRefused(a, 'BAD_REQUEST');
    expect(a.status).toBe(400);
  });

  it('refuses a batched (array) body', async () => {
    const a = await send(url, [{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expectClean(a);
    expect(a.status).toBe(400);
  });

  it('refuses an empty body', async () => {
    const a = await send(url, '');
    expectClean(a);
    expect(a.status).toBe(400);
  });

  it('refuses a query that is not a string', async () => {
    const a = await send(url, { query: 12345 });
    expectClean(a);
    expect(a.status).toBe(400);
  });

  it('refuses variables that are not an object', async () => {
    const a = await send(url, { query: 'query ($x: String) { __typename }', variables: 'x' });
    expectClean(a);
    expect(a.status).toBe(400);
  });

  it('refuses an unknown operation name', async () => {
    const a = await send(url, { query: 'query A { __typename } query B { __typename }', operationName: 'C' });
    expectClean(a);
    expect(a.status).toBe(400);
  });

  it('refuses two anonymous operations', async () => {
    const a = await send(url, { query: '{ __typename } { __typename }' });
    expectClean(a);
    expect(a.status).toBe(400);
  });

  it('refuses a mutation sent with GET', async () => {
    const q = encodeURIComponent('mutation { logout }');
    const a = await send(`${url}?query=${q}`, undefined, { 'apollo-require-preflight': '1' }, 'GET');
    expectClean(a);
    expect(a.status).toBeGreaterThanOrEqual(400);
  });

  it('refuses a simple (CSRF-able) text/plain POST', async () => {
    const a = await send(url, JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'text/plain' });
    expectClean(a);
    expect(a.status).toBe(400);
  });

  it('reports a syntax error as GRAPHQL_PARSE_FAILED', async () => expectRefused(await gql(url, '{ me { id ', {}, token), 'GRAPHQL_PARSE_FAILED'));

  it('reports an unknown field as GRAPHQL_VALIDATION_FAILED', async () => expectRefused(await gql(url, '{ me { password } }', {}, token), 'GRAPHQL_VALIDATION_FAILED'));

  it('reports a variable of the wrong type as BAD_USER_INPUT', async () => {
    expectRefused(await gql(url, 'query ($f: TransactionFilter) { transactions(filter: $f) { totalCount } }', { f: { from: { not: 'a date' } } }, token), 'BAD_USER_INPUT');
  });

  it('survives variables nested 10,000 levels deep', async () => {
    // Written out by hand: JSON.stringify itself overflows the stack on this.
    const deep = `${'['.repeat(10_000)}"x"${']'.repeat(10_000)}`;
    const body = `{"query":"query ($f: TransactionFilter) { transactions(filter: $f) { totalCount } }","variables":{"f":{"search":${deep}}}}`;
    expectClean(await send(url, body, { authorization: `Bearer ${token}` }));
  });

  it('survives 20,000 unused variables', async () => {
    const variables = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`v${i}`, i]));
    expectClean(await gql(url, '{ __typename }', variables, token));
  });

  it('bounds a deep introspection query', async () => {
    let inner = 'name';
    for (let i = 0; i < 10; i++) inner = `fields { type { ${inner} } }`;
    const a = await gql(url, `{ __schema { types { ${inner} } } }`, {}, token);
    expectClean(a);
    expect(a.ms).toBeLessThan(2_000);
  });

  it('has answered every hostile document without a 5xx or an internal error', () => {
    expect(tally.requests).toBeGreaterThan(25);
    expect(tally).toMatchObject({ serverErrors: 0, internalErrors: 0 });
  });
});
