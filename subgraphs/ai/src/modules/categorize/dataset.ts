import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isSlug, type Slug } from './slugs.js';

/** One labelled bank line. `amountMinor` is signed: money in positive, money out negative. */
export interface LabelledRow {
  description: string;
  amountMinor: number;
  slug: Slug;
  /** ISO date (YYYY-MM-DD); orders the prequential evaluation. */
  date: string;
  split: 'train' | 'test';
  /** ISO 3166 alpha-2 country of the statement the line comes from ('' when the file has none). */
  country: string;
}

/** The committed dataset, written by subgraphs/ai/data/generate-dataset.ts. */
export const DATASET_PATH = fileURLToPath(new URL('../../../data/transactions.labelled.tsv', import.meta.url));

/** Parses `description\tamount\tslug\tdate\tsplit[\tcountry]` (amount in major units, e.g. -45.90). */
export function parseDataset(tsv: string): LabelledRow[] {
  const rows: LabelledRow[] = [];
  const lines = tsv.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const [description, amount, slug, date, split, country] = line.split('\t');
    if (description === undefined || amount === undefined || slug === undefined || !isSlug(slug)) {
      throw new Error(`dataset line ${i + 1} is malformed`);
    }
    if (split !== 'train' && split !== 'test') throw new Error(`dataset line ${i + 1} has split '${split}'`);
    // Parsed as a decimal string so 0.29 does not become 28 minor units.
    rows.push({ description, amountMinor: decimalToMinor(amount), slug, date: date ?? '', split, country: country ?? '' });
  }
  return rows;
}

export function decimalToMinor(amount: string): number {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(amount.trim());
  if (!m) throw new Error(`bad amount '${amount}'`);
  const minor = Number(m[2]) * 100 + Number((m[3] ?? '0').padEnd(2, '0'));
  return m[1] ? -minor : minor;
}

let cached: LabelledRow[] | null = null;

/** All rows of the committed dataset, read once per process. */
export function loadDataset(): LabelledRow[] {
  cached ??= parseDataset(readFileSync(DATASET_PATH, 'utf8'));
  return cached;
}
