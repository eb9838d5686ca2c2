import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCategoryId } from '@centavo/categories';
import type { SubgraphServer } from '@centavo/server';
import { graphql, mintToken, ok, testEnv, type GraphQLResponse } from '@centavo/testing';
import { loadConfig, startAiSubgraph } from '../src/index.js';

// The security review's attack, replayed at the default quotas (50 REGEX rules, 500 instructions
// each, 5,000 per user): the worst patterns a user may still store, then long descriptions.
let ai: SubgraphServer;
beforeAll(async () => {
  ai = await startAiSubgraph(loadConfig(testEnv({ AI_PORT: '0' })));
});
afterAll(async () => {
  await ai?.stop();
});

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapUsed = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

// About 100 instructions each, with DFAs that grow with every new text, and never matching
// (`\b\B`), so every rule runs on every description.
const SHAPES = [(n: number) => `(.)*a.{${94 - n}}`, (n: number) => `[\\pL\\pN ]{${96 - n}}`, (n: number) => `(\\w+\\s?){${15 - n}}`, (n: number) => `(a|b)*a(a|b){${31 - n}}`, (n: number) => `(\\w|\\s){${32 - n}}`];
const worstAllowed = (i: number) => `${SHAPES[i % SHAPES.length]!(Math.floor(i / SHAPES.length) % 5)}\\b\\Bz{0,${Math.floor(i / 25)}}`;

function description(seed: number): string {
  const alphabets = ['ab', 'abcdefghij klmnopqrstuvwxyz', 'aáãbçé ñ01', 'xyz0 '];
  const alphabet = alphabets[seed % alphabets.length]!;
  let x = seed + 1;
  let s = '';
  for (let i = 0; i < 500; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    s += alphabet[x % alphabet.length];
  }
  return s;
}

const failure = (res: GraphQLResponse<unknown>) => res.errors?.[0]?.extensions;

describe('a user filling the REGEX quota with the worst patterns allowed', () => {
  it('cannot store the reported patterns, and categorizing long descriptions stays quick and small', async () => {
    const userId = randomUUID();
    const token = await mintToken(userId);
    const categoryId = defaultCategoryId(userId, 'fuel');
    const create = (value: string) =>
      graphql(ai.url, `mutation ($input: RuleInput!) { createRule(input: $input) { id } }`, { input: { field: 'DESCRIPTION', operator: 'REGEX', value, categoryId } }, token);

    // What the review stored 170 times (4.3 GB, then out of memory).
    const reported = '(a|aa){1000}'.repeat(16);
    expect(failure(await create(reported))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'value', limit: 500 });

    for (let i = 0; i < 50; i++) expect((await create(worstAllowed(i))).errors).toBeUndefined();
    expect(failure(await create('(.)*b.{90}'))).toMatchObject({ code: 'LIMIT_EXCEEDED', resource: 'regexRules', limit: 50 });

    const before = heapUsed();
    let peakRss = process.memoryUsage().rss;
    const started = performance.now();
    for (let i = 0; i < 40; i++) {
      const { suggestCategories } = await ok<{ suggestCategories: unknown[] }>(
        ai.url,
        `query ($d: String!) { suggestCategories(description: $d, amount: "-10.00") { confidence } }`,
        { d: description(i) },
        token,
      );
      expect(suggestCategories.length).toBeGreaterThan(0);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    const elapsed = performance.now() - started;
    const growth = heapUsed() - before;
    console.warn(`attack at the caps: 40 suggestions in ${Math.round(elapsed)} ms, heap +${(growth / 1e6).toFixed(1)} MB, peak RSS ${(peakRss / 1e6).toFixed(0)} MB`);
    // Generous: a shared, busy machine. Each decision stops starting REGEX rules after 100 ms.
    expect(elapsed).toBeLessThan(40 * 1000);
    expect(growth).toBeLessThan(200 * 1024 * 1024);
  });
});
