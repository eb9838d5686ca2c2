import { SaxesParser, type SaxesTag } from 'saxes';
import { readAmount } from './amount.js';
import { cleanDescription, hasControl, MAX_DESCRIPTION, quote } from './text.js';
import { MAX_RECORD_LENGTH, rowError, type FormatParser, type ParsedItem, type ParseOptions, type ParserOutput } from './types.js';

/** One TxDtls of an entry: a transaction of a batch booking, or the details of a single one. */
interface Details {
  line: number;
  amount?: string;
  currency?: string;
  /** AmtDtls/TxAmt/Amt (camt.053.001.02), when TxDtls has no Amt of its own. */
  txAmount?: string;
  txCurrency?: string;
  indicator?: string;
  ref?: string;
  creditor?: string;
  debtor?: string;
  remittance: string[];
  info?: string;
}

interface Entry {
  line: number;
  amount?: string;
  currency?: string;
  indicator?: string;
  status?: string;
  booked?: string;
  value?: string;
  ref?: string;
  entryRef?: string;
  info?: string;
  details: Details[];
  tooLarge?: boolean;
}

/** TxDtls kept per entry (batch bookings of salaries or direct debits run to a few thousand). */
export const MAX_BATCH = 10_000;

const CONTAINERS = new Set(['Stmt', 'Rpt', 'Ntfctn']);
const ROOTS = new Set(['BkToCstmrStmt', 'BkToCstmrAcctRpt', 'BkToCstmrDbtCdtNtfctn']);

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

/** "2026-11-02" or "2026-11-02T10:00:00+01:00": the day, when it is one. */
function dayOf(value: string | undefined): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value ?? '');
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1900 || y > 2200 || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

const refOf = (ref: string | undefined) => (ref && ref.length <= 255 && !hasControl(ref) && ref.toUpperCase() !== 'NOTPROVIDED' ? ref : null);

function readRow(e: Entry, d: Details | undefined, batchIndex: number | null, currency: string): ParsedItem {
  const line = batchIndex === null ? e.line : d!.line;
  const status = e.status?.toUpperCase();
  if (status && status !== 'BOOK') return rowError(line, `the entry is not booked (Sts ${quote(e.status!)}): only booked entries are imported`);
  const date = dayOf(e.booked) ?? dayOf(e.value);
  if (!date) return rowError(line, `BookgDt ${quote(e.booked ?? e.value ?? '')} is not a date YYYY-MM-DD`);
  const rawAmount = batchIndex === null ? e.amount : (d!.amount ?? d!.txAmount);
  const amountCurrency = batchIndex === null ? e.currency : d!.amount !== undefined ? d!.currency : d!.txCurrency;
  if (!rawAmount) return rowError(line, 'the entry has no Amt');
  if (amountCurrency && amountCurrency.toUpperCase() !== currency.toUpperCase()) return rowError(line, `the amount is in ${quote(amountCurrency)}, the account in ${currency}`);
  const magnitude = readAmount(rawAmount, '.', currency);
  if (typeof magnitude === 'string') return rowError(line, `Amt: ${magnitude}`);
  const indicator = (batchIndex === null ? e.indicator : (d!.indicator ?? e.indicator))?.toUpperCase();
  if (indicator !== 'DBIT' && indicator !== 'CRDT') return rowError(line, `CdtDbtInd ${quote(indicator ?? '')} is neither CRDT nor DBIT`);
  const amountMinor = indicator === 'DBIT' ? -(magnitude < 0n ? -magnitude : magnitude) : magnitude < 0n ? -magnitude : magnitude;
  // Money out names who was paid (Cdtr), money in who paid (Dbtr); then what the payment says.
  const party = d ? (indicator === 'DBIT' ? (d.creditor ?? d.debtor) : (d.debtor ?? d.creditor)) : undefined;
  const text = [party, d?.remittance.join(' ')].filter((t) => t).join(' - ') || d?.info || e.info || '';
  const description = cleanDescription(text);
  if (!description) return rowError(line, 'no Nm, Ustrd, AddtlTxInf or AddtlNtryInf to describe the entry, or they have control characters');
  const externalId = batchIndex === null ? (refOf(e.ref) ?? refOf(e.entryRef) ?? refOf(d?.ref)) : (refOf(d!.ref) ?? (refOf(e.ref ?? e.entryRef) ? `${refOf(e.ref ?? e.entryRef)}/${batchIndex + 1}` : null));
  return { ok: true, line, date, amountMinor, description, externalId };
}

