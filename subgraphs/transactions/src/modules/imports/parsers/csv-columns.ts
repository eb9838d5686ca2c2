import { looksLikeDate } from './dates.js';
import { fold } from './text.js';

/** Where a file keeps each field: one signed amount column, or debit and credit columns. */
export interface Columns {
  date: number;
  description: number;
  amount?: number;
  debit?: number;
  credit?: number;
}

type Field = keyof Columns;

// Header names (accents off, lower case) in English and Portuguese, as banks write them.
const NAMES: Record<Field, string[]> = {
  date: ['date', 'data', 'transaction date', 'posting date', 'posted date', 'booking date', 'data lancamento', 'data do lancamento', 'data movimento', 'data da transacao', 'dt', 'fecha'],
  description: ['description', 'descricao', 'historico', 'memo', 'details', 'detalhes', 'lancamento', 'narrative', 'payee', 'name', 'estabelecimento', 'transaction', 'descricao do lancamento', 'historico do lancamento'],
  amount: ['amount', 'valor', 'value', 'quantia', 'montante', 'valor r', 'valor rs', 'amount brl', 'transaction amount'],
  debit: ['debit', 'debito', 'debits', 'debit amount', 'saida', 'saidas', 'withdrawal', 'withdrawals', 'money out', 'paid out', 'valor debito'],
  credit: ['credit', 'credito', 'credits', 'credit amount', 'entrada', 'entradas', 'deposit', 'deposits', 'money in', 'paid in', 'valor credito'],
};
const FIELDS: Field[] = ['date', 'description', 'amount', 'debit', 'credit'];

/** Columns named by a header row, or null when the record is no header of a statement. */
export function headerColumns(record: string[]): Columns | null {
  const names = record.map(fold);
  const found: Partial<Columns> = {};
  // Exact names first, then a first word ("valor (r$)", "data lançamento") for the fields still missing.
  for (const match of [(n: string, alias: string) => n === alias, (n: string, alias: string) => n.split(' ')[0] === alias]) {
    names.forEach((name, index) => {
      if (Object.values(found).includes(index)) return;
      const field = FIELDS.find((f) => found[f] === undefined && NAMES[f].some((alias) => match(name, alias)));
      if (field) found[field] = index;
    });
  }
  const { date, description, amount, debit, credit } = found;
  if (date === undefined || description === undefined) return null;
  if (amount === undefined && debit === undefined && credit === undefined) return null;
  return { date, description, ...(amount !== undefined ? { amount } : { ...(debit !== undefined ? { debit } : {}), ...(credit !== undefined ? { credit } : {}) }) };
}

const share = (records: string[][], column: number, test: (v: string) => boolean) =>
  records.filter((r) => test(r[column] ?? '')).length / Math.max(records.length, 1);

const looksLikeAmount = (v: string) => /\d/.test(v) && /^[-+(]?\s*(?:R\$|US\$|\$|€|£)?\s*-?[\d.,' ]+\)?\s*-?[DC]?$/i.test(v.trim());

/**
 * Without a header: the date column is the one whose values read as dates, the amount column
 * the last one whose values read as numbers, the description the remaining column with the
 * longest text. Null when no column reads as dates or amounts.
 */
export function guessColumns(sample: string[][]): Columns | null {
  const width = Math.max(0, ...sample.map((r) => r.length));
  const indexes = [...Array(width).keys()];
  const date = indexes.find((i) => share(sample, i, looksLikeDate) >= 0.8);
  if (date === undefined) return null;
  const amount = indexes.filter((i) => i !== date && share(sample, i, looksLikeAmount) >= 0.8).pop();
  if (amount === undefined) return null;
  const textLength = (i: number) => sample.reduce((sum, r) => sum + (looksLikeAmount(r[i] ?? '') ? 0 : (r[i] ?? '').length), 0);
  const description = indexes.filter((i) => i !== date && i !== amount).sort((a, b) => textLength(b) - textLength(a))[0];
  return description === undefined ? null : { date, description, amount };
}

/** Every amount text of the file's rows (amount, debit and credit columns). */
export function amountTexts(records: string[][], columns: Columns): string[] {
  const indexes = [columns.amount, columns.debit, columns.credit].filter((i): i is number => i !== undefined);
  return records.flatMap((r) => indexes.map((i) => r[i] ?? '').filter((v) => v.trim() !== ''));
}
