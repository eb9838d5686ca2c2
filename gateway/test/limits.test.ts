import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { countAliases, countTokens, operationCost, operationDepth, selectOperation } from '../src/limits/analysis.js';

const schema = buildSchema(`
  type Query { me: User, users: [User!]!, transactions(first: Int = 50): Connection! }
  type User { id: ID!, friends: [User!]!, name: String }
  type Connection { edges: [Edge!]!, total: Int }
  type Edge { node: User! }
`);

const analyse = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  const operation = selectOperation(document)!;
  return { depth: operationDepth(document, operation), cost: operationCost(schema, document, operation, variables), aliases: countAliases(document) };
};

describe('query limits analysis', () => {
  it('measures depth through fragments and ignores introspection', () => {
    expect(analyse('{ me { id } }').depth).toBe(2);
    expect(analyse('{ me { ...F } } fragment F on User { friends { friends { id } } }').depth).toBe(4);
    expect(analyse('{ __schema { types { fields { type { ofType { ofType { name } } } } } } }').depth).toBe(0);
  });

  it('costs fields, multiplying lists by first or the default of 10', () => {
    expect(analyse('{ me { id name } }').cost).toBe(3);
    // users (1) + 10 × (id + friends) + 10 × 10 × id
    expect(analyse('{ users { id friends { id } } }').cost).toBe(1 + 20 + 100);
    // A connection's edges are its page, not another multiplier.
    expect(analyse('{ transactions(first: 5) { edges { node { id } } } }').cost).toBe(1 + 5 + 5 + 5);
    expect(analyse('query ($n: Int) { transactions(first: $n) { total } }', { n: 7 }).cost).toBe(1 + 7);
    expect(analyse('{ transactions { total } }').cost).toBe(1 + 50);
  });

  it('counts aliases and tokens', () => {
    expect(analyse('{ a: me { id } b: me { x: id } }').aliases).toBe(3);
    expect(countTokens('{ me { id } } # a comment')).toBe(6);
    expect(countTokens('{ a b c d e f }', 3)).toBe(4);
  });

  it('selects the named operation', () => {
    const document = parse('query A { me { id } } query B { users { id } }');
    expect(selectOperation(document, 'B')?.name?.value).toBe('B');
    expect(selectOperation(document)).toBeUndefined();
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
      USER_RATE_LIMIT_PER_MINUTE: 600,
      IP_RATE_LIMIT_PER_MINUTE: 300,
      LOGIN_RATE_LIMIT_PER_MINUTE: 10,
      REGISTER_RATE_LIMIT_PER_MINUTE: 10,
    });
    expect(loadConfig({ NODE_ENV: 'development' }).LOGIN_RATE_LIMIT_PER_MINUTE).toBe(1_000);
    expect(loadConfig({ NODE_ENV: 'test' }).USER_RATE_LIMIT_PER_MINUTE).toBe(60_000);
    expect(loadConfig({ NODE_ENV: 'test', LOGIN_RATE_LIMIT_PER_MINUTE: '3' }).LOGIN_RATE_LIMIT_PER_MINUTE).toBe(3);
  });
});
