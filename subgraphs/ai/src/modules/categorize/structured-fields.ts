/**
 * SEPA exports often print a line as labelled fields: ABN AMRO's
 * `/TRTP/SEPA OVERBOEKING/IBAN/NL../BIC/../NAME/J Jansen/REMI/Huur/EREF/..`, its older
 * `SEPA Incasso ... Incassant: NL..ZZZ.. Naam: Vattenfall Machtiging: .. Omschrijving: ..`,
 * German `Empfaenger: .. Verwendungszweck: ..` or `SVWZ+..`, French `/DE .. /MOTIF ..`, Spanish
 * `.. CONCEPTO: ..`. Read as plain words, the IBAN, the mandate and the creditor id bury the payee.
 *
 * `splitStructured` splits such a line (already folded to upper case) into `<channel words>
 * <counterparty>`, the shape the normalizer already reads (the channel prefix, then the name that
 * becomes the merchant), and the remittance text, whose words are tokens but not the merchant.
 * Ids, IBANs, BICs and dates are dropped. Lines without such labels come back as they are.
 */

export interface StructuredLine {
  /** The channel words and the counterparty's name. */
  line: string;
  /** What the payment was for ('' when the line has no such field). */
  remittance: string;
}

type Role = 'name' | 'remittance' | 'drop';

/** ABN AMRO's slash format: keys between slashes after a leading /TRTP/. */
const SLASH_KEYS: Readonly<Record<string, Role>> = {
  TRTP: 'drop', // handled as the channel
  NAME: 'name',
  REMI: 'remittance',
  IBAN: 'drop',
  BIC: 'drop',
  EREF: 'drop',
  CSID: 'drop',
  MARF: 'drop',
  ORDP: 'drop',
  BENM: 'drop',
  ID: 'drop',
  ISDT: 'drop',
  RTRN: 'drop',
  PREF: 'drop',
  USTD: 'drop',
  STRD: 'drop',
  CUR: 'drop',
  ISSR: 'drop',
};

const SLASH_KEY = new RegExp(`/(${Object.keys(SLASH_KEYS).join('|')})/`, 'g');

/**
 * Labels of the key-value formats, longest first within a language so that ZAHLUNGSEMPFAENGER is
 * not read as EMPFAENGER. A label ends with ':' (or '+' for the MT940 tags, which need none).
 */
const LABELS: readonly (readonly [label: string, role: Role])[] = [
  // Dutch (ABN AMRO, ING, Rabobank key-value exports).
  ['NAAM', 'name'],
  ['OMSCHRIJVING', 'remittance'],
  ['INCASSANT', 'drop'],
  ['MACHTIGING', 'drop'],
  ['KENMERK', 'drop'],
  ['BETALINGSKENM\\.?', 'drop'],
  ['ID BEGUNSTIGDE', 'drop'],
  ['IBAN', 'drop'],
  ['BIC', 'drop'],
  ['VALUTADATUM', 'drop'],
  ['DATUM/TIJD', 'drop'],
  // German.
  ['ZAHLUNGSEMPFAENGER', 'name'],
  ['AUFTRAGGEBER', 'name'],
  ['BEGUENSTIGTER', 'name'],
  ['EMPFAENGER', 'name'],
  ['GLAEUBIGER', 'name'],
  ['ZAHLUNGSPFLICHTIGER', 'name'],
  ['VERWENDUNGSZWECK', 'remittance'],
  ['BUCHUNGSTEXT', 'remittance'],
  ['GLAEUBIGER-?ID', 'drop'],
  ['MANDATSREFERENZ', 'drop'],
  ['MANDAT', 'drop'],
  ['KUNDENREFERENZ', 'drop'],
  ['END-TO-END-REF\\.?', 'drop'],
  ['REF\\.', 'drop'],
  // French.
  ['BENEFICIAIRE', 'name'],
  ['DONNEUR D.ORDRE', 'name'],
  ['EMETTEUR', 'name'],
  ['DE', 'name'],
  ['MOTIF', 'remittance'],
  ['LIBELLE', 'remittance'],
  ['ID EMETTEUR', 'drop'],
  ['REFDO', 'drop'],
  ['REFBEN', 'drop'],
  ['MDT', 'drop'],
  ['REF', 'drop'],
  // Spanish.
  ['BENEFICIARIO', 'name'],
  ['ORDENANTE', 'name'],
  ['CONCEPTO', 'remittance'],
  ['REFERENCIA', 'drop'],
  ['REF\\. MANDATO', 'drop'],
];

