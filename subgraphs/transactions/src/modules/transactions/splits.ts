import { badInput } from '@centavo/errors';
import { formatAmount } from '@centavo/money';
import { normalizeTags } from '@centavo/server';
import type { SplitPartSnapshot } from '@centavo/jobs';
import { amountOf, optionalText } from './transaction-input.js';

/** Parts of one split row. */
export const MAX_SPLIT_PARTS = 50;
export const MAX_SPLIT_NOTE_LENGTH = 500;

/** One part of a split row as stored in `transactions.splits` (JSON: amounts as strings). */
export type SplitPart = {
  id: string;
  /** Signed integer minor units of the row's currency. */
  amountMinor: string;
  categoryId: string;
  note: string | null;
  tags: string[];
};

/** A part as the TransactionSplit resolvers see it: with its row's currency. */
export type SplitPartView = SplitPart & { currency: string };

/** What the API gives for one part (SplitPartInput). */
export interface SplitPartRequest {
  amount: string;
  categoryId: string;
  note?: string | null;
  tags?: readonly string[] | null;
}

/**
 * The parts of a split, validated against the row: two to MAX_SPLIT_PARTS parts, none zero,
 * summing exactly (integer minor units) to the row's amount. Category ids are checked by the
 * caller (they need the category read model).
 */
export function splitParts(
  inputs: readonly SplitPartRequest[],
  row: { amountMinor: bigint; currency: string },
  newId: () => string,
): SplitPart[] {
  if (inputs.length < 2) throw badInput('parts', 'A split has at least two parts (clearSplit undoes one)');
  if (inputs.length > MAX_SPLIT_PARTS) throw badInput('parts', `A split has at most ${MAX_SPLIT_PARTS} parts`);
  const parts = inputs.map((input, i): SplitPart => {
    const amountMinor = amountOf(input.amount, row.currency, `parts.${i}.amount`);
    if (amountMinor === 0n) throw badInput(`parts.${i}.amount`, `parts.${i}.amount must not be zero`);
    return {
      id: newId(),
      amountMinor: amountMinor.toString(),
      categoryId: input.categoryId,
      note: optionalText(input.note, `parts.${i}.note`, MAX_SPLIT_NOTE_LENGTH),
      tags: normalizeTags(input.tags ?? [], `parts.${i}.tags`),
    };
  });
  const sum = parts.reduce((total, p) => total + BigInt(p.amountMinor), 0n);
  if (sum !== row.amountMinor) {
    throw badInput(
      'parts',
      `The parts sum to ${formatAmount(sum, row.currency)}, not the transaction's ${formatAmount(row.amountMinor, row.currency)}`,
    );
  }
  return parts;
}

/** The stored parts of a row, or null when it is not split. */
export function partsOf(stored: unknown): SplitPart[] | null {
  return Array.isArray(stored) && stored.length > 0 ? (stored as SplitPart[]) : null;
}

/** What other domains see of the parts (notes stay in this domain). */
export const partSnapshots = (parts: readonly SplitPart[] | null): SplitPartSnapshot[] | null =>
  parts && parts.map((p) => ({ id: p.id, amountMinor: p.amountMinor, categoryId: p.categoryId, tags: p.tags }));

/** The tags a row is found by: its own and its parts'. */
export const tagIndexOf = (tags: readonly string[], parts: readonly SplitPart[] | null): string[] =>
  [...new Set([...tags, ...(parts ?? []).flatMap((p) => p.tags)])].sort();