/**
 * An ISO 20022 camt.053 statement (also camt.052 reports and camt.054 notifications, which
 * share the entry), streamed through saxes: each Ntry with Amt and its Ccy, CdtDbtInd,
 * BookgDt (else ValDt) Dt or DtTm, the counterparty (RltdPties Cdtr/Dbtr Nm), RmtInf/Ustrd
 * and AcctSvcrRef (else NtryRef) as the bank's id. An entry with several TxDtls that each have
 * their own amount is a batch booking: one row per TxDtls. Only booked entries are imported.
 *
 * saxes (the streaming XML parser jsdom uses) checks well-formedness and keeps no document:
 * what it holds is the open tags and the current text; text or a tag longer than
 * MAX_RECORD_LENGTH is refused before it reaches saxes. A malformed or truncated file keeps
 * the entries read before the fault and reports the rest from its line.
 */
export class CamtParser implements FormatParser {
  readonly detected = { format: 'CAMT053' as const };
  stopped = false;
  readonly notes: string[] = [];
  private readonly sax = new SaxesParser({ position: true });
  private readonly stack: string[] = [];
  private text = '';
  private seenRoot = false;
  private entry: Entry | null = null;
  private details: Details | null = null;
  private emitted = 0;
  /** Characters since the last `<` or `>`. */
  private run = 0;
  private out: ParserOutput[] = [];

  constructor(private readonly options: ParseOptions) {
    this.sax.on('opentag', (tag) => this.open(tag));
    this.sax.on('closetag', () => this.close());
    this.sax.on('text', (t) => {
      if (this.entry) this.text += t;
    });
    this.sax.on('cdata', (t) => {
      if (this.entry) this.text += t;
    });
  }

  push(text: string, out: ParserOutput[]): void {
    if (this.stopped) return;
    this.out = out;
    const markup = /[<>]/g;
    let last = -1;
    for (let m = markup.exec(text); m; m = markup.exec(text)) {
      if (this.run + (m.index - last - 1) > MAX_RECORD_LENGTH) break;
      this.run = 0;
      last = m.index;
    }
    const gapFrom = last + 1;
    if (this.run + (text.length - gapFrom) > MAX_RECORD_LENGTH) {
      this.write(text.slice(0, gapFrom));
      if (!this.stopped) this.stop(`a tag or text is longer than ${MAX_RECORD_LENGTH} characters: the file is not read from here on`);
      return;
    }
    this.run += text.length - gapFrom;
    this.write(text);
  }

  end(out: ParserOutput[]): void {
    if (this.stopped) return;
    this.out = out;
    try {
      this.sax.close();
    } catch (error) {
      this.stop(this.entry ? 'the entry is not closed (truncated file?)' : `the XML ends early (truncated file?): ${(error as Error).message}`);
      return;
    }
    this.finish();
  }

  private write(text: string): void {
    try {
      this.sax.write(text);
    } catch (error) {
      this.stop(`the XML is malformed: ${(error as Error).message.split('\n')[0]}; the file is not read from here on`);
    }
  }

  /** Nothing more can be read: the entry being read and the rest of the file are one error. */
  private stop(message: string): void {
    if (this.stopped) return;
    const line = this.entry?.line ?? this.sax.line;
    this.entry = null;
    if (this.emitted > 0 || this.seenRoot) {
      this.out.push(rowError(line, message));
      this.emitted++;
    }
    this.finish();
  }

  private finish(): void {
    if (!this.seenRoot) this.fatal('not a camt.053 statement: no BkToCstmrStmt element');
    else if (this.emitted === 0) this.fatal('the camt.053 statement has no entries (Ntry)');
    this.stopped = true;
  }

  private fatal(message: string): void {
    this.out.push({ ok: false, line: 0, message, fatal: true });
    this.stopped = true;
  }