/** German MT940 / DATEV tags: SVWZ+ is the remittance text, ABWA+/ABWE+ a differing payer or payee. */
const TAGS: Readonly<Record<string, Role>> = { SVWZ: 'remittance', ABWA: 'name', ABWE: 'name', EREF: 'drop', MREF: 'drop', CRED: 'drop', KREF: 'drop', IBAN: 'drop', BIC: 'drop', DEBT: 'drop' };

// Sorted longest first so that 'ID EMETTEUR' wins over 'EMETTEUR' and 'REF. MANDATO' over 'REF.'.
const LABEL_ALTERNATIVES = [...LABELS].sort((a, b) => b[0].length - a[0].length);
/** A label is a whole word followed by ':'. */
const LABEL_RE = new RegExp(`(?<![A-Z0-9-])(${LABEL_ALTERNATIVES.map(([l]) => l).join('|')})\\s*:\\s*`, 'g');
/** French transfers' '/DE name /MOTIF text' (only on French channel lines: German card lines end in '/DE 2024-..'). */
const FRENCH_SLASH_RE = /\/(DE|MOTIF|REF|REFDO|REFBEN|ID|LIB|BEN|ORD)(?=\s)\s*/g;
const FRENCH_CHANNEL = /^(?:VIR|VIREMENT|PRLV|PRELEVEMENT|AVIS)\b/;
const TAG_RE = new RegExp(`(?<![A-Z0-9])(${Object.keys(TAGS).join('|')})\\+`, 'g');
const FRENCH_SLASH: Readonly<Record<string, Role>> = { DE: 'name', MOTIF: 'remittance', LIB: 'remittance', BEN: 'name', ORD: 'name', REF: 'drop', REFDO: 'drop', REFBEN: 'drop', ID: 'drop' };

/** Spanish transfers put the payee after "A FAVOR DE" and the purpose after an unlabelled "CONCEPTO". */
const SPANISH_CONCEPT = /,?\s+CONCEPTO\s+(?!:)/;
/** Spanish receipts: the receipt number and the mandate reference follow the biller's name. */
const SPANISH_RECEIPT_TAIL = /\s+(?:N[.º°]?\s*(?:DE\s+)?RECIBO|REF\.?\s*MANDATO|ID\.?\s*ACREEDOR)\b.*$/;

const LABEL_ROLES: readonly (readonly [RegExp, Role])[] = LABELS.map(([l, role]) => [new RegExp(`^(?:${l})$`), role]);

function roleOf(label: string): Role {
  for (const [re, role] of LABEL_ROLES) if (re.test(label)) return role;
  return 'drop';
}

/**
 * `text` without leading characters of `lead` and trailing ones of `trail`. A loop, not a regex:
 * an end-anchored class like /[\s,]+$/ retries every run of those characters inside the text.
 */
function trim(text: string, lead: string, trail: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && lead.includes(text[start]!)) start++;
  while (end > start && trail.includes(text[end - 1]!)) end--;
  return text.slice(start, end);
}

function assemble(channel: string, names: string[], remittance: string[]): StructuredLine {
  const name = names.map((n) => n.trim()).filter(Boolean).join(' ');
  return { line: [channel.trim(), name].filter(Boolean).join(' '), remittance: remittance.map((r) => r.trim()).filter(Boolean).join(' ') };
}

