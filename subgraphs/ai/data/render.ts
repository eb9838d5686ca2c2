/**
 * Prints a merchant the way banks do: acquirer prefixes, card masks, dates, city suffixes,
 * instalments, truncated terminal names, accents, mixed case and the odd typo.
 */
import type { Channel } from './vocab-types.js';
import {
  BANKS,
  BIZ_WORDS,
  CITIES,
  FIRST_NAMES,
  INDUSTRY,
  LEGAL_SUFFIX,
  MONTHS_BR,
  MONTHS_EN,
  SURNAMES,
  TICKERS,
  US_STATES,
  AU_STATES,
  UPI_HANDLES,
  IFSC,
  type Region,
} from './vocab-names.js';
import { EU_MONTHS } from './vocab-names-eu.js';

export type Rng = () => number;

export const pick = <T>(rng: Rng, xs: readonly T[]): T => {
  if (xs.length === 0) throw new Error('pick from an empty list');
  return xs[Math.floor(rng() * xs.length)]!;
};

export const chance = (rng: Rng, p: number): boolean => rng() < p;

const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
const pad2 = (n: number): string => String(n).padStart(2, '0');
const digits = (rng: Rng, n: number): string => Array.from({ length: n }, () => int(rng, 0, 9)).join('');

export function person(rng: Rng, region: Region): string {
  const first = pick(rng, FIRST_NAMES[region]);
  const last = pick(rng, SURNAMES[region]);
  if (region === 'br') return chance(rng, 0.45) ? `${first} ${pick(rng, SURNAMES.br)} ${last}` : `${first} ${last}`;
  if (region === 'uk' && chance(rng, 0.3)) return `${first[0]} ${last}`;
  return `${first} ${last}`;
}

export function employer(rng: Rng, region: Region): string {
  const base = chance(rng, 0.3) ? `${pick(rng, BIZ_WORDS[region])} ${pick(rng, BIZ_WORDS[region])}` : pick(rng, BIZ_WORDS[region]);
  const legal = chance(rng, 0.6) ? ` ${pick(rng, LEGAL_SUFFIX[region])}` : '';
  return `${base} ${pick(rng, INDUSTRY[region])}${legal}`;
}

/** Fills the placeholders of a pattern; {M} is the merchant a refund refers to. */
export function fill(pattern: string, region: Region, rng: Rng, m = ''): string {
  // {O}, a month name, stays for renderRow: each row of "GEHALT {O} ACME" names its own month.
  return pattern.replace(/\{([NPEBCTYM])\}/g, (_, key: string) => {
    switch (key) {
      case 'N':
        return pick(rng, BIZ_WORDS[region]);
      case 'P':
        return person(rng, region);
      case 'E':
        return employer(rng, region);
      case 'B':
        return pick(rng, BANKS[region]);
      case 'C':
        return pick(rng, CITIES[region]);
      case 'T':
        return pick(rng, TICKERS[region]);
      case 'Y':
        return String(int(rng, 2024, 2025));
      default:
        return m;
    }
  });
}

// Accents banks keep or drop at random; the normalizer must fold them either way.
const ACCENTS: Readonly<Record<string, string>> = {
  SAO: 'SÃO', ACUCAR: 'AÇÚCAR', FARMACIA: 'FARMÁCIA', ACOUGUE: 'AÇOUGUE', CONSTRUCAO: 'CONSTRUÇÃO',
  SALARIO: 'SALÁRIO', DOACAO: 'DOAÇÃO', CLINICA: 'CLÍNICA', ESTETICA: 'ESTÉTICA', SERVICOS: 'SERVIÇOS',
  MANUTENCAO: 'MANUTENÇÃO', APLICACAO: 'APLICAÇÃO', TRANSFERENCIA: 'TRANSFERÊNCIA', POUPANCA: 'POUPANÇA',
  JOAO: 'JOÃO', JOSE: 'JOSÉ', ANTONIO: 'ANTÔNIO', CAFE: 'CAFÉ', VEICULO: 'VEÍCULO', EMPRESTIMO: 'EMPRÉSTIMO',
  IMOBILIARIA: 'IMOBILIÁRIA', CONDOMINIO: 'CONDOMÍNIO', VETERINARIA: 'VETERINÁRIA', RACOES: 'RAÇÕES',
  ELETRICA: 'ELÉTRICA', HIDRAULICA: 'HIDRÁULICA', DEBITO: 'DÉBITO', CREDITO: 'CRÉDITO', PEDAGIO: 'PEDÁGIO',
  COMBUSTIVEIS: 'COMBUSTÍVEIS', UNIAO: 'UNIÃO', PAES: 'PÃES', PRESENTES: 'PRESENTES', CONFECCOES: 'CONFECÇÕES',
  CALCADOS: 'CALÇADOS', LANCHONETE: 'LANCHONETE', RESTITUICAO: 'RESTITUIÇÃO', DEVOLUCAO: 'DEVOLUÇÃO',
  PROPRIO: 'PRÓPRIO', BENEFICIO: 'BENEFÍCIO', ALIMENTOS: 'ALIMENTOS', MUSICA: 'MÚSICA', OTICA: 'ÓTICA',
};

