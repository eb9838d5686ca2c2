import { normalizeDescription, type NormalizedDescription } from './normalize.js';

/**
 * One categorization normalizes the same line up to three times (pipeline, model, explanation);
 * remembering the last few lines makes the repeats free. Callers must not mutate the result.
 */
const SIZE = 4;
const keys: (string | null)[] = new Array<string | null>(SIZE).fill(null);
const values: (NormalizedDescription | null)[] = new Array<NormalizedDescription | null>(SIZE).fill(null);
let next = 0;

export function normalizeCached(description: string): NormalizedDescription {
  for (let i = 0; i < SIZE; i++) {
    if (keys[i] === description) {
      const hit = values[i];
      if (hit) return hit;
    }
  }
  const value = normalizeDescription(description);
  keys[next] = description;
  values[next] = value;
  next = (next + 1) % SIZE;
  return value;
}