function splitSlash(s: string): StructuredLine | null {
  if (!s.startsWith('/TRTP/')) return null;
  const marks: { key: string; start: number; end: number }[] = [];
  for (const m of s.matchAll(SLASH_KEY)) marks.push({ key: m[1]!, start: m.index, end: m.index + m[0].length });
  let channel = '';
  const names: string[] = [];
  const remittance: string[] = [];
  for (let i = 0; i < marks.length; i++) {
    const mark = marks[i]!;
    const value = trim(s.slice(mark.end, marks[i + 1]?.start ?? s.length), '/', '/');
    if (mark.key === 'TRTP') channel = value;
    else if (SLASH_KEYS[mark.key] === 'name') names.push(value);
    else if (SLASH_KEYS[mark.key] === 'remittance') remittance.push(value.replace(/^(?:USTD|STRD)\/+(?:CUR\/+)?/, ''));
  }
  return assemble(channel.replace(/^SEPA\s+(?=IDEAL\b)/, ''), names, remittance);
}

function splitLabelled(s: string): StructuredLine | null {
  const marks: { role: Role; start: number; end: number }[] = [];
  for (const m of s.matchAll(LABEL_RE)) marks.push({ role: roleOf(m[1]!), start: m.index, end: m.index + m[0].length });
  if (FRENCH_CHANNEL.test(s)) {
    for (const m of s.matchAll(FRENCH_SLASH_RE)) marks.push({ role: FRENCH_SLASH[m[1]!] ?? 'drop', start: m.index, end: m.index + m[0].length });
  }
  for (const m of s.matchAll(TAG_RE)) marks.push({ role: TAGS[m[1]!] ?? 'drop', start: m.index, end: m.index + m[0].length });
  if (!marks.some((m) => m.role !== 'drop')) return null;
  marks.sort((a, b) => a.start - b.start);
  const names: string[] = [];
  const remittance: string[] = [];
  for (let i = 0; i < marks.length; i++) {
    const mark = marks[i]!;
    const value = trim(s.slice(mark.end, marks[i + 1]?.start ?? s.length), ' /:+', ' /,');
    if (mark.role === 'name') names.push(value);
    else if (mark.role === 'remittance') remittance.push(value);
  }
  return assemble(trim(s.slice(0, marks[0]!.start), '', ' /,'), names, remittance);
}

const SPANISH_CHANNEL = /^(?:TRANSFERENCIA|TRANSF|RECIBO|ADEUDO|BIZUM)\b/;

/** The Spanish wordings that hide the payee: the tail of a receipt, "A FAVOR DE", an unlabelled CONCEPTO. */
function spanish(s: string): StructuredLine {
  if (!SPANISH_CHANNEL.test(s)) return { line: s, remittance: '' };
  const line = s.replace(SPANISH_RECEIPT_TAIL, '').replace(/^(TRANSFERENCIA|TRANSF)\s+A\s+FAVOR\s+DE\b/, '$1 A');
  const concept = SPANISH_CONCEPT.exec(line);
  if (!concept) return { line: trim(line, ' ', ' ,'), remittance: '' };
  return { line: line.slice(0, concept.index).trim(), remittance: trim(line.slice(concept.index + concept[0].length), '', ' ,.') };
}

/** The channel and counterparty, and apart the remittance text, of a labelled SEPA export; other lines unchanged. */
export function splitStructured(folded: string): StructuredLine {
  if (folded.startsWith('/TRTP/')) return splitSlash(folded) ?? { line: folded, remittance: '' };
  const plain = spanish(folded);
  const s = plain.line.replace(/^SEPA\s+(?=IDEAL\b)/, '');
  // Most lines have no ':', '/' or '+' at all: they skip the label scan.
  const labelled = /[:/+]/.test(s) ? splitLabelled(s) : null;
  if (!labelled) return { line: s, remittance: plain.remittance };
  return { line: labelled.line, remittance: [labelled.remittance, plain.remittance].filter(Boolean).join(' ') };
}
