import { hash } from 'node:crypto';
import { fold } from './parsers/text.js';
import type { ParsedRow } from './parsers/types.js';

/** What makes two rows without a bank id the same: account (implied), day, amount, folded description. */
export const contentKey = (date: string, amountMinor: bigint, description: string): string =>
  `${date}|${amountMinor}|${fold(description)}`;

/** A parsed row with what de-duplicates it. */
export interface KeyedRow extends ParsedRow {
  contentKey: string;
  /** 1 for the first row of its content key in the file, 2 for the second... */
  occurrence: number;
  /** Stored in transactions.import_key (unique per account) for rows without a bank id. */
  importKey: string | null;
}

/** Distinct descriptions whose folded form a RowKeyer keeps (statements repeat their payees). */
const FOLD_CACHE = 10_000;

/**
 * Numbers identical rows in file order, one row at a time (a file is keyed as it streams in),
 * so a file with the same coffee twice that day imports two, and importing it again finds both
 * present. Rows with a bank id (FITID) are keyed by it. Holds one counter per distinct row.
 */
export class RowKeyer {
  private readonly seen = new Map<string, number>();
  private readonly folded = new Map<string, string>();

  key(row: ParsedRow): KeyedRow {
    const key = `${row.date}|${row.amountMinor}|${this.fold(row.description)}`; // contentKey()
    const occurrence = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, occurrence);
    const importKey = row.externalId ? null : hash('sha256', `${key}#${occurrence}`, 'base64url');
    const { line, date, amountMinor, description, externalId } = row;
    return { line, date, amountMinor, description, externalId, contentKey: key, occurrence, importKey };
  }

  private fold(description: string): string {
    let folded = this.folded.get(description);
    if (folded === undefined) {
      if (this.folded.size >= FOLD_CACHE) this.folded.clear();
      folded = fold(description);
      this.folded.set(description, folded);
    }
    return folded;
  }
}

/** The rows of a whole file keyed in order (RowKeyer over all of them). */
export function keyRows(rows: readonly ParsedRow[]): KeyedRow[] {
  const keyer = new RowKeyer();
  return rows.map((row) => keyer.key(row));
}

/**
 * The rows still to insert: a row without a bank id whose occurrence is within the number of
 * identical rows the account already has (imported or entered by hand) is a duplicate.
 */
export function notYetPresent(rows: readonly KeyedRow[], present: ReadonlyMap<string, number>): KeyedRow[] {
  return rows.filter((row) => row.externalId !== null || row.occurrence > (present.get(row.contentKey) ?? 0));
}

/** Counts the account's existing rows per content key. */
export function presentCounts(existing: Iterable<{ date: string; amountMinor: bigint; description: string }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of existing) {
    const key = contentKey(row.date, row.amountMinor, row.description);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
