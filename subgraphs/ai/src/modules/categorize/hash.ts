/** 32-bit FNV-1a, continuing from `seed` so namespaces and multi-part keys need no string concatenation. */
export const FNV_OFFSET = 0x811c9dc5;

export function fnv1a(text: string, seed: number = FNV_OFFSET): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mixes one more 32-bit value into a running FNV-1a hash. */
export function fnvMix(h: number, value: number): number {
  return Math.imul(h ^ value, 0x01000193) >>> 0;
}

/** Deterministic PRNG (mulberry32) so data generation, shuffling and tests repeat exactly. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