// The same for the European languages: SEPA exports print ASCII (UE, AE, OE, SS), card terminals
// and apps the letters themselves; the normalizer folds both to one form.
const ACCENTS_EU: Readonly<Record<string, string>> = {
  UEBERWEISUNG: 'ÜBERWEISUNG', KONTOFUEHRUNGSGEBUEHR: 'KONTOFÜHRUNGSGEBÜHR', KONTOFUEHRUNG: 'KONTOFÜHRUNG',
  MUENCHEN: 'MÜNCHEN', KOELN: 'KÖLN', DUESSELDORF: 'DÜSSELDORF', NUERNBERG: 'NÜRNBERG', MUENSTER: 'MÜNSTER',
  BAECKEREI: 'BÄCKEREI', BAECKER: 'BÄCKER', GEMUESE: 'GEMÜSE', MOEBEL: 'MÖBEL', MOEBELHAUS: 'MÖBELHAUS',
  GEBUEHR: 'GEBÜHR', KARTENGEBUEHR: 'KARTENGEBÜHR', JAHRESGEBUEHR: 'JAHRESGEBÜHR', RUECKERSTATTUNG: 'RÜCKERSTATTUNG',
  RUECKZAHLUNG: 'RÜCKZAHLUNG', RUECKLASTSCHRIFTGEBUEHR: 'RÜCKLASTSCHRIFTGEBÜHR', ZAHNAERZTE: 'ZAHNÄRZTE',
  SCHLUESSELDIENST: 'SCHLÜSSELDIENST', UEBERZIEHUNGSZINSEN: 'ÜBERZIEHUNGSZINSEN', GETRAENKEMARKT: 'GETRÄNKEMARKT',
  GASTSTAETTE: 'GASTSTÄTTE', DOENER: 'DÖNER', FOERDERVEREIN: 'FÖRDERVEREIN', MUELLER: 'MÜLLER', SCHROEDER: 'SCHRÖDER',
  KRUEGER: 'KRÜGER', SCHAEFER: 'SCHÄFER', GUENTHER: 'GÜNTHER', JUERGEN: 'JÜRGEN', MAERZ: 'MÄRZ', STRASSE: 'STRAßE',
  HAUPTSTRASSE: 'HAUPTSTRAßE', BEZUEGE: 'BEZÜGE', AUSSCHUETTUNG: 'AUSSCHÜTTUNG', SUEDSTERN: 'SÜDSTERN',
  KUECHENSTUDIO: 'KÜCHENSTUDIO', REISEBUERO: 'REISEBÜRO', GLUECKSKLEE: 'GLÜCKSKLEE', SANITAETSHAUS: 'SANITÄTSHAUS',
  HOERAKUSTIK: 'HÖRAKUSTIK', FREMDWAEHRUNGSENTGELT: 'FREMDWÄHRUNGSENTGELT', UNIVERSITAET: 'UNIVERSITÄT',
  DECEMBRE: 'DÉCEMBRE', FEVRIER: 'FÉVRIER', AOUT: 'AOÛT', PRELEVEMENT: 'PRÉLÈVEMENT', RECU: 'REÇU', INTERETS: 'INTÉRÊTS',
  DEBITEURS: 'DÉBITEURS', CREDITEURS: 'CRÉDITEURS', ECHEANCE: 'ÉCHÉANCE', IMPOT: 'IMPÔT', IMPOTS: 'IMPÔTS',
  ELECTRICITE: 'ÉLECTRICITÉ', PRET: 'PRÊT', ESPECES: 'ESPÈCES', EPICERIE: 'ÉPICERIE', VETERINAIRE: 'VÉTÉRINAIRE',
  THEATRE: 'THÉÂTRE', MUSEE: 'MUSÉE', CREPERIE: 'CRÊPERIE', ECOLE: 'ÉCOLE', LYCEE: 'LYCÉE', GITE: 'GÎTE', CINEMA: 'CINÉMA',
  REMUNERATION: 'RÉMUNÉRATION', SOCIETE: 'SOCIÉTÉ', GENERALE: 'GÉNÉRALE', PRESTATIONS: 'PRESTATIONS', EMIS: 'ÉMIS',
  BOUCHERIE: 'BOUCHERIE', COTISATION: 'COTISATION', INDEMNITES: 'INDEMNITÉS', REGIE: 'RÉGIE', DEMENAGEMENT: 'DÉMÉNAGEMENT',
  NOMINA: 'NÓMINA', COMISION: 'COMISIÓN', DEVOLUCION: 'DEVOLUCIÓN', PANADERIA: 'PANADERÍA', CARNICERIA: 'CARNICERÍA',
  FRUTERIA: 'FRUTERÍA', PESCADERIA: 'PESCADERÍA', CAFETERIA: 'CAFETERÍA', MESON: 'MESÓN', CLINICA: 'CLÍNICA',
  OPTICA: 'ÓPTICA', PELUQUERIA: 'PELUQUERÍA', ESTETICA: 'ESTÉTICA', MUNOZ: 'MUÑOZ', NUNEZ: 'NÚÑEZ', ESPANA: 'ESPAÑA',
  CORUNA: 'CORUÑA', DISPOSICION: 'DISPOSICIÓN', ADMINISTRACION: 'ADMINISTRACIÓN', CIRCULACION: 'CIRCULACIÓN',
  AMORTIZACION: 'AMORTIZACIÓN', PRESTACION: 'PRESTACIÓN', INDEMNIZACION: 'INDEMNIZACIÓN', SUSCRIPCION: 'SUSCRIPCIÓN',
  FERRETERIA: 'FERRETERÍA', LIBRERIA: 'LIBRERÍA', PAPELERIA: 'PAPELERÍA', ZAPATERIA: 'ZAPATERÍA', ALIMENTACION: 'ALIMENTACIÓN',
  ESTACION: 'ESTACIÓN', MALAGA: 'MÁLAGA', CORDOBA: 'CÓRDOBA', CADIZ: 'CÁDIZ', ANULACION: 'ANULACIÓN', LIQUIDACION: 'LIQUIDACIÓN',
  CAFFE: 'CAFFÈ', UNIVERSITA: 'UNIVERSITÀ', CITTA: 'CITTÀ', PIU: 'PIÙ', ATTIVITA: 'ATTIVITÀ',
  CAFE: 'CAFÉ', IJSSALON: 'IJSSALON', CREDITO: 'CRÉDITO', DEBITO: 'DÉBITO',
};

