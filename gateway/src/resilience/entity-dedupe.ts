/**
 * Each entity representation sent to a subgraph once per fetch. Apollo Gateway sends one
 * representation per occurrence of an entity in the result: a dashboard of 50 transactions asks
 * the budget subgraph for 50 categories, about 19 of them distinct. The fetch is sent with the
 * distinct ones, and the answer is spread back over every occurrence (a copy each, so later fetches
 * merging into one occurrence do not reach another), errors included: an error of a distinct
 * representation is reported at every occurrence, as the subgraph would have reported it.
 */

interface EntityResponse {
  data?: Record<string, unknown> | null;
  errors?: readonly { message?: string; path?: readonly (string | number)[] }[];
}

/** The distinct representations, and for each original one the index of its distinct one. */
export function distinctRepresentations(representations: readonly unknown[]): { distinct: unknown[]; positions: number[] } {
  const seen = new Map<string, number>();
  const distinct: unknown[] = [];
  const positions: number[] = [];
  for (const representation of representations) {
    const key = JSON.stringify(representation);
    let at = seen.get(key);
    if (at === undefined) {
      at = distinct.length;
      seen.set(key, at);
      distinct.push(representation);
    }
    positions.push(at);
  }
  return { distinct, positions };
}

const copy = <T>(value: T): T => (value === null || typeof value !== 'object' ? value : structuredClone(value));

/**
 * The answer to the distinct representations, as the answer to every original one: `_entities`
 * in the original order, and each error at `['_entities', i, ...]` once per occurrence. An answer
 * of another shape is returned as it is (the gateway reports it).
 */
export function spreadEntities<R extends EntityResponse>(response: R, positions: readonly number[], distinctCount: number): R {
  const entities = response.data?._entities;
  if (!Array.isArray(entities) || entities.length !== distinctCount) return response;
  const used = new Set<number>();
  const spread = positions.map((at) => {
    if (!used.has(at)) {
      used.add(at);
      return entities[at];
    }
    return copy(entities[at]);
  });
  const occurrences = new Map<number, number[]>();
  positions.forEach((at, i) => occurrences.set(at, [...(occurrences.get(at) ?? []), i]));
  const errors = response.errors?.flatMap((error) => {
    const [head, index, ...rest] = error.path ?? [];
    if (head !== '_entities' || typeof index !== 'number') return [error];
    return (occurrences.get(index) ?? [index]).map((i) => ({ ...error, path: ['_entities', i, ...rest] }));
  });
  return { ...response, data: { ...response.data, _entities: spread }, ...(errors ? { errors } : {}) };
}
