import { DICTIONARY_ENTRIES } from './dictionary-entries.js';
import { EUROPE_ENTRIES } from './dictionary-entries-europe.js';
import { WORLD_ENTRIES } from './dictionary-entries-world.js';
import { normalizeDescription } from './normalize.js';
import { SLUGS, type Slug } from './slugs.js';

/**
 * The global dictionary of well-known merchants: a normalized merchant name (as
 * normalizeDescription reads it from a bank line) to its slug. Shared by every user; a user's own
 * corrections live in their memory, which is consulted first.
 */
export interface DictionaryHit {
  slug: Slug;
  /** The dictionary's name for the merchant, e.g. NETFLIX for "NETFLIX.COM 866-579-7172 CA". */
  entry: string;
}

interface Built {
  exact: Map<string, DictionaryHit>;
  prefix: Map<string, DictionaryHit>;
  /** Same names without spaces, for terminals that glue words ("DROGARAIA"). */
  compact: Map<string, DictionaryHit>;
  conflicts: string[];
}

const MIN_COMPACT = 6;

function build(): Built {
  const b: Built = { exact: new Map(), prefix: new Map(), compact: new Map(), conflicts: [] };
  for (const slug of SLUGS) {
    const text = [DICTIONARY_ENTRIES[slug], WORLD_ENTRIES[slug], EUROPE_ENTRIES[slug]].filter(Boolean).join('|');
    if (!text) continue;
    for (const raw of text.split('|')) {
      const name = raw.trim();
      if (!name) continue;
      const marked = name.startsWith('=');
      // Normalized like a bank line, so NETFLIX.COM, MCDONALD'S and CVS/PHARMACY line up with statements.
      const key = normalizeDescription(marked ? name.slice(1) : name).merchant;
      // A name that normalizes to one letter would prefix-match every "L SMITH".
      if (!key || key.length < 2) continue;
      // A name the normalizer cut to one word (SERVICE NSW -> SERVICE, CIRCLE K -> CIRCLE, NEXT IE ->
      // NEXT) would start every "SERVICE FEE" line: such a key matches only itself.
      const exactOnly = marked || (!key.includes(' ') && /[A-Z0-9]\s+[A-Z0-9]/i.test(name));
      const hit: DictionaryHit = { slug, entry: key };
      const prev = b.exact.get(key);
      if (prev && prev.slug !== slug) b.conflicts.push(`${key}: ${prev.slug} vs ${slug}`);
      if (prev) {
        // A name listed plainly elsewhere (LOTTO beside LOTTO AU) may start longer names after all.
        if (prev.slug === slug && !exactOnly && !b.prefix.has(key)) b.prefix.set(key, prev);
        continue;
      }
      b.exact.set(key, hit);
      if (!exactOnly) b.prefix.set(key, hit);
      const compact = key.replace(/ /g, '');
      if (compact.length >= MIN_COMPACT && !b.compact.has(compact)) b.compact.set(compact, hit);
    }
  }
  return b;
}

/**
 * Built on first use (normalizing every name is 10-20% of a start's main thread, on the ai
 * subgraph's path to ready); `warmMerchantDictionary` builds it once a process is up.
 */
let dictionaryBuilt: Built | undefined;
const dictionary = (): Built => (dictionaryBuilt ??= build());

/** Builds the dictionary now unless it is built: for a process that has just become ready. */
export function warmMerchantDictionary(): void {
  dictionary();
}

/**
 * Card terminals cut names at a fixed width (South African POS lines at 16 characters:
 * "BUILDERS WAREHOU", "INCREDIBLE CONNE"). A merchant at least this long that is the start of
 * dictionary names, all of one slug, is taken to be that name cut short.
 */
const MIN_TRUNCATED = 10;
let sortedPrefixKeys: readonly string[] | undefined;

function truncatedEntry(merchant: string): DictionaryHit | null {
  if (merchant.length < MIN_TRUNCATED) return null;
  const prefix = dictionary().prefix;
  const keys = (sortedPrefixKeys ??= [...prefix.keys()].sort());
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < merchant) lo = mid + 1;
    else hi = mid;
  }
  let hit: DictionaryHit | null = null;
  for (let i = lo; i < keys.length && keys[i]!.startsWith(merchant); i++) {
    const entry = prefix.get(keys[i]!)!;
    if (hit && hit.slug !== entry.slug) return null;
    hit ??= entry;
  }
  return hit;
}

/** Entries whose normalized names collide with a different slug (kept empty by a test). */
export const dictionaryConflicts = (): readonly string[] => dictionary().conflicts;
export const dictionarySize = (): number => dictionary().exact.size;

/** The entry for a merchant: exact name, then the longest entry the name starts with (whole words). */
export function lookupMerchantEntry(merchant: string | null): DictionaryHit | null {
  if (!merchant) return null;
  const built = dictionary();
  const exact = built.exact.get(merchant) ?? built.compact.get(merchant.replace(/ /g, ''));
  if (exact) return exact;
  let end = merchant.lastIndexOf(' ');
  while (end > 0) {
    const hit = built.prefix.get(merchant.slice(0, end));
    if (hit) return hit;
    end = merchant.lastIndexOf(' ', end - 1);
  }
  return truncatedEntry(merchant);
}

export function lookupMerchant(merchant: string | null): Slug | null {
  return lookupMerchantEntry(merchant)?.slug ?? null;
}