function accent(text: string, region: Region = 'br'): string {
  const table = region === 'br' ? ACCENTS : ACCENTS_EU;
  return text.replace(/[A-Z]+/g, (w) => table[w] ?? w);
}

const EU_REGION_SET: ReadonlySet<Region> = new Set<Region>(['de', 'fr', 'es', 'it', 'nl']);

function titleCase(text: string): string {
  return text.toLowerCase().replace(/(^|[\s*\-/.])([a-zà-ÿ])/g, (_, sep: string, c: string) => sep + c.toUpperCase());
}

function casing(text: string, rng: Rng, region: Region): string {
  const u = rng();
  // Nubank, Capitec and most apps title-case merchant names; older core banks print upper case.
  const title =
    region === 'br' ? 0.3 : region === 'za' ? 0.5 : region === 'au' || region === 'in' ? 0.25 : region === 'de' ? 0.4 : region === 'nl' ? 0.35 : 0.15;
  if (u < title) return titleCase(text);
  if (u < title + 0.04) return text.toLowerCase();
  return text;
}

function typo(text: string, rng: Rng): string {
  const letters = [...text.matchAll(/[A-Z]/g)].map((m) => m.index).filter((i) => i > 2);
  if (letters.length < 4) return text;
  const i = pick(rng, letters);
  const op = rng();
  if (op < 0.4) return text.slice(0, i) + text.slice(i + 1);
  if (op < 0.7) return text.slice(0, i) + text[i] + text.slice(i);
  return text.slice(0, i - 1) + text[i] + text[i - 1] + text.slice(i + 1);
}

