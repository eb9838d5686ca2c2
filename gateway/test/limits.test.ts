import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { countAliases, countTokens, measureOperation, rootFields, scanQuery, selectOperation } from '@centavo/server';

const schema = buildSchema(`
  type Query { me: User, users: [User!]!, transactions(first: Int = 50): Connection!, node: Node, _entities(representations: [String!]!): [Entity]! }
  type Mutation { login(input: LoginInput!): String, register(email: String!): String, logout: Boolean }
  input LoginInput { email: String!, password: String! }
  interface Node { id: ID! }
  type User implements Node { id: ID!, friends: [User!]!, enemies: [User!]!, name: String }
  type Account implements Node { id: ID!, users: [User!]! }
  union Entity = User | Account
  type Connection { edges: [Edge!]!, total: Int }
  type Edge { node: User! }
`);

const analyse = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  const operation = selectOperation(document)!;
  return { ...measureOperation(schema, document, operation, variables), aliases: countAliases(document) };
};

const logins = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  return rootFields(schema, document, selectOperation(document)!, variables)
    .filter((f) => f.name === 'login')
    .map((f) => [f.responseKey, (f.args.input as { email: string }).email]);
};

describe('query limits analysis', () => {
  it('measures depth through fragments and ignores introspection', () => {
    expect(analyse('{ me { id } }').depth).toBe(2);
    expect(analyse('{ me { ...F } } fragment F on User { friends { friends { id } } }').depth).toBe(4);
    expect(analyse('{ me { ... on User { friends { ... { friends { id } } } } } }').depth).toBe(4);
    expect(analyse('{ __schema { types { fields { type { ofType { ofType { name } } } } } } }').depth).toBe(0);
  });

  it('follows @skip and @include with the request variables, as execution does', () => {
    const query = 'query ($deep: Boolean!) { me { id friends @include(if: $deep) { friends { id } } } }';
    expect(analyse(query, { deep: true }).depth).toBe(4);
    expect(analyse(query, { deep: false }).depth).toBe(2);
    expect(analyse('{ me { friends @skip(if: false) { friends { id } } } }').depth).toBe(4);
  });

  it('measures an interface or union field as its costliest possible type', () => {
    expect(analyse('{ node { id ... on User { friends { id } } ... on Account { users { friends { id } } } } }')).toMatchObject({
      depth: 4,
      // node + Account's id + users + 10 × (friends + 10 × id), above User's 1 + id + friends + 10 × id
      cost: 1 + 1 + 1 + 10 * (1 + 10),
    });
  });

  it('costs fields, multiplying lists by first or the default of 10', () => {
    expect(analyse('{ me { id name } }').cost).toBe(3);
    // users (1) + 10 × (id + friends) + 10 × 10 × id
    expect(analyse('{ users { id friends { id } } }').cost).toBe(1 + 20 + 100);
    // A connection's edges are its page, not another multiplier.
    expect(analyse('{ transactions(first: 5) { edges { node { id } } } }').cost).toBe(1 + 5 + 5 + 5);
    expect(analyse('query ($n: Int) { transactions(first: $n) { total } }', { n: 7 }).cost).toBe(1 + 7);
    expect(analyse('{ transactions { total } }').cost).toBe(1 + 50);
    // A variable left out takes the operation's default, as in execution.
    expect(analyse('query ($n: Int = 200) { transactions(first: $n) { total } }').cost).toBe(1 + 200);
    expect(analyse('query ($deep: Boolean = true) { me { friends @include(if: $deep) { id } } }').depth).toBe(3);
    // The same field twice is resolved once; an alias is resolved again.
    expect(analyse('{ me { id } me { id } }').cost).toBe(2);
    expect(analyse('{ me { id } again: me { id } }').cost).toBe(4);
  });

  it("multiplies federation's _entities by its number of representations", () => {
    const query = 'query ($r: [String!]!) { _entities(representations: $r) { ... on User { id name } } }';
    expect(analyse(query, { r: Array.from({ length: 200 }, String) }).cost).toBe(1 + 200 * 2);
    expect(analyse(query, { r: ['a'] }).cost).toBe(3);
  });

  it('measures documents that nest fragments many times over without walking every expansion', () => {
    // 5 fields × 12 levels, each spreading the next fragment: 5^12 paths if walked naively.
    const levels = Array.from({ length: 12 }, (_, i) => `fragment F${i} on User { id friends { ...F${i + 1} } enemies { ...F${i + 1} } }`);
    const query = `{ me { ...F0 } } ${levels.join(' ')} fragment F12 on User { id }`;
    const started = Date.now();
    const { depth, cost } = analyse(query);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(depth).toBe(14);
    expect(cost).toBeGreaterThan(10 ** 12);
  });

  it('counts aliases and tokens', () => {
    expect(analyse('{ a: me { id } b: me { x: id } }').aliases).toBe(3);
    expect(countTokens('{ me { id } } # a comment')).toBe(6);
    expect(countTokens('{ a b c d e f }', 3)).toBe(4);
  });

  it('scans tokens and brace nesting with the lexer, stopping early', () => {
    expect(scanQuery('{ me { friends { id } } }')).toEqual({ tokens: 9, braceDepth: 3, invalid: false });
    expect(scanQuery(`{ ${'a { '.repeat(1000)}`, Infinity, 20)).toMatchObject({ braceDepth: 21 });
    expect(scanQuery(`{ ${'id '.repeat(300_000)} }`, 100).tokens).toBe(101);
    expect(scanQuery('{ me "unterminated').invalid).toBe(true);
  });

  it('selects the named operation', () => {
    const document = parse('query A { me { id } } query B { users { id } }');
    expect(selectOperation(document, 'B')?.name?.value).toBe('B');
    expect(selectOperation(document)).toBeUndefined();
  });
});

