import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCategoryId } from '@centavo/categories';
import type { SubgraphServer } from '@centavo/server';
import { graphql, mintToken, ok, testEnv, type GraphQLResponse } from '@centavo/testing';
import { loadConfig, startAiSubgraph } from '../src/index.js';

// Small quotas, so the boundaries are quick to reach; the per-rule program size keeps its default (500).
const QUOTAS = { MAX_RULES_PER_USER: '12', MAX_REGEX_RULES_PER_USER: '4', MAX_REGEX_PROGRAM_SIZE_PER_USER: '300' };

let ai: SubgraphServer;
beforeAll(async () => {
  ai = await startAiSubgraph(loadConfig(testEnv({ AI_PORT: '0', ...QUOTAS })));
});
afterAll(async () => {
  await ai?.stop();
});

const CREATE = `mutation ($input: RuleInput!) { createRule(input: $input) { id } }`;

// A default category: its id is derived from the user's, as every domain knows it.
async function newUser(): Promise<{ token: string; fuel: string }> {
  const id = randomUUID();
  return { token: await mintToken(id), fuel: defaultCategoryId(id, 'fuel') };
}

const create = (user: { token: string; fuel: string }, value: string, operator = 'CONTAINS') =>
  graphql<{ createRule: { id: string } }>(ai.url, CREATE, { input: { field: 'DESCRIPTION', operator, value, categoryId: user.fuel } }, user.token);

const failure = (res: GraphQLResponse<unknown>) => res.errors?.[0]?.extensions;

async function ruleCount(token: string): Promise<number> {
  return (await ok<{ rules: unknown[] }>(ai.url, `{ rules { id } }`, {}, token)).rules.length;
}

describe('per-user rule quotas', () => {
  it('stops at MAX_RULES_PER_USER with LIMIT_EXCEEDED and the limit, also when creates race at the boundary', async () => {
    const user = await newUser();
    for (let i = 0; i < 8; i++) expect((await create(user, `shop ${i}`)).errors).toBeUndefined();
    // Eight at once for four free places: exactly four get in.
    const raced = await Promise.all(Array.from({ length: 8 }, (_, i) => create(user, `race ${i}`)));
    expect(raced.filter((r) => r.data?.createRule).length).toBe(4);
    for (const refused of raced.filter((r) => !r.data?.createRule)) {
      expect(failure(refused)).toEqual({ code: 'LIMIT_EXCEEDED', resource: 'rules', limit: 12 });
    }
    expect(await ruleCount(user.token)).toBe(12);
    // Deleting one frees its place.
    const { rules } = await ok<{ rules: { id: string }[] }>(ai.url, `{ rules { id } }`, {}, user.token);
    await ok(ai.url, `mutation ($id: ID!) { deleteRule(id: $id) }`, { id: rules[0]!.id }, user.token);
    expect((await create(user, 'one more')).errors).toBeUndefined();
  });

  it('stops REGEX rules at MAX_REGEX_RULES_PER_USER, concurrent creates included; other rules still fit', async () => {
    const user = await newUser();
    for (const value of ['^uber', 'posto \\d+']) expect((await create(user, value, 'REGEX')).errors).toBeUndefined();
    const raced = await Promise.all(Array.from({ length: 5 }, (_, i) => create(user, `shell ${i}|ipiranga`, 'REGEX')));
    expect(raced.filter((r) => r.data?.createRule).length).toBe(2);
    for (const refused of raced.filter((r) => !r.data?.createRule)) {
      expect(failure(refused)).toEqual({ code: 'LIMIT_EXCEEDED', resource: 'regexRules', limit: 4 });
    }
    expect((await create(user, 'padaria')).errors).toBeUndefined();
    expect(await ruleCount(user.token)).toBe(5);
  });

  it('refuses a REGEX rule that compiles to a huge program as BAD_USER_INPUT on value, with the limit', async () => {
    const user = await newUser();
    for (const value of ['(a|aa){1000}', '(a|aa){1000}'.repeat(16), '(\\w+\\s?){100}']) {
      const res = await create(user, value, 'REGEX');
      expect(failure(res)).toEqual({ code: 'BAD_USER_INPUT', field: 'value', limit: 500 });
    }
    expect(await ruleCount(user.token)).toBe(0);
    // A long list of merchants, as real rules are, is well within it.
    const merchants = 'uber|99 ?pop|cabify|ifood|rappi|ze delivery|james delivery|aiqfome|loggi|lalamove|indrive|wappa|buser|clickbus|blablacar|localiza|movida|unidas|shell|ipiranga|petrobras|br mania';
    expect((await create(user, merchants, 'REGEX')).errors).toBeUndefined();
  });

  it("bounds the total program size of a user's REGEX rules", async () => {
    const user = await newUser();
    // About 140 instructions each: the third would pass 300.
    for (const n of [139, 140]) expect((await create(user, `[a-z]{${n}}x`, 'REGEX')).errors).toBeUndefined();
    const res = await create(user, '[a-z]{141}x', 'REGEX');
    expect(failure(res)).toEqual({ code: 'LIMIT_EXCEEDED', resource: 'regexProgramSize', limit: 300, field: 'value' });
    expect((await create(user, '^pix', 'REGEX')).errors).toBeUndefined();
  });
});