  private open(tag: SaxesTag): void {
    const name = localName(tag.name);
    const parent = this.stack[this.stack.length - 1];
    this.stack.push(name);
    this.text = '';
    if (ROOTS.has(name)) this.seenRoot = true;
    if (name === 'Ntry' && parent && CONTAINERS.has(parent)) this.entry = { line: this.sax.line, details: [] };
    else if (name === 'TxDtls' && this.entry) {
      this.details = { line: this.sax.line, remittance: [] };
      // An entry is held until it closes: a batch beyond MAX_BATCH is one error, not kept whole.
      if (this.entry.details.length < MAX_BATCH) this.entry.details.push(this.details);
      else this.entry.tooLarge = true;
    } else if (name === 'Amt' && this.entry) {
      // Without xmlns processing (the default) attributes are plain strings.
      const ccy = Object.entries(tag.attributes as Record<string, string>).find(([k]) => localName(k) === 'Ccy')?.[1];
      const path = this.path();
      if (path === 'Ntry/Amt') this.entry.currency = ccy;
      else if (path === 'TxDtls/Amt') this.details!.currency = ccy;
      else if (path === 'TxDtls/AmtDtls/TxAmt/Amt') this.details!.txCurrency = ccy;
    }
  }

  /** Where the current element is: from the TxDtls it is in, else from its Ntry. */
  private path(): string {
    const tx = this.stack.lastIndexOf('TxDtls');
    const from = tx >= 0 && this.details ? tx : this.stack.lastIndexOf('Ntry');
    return this.stack.slice(from).join('/');
  }

  private close(): void {
    const e = this.entry;
    if (!e) {
      this.stack.pop();
      return;
    }
    const value = this.text.trim();
    const path = this.path();
    const d = this.details;
    this.text = '';
    if (path === 'Ntry') {
      this.entry = null;
      this.details = null;
      this.emit(e);
    } else if (path === 'TxDtls') this.details = null;
    else if (d && path.startsWith('TxDtls/')) {
      const p = path.slice(7);
      if (p === 'Amt') d.amount = value;
      else if (p === 'AmtDtls/TxAmt/Amt') d.txAmount = value;
      else if (p === 'CdtDbtInd') d.indicator = value;
      else if (p === 'Refs/AcctSvcrRef') d.ref = value;
      else if (p === 'RltdPties/Cdtr/Nm' || p === 'RltdPties/Cdtr/Pty/Nm') d.creditor = value;
      else if (p === 'RltdPties/Dbtr/Nm' || p === 'RltdPties/Dbtr/Pty/Nm') d.debtor = value;
      else if (p === 'RmtInf/Ustrd' && value && d.remittance.join(' ').length < MAX_DESCRIPTION) d.remittance.push(value);
      else if (p === 'AddtlTxInf') d.info = value;
    } else {
      const p = path.slice(5);
      if (p === 'Amt') e.amount = value;
      else if (p === 'CdtDbtInd') e.indicator = value;
      else if (p === 'Sts' || p === 'Sts/Cd') e.status = value || e.status;
      else if (p === 'BookgDt/Dt' || p === 'BookgDt/DtTm') e.booked = value;
      else if (p === 'ValDt/Dt' || p === 'ValDt/DtTm') e.value = value;
      else if (p === 'AcctSvcrRef') e.ref = value;
      else if (p === 'NtryRef') e.entryRef = value;
      else if (p === 'AddtlNtryInf') e.info = value;
    }
    this.stack.pop();
  }

  private emit(e: Entry): void {
    const { currency } = this.options;
    if (e.tooLarge) {
      this.out.push(rowError(e.line, `the entry has more than ${MAX_BATCH} TxDtls: it is not imported`));
      this.emitted++;
      return;
    }
    const batch = e.details.length > 1 && e.details.every((d) => d.amount !== undefined || d.txAmount !== undefined);
    if (batch) {
      e.details.forEach((d, i) => {
        this.out.push(readRow(e, d, i, currency));
        this.emitted++;
      });
    } else {
      this.out.push(readRow(e, e.details[0], null, currency));
      this.emitted++;
    }
  }
}
