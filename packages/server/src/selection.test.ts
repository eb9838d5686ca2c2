import { parse, type FragmentDefinitionNode, type OperationDefinitionNode, type FieldNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { selectsField } from './selection.js';

function infoOf(query: string) {
  const doc = parse(query);
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  const fragments = Object.fromEntries(
    doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition').map((f) => [f.name.value, f]),
  );
  return { fieldNodes: [op.selectionSet.selections[0] as FieldNode], fragments };
}

describe('selectsField', () => {
  it('finds a direct child field, in inline and named fragments, and nothing deeper', () => {
    expect(selectsField(infoOf('{ transactions { totalCount edges { node { id } } } }'), 'totalCount')).toBe(true);
    expect(selectsField(infoOf('{ transactions { edges { node { id } } } }'), 'totalCount')).toBe(false);
    expect(selectsField(infoOf('{ transactions { ... on TransactionConnection { totalCount } } }'), 'totalCount')).toBe(true);
    expect(selectsField(infoOf('{ transactions { ...F } } fragment F on TransactionConnection { totalCount }'), 'totalCount')).toBe(true);
    expect(selectsField(infoOf('{ transactions { ...F ...F } } fragment F on TransactionConnection { edges { cursor } }'), 'totalCount')).toBe(false);
    expect(selectsField(infoOf('{ accounts { transactions { totalCount } } }'), 'totalCount')).toBe(false);
    expect(selectsField(infoOf('{ accounts { b: balance { amount } } }'), 'balance')).toBe(true);
  });
});
