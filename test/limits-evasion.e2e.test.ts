import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, uniqueEmail, type GraphQLResponse, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';

// The limits as a security review attacked them: the same operation written another way, huge or
// garbage bodies, and subgraphs reached directly. Size limits keep their defaults here.
let system: RunningSystem;
let victim: Session;
const LIMIT = 3;
beforeAll(async () => {
  system = await startSystem(
    { LOGIN_RATE_LIMIT_PER_MINUTE: String(LIMIT), REGISTER_RATE_LIMIT_PER_MINUTE: String(LIMIT), IP_RATE_LIMIT_PER_MINUTE: '10' },
    { workers: false },
  );
  victim = await registerUser(system.gatewayUrl, 'victim');
});
afterAll(() => system?.stop());

type Reply = GraphQLResponse & { status: number; retryAfter: string | undefined; ms: number };

// Counters are per address: every case sends from a loopback address of its own (127.0.0.0/8).
let lastAddress = 10;
const nextAddress = () => `127.0.0.${++lastAddress}`;

/** POSTs a raw body to `url` from the loopback address `from`. */
function post(url: string, from: string, body: string, headers: Record<string, string> = {}): Promise<Reply> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', localAddress: from, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        const parsed = (() => {
          try {
            return JSON.parse(text) as GraphQLResponse;
          } catch {
            return { errors: [{ message: text, extensions: { code: 'NOT_JSON' } }] };
          }
        })();
        const retryAfter = res.headers['retry-after'];
        resolve({ ...parsed, status: res.statusCode ?? 0, retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined, ms: Date.now() - started });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const send = (from: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  post(system.gatewayUrl, from, JSON.stringify({ query, variables }), headers);
const codesOf = (res: GraphQLResponse) => (res.errors ?? []).map((e) => e.extensions?.code);

/** Counters live in one-minute windows: a case that straddles two is run again. */
async function inOneWindow(run: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const window = Math.floor(Date.now() / 60_000);
    try {
      await run();
      return;
    } catch (error) {
      if (attempt > 0 || Math.floor(Date.now() / 60_000) === window) throw error;
    }
  }
}

const input = (email: string, password = 'wrong password') => `input: { email: ${JSON.stringify(email)}, password: ${JSON.stringify(password)} }`;

// Each form runs one login attempt (or two, for aliases) with the email it is given.
const LOGIN_FORMS: Record<string, (email: string) => { query: string; variables?: Record<string, unknown>; attempts: number }> = {
  'a named fragment': (email) => ({ query: `mutation { ...Try } fragment Try on Mutation { login(${input(email)}) { accessToken } }`, attempts: 1 }),
  'an inline fragment': (email) => ({ query: `mutation { ... on Mutation { login(${input(email)}) { accessToken } } }`, attempts: 1 }),
  'variables inside a fragment': (email) => ({
    query: `mutation ($e: String!, $p: String!) { ...Try } fragment Try on Mutation { login(input: { email: $e, password: $p }) { accessToken } }`,
    variables: { e: email, p: 'wrong password' },
    attempts: 1,
  }),
  '@include(if: true) on a fragment': (email) => ({
    query: `mutation ($go: Boolean!) { ... @include(if: $go) { login(${input(email)}) { accessToken } } }`,
    variables: { go: true },
    attempts: 1,
  }),
  'two aliases inside a fragment': (email) => ({
    query: `mutation { ... on Mutation { a: login(${input(email)}) { accessToken } b: login(${input(email)}) { accessToken } } }`,
    attempts: 2,
  }),
};

