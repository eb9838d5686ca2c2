import { describe, expect, it } from 'vitest';
import { distinctRepresentations, spreadEntities } from './entity-dedupe.js';

describe('entity representations sent once per fetch', () => {
  const category = (id: string) => ({ __typename: 'Category', id });

  it('sends the distinct representations and spreads the answer back over every occurrence, in order', () => {
    const { distinct, positions } = distinctRepresentations([category('a'), category('b'), category('a'), category('c'), category('b')]);
    expect(distinct).toEqual([category('a'), category('b'), category('c')]);
    expect(positions).toEqual([0, 1, 0, 2, 1]);
    const answer = { data: { _entities: [{ slug: 'food' }, { slug: 'rent' }, null] } };
    const spread = spreadEntities(answer, positions, distinct.length);
    expect(spread.data._entities).toEqual([{ slug: 'food' }, { slug: 'rent' }, { slug: 'food' }, null, { slug: 'rent' }]);
    // Each occurrence is an object of its own: merging into one does not reach the other.
    const entities = spread.data._entities as Record<string, unknown>[];
    expect(entities[2]).not.toBe(entities[0]);
    entities[2]!.name = 'changed';
    expect(entities[0]).toEqual({ slug: 'food' });
  });

  it('reports an error of a distinct representation at every occurrence, and leaves other errors alone', () => {
    const { distinct, positions } = distinctRepresentations([category('a'), category('x'), category('x')]);
    const answer = {
      data: { _entities: [{ slug: 'food' }, null] },
      errors: [
        { message: 'Category not found', path: ['_entities', 1, 'slug'] },
        { message: 'something else' },
      ],
    };
    const spread = spreadEntities(answer, positions, distinct.length);
    expect(spread.data._entities).toEqual([{ slug: 'food' }, null, null]);
    expect(spread.errors).toEqual([
      { message: 'Category not found', path: ['_entities', 1, 'slug'] },
      { message: 'Category not found', path: ['_entities', 2, 'slug'] },
      { message: 'something else' },
    ]);
  });

  it('tells representations apart by every field (same id, other type or key), and returns an answer of another shape as it is', () => {
    const { distinct, positions } = distinctRepresentations([category('a'), { __typename: 'Account', id: 'a' }, { ...category('a'), userId: 'u2' }]);
    expect(distinct).toHaveLength(3);
    expect(positions).toEqual([0, 1, 2]);
    const broken = { data: { _entities: [{ slug: 'food' }] } };
    expect(spreadEntities(broken, [0, 0, 1], 2)).toBe(broken);
    const failed = { data: null, errors: [{ message: 'down' }] };
    expect(spreadEntities(failed, [0, 0], 1)).toBe(failed);
  });
});