export interface PrintPlan {
  readonly text: string;
  readonly region: Region;
  readonly channel: Channel;
  /** The name this merchant's terminal prints: truncated, glued or with a store number. */
  readonly terminal: string;
  /** Acquirer prefix this small business's terminal uses, if any. */
  readonly acquirer: string | null;
  readonly instalments: boolean;
}

const ACQUIRERS: Readonly<Record<Region, readonly string[]>> = {
  br: ['PAG*', 'PAG *', 'PG *', 'MP*', 'MERCADOPAGO*', 'EC *', 'TON *', 'SUMUP *', 'STONE*', 'PAGSEGURO*'],
  us: ['SQ *', 'TST* ', 'SQ *', 'PAYPAL *'],
  uk: ['SUMUP *', 'IZ *', 'SQ *', 'ZETTLE_*'],
  za: ['YOCO *', 'Yoco *', 'SNAPSCAN ', 'SNAPSCAN *', 'ZAPPER*', 'ZAPPER ', 'DASHPAY*', 'IKHOKHA*', 'PAYFAST*'],
  au: ['SQ *', 'SQ *', 'ZLR*', 'PAYPAL *', 'TYRO*'],
  ie: ['SUMUP *', 'SQ *', 'ZETTLE_*', 'PAYPAL *'],
  in: ['PAYTM*', 'RAZORPAY*', 'PAYU*', 'PINELABS*'],
  de: ['SUMUP *', 'SQ *', 'PAYPAL *', 'ZETTLE_*'],
  fr: ['SUMUP *', 'PAYPAL *', 'ZETTLE_*', 'SQ *'],
  es: ['SUMUP *', 'PAYPAL *', 'SQ *'],
  it: ['SUMUP *', 'PAYPAL *', 'SATISPAY*'],
  nl: ['SUMUP *', 'CCV*', 'ZETTLE_*', 'SQ *', 'PAYPAL *'],
};

/** Chooses once per merchant how its terminal prints the name, so a merchant's rows look alike. */
export function planPrint(text: string, region: Region, channel: Channel, small: boolean, instalments: boolean, rng: Rng): PrintPlan {
  let terminal = text;
  const u = rng();
  // Terminals cut names at 16 to 25 characters, often mid-word ("WOOLWORTHS ROSEB").
  if (channel === 'card' && text.length > 16 && u < 0.5) terminal = text.slice(0, pick(rng, [16, 18, 20, 22, 25])).trim();
  else if (channel === 'card' && u < 0.6 && region === 'br') terminal = `${text} LJ ${pad2(int(rng, 1, 40))}`;
  else if (channel === 'card' && u < 0.6) terminal = `${text} #${digits(rng, 4)}`;
  const acquirer = small && channel === 'card' && chance(rng, 0.45) ? pick(rng, ACQUIRERS[region]) : null;
  if (acquirer && region === 'br' && chance(rng, 0.3)) terminal = text.replace(/\s+/g, '').slice(0, 20);
  return { text, region, channel, terminal, acquirer, instalments };
}

function dateParts(date: string): { y: number; m: number; d: number } {
  const [y, m, d] = date.split('-').map(Number);
  return { y: y ?? 2024, m: m ?? 1, d: d ?? 1 };
}

