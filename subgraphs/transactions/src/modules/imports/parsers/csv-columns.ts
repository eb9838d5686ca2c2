import { decimalMarkOf, looksLikeAmount, readAmount } from './amount.js';
import { looksLikeDate } from './dates.js';
import { fold } from './text.js';

/**
 * Where a file keeps each field: one signed amount column, or debit and credit columns; with
 * either, maybe a column telling money out from money in (`direction`, for unsigned amounts), a
 * fee charged on the row (`fee`) and the other party (`payee`, put before the description).
 */
export interface Columns {
  date: number;
  description: number;
  amount?: number;
  debit?: number;
  credit?: number;
  direction?: number;
  fee?: number;
  payee?: number;
  /** Further parts of the description, joined after it (FNB's Description1, Description2, Description3). */
  moreDescription?: number[];
}

type Field = Exclude<keyof Columns, 'moreDescription'>;

// Header names (accents off, lower case, punctuation as spaces) as banks write them: English,
// Portuguese, Spanish, French, German, Italian, Dutch and Afrikaans.
const NAMES: Record<Field, string[]> = {
  date: [
    'date', 'transaction date', 'data', 'fecha', 'datum', 'data da transacao', 'data lancamento', 'data do lancamento', 'data movimento',
    'posting date', 'posted date', 'booking date', 'txn date', 'tran date', 'buchungstag', 'buchungsdatum', 'date operation',
    'date de l operation', 'fecha operacion', 'fecha de operacion', 'data contabile', 'data operazione', 'transactiedatum', 'boekdatum',
    'value date', 'valutadatum', 'date valeur', 'fecha valor', 'data valuta', 'dt',
  ],
  description: [
    'description', 'descricao', 'transaction description', 'details', 'transaction details', 'narrative', 'narration', 'particulars',
    'memo', 'historico', 'detalhes', 'lancamento', 'descricao do lancamento', 'historico do lancamento', 'estabelecimento', 'title',
    'payee', 'name', 'merchant', 'verwendungszweck', 'libelle', 'libelle operation', 'libelle de l operation', 'concepto', 'descripcion',
    'movimiento', 'descrizione estesa', 'descrizione', 'causale', 'naam omschrijving', 'omschrijving', 'mededelingen', 'beschrijving', 'beskrywing', 'transaction',
  ],
  amount: [
    'amount', 'valor', 'value', 'quantia', 'montante', 'valor r', 'valor rs', 'amount brl', 'transaction amount', 'betrag', 'umsatz',
    'montant', 'importe', 'importo', 'bedrag', 'bedrag eur', 'bedrag r',
  ],
  debit: [
    'debit', 'debito', 'debits', 'debit amount', 'saida', 'saidas', 'withdrawal', 'withdrawals', 'withdrawal amt', 'money out', 'paid out',
    'valor debito', 'soll', 'cargo', 'cargos', 'addebiti', 'addebito', 'uscite', 'ausgang', 'ausgaben', 'debiet',
  ],
  credit: [
    'credit', 'credito', 'credits', 'credit amount', 'entrada', 'entradas', 'deposit', 'deposits', 'deposit amt', 'money in', 'paid in',
    'valor credito', 'haben', 'abono', 'abonos', 'accrediti', 'accredito', 'entrate', 'eingang', 'einnahmen', 'krediet',
  ],
  direction: ['af bij', 'debit credit', 'credit debit', 'dr cr', 'cr dr', 'd c', 'c d', 'soll haben', 'debit credit indicator', 'cdtdbtind'],
  fee: ['fee', 'fees', 'bank fee', 'bank fees', 'charges', 'gebuhr', 'gebuhren', 'frais', 'comision', 'comisiones', 'tarifa', 'tarifas', 'taxa', 'commissioni', 'kosten'],
  payee: ['beguenstigter zahlungspflichtiger', 'auftraggeber empfanger', 'name zahlungsbeteiligter', 'zahlungsbeteiligter', 'counterparty', 'counterparty name'],
};
const FIELDS: Field[] = ['date', 'description', 'amount', 'direction', 'fee', 'payee', 'debit', 'credit'];
// Names a column has only where no better one is: the kind of a row, a value date, a short text
// beside a longer one (Intesa's "Descrizione" beside its "Descrizione estesa").
const WEAK = new Set([
  'details', 'transaction', 'memo', 'particulars', 'descrizione', 'value date', 'valutadatum', 'date valeur', 'fecha valor', 'data valuta', 'dt',
]);
const MONEY_FIELDS = new Set<Field>(['amount', 'debit', 'credit', 'fee']);
// A money column's name never has these words: "Value Date" is no amount, "Saldo" no credit.
const NOT_MONEY = new Set(['date', 'dt', 'data', 'datum', 'fecha', 'valuta', 'saldo', 'balance', 'currency', 'waehrung', 'wahrung', 'moneda']);