describe('login and register attempts count however the operation is written', () => {
  for (const [form, write] of Object.entries(LOGIN_FORMS)) {
    it(`login written with ${form}`, async () => {
      await inOneWindow(async () => {
        const from = nextAddress();
        const email = uniqueEmail('target');
        let attempts = 0;
        while (attempts < LIMIT) {
          const { query, variables, attempts: count } = write(email);
          const res = await send(from, query, variables);
          attempts += count;
          // Up to the limit attempts are checked (and fail: wrong password; a failed mutation field
          // stops the ones after it); past it, refused before any is run.
          const expected = attempts <= LIMIT ? 'UNAUTHENTICATED' : 'RATE_LIMITED';
          expect(new Set(codesOf(res)), `attempt ${attempts}`).toEqual(new Set([expected]));
        }
        const { query, variables } = write(email);
        const refused = await send(from, query, variables);
        expect(codesOf(refused)).toEqual(['RATE_LIMITED']);
        expect(refused.status).toBe(429);
        expect(Number(refused.retryAfter)).toBeGreaterThan(0);
      });
    });
  }

  it('refuses the right password once the email had its attempts, from any address and however written', async () => {
    await inOneWindow(async () => {
      const email = uniqueEmail('spread');
      // The same email from three addresses, each attempt in another disguise.
      for (const form of ['a named fragment', 'an inline fragment', 'variables inside a fragment']) {
        const { query, variables } = LOGIN_FORMS[form]!(email);
        expect(codesOf(await send(nextAddress(), query, variables))).toEqual(['UNAUTHENTICATED']);
      }
      const { query, variables } = LOGIN_FORMS['a named fragment']!(email);
      expect(codesOf(await send(nextAddress(), query, variables))).toEqual(['RATE_LIMITED']);

      const from = nextAddress();
      for (let i = 0; i < LIMIT; i++) {
        expect(codesOf(await send(from, `mutation { ... on Mutation { login(${input(victim.email)}) { accessToken } } }`))).toEqual(['UNAUTHENTICATED']);
      }
      const right = await send(from, `mutation { ...T } fragment T on Mutation { login(${input(victim.email, 'correct horse battery')}) { accessToken } }`);
      expect(codesOf(right)).toEqual(['RATE_LIMITED']);
      expect(right.data ?? null).toBeNull();
    });
  });

  it('counts register written in fragments and aliases', async () => {
    await inOneWindow(async () => {
      const from = nextAddress();
      const register = (label: string) => `register(input: { email: "${uniqueEmail(label)}", password: "long enough", name: "R" }) { accessToken }`;
      const first = await send(from, `mutation { ... on Mutation { a: ${register('ra')} b: ${register('rb')} } }`);
      expect(first.errors).toBeUndefined();
      expect(codesOf(await send(from, `mutation { ...R } fragment R on Mutation { ${register('rc')} }`))).toEqual([]);
      const refused = await send(from, `mutation ($go: Boolean!) { ... @include(if: $go) { ${register('rd')} } }`, { go: true });
      expect(codesOf(refused)).toEqual(['RATE_LIMITED']);
      expect(refused.status).toBe(429);
    });
  });

  it('refuses a 900 KB email quickly, without an internal error', async () => {
    const email = `${'a'.repeat(900_000)}@example.com`;
    const res = await send(nextAddress(), `mutation ($i: LoginInput!) { login(input: $i) { accessToken } }`, { i: { email, password: 'whatever it is' } });
    expect(codesOf(res)).not.toContain('INTERNAL_SERVER_ERROR');
    expect(codesOf(res)).toHaveLength(1);
    expect(res.status).toBeLessThan(500);
  });
});