function cardLine(name: string, p: PrintPlan, rng: Rng, date: string): string {
  const { y, m, d } = dateParts(date);
  const city = pick(rng, CITIES[p.region]);
  const mon = MONTHS_EN[m - 1] ?? 'JAN';
  const u = rng();
  switch (p.region) {
    case 'br':
      if (u < 0.3) return name;
      if (u < 0.52) return `${name} ${city}${chance(rng, 0.4) ? ' BRA' : ''}`;
      if (u < 0.62) return `COMPRA CARTAO DEB ${pad2(d)}/${pad2(m)} ${name}`;
      if (u < 0.68) return `COMPRA NO DEBITO ${name}`;
      if (u < 0.74) return `Compra com cartão - ${name}`;
      if (u < 0.8) return `COMPRA ELO DEBITO ${name}`;
      if (u < 0.86) return `${name} CARTAO FINAL ${digits(rng, 4)}`;
      if (u < 0.92) return `COMPRA CARTAO CRED ${name} ${pad2(d)}/${pad2(m)}`;
      return `${pad2(d)}/${pad2(m)} ${name}`;
    case 'us': {
      const st = pick(rng, US_STATES);
      if (u < 0.3) return `${name} ${city} ${st}`;
      if (u < 0.45) return `POS DEBIT ${name} ${city} ${st}`;
      if (u < 0.6) return `CHECKCARD ${pad2(m)}${pad2(d)} ${name} ${city} ${st} ${digits(rng, 23)}`;
      if (u < 0.72) return chance(rng, 0.5) ? `DEBIT CARD PURCHASE ${name}` : `DEBIT CARD PURCHASE - ${name}`;
      if (u < 0.85) return `PURCHASE AUTHORIZED ON ${pad2(m)}/${pad2(d)} ${name} ${city} ${st} S${digits(rng, 15)} CARD ${digits(rng, 4)}`;
      return name;
    }
    case 'uk':
      if (u < 0.2) return `CARD PAYMENT TO ${name} ON ${pad2(d)} ${mon}`;
      if (u < 0.3) return `CARD PAYMENT TO ${name} ON ${pad2(d)}-${pad2(m)}`;
      if (u < 0.5) return `${name} ${city} GB`;
      if (u < 0.62) return `CONTACTLESS PAYMENT ${name}`;
      if (u < 0.72) return `${name} CLP`;
      if (u < 0.8) return `DEBIT CARD PURCHASE - ${name}`;
      return name;
    case 'au': {
      const st = pick(rng, AU_STATES);
      if (u < 0.25) return `${name} ${city} ${st} AUS Card xx${digits(rng, 4)} Value Date: ${pad2(d)}/${pad2(m)}/${y}`;
      if (u < 0.45) return `EFTPOS ${name} ${city} AU`;
      if (u < 0.6) return `VISA DEBIT PURCHASE CARD ${digits(rng, 4)} ${name} ${city}`;
      if (u < 0.72) return `${name} ${city} ${st}`;
      if (u < 0.82) return `DEBIT CARD PURCHASE ${name} ${city} AUS`;
      return name;
    }
    case 'ie':
      if (u < 0.22) return `VDP-${name}`;
      if (u < 0.38) return `VDC-${name}`;
      if (u < 0.55) return `POS${pad2(d)}${mon} ${name}`;
      if (u < 0.7) return `${name} ${city} IE`;
      if (u < 0.8) return `CARD PAYMENT TO ${name} ON ${pad2(d)} ${mon}`;
      return name;
    case 'in':
      if (u < 0.28) return `POS ${digits(rng, 6)}XXXXXX${digits(rng, 4)} ${name}`;
      if (u < 0.5) return `UPI/${digits(rng, 12)}/${name}/${name.toLowerCase().replace(/[^a-z0-9]+/g, '').slice(0, 12)}@${pick(rng, UPI_HANDLES)}/Payment`;
      if (u < 0.66) return `UPI-${name}-${name.toLowerCase().replace(/[^a-z0-9]+/g, '').slice(0, 12)}@${pick(rng, UPI_HANDLES)}-${pick(rng, IFSC)}-${digits(rng, 12)}-UPI`;
      if (u < 0.8) return `${name} ${city} IN`;
      return name;
    case 'de': {
      const cityDe = titleCase(city);
      if (u < 0.2) return `${name}//${cityDe}/DE ${y}-${pad2(m)}-${pad2(d)}T${pad2(int(rng, 7, 21))}:${pad2(int(rng, 0, 59))}:${pad2(int(rng, 0, 59))} KFN ${int(rng, 1, 3)} VJ ${int(rng, 25, 29)}${pad2(int(rng, 1, 12))} Kartenzahlung`;
      if (u < 0.35) return `Kartenzahlung girocard ${name} ${cityDe}`;
      if (u < 0.45) return `KARTENZAHLUNG ${name} ${city}`;
      if (u < 0.58) return `VISA ${name}`;
      if (u < 0.66) return `${name} ${cityDe} DE Karte ${digits(rng, 4)}`;
      if (u < 0.74) return `Debitk.${int(rng, 1, 9)} ${name} ${pad2(d)}.${pad2(m)}.${y}`;
      if (u < 0.8) return `${name}/${cityDe} ${pad2(d)}.${pad2(m)}`;
      return name;
    }
    case 'fr':
      if (u < 0.25) return `CB ${name} ${pad2(d)}/${pad2(m)}`;
      if (u < 0.4) return `PAIEMENT PAR CARTE ${name} ${city}`;
      if (u < 0.5) return `PAIEMENT PAR CARTE X${digits(rng, 4)} ${name} ${pad2(d)}/${pad2(m)}`;
      if (u < 0.6) return `CARTE X${digits(rng, 4)} ${pad2(d)}/${pad2(m)} ${name}`;
      if (u < 0.68) return `FACTURE CARTE DU ${pad2(d)}${pad2(m)}${String(y).slice(2)} ${name} CARTE ${digits(rng, 4)}XXXXXXXX${digits(rng, 4)}`;
      if (u < 0.76) return `PAIEMENT CB ${pad2(d)}${pad2(m)} ${city} ${name}`;
      if (u < 0.82) return `ACHAT CB ${name} ${pad2(d)}.${pad2(m)}.${String(y).slice(2)}`;
      return name;
    case 'es':
      if (u < 0.22) return `COMPRA TARJ. ${digits(rng, 4)}XXXXXXXX${digits(rng, 4)} ${name}-${city}`;
      if (u < 0.36) return `COMPRA TARJ. ${name}`;
      if (u < 0.48) return `PAGO CON TARJETA EN ${name}`;
      if (u < 0.58) return `COMPRA EN ${name}, CON LA TARJETA : ${digits(rng, 4)} EL ${y}-${pad2(m)}-${pad2(d)}`;
      if (u < 0.66) return `TARJ. :*${digits(rng, 6)} ${name}`;
      if (u < 0.74) return `PAGO MOVIL EN ${name}`;
      if (u < 0.8) return `${name} ${city} ES`;
      return name;
    case 'it':
      if (u < 0.25) return `PAGAMENTO POS ${name} ${city}`;
      if (u < 0.38) return `PAGAMENTO POS ${pad2(d)}/${pad2(m)}/${y} ${pad2(int(rng, 7, 21))}.${pad2(int(rng, 0, 59))} ${name} ${city} CARTA N. *${digits(rng, 4)}`;
      if (u < 0.5) return `PAGAMENTO CARTA ${name}`;
      if (u < 0.58) return `PAGAMENTO TRAMITE POS ${name}`;
      if (u < 0.66) return `OPERAZIONE POS ${name} ${city}`;
      if (u < 0.72) return `PAG. POS ${name}`;
      if (u < 0.78) return `ACQUISTO CARTA ${name} ${pad2(d)}/${pad2(m)}`;
      return name;
    case 'nl': {
      const cityNl = titleCase(city);
      if (u < 0.22) return `BEA, Betaalpas ${name},PAS${digits(rng, 3)} NR:${digits(rng, 6)}, ${pad2(d)}.${pad2(m)}.${String(y).slice(2)}/${pad2(int(rng, 7, 21))}:${pad2(int(rng, 0, 59))} ${cityNl}`;
      if (u < 0.34) return `BEA, Apple Pay ${name},PAS${digits(rng, 3)}`;
      if (u < 0.46) return `Betaalautomaat ${pad2(int(rng, 7, 21))}:${pad2(int(rng, 0, 59))} pasnr. ${digits(rng, 3)} ${name} ${cityNl}`;
      if (u < 0.56) return `${name} ${cityNl} NLD`;
      if (u < 0.64) return `Pinbetaling ${name} ${cityNl}`;
      if (u < 0.7) return `iDEAL ${name} ${digits(rng, 10)}`;
      return name;
    }
    default: {
      const cut = name.slice(0, 16).trim();
      if (u < 0.22) return `POS Purchase ${cut} * ${pad2(d)} ${mon}`;
      if (u < 0.36) return `Card Purchase ${name} ${city}`;
      if (u < 0.46) return `POS PURCHASE ${name} ${city}`;
      if (u < 0.56) return `${name} ${city} ZA`;
      if (u < 0.64) return `CARD PURCHASE ${name} ${digits(rng, 6)}*${digits(rng, 4)} ${pad2(d)} ${mon}`;
      if (u < 0.7) return `Cheque Card Purchase ${cut} ${digits(rng, 6)}*${digits(rng, 4)} ${pad2(d)} ${mon}`;
      if (u < 0.76) return `${name} ${pad2(d)} ${mon}`;
      if (u < 0.82) return `Local Card Purchase ${name}`;
      return name;
    }
  }
}

