import { badInput } from '@centavo/errors';

/**
 * User tags of transactions and their parts (transactions domain), and of rules that add them
 * (ai domain): one normalization for both, so a rule's tag is the tag the filter finds.
 */

/** Characters of a tag, after trimming: longer ones are BAD_USER_INPUT. */
export const MAX_TAG_LENGTH = 40;
/** Tags of one row, or of one part of a split row. */
export const MAX_TAGS = 20;

// Letters, digits and combining marks of any script, with a few joining signs; no control,
// format (zero-width, bidi override) or symbol characters that make look-alike tags.
const TAG = /^[\p{L}\p{N}\p{M}](?:[\p{L}\p{N}\p{M} _\-.&+#/']*[\p{L}\p{N}\p{M}])?$/u;

/** One tag as stored: NFC, trimmed, inner whitespace collapsed, lower case. */
export function normalizeTag(raw: string, field: string): string {
  const tag = raw.normalize('NFC').trim().replace(/\s+/gu, ' ').toLowerCase();
  if (!tag) throw badInput(field, `${field}: a tag must not be empty`);
  if ([...tag].length > MAX_TAG_LENGTH) throw badInput(field, `${field}: a tag has at most ${MAX_TAG_LENGTH} characters`);
  if (!TAG.test(tag)) {
    throw badInput(field, `${field}: a tag is letters and digits, with spaces and - _ . & + # / ' between them`);
  }
  return tag;
}

/** A list of tags as stored: each normalized, duplicates merged, at most MAX_TAGS, sorted. */
export function normalizeTags(raw: readonly string[], field: string, max = MAX_TAGS): string[] {
  // Bounded before the work: a hostile list of a million tags is refused at once.
  if (raw.length > max * 4) throw badInput(field, `${field}: at most ${max} tags`);
  const tags = [...new Set(raw.map((t) => normalizeTag(t, field)))].sort();
  if (tags.length > max) throw badInput(field, `${field}: at most ${max} tags`);
  return tags;
}

