/** One good row of a statement, in the account's currency. */
export interface ParsedRow {
  /** 1-based line of the file where the row ends. */
  line: number;
  /** Calendar day "YYYY-MM-DD". */
  date: string;
  /** Signed integer minor units of the account's currency; negative = money out. */
  amountMinor: bigint;
  description: string;
  /** The bank's id of the row (OFX FITID), the de-duplication key when present. */
  externalId: string | null;
}

/** A row that could not be read; line 0 is the whole file. */
export interface ImportErrorEntry {
  line: number;
  message: string;
}

/** What a parser found, in file order: the import keeps going past bad rows. */
export type ParsedItem = ({ ok: true } & ParsedRow) | ({ ok: false } & ImportErrorEntry);

export interface ParseResult {
  items: ParsedItem[];
  /** Why nothing of the file can be imported (not a statement of this format, wrong currency). */
  fatal?: string;
  /** What detection chose (delimiter, columns, date order, decimal mark, encoding), for logs. */
  notes: string[];
}

export interface ParseOptions {
  /** The account's ISO 4217 currency: amounts are read in it (its decimals at most). */
  currency: string;
}

export const rowError = (line: number, message: string): ParsedItem => ({ ok: false, line, message });