function billLine(name: string, p: PrintPlan, rng: Rng): string {
  const u = rng();
  switch (p.region) {
    case 'br':
      if (u < 0.25) return `PAGAMENTO DE BOLETO ${name}`;
      if (u < 0.35) return `Pagamento de boleto - ${name}`;
      if (u < 0.5) return `DEB AUTOMATICO ${name}`;
      if (u < 0.6) return `DEBITO AUT. ${name}`;
      if (u < 0.7) return `PAGTO BOLETO ${name}`;
      return name;
    case 'us':
      if (u < 0.3) return `ACH DEBIT ${name}`;
      if (u < 0.45) return `${name} ONLINE PMT`;
      if (u < 0.6) return `BILL PAY ${name}`;
      if (u < 0.75) return `${name} AUTOPAY`;
      if (u < 0.85) return `${name} PPD ID: ${digits(rng, 10)}`;
      return name;
    case 'uk':
      if (u < 0.45) return `DIRECT DEBIT ${name}`;
      if (u < 0.6) return `DD ${name}`;
      if (u < 0.75) return `${name} DDR`;
      return name;
    case 'au':
      if (u < 0.4) return `DIRECT DEBIT ${digits(rng, 6)} ${name}`;
      if (u < 0.6) return `BPAY ${name}`;
      if (u < 0.75) return `${name} DIRECT DEBIT`;
      return name;
    case 'ie':
      if (u < 0.45) return `D/D ${name}`;
      if (u < 0.65) return `SEPA DD ${name}`;
      if (u < 0.8) return `DD ${name}`;
      return name;
    case 'in':
      if (u < 0.4) return `ACH D- ${name}-${digits(rng, 10)}`;
      if (u < 0.6) return `NACH DR ${name}`;
      if (u < 0.75) return `BILLPAY ${name}`;
      return name;
    case 'de':
      if (u < 0.3) return `SEPA-Lastschrift ${name}`;
      if (u < 0.45) return `Lastschrift ${name}`;
      if (u < 0.55) return `SEPA-BASISLASTSCHRIFT ${name} Mandat ${digits(rng, 8)}`;
      if (u < 0.62) return `FOLGELASTSCHRIFT ${name}`;
      if (u < 0.7) return `ABBUCHUNG ${name}`;
      return name;
    case 'fr':
      if (u < 0.4) return `PRLV SEPA ${name}`;
      if (u < 0.52) return `PRLV SEPA ${name} ECH/${digits(rng, 6)} ID EMETTEUR/FR${digits(rng, 2)}ZZZ${digits(rng, 6)}`;
      if (u < 0.64) return `PRELEVEMENT ${name}`;
      if (u < 0.72) return `PRLV ${name}`;
      return name;
    case 'es':
      if (u < 0.35) return `RECIBO ${name}`;
      if (u < 0.47) return `RECIBO /${name} N. RECIBO ${digits(rng, 10)}`;
      if (u < 0.57) return `ADEUDO RECIBO ${name}`;
      if (u < 0.65) return `ADEUDO DOMICILIADO ${name}`;
      if (u < 0.72) return `DOMICILIACION ${name}`;
      return name;
    case 'it':
      if (u < 0.3) return `ADDEBITO SDD ${name}`;
      if (u < 0.42) return `ADDEBITO DIRETTO SDD ${name} CID.${digits(rng, 8)}`;
      if (u < 0.55) return `ADDEBITO DIRETTO ${name}`;
      if (u < 0.63) return `ADDEBITO ${name}`;
      if (u < 0.7) return `PAGAMENTO UTENZE ${name}`;
      return name;
    case 'nl':
      if (u < 0.3) return `SEPA Incasso algemeen doorlopend ${name}`;
      if (u < 0.45) return `Incasso ${name}`;
      if (u < 0.55) return `SEPA Incasso ${name} Machtiging ${digits(rng, 8)}`;
      if (u < 0.65) return `INCASSO ${name} Incassant NL${digits(rng, 2)}ZZZ${digits(rng, 9)}`;
      return name;
    default:
      if (u < 0.35) return `DEBIT ORDER ${name}`;
      if (u < 0.45) return `Debit Order ${name} ${digits(rng, 8)}`;
      if (u < 0.55) return `ACB DEBIT ${name}`;
      if (u < 0.65) return `MAGTAPE DEBIT ${name}`;
      if (u < 0.75) return `EFT DEBIT ${name}`;
      return name;
  }
}