/** Columns named by a header row, or null when the record is no header of a statement. */
export function headerColumns(record: string[]): Columns | null {
  // A trailing number is no part of the name: FNB's "Description1" is a description.
  const names = record.map(fold);
  const bases = names.map((n) => n.replace(/\s*\d$/, ''));
  const found: Partial<Columns> = {};
  const taken = new Set<number>();
  const allowed = (field: Field, name: string) => !MONEY_FIELDS.has(field) || !name.split(' ').some((w) => NOT_MONEY.has(w));
  // Exact names first, then a first word ("valor (r$)", "data lançamento") for the fields still
  // missing. A field takes its leftmost column with a name of NAMES, before any with a WEAK one
  // (Chase's "Details", DEBIT or CREDIT, loses to its "Description"; a value date to a booking date).
  const strength = (alias: string) => (WEAK.has(alias) ? 1 : 0);
  for (const match of [(n: string, alias: string) => n === alias, (n: string, alias: string) => n.split(' ')[0] === alias]) {
    for (const field of FIELDS) {
      if (found[field] !== undefined) continue;
      for (const tier of [0, 1]) {
        const aliases = NAMES[field].filter((a) => strength(a) === tier);
        const fits = (name: string, i: number) => !taken.has(i) && allowed(field, name) && aliases.some((alias) => match(name, alias));
        let index = names.findIndex(fits);
        if (index < 0) index = bases.findIndex(fits);
        if (index < 0) continue;
        found[field] = index;
        taken.add(index);
        break;
      }
    }
  }
  const { date, description, amount, debit, credit, direction, fee, payee } = found;
  if (date === undefined || description === undefined) return null;
  // "Description 1", "Description 2"...: the numbered siblings of the description column.
  const numbered = /^(.*?)\s*\d$/.exec(names[description]!);
  const moreDescription = numbered
    ? names.flatMap((name, i) => (i !== description && !taken.has(i) && /^(.*?)\s*\d$/.exec(name)?.[1] === numbered[1] ? [i] : []))
    : [];
  if (amount === undefined && debit === undefined && credit === undefined) return null;
  return {
    date,
    description,
    ...(amount !== undefined ? { amount } : { ...(debit !== undefined ? { debit } : {}), ...(credit !== undefined ? { credit } : {}) }),
    ...(direction !== undefined ? { direction } : {}),
    ...(fee !== undefined ? { fee } : {}),
    ...(payee !== undefined ? { payee } : {}),
    ...(moreDescription.length ? { moreDescription } : {}),
  };
}

const DEBIT_WORDS = new Set(['d', 'dr', 'dbit', 'debit', 'debito', 'af', 's', 'soll', 'out', 'cargo', 'withdrawal']);
const CREDIT_WORDS = new Set(['c', 'cr', 'crdt', 'credit', 'credito', 'bij', 'h', 'haben', 'in', 'abono', 'deposit']);

/** Whether a direction cell says money out (-1), money in (1), or nothing it knows (0). */
export function directionOf(value: string): -1 | 0 | 1 {
  const word = fold(value);
  return DEBIT_WORDS.has(word) ? -1 : CREDIT_WORDS.has(word) ? 1 : 0;
}

const share = (records: string[][], column: number, test: (v: string) => boolean) =>
  records.filter((r) => test(r[column] ?? '')).length / Math.max(records.length, 1);

/**
 * Which of two numeric columns is the amount when the other is the running balance: each
 * balance is the one before it plus the row's amount (oldest row first), or the one after it
 * plus the next row's amount (newest first). The amount column's index, or null.
 */
function amountBesideBalance(sample: string[][], candidates: number[]): number | null {
  if (candidates.length < 2 || sample.length < 2) return null;
  const mark = decimalMarkOf(candidates.flatMap((i) => sample.map((r) => r[i] ?? '')), '.');
  const values = new Map(candidates.map((i) => [i, sample.map((r) => { const v = readAmount(r[i] ?? '', mark, 'USD'); return typeof v === 'bigint' ? v : null; })]));
  for (const amount of candidates) {
    for (const balance of candidates) {
      if (amount === balance) continue;
      const a = values.get(amount)!;
      const b = values.get(balance)!;
      let oldestFirst = 0;
      let newestFirst = 0;
      for (let i = 1; i < sample.length; i++) {
        const [a0, a1, b0, b1] = [a[i - 1] ?? null, a[i] ?? null, b[i - 1] ?? null, b[i] ?? null];
        if (a0 === null || a1 === null || b0 === null || b1 === null) continue;
        if (b1 === b0 + a1) oldestFirst++;
        if (b0 === b1 + a0) newestFirst++;
      }
      if (Math.max(oldestFirst, newestFirst) >= Math.max(1, (sample.length - 1) * 0.6)) return amount;
    }
  }
  return null;
}

/**
 * Without a header: the date column is the one whose values read as dates, the amount column
 * the one whose running sum another column is (the balance), else the last one whose values read
 * as numbers, the description the remaining column with the longest text. Null when no column
 * reads as dates or amounts.
 */
export function guessColumns(sample: string[][]): Columns | null {
  const width = Math.max(0, ...sample.map((r) => r.length));
  const indexes = [...Array(width).keys()];
  const date = indexes.find((i) => share(sample, i, looksLikeDate) >= 0.8);
  if (date === undefined) return null;
  const numeric = indexes.filter((i) => i !== date && share(sample, i, looksLikeAmount) >= 0.8);
  const amount = amountBesideBalance(sample, numeric) ?? numeric.pop();
  if (amount === undefined) return null;
  const textLength = (i: number) => sample.reduce((sum, r) => sum + (looksLikeAmount(r[i] ?? '') ? 0 : (r[i] ?? '').length), 0);
  const description = indexes.filter((i) => i !== date && i !== amount).sort((a, b) => textLength(b) - textLength(a))[0];
  return description === undefined ? null : { date, description, amount };
}

/** Every amount text of the file's rows (amount, debit, credit and fee columns). */
export function amountTexts(records: string[][], columns: Columns): string[] {
  const indexes = [columns.amount, columns.debit, columns.credit, columns.fee].filter((i): i is number => i !== undefined);
  return records.flatMap((r) => indexes.map((i) => r[i] ?? '').filter((v) => v.trim() !== ''));
}