describe('before anything is parsed', () => {
  const HUGE = `{ me { ${'id '.repeat(300_000)}} }`;

  it('refuses a 900 KB query by its tokens, and meters the address for it', async () => {
    await inOneWindow(async () => {
      const from = nextAddress();
      const res = await send(from, HUGE);
      expect(codesOf(res)).toEqual(['TOO_MANY_TOKENS']);
      expect(res.status).toBe(400);
      expect(res.errors?.[0]?.extensions).toMatchObject({ maxTokens: 5000 });
      // Huge, garbage, batched and badly signed requests all count against the address.
      for (let i = 1; i < 10; i++) {
        const kind = i % 4;
        const reply =
          kind === 0
            ? await send(from, HUGE)
            : kind === 1
              ? await post(system.gatewayUrl, from, '{{{ not json')
              : kind === 2
                ? await post(system.gatewayUrl, from, JSON.stringify([{ query: '{ __typename }' }]))
                : await send(from, '{ __typename }', {}, { authorization: 'Bearer not.a.token' });
        expect(reply.status, `request ${i + 1}`).toBeGreaterThanOrEqual(400);
      }
      for (const next of [() => send(from, '{ __typename }'), () => send(from, HUGE), () => post(system.gatewayUrl, from, '{{{ not json')]) {
        const limited = await next();
        expect(limited.status).toBe(429);
        expect(codesOf(limited)).toEqual(['RATE_LIMITED']);
        expect(Number(limited.retryAfter)).toBeGreaterThan(0);
      }
      // A signed-in user is counted on its own, not by the address.
      const me = await send(from, '{ me { id } }', {}, { authorization: `Bearer ${victim.accessToken}` });
      expect(me.errors).toBeUndefined();
    });
  });

  it('refuses a query nested deeper than its depth limit allows before parsing it', async () => {
    const res = await send(nextAddress(), `{ me ${'{ id '.repeat(2_000)}${'}'.repeat(2_000)} }`);
    expect(codesOf(res)).toEqual(['QUERY_TOO_DEEP']);
    expect(res.status).toBe(400);
  });

  it('answers a batched (JSON array) body with a clean 400 and a code', async () => {
    const res = await post(system.gatewayUrl, nextAddress(), JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]));
    expect(res.status).toBe(400);
    expect(codesOf(res)).toEqual(['BAD_REQUEST']);
    expect(res.errors?.[0]?.message).toMatch(/batch/i);
  });
});

describe('a subgraph reached directly', () => {
  const auth = () => ({ authorization: `Bearer ${victim.accessToken}` });
  // Account → transactions → edges → node → account → ...: 4 levels per round.
  const deep = (rounds: number) => `{ accounts { ${'transactions(first: 1) { edges { node { account { '.repeat(rounds)}id${' } } } }'.repeat(rounds)} } }`;

  it('refuses a 100-deep query before running it, and one just past the depth limit after parse', async () => {
    const hundred = await post(system.urls.transactions, '127.0.0.1', JSON.stringify({ query: deep(25) }), auth());
    expect(codesOf(hundred)).toEqual(['QUERY_TOO_DEEP']);
    expect(hundred.data ?? null).toBeNull();
    const fourteen = await post(system.urls.transactions, '127.0.0.1', JSON.stringify({ query: deep(3) }), auth());
    expect(codesOf(fourteen)).toEqual(['QUERY_TOO_DEEP']);
    expect(fourteen.errors?.[0]?.extensions).toMatchObject({ depth: 14, maxDepth: 12 });
  });

  it('refuses a huge token count before parse', async () => {
    const res = await post(system.urls.auth, '127.0.0.1', JSON.stringify({ query: `{ me { ${'id '.repeat(300_000)}} }` }), auth());
    expect(codesOf(res)).toEqual(['TOO_MANY_TOKENS']);
    expect(res.status).toBe(400);
  });

  it("serves the gateway's entity fetch of 200 representations, and counts representations against the cost", async () => {
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Transaction { categorization { source confidence category { id } } suggestions { confidence category { id } } } } }`;
    const reps = (n: number) => Array.from({ length: n }, (_, i) => ({ __typename: 'Transaction', id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` }));
    const fine = await post(system.urls.ai, '127.0.0.1', JSON.stringify({ query, variables: { r: reps(200) } }), auth());
    expect(fine.errors).toBeUndefined();
    const flood = await post(system.urls.ai, '127.0.0.1', JSON.stringify({ query, variables: { r: reps(5_000) } }), auth());
    expect(codesOf(flood)).toEqual(['QUERY_TOO_COMPLEX']);
  });
});