function pixLine(name: string, rng: Rng): string {
  const u = rng();
  if (u < 0.4) return `PIX ENVIADO ${name}`;
  if (u < 0.6) return `Pix - Enviado - ${name} - ${digits(rng, 2)}.${digits(rng, 3)}.${digits(rng, 3)}/0001-${digits(rng, 2)} - ${pick(rng, BANKS.br)}`;
  if (u < 0.8) return `PAGAMENTO VIA PIX ${name}`;
  return `TRANSFERENCIA ENVIADA PELO PIX ${name}`;
}

function rawLine(text: string, p: PrintPlan, rng: Rng, date: string): string {
  const { m, d } = dateParts(date);
  let line = text;
  // Nubank's Pix export appends the counterparty's masked CPF and bank after " - ".
  if (/^PIX\b/.test(line) && !line.includes(' - ') && chance(rng, 0.3)) {
    line = `${line} - ***.${digits(rng, 3)}.${digits(rng, 3)}-** - ${pick(rng, BANKS.br)}`;
  }
  const u = rng();
  if (EU_REGION_SET.has(p.region)) {
    const { y } = dateParts(date);
    if (u < 0.1) return `${line} ${pad2(d)}.${pad2(m)}.${y}`;
    if (u < 0.18) return `${pad2(d)}/${pad2(m)} ${line}`;
    if (u < 0.24) return `${line} DATUM ${pad2(d)}.${pad2(m)}.${y}`.replace('DATUM', p.region === 'de' ? 'Datum' : p.region === 'fr' ? 'DU' : p.region === 'es' ? 'FECHA' : p.region === 'it' ? 'DEL' : 'datum');
    return line;
  }
  if (u < 0.12) line = `${pad2(d)}/${pad2(m)} ${line}`;
  else if (u < 0.2) line = `${line} ${pad2(d)}/${pad2(m)}`;
  else if (u < 0.25 && p.region !== 'br') line = `${line} ${pad2(d)} ${MONTHS_EN[m - 1] ?? 'JAN'}`;
  else if (u < 0.3 && p.region === 'za') line = `#${line}`;
  else if (u < 0.25) line = `${line} ${pad2(d)} ${MONTHS_BR[m - 1] ?? 'JAN'}`;
  return line;
}

