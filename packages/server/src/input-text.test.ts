import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { checkOperationText } from './input-text.js';

const schema = buildSchema(`
  scalar Decimal
  scalar Json
  input Filter { search: String, tags: [String!] }
  input Line { description: String!, notes: String, amount: Decimal! }
  input Batch { lines: [Line!]!, idempotencyKey: String }
  type Item { id: ID!, children(filter: Filter): [Item!]! }
  type Query { items(filter: Filter, first: Int): [Item!]!, any(value: Json): Boolean, suggest(description: String!): [String!]! }
  type Mutation { create(input: Batch!): Boolean, many(descriptions: [String!]!): Boolean }
`);

/** The field a check refuses ('none' when it passes). */
function refused(query: string, variables: Record<string, unknown> = {}): string {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  try {
    checkOperationText(schema, document, operation, variables);
    return 'none';
  } catch (error) {
    const { extensions } = error as { extensions: { code: string; field: string } };
    return `${extensions.code}:${extensions.field}`;
  }
}

describe('control characters in operation arguments', () => {
  it('names the input field of a literal, nested in objects and lists', () => {
    expect(refused('mutation { create(input: { lines: [{ description: "ok", amount: "1" }, { description: "a\\u0000b", amount: "1" }] }) }')).toBe('BAD_USER_INPUT:description');
    expect(refused('{ items(filter: { search: "x\\u0000" }) { id } }')).toBe('BAD_USER_INPUT:search');
    expect(refused('{ suggest(description: "bell\\u0007") }')).toBe('BAD_USER_INPUT:description');
  });

  it('names the argument or input field a variable is used as', () => {
    expect(refused('query ($d: String!) { suggest(description: $d) }', { d: 'a\u0000' })).toBe('BAD_USER_INPUT:description');
    expect(refused('mutation ($i: Batch!) { create(input: $i) }', { i: { idempotencyKey: 'k\u0000', lines: [] } })).toBe('BAD_USER_INPUT:idempotencyKey');
    expect(refused('mutation ($i: Batch!) { create(input: $i) }', { i: { lines: [{ description: 'ok', notes: 'n\u001f', amount: '1' }] } })).toBe('BAD_USER_INPUT:notes');
    expect(refused('mutation ($n: String!) { create(input: { lines: [{ description: "x", notes: $n, amount: "1" }] }) }', { n: '\u0000' })).toBe('BAD_USER_INPUT:notes');
    expect(refused('mutation ($d: [String!]!) { many(descriptions: $d) }', { d: ['fine', 'bad\u0000'] })).toBe('BAD_USER_INPUT:descriptions');
    // A single value standing for a list of one.
    expect(refused('query ($f: Filter) { items(filter: $f) { id } }', { f: { tags: 'a\u0000' } })).toBe('BAD_USER_INPUT:tags');
  });

  it('keeps the argument name inside a custom scalar holding an object', () => {
    expect(refused('query ($v: Json) { any(value: $v) }', { v: { deep: [{ id: '\u0000' }] } })).toBe('BAD_USER_INPUT:value');
    expect(refused('mutation ($a: Decimal!) { create(input: { lines: [{ description: "x", amount: $a }] }) }', { a: '1\u0000' })).toBe('BAD_USER_INPUT:amount');
  });

  it('checks arguments inside fragments and nested fields', () => {
    const query = 'query ($s: String) { items { ...F } } fragment F on Item { ... on Item { children(filter: { search: $s }) { id } } }';
    expect(refused(query, { s: 'x\u0000' })).toBe('BAD_USER_INPUT:search');
    expect(refused(query, { s: 'fine' })).toBe('none');
  });

  it('refuses half a surrogate pair, alone or at either end', () => {
    for (const d of ['a\ud800b', 'a\udc00b', '\ud83d', 'x\ude80']) {
      expect(refused('query ($d: String!) { suggest(description: $d) }', { d })).toBe('BAD_USER_INPUT:description');
    }
    // In a literal, graphql's own lexer refuses the escape already (GRAPHQL_PARSE_FAILED).
  });

  it('allows tab, line feed, carriage return and any other text', () => {
    expect(refused('query ($d: String!) { suggest(description: $d) }', { d: 'one\ttwo\r\nthree ☕ 💸 \u007f' })).toBe('none');
    expect(refused('{ items(filter: { search: "a\\tb\\nc" }, first: 3) { id } }')).toBe('none');
  });

  it('walks deeply nested variables without overflowing the stack', () => {
    let deep: unknown = 'end\u0000';
    for (let i = 0; i < 200_000; i += 1) deep = [deep];
    expect(refused('query ($v: Json) { any(value: $v) }', { v: deep })).toBe('BAD_USER_INPUT:value');
  });
});