describe('root fields as executed', () => {
  const input = (email: string) => `input: { email: "${email}", password: "x" }`;

  it('finds login however the operation writes it', () => {
    expect(logins(`mutation { login(${input('a')}) }`)).toEqual([['login', 'a']]);
    expect(logins(`mutation { ...L } fragment L on Mutation { login(${input('a')}) }`)).toEqual([['login', 'a']]);
    expect(logins(`mutation { ... on Mutation { login(${input('a')}) } }`)).toEqual([['login', 'a']]);
    expect(logins(`mutation { ... { x: login(${input('a')}) } }`)).toEqual([['x', 'a']]);
    expect(logins(`mutation ($i: LoginInput!) { login(input: $i) }`, { i: { email: 'v', password: 'p' } })).toEqual([['login', 'v']]);
    expect(logins(`mutation ($e: String!) { login(input: { email: $e, password: "p" }) }`, { e: 'w' })).toEqual([['login', 'w']]);
    expect(logins(`mutation { login(${input('a')}) @include(if: true) }`)).toEqual([['login', 'a']]);
    expect(logins(`mutation ($go: Boolean!) { ...L @include(if: $go) } fragment L on Mutation { login(${input('a')}) }`, { go: true })).toEqual([['login', 'a']]);
  });

  it('counts each response key as one execution and leaves out skipped fields', () => {
    expect(logins(`mutation { a: login(${input('a')}) b: login(${input('b')}) }`)).toEqual([['a', 'a'], ['b', 'b']]);
    expect(logins(`mutation { ... on Mutation { a: login(${input('a')}) } ...L } fragment L on Mutation { b: login(${input('b')}) }`)).toEqual([['a', 'a'], ['b', 'b']]);
    // The same response key twice is executed once (validation makes its arguments equal).
    expect(logins(`mutation { login(${input('a')}) ... on Mutation { login(${input('a')}) } }`)).toEqual([['login', 'a']]);
    expect(logins(`mutation { login(${input('a')}) @skip(if: true) logout }`)).toEqual([]);
  });
});

describe('limits configuration', () => {
  it('has the documented production defaults, 100 times looser outside production', async () => {
    const { loadConfig } = await import('../src/config.js');
    const production = loadConfig({ NODE_ENV: 'production', REDIS_PREFIX: 'x:' });
    expect(production).toMatchObject({
      MAX_QUERY_DEPTH: 12,
      MAX_QUERY_COST: 10_000,
      MAX_ALIASES: 30,
      MAX_QUERY_TOKENS: 5_000,
      MAX_SOCKETS_PER_USER: 20,
      USER_RATE_LIMIT_PER_MINUTE: 600,
      IP_RATE_LIMIT_PER_MINUTE: 300,
      LOGIN_RATE_LIMIT_PER_MINUTE: 10,
      REGISTER_RATE_LIMIT_PER_MINUTE: 10,
    });
    expect(loadConfig({ NODE_ENV: 'development' }).LOGIN_RATE_LIMIT_PER_MINUTE).toBe(1_000);
    expect(loadConfig({ NODE_ENV: 'test' }).USER_RATE_LIMIT_PER_MINUTE).toBe(60_000);
    expect(loadConfig({ NODE_ENV: 'test', LOGIN_RATE_LIMIT_PER_MINUTE: '3' }).LOGIN_RATE_LIMIT_PER_MINUTE).toBe(3);
  });

  it('gives every subgraph the same query limits, from the same variables', async () => {
    const { loadSubgraphConfig } = await import('@centavo/config');
    expect(loadSubgraphConfig('budget', {}, { NODE_ENV: 'production' })).toMatchObject({ MAX_QUERY_DEPTH: 12, MAX_QUERY_COST: 10_000, MAX_ALIASES: 30, MAX_QUERY_TOKENS: 5_000 });
    expect(loadSubgraphConfig('ai', {}, { MAX_QUERY_DEPTH: '4' }).MAX_QUERY_DEPTH).toBe(4);
  });
});