export interface RowDraw {
  readonly description: string;
  /** Instalment count when the row is one instalment of a split purchase. */
  readonly instalmentOf: number;
}

export function renderRow(p: PrintPlan, rng: Rng, date: string): RowDraw {
  let name = chance(rng, 0.8) ? p.terminal : p.text;
  if (name.includes('{O}')) {
    const month = dateParts(date).m;
    const months = EU_MONTHS[p.region as keyof typeof EU_MONTHS] ?? MONTHS_EN;
    name = name.replace(/\{O\}/g, months[month - 1] ?? '');
  }
  if (p.channel !== 'raw' && chance(rng, 0.03)) name = typo(name, rng);
  let line: string;
  let instalmentOf = 1;
  if (p.channel === 'raw') line = rawLine(name, p, rng, date);
  else if (p.channel === 'bill') line = billLine(name, p, rng);
  else if (p.channel === 'pix' && p.region === 'br') line = pixLine(name, rng);
  else {
    const body = p.acquirer && chance(rng, 0.8) ? `${p.acquirer}${name}` : name;
    line = cardLine(body, p, rng, date);
    if (p.instalments && chance(rng, 0.2)) {
      instalmentOf = pick(rng, [2, 3, 4, 5, 6, 10, 12]);
      const k = int(rng, 1, instalmentOf);
      const u = rng();
      if (u < 0.5) line = `${line} PARC ${pad2(k)}/${pad2(instalmentOf)}`;
      else if (u < 0.8) line = `${line} ${pad2(k)}/${pad2(instalmentOf)}`;
      else line = `${line} ${k}/${instalmentOf}`;
    }
  }
  if (p.region === 'br' && chance(rng, 0.25)) line = accent(line);
  else if (EU_REGION_SET.has(p.region) && chance(rng, 0.35)) line = accent(line, p.region);
  return { description: casing(line, rng, p.region).replace(/\s+/g, ' ').trim(), instalmentOf };
}
