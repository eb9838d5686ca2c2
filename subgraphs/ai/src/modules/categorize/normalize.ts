import { splitStructured } from './structured-fields.js';

/**
 * Turns a raw bank-statement description into a stable merchant name and word tokens.
 *
 * Order matters: instalments are read before dates (both look like "03/12"), processor
 * prefixes are peeled before anything else so that "PIX TRANSF MARIA S12/03" keeps the name,
 * and locations are stripped last because they are only recognisable at the end.
 */

export interface NormalizedDescription {
  /** Upper-case merchant (or counterparty) name, or null when nothing identifying is left. */
  merchant: string | null;
  /** Lower-case words: processor words first (e.g. 'pix', 'enviado', 'ifood'), then the description. */
  tokens: string[];
  /** The description's own words (tokens without the processor and channel words). */
  textTokens: string[];
  /** `tokens` joined by single spaces. */
  normalized: string;
  /** Processors or channels recognised, outermost first (e.g. ['CARD', 'PAGSEGURO']). */
  processors: string[];
  /** True when the description carried an instalment marker ("PARC 03/12", "3/10"). */
  instalment: boolean;
  /**
   * Lower-case words of a labelled remittance text (SEPA /REMI/, Omschrijving:, Verwendungszweck:,
   * /MOTIF, CONCEPTO): what the payment was for, kept out of the merchant. Empty for other lines.
   */
  purpose: string[];
}

interface ProcessorRule {
  readonly name: string;
  readonly re: RegExp;
  /** Tokens to emit; default is the words of the matched prefix. */
  readonly words?: readonly string[];
  /** For aggregators the processor is the merchant; `rest` is what followed the prefix. */
  readonly merchant?: (rest: string) => string | null;
  /** Counterparty channels (Pix, TED, Zelle...) put the name first and bank details after " - ". */
  readonly counterparty?: boolean;
  /** A continental European channel: tried only when the line starts with one of EUROPEAN_LEAD's words. */
  readonly european?: boolean;
}

/** First words of the continental European channel prefixes: most lines are spared trying those rules. */
const EUROPEAN_LEAD =
  /^(?:KARTENZAHLUNG|GIROCARD|DEBITK|VISA|PAIEMENT|ACHAT|CB|CARTE|FACTURE|COMPRA|PAGO|TARJ|PAGAMENTO|OPERAZIONE|PAG|ACQUISTO|BEA|BETAALAUTOMAAT|PINBETALING|IDEAL|SEPA|FOLGELASTSCHRIFT|ERSTLASTSCHRIFT|LASTSCHRIFT|ABBUCHUNG|PRLV|PRELEVEMENT|ADEUDO|RECIBO|DOMICILIACION|ADDEBITO|INCASSO|ECHTZEIT-?UEBERWEISUNG|ECHTZEITGUTSCHRIFT|ONLINE-?UEBERWEISUNG|UEBERWEISUNG|DAUERAUFTRAG|GUTSCHRIFT|VIR|VIREMENT|TRANSFERENCIA|TRANSF|BIZUM|BONIFICO|DISPOSIZIONE|ACCREDITO|OVERBOEKING|TIKKIE|BETAALVERZOEK|BIJSCHRIJVING)(?![A-Z])/;

const SEP = String.raw`[\s*\-:–]*`;

const MONTHS = 'JAN|FEB|FEV|MAR|APR|ABR|MAY|MAI|JUN|JUL|AUG|AGO|SEP|SEPT|SET|OCT|OUT|NOV|DEC|DEZ';

/**
 * Month names of the European exports ("GEHALT NOVEMBER", "LOYER DECEMBRE 2024"): words, dropped
 * like dates (the year goes with the other digit runs). Short or ambiguous ones (MAI, MEI, MARS,
 * MAYO, APRIL, AUGUST, JULIO) stay: brands, places and first names too.
 */
const LONG_MONTHS: ReadonlySet<string> = new Set(
  (
    'JANUAR FEBRUAR MAERZ MARZ JUNI JULI SEPTEMBER OKTOBER NOVEMBER DEZEMBER ' +
    'JANVIER FEVRIER AVRIL JUIN JUILLET AOUT SEPTEMBRE OCTOBRE NOVEMBRE DECEMBRE ' +
    'ENERO FEBRERO MARZO ABRIL JUNIO AGOSTO SEPTIEMBRE OCTUBRE NOVIEMBRE DICIEMBRE ' +
    'GENNAIO FEBBRAIO APRILE MAGGIO GIUGNO LUGLIO SETTEMBRE OTTOBRE DICEMBRE ' +
    'JANUARI FEBRUARI MAART AUGUSTUS DECEMBER'
  ).split(' '),
);

function rule(name: string, pattern: string, extra: Omit<ProcessorRule, 'name' | 're'> = {}): ProcessorRule {
  // A prefix ends at a star/space or a word boundary, so POS never eats POSTO and TED never eats TEDDY.
  return { name, re: new RegExp(String.raw`^(?:${pattern})(?:(?<=[*\s])|(?![A-Z0-9]))${SEP}`), ...extra };
}

const fixed = (merchant: string) => (): string => merchant;

const uberMerchant = (rest: string): string => {
  if (/^(?:\*\s*)?ONE\b/.test(rest)) return 'UBER ONE';
  return 'UBER';
};

// Ordered: more specific prefixes first (UBER EATS before UBER, PIX RECEBIDO before PIX).
const PROCESSOR_RULES: readonly ProcessorRule[] = [
  rule('IFOOD', String.raw`IFOOD\s*\*|IFD\s*\*|IFOOD`, { words: ['ifood'], merchant: fixed('IFOOD') }),
  rule('UBER EATS', String.raw`UBER\s*\*?\s*EATS`, { words: ['uber', 'eats'], merchant: fixed('UBER EATS') }),
  rule('UBER', String.raw`UBER\s*\*\s*TRIP|UBER\s*\*\s*PENDING|UBR\s*\*\s*PENDING|UBR\s*\*|UBER\s*\*|UBER\s+TRIP|UBER\s+BV|UBER(?=\s+ONE)|UBER$`, {
    words: ['uber'],
    merchant: uberMerchant,
  }),
  rule('99APP', String.raw`99\s*APP\s*\*\s*(?:99\s*POP|99\s*TAXI)?|99\s*TAXIS?\s*\*?|99\s*\*\s*(?:99\s*)?(?:POP|TAXI)?|99POP`, {
    words: ['99app'],
    merchant: fixed('99APP'),
  }),
  rule('RAPPI', String.raw`RAPPI\s*\*?`, { words: ['rappi'], merchant: fixed('RAPPI') }),
  rule('LYFT', String.raw`LYFT\s*\*\s*(?:RIDE|TRIP)?|LYFT\s+RIDE`, { words: ['lyft'], merchant: fixed('LYFT') }),
  rule('DOORDASH', String.raw`(?:DD\s*\*\s*)?DOORDASH\s*\*?`, { words: ['doordash'], merchant: fixed('DOORDASH') }),
  rule('GRUBHUB', String.raw`GRUBHUB\s*\*?`, { words: ['grubhub'], merchant: fixed('GRUBHUB') }),
  rule('AMAZON', String.raw`AMZN\s*MKTP\s*(?:US|BR|UK|GB|CA|DE|ZA)?\s*\*?|AMAZON\s*MKTPL(?:ACE)?\s*\*?|AMAZON\s+MARKETPLACE\s*\*?|AMZN\s*DIGITAL\s*\*?|AMZN\s*\*`, {
    words: ['amazon', 'marketplace'],
    merchant: fixed('AMAZON'),
  }),

  // Pix and bank transfers: the counterparty is the merchant.
  rule('PIX', String.raw`TRANSFERENCIA\s+RECEBIDA\s+PELO\s+PIX|PIX\s*[-–]?\s*RECEBIDO(?:\s+DE)?|PIX\s+RECEB(?:IDO)?|RECEBIMENTO\s+(?:DE\s+)?PIX|PIX\s+CRED(?:ITO)?|PIX\s+TRANSF(?:ERENCIA)?\s+RECEBIDA|PIX\s+IN`, {
    words: ['pix', 'recebido'],
    counterparty: true,
  }),
  rule('PIX', String.raw`TRANSFERENCIA\s+ENVIADA\s+PELO\s+PIX|PIX\s*[-–]?\s*ENVIADO(?:\s+PARA)?|PIX\s+ENV|PIX\s+TRANSF(?:ERENCIA)?(?:\s+ENVIADA)?|PIX\s+PAGAMENTO|PAGAMENTO\s+(?:VIA\s+)?PIX|PIX\s+DEB(?:ITO)?|PIX\s+OUT`, {
    words: ['pix', 'enviado'],
    counterparty: true,
  }),
  rule('PIX', String.raw`PIX\s+QRS?|PIX\s+QR\s+CODE`, { words: ['pix', 'qr'] }),
  rule('PIX', String.raw`PIX`, { words: ['pix'], counterparty: true }),
  rule('BOLETO', String.raw`PAGAMENTO\s+DE\s+BOLETO\s+EFETUADO|PAGAMENTO\s+DE\s+BOLETO|PAGAMENTO\s+BOLETO|PAGTO\s+BOLETO|PGTO\s+BOLETO|PAG\s+BOLETO|BOLETO\s+PAGO`, {
    words: ['boleto'],
  }),
  rule('DEBAUT', String.raw`DEB(?:ITO)?\.?\s*AUT(?:OMATICO)?\.?|DEB\.?\s*AUTOM\.?`, { words: ['debito', 'automatico'] }),
  rule('TED', String.raw`TED\s+(?:ENVIADA|ENVIADO|RECEBIDA|RECEBIDO|ELETRONICA|INTERNET|TRANSF(?:ERENCIA)?)|TED`, { counterparty: true }),
  rule('DOC', String.raw`DOC\s+(?:ENVIADO|ENVIADA|RECEBIDO|RECEBIDA|ELETRONICO|INTERNET)|DOC`, { counterparty: true }),
  rule('TRANSFER', String.raw`TRANSFERENCIA\s+(?:ENVIADA|RECEBIDA)|TRANSF\s+(?:ENVIADA|RECEBIDA)`, { counterparty: true }),
  rule('ESTORNO', String.raw`ESTORNO(?:\s+DE)?(?:\s+(?:COMPRA|DEBITO|PIX|TARIFA|LANCAMENTO))?|DEVOLUCAO(?:\s+DE)?(?:\s+(?:COMPRA|PIX))?|REEMBOLSO(?:\s+DE)?|CREDITO\s+(?:DE\s+)?ESTORNO|CHARGEBACK|REFUND(?:\s+FROM)?|REVERSAL(?:\s+OF)?|RETURN\s+OF|PURCHASE\s+RETURN|RETURN`),
  rule('CARD', String.raw`COMPRA\s+NO\s+DEBITO(?:\s+VIA\s+NUPAY)?|COMPRA\s+(?:COM\s+)?CARTAO(?:\s+DE)?(?:\s+(?:DEB(?:ITO)?|CRED(?:ITO)?))?|COMPRA\s+(?:NO\s+)?(?:DEBITO|CREDITO)|COMPRA\s+ELO(?:\s+DEBITO)?|COMPRA\s+MAESTRO|COMPRA\s+VISA(?:\s+ELECTRON)?|COMPRA\s+MASTERCARD`),
  rule('CARD', String.raw`VD[PCA](?=\s*-)|EFTPOS|VISA\s+DEBIT\s+PURCHASE(?:\s+CARD\s+\d{4})?|(?:CHEQUE|LOCAL|RECURRING|ONLINE)\s+CARD\s+PURCHASE|DEBIT\s+CARD\s+PURCHASE\s*-|POS\s+LOCAL\s+PURCHASE|LOCAL\s+PURCHASE`),
  rule('CARD', String.raw`POS\d{1,2}(?:${MONTHS})`, { words: ['pos'] }),
  rule('CARD', String.raw`PURCHASE\s+AUTHORI[SZ]ED\s+ON\s+\d{1,2}\/\d{1,2}|RECURRING\s+PAYMENT\s+AUTHORI[SZ]ED\s+ON\s+\d{1,2}\/\d{1,2}|POS\s+(?:DEBIT|PURCHASE|PURCH|PUR|TRANSACTION)|POS|DEBIT\s+CARD\s+PURCHASE|CHECKCARD(?:\s+\d{4})?|CARD\s+PURCHASE(?:\s+WITH\s+PIN)?|CARD\s+PAYMENT\s+TO|CARD\s+PAYMENT|CONTACTLESS(?:\s+PAYMENT)?|VISA\s+PURCHASE|DBT\s+CRD\s+\d{4}`),
  rule('ACH', String.raw`ACH\s+(?:DEBIT|CREDIT|PMT|PAYMENT)|DIRECT\s+DEP(?:OSIT)?|DIR\s+DEP|ELECTRONIC\s+DEPOSIT|ONLINE\s+(?:PMT|PAYMENT)|WEB\s+PMT|BILL\s+PAY(?:MENT)?`),
  rule('ZELLE', String.raw`ZELLE(?:\s+PAYMENT)?\s+(?:TO|FROM)`, { counterparty: true }),
  rule('CASHAPP', String.raw`CASH\s+APP\s*\*|SQC\s*\*`, { words: ['cashapp'], counterparty: true }),
  rule('VENMO', String.raw`VENMO\s*\*`, { words: ['venmo'], counterparty: true }),
  rule('DEBITORDER', String.raw`DEBIT\s+ORDER|D\/D|SEPA\s+DD|BPAY|NACH\s+DR|ACH\s+D\s*-|BILLPAY|DIRECT\s+DEBIT(?:\s+TO)?|STANDING\s+ORDER(?:\s+TO)?|DD|DDR|EFT\s+DEBIT|ACB\s+DEBIT(?:\s*:\s*EXTERNAL)?|MAGTAPE\s+DEBIT`),
  rule('FASTERPAY', String.raw`FASTER\s+PAYMENTS?(?:\s+(?:TO|FROM|RECEIPT))?|FASTER\s+PMT(?:\s+(?:TO|FROM))?|FPO|FPI|FPS|TFR(?:\s+(?:TO|FROM))?|BGC|BANK\s+GIRO\s+CREDIT|BACS(?:\s+CREDIT)?|CHAPS`, {
    counterparty: true,
  }),
  rule('EFT', String.raw`RTC\s+EXPRESS\s+PMT\s+(?:TO|FROM)|RTC\s+(?:PMT|PAYMENT)\s+(?:TO|FROM)|IMMEDIATE\s+TRF\s+(?:TO|FROM)|INT\s+PMT\s+TO|SEND\s+MONEY\s+APP\s+DR|(?:BANKING|FNB)\s+APP\s+(?:PAYMENT|TRANSFER)\s+(?:TO|FROM)|OSKO\s+PAYMENT\s+(?:TO|FROM)|PAYID|FAST\s+TRANSFER\s+(?:TO|FROM)|INTERNET\s+TRANSFER|TRANSFER\s+(?:TO|FROM)|SEPA\s+CREDIT(?:\s+TRANSFER)?|CREDIT\s+TRANSFER|\*MOBI|\*INET|365\s+ONLINE`, {
    counterparty: true,
  }),
  rule('EFT', String.raw`SCHEDULED\s+(?:PAYMENT|PMT)(?:\s+TO)?|IMMEDIATE\s+(?:PAYMENT|PMT)(?:\s+(?:TO|FROM))?|INSTANT\s+PAYMENT(?:\s+(?:TO|FROM))?|FNB\s+APP\s+PAYMENT\s+(?:TO|FROM)|APP\s+PAYMENT\s+(?:TO|FROM)|PAYMENT\s+(?:TO|FROM|RECEIVED(?:\s+FROM)?)|INT-?BANKING\s+PMT\s+(?:TO|FRM|FROM)|INTERNET\s+PMT\s+(?:TO|FROM)|INWARD\s+EFT\s+CREDIT|EFT\s+CREDIT|MAGTAPE\s+CREDIT|ACB\s+CREDIT|PAYSHAP(?:\s+PAYMENT)?(?:\s+(?:TO|FROM))?`, {
    counterparty: true,
  }),

  // Continental European exports (German, French, Spanish, Italian, Dutch), after folding (Ü -> UE).
  // Each language's channel gets words of its own: COMPRA, PAGAMENTO and DE are Brazilian channel words too,
  // and a Spanish card line must not teach what COMPRA means on a Brazilian one.
  rule('KARTENZAHLUNG', String.raw`KARTENZAHLUNG(?:\s+GIROCARD)?|GIROCARD|DEBITK\.?\s*\d?|VISA(?=\s)(?!\s+(?:DEBIT|PURCHASE))`, { european: true, words: ['kartenzahlung'] }),
  rule('CB', String.raw`PAIEMENT\s+PAR\s+CARTE(?:\s+X\d{4})?|PAIEMENT\s+CB(?:\s+\d{4})?|ACHAT\s+CB|CB|CARTE\s+X\d{4}|FACTURE\s+CARTE(?:\s+DU\s+\d{6})?`, { european: true, words: ['cb'] }),
  rule('TARJETA', String.raw`COMPRA\s+TARJ\.?|PAGO\s+CON\s+TARJETA(?:\s+EN)?|PAGO\s+MOVIL\s+EN|COMPRA\s+EN|TARJ\.?\s*:?\s*\*?\d*`, { european: true, words: ['tarjeta'] }),
  rule('PAGAMENTOPOS', String.raw`PAGAMENTO\s+(?:TRAMITE\s+)?POS|PAGAMENTO\s+CARTA|OPERAZIONE\s+POS|PAG\.?\s+POS|ACQUISTO\s+CARTA`, { european: true, words: ['pagamentopos'] }),
  rule('BETAALPAS', String.raw`BEA,?(?:\s+(?:BETAALPAS|APPLE\s+PAY|GOOGLE\s+PAY))?,?|BETAALAUTOMAAT|PINBETALING|IDEAL`, { european: true, words: ['betaalpas'] }),
  rule('LASTSCHRIFT', String.raw`SEPA[\s-]BASISLASTSCHRIFT|SEPA[\s-]LASTSCHRIFT|FOLGELASTSCHRIFT|ERSTLASTSCHRIFT|LASTSCHRIFT|ABBUCHUNG`, { european: true, words: ['lastschrift'] }),
  rule('PRLV', String.raw`PRLV\s+SEPA|PRLV|PRELEVEMENT\s+SEPA`, { european: true, words: ['prlv'] }),
  rule('RECIBO', String.raw`ADEUDO\s+(?:RECIBO|DOMICILIADO)|RECIBO\s*\/?|DOMICILIACION`, { european: true, words: ['recibo'] }),
  rule('SDD', String.raw`ADDEBITO\s+DIRETTO(?:\s+SDD)?|ADDEBITO\s+SDD|PAGAMENTO\s+UTENZE`, { european: true, words: ['sdd'] }),
  rule('INCASSO', String.raw`SEPA\s+INCASSO(?:\s+ALGEMEEN\s+DOORLOPEND)?|INCASSO`, { european: true, words: ['incasso'] }),
  rule('SEPA', String.raw`(?:SEPA[\s-])?(?:ECHTZEIT-?|ONLINE-?)?UEBERWEISUNG(?:\s+(?:AN|VON))?|DAUERAUFTRAG|(?:SEPA[\s-])?GUTSCHRIFT\s+UEBERWEISUNG|ECHTZEITGUTSCHRIFT`, {
    european: true,
    words: ['ueberweisung'],
    counterparty: true,
  }),
  rule('SEPA', String.raw`VIR(?:EMENT)?\s+SEPA(?:\s+RECU)?(?:\s*\/DE)?|VIR\s+INST(?:\s+RECU)?|VIR(?:EMENT)?\s+(?:PERMANENT|EMIS|RECU|DE|A)`, { european: true, words: ['virement'], counterparty: true }),
  rule('SEPA', String.raw`TRANSFERENCIA\s+(?:A|DE|EMITIDA|RECIBIDA|INMEDIATA)|TRANSF\s+INMEDIATA`, { european: true, words: ['transferencia'], counterparty: true }),
  rule('SEPA', String.raw`BIZUM\s+(?:ENVIADO|RECIBIDO|A|DE)(?:\s+A)?|BIZUM`, { european: true, words: ['bizum'], counterparty: true }),
  rule('SEPA', String.raw`BONIFICO\s+A\s+VOSTRO\s+FAVORE|(?:DISPOSIZIONE\s+|ACCREDITO\s+)?BONIFICO(?:\s+(?:SEPA|ISTANTANEO|DA|A))?`, { european: true, words: ['bonifico'], counterparty: true }),
  rule('SEPA', String.raw`(?:SEPA\s+)?OVERBOEKING(?:\s+(?:VAN|NAAR))?|TIKKIE|BETAALVERZOEK|BIJSCHRIJVING`, { european: true, counterparty: true }),

  // Card acquirers and wallets: the real merchant follows the star.
  rule('PAGSEGURO', String.raw`PAGSEGURO\s*\*|PAGSEG\s*\*|PAG\s*\*`, { words: ['pag'] }),
  rule('PAGSEGURO', String.raw`PG\s*\*\s*(?:TON\s+)?`, { words: ['pg'] }),
  rule('TON', String.raw`TON\s*\*`, { words: ['ton'] }),
  rule('MERCADOPAGO', String.raw`MERCADOPAGO\s*\*|MERCPAGO\s*\*|MP\s*\*`, { words: ['mp'] }),
  rule('MERCADOLIVRE', String.raw`MERCADOLIVRE\s*\*|MERCADO\s+LIVRE\s*\*|MELI\s*\*`, {
    words: ['mercadolivre'],
    merchant: (rest) => rest || 'MERCADOLIVRE',
  }),
  rule('DLOCAL', String.raw`DM\s*\*|DLO\s*\*`, { words: ['dm'] }),
  rule('EBANX', String.raw`EBN\s*\*|EBANX\s*\*`, { words: ['ebanx'] }),
  rule('HOTMART', String.raw`HTM\s*\*|HOTMART\s*\*`, { words: ['hotmart'] }),
  rule('SUMUP', String.raw`SUMUP\s*\*|SUM\s+UP\s*\*`, { words: ['sumup'] }),
  rule('STONE', String.raw`STONE\s*\*|EC\s*\*`, { words: ['ec'] }),
  rule('SQUARE', String.raw`SQ\s*\*`, { words: ['sq'] }),
  rule('TOAST', String.raw`TST\s*\*`, { words: ['tst'] }),
  rule('PAYPAL', String.raw`PAYPAL\s*\*|PP\s*\*`, { words: ['paypal'] }),
  rule('ZETTLE', String.raw`IZ\s*\*|ZETTLE_?\s*\*`, { words: ['zettle'] }),
  rule('YOCO', String.raw`YOCO\s*\*?`, { words: ['yoco'] }),
  rule('ZAPPER', String.raw`ZAPPER\s*\*?`, { words: ['zapper'] }),
  rule('SNAPSCAN', String.raw`SNAPSCAN\s*\*?`, { words: ['snapscan'] }),
  rule('DASHPAY', String.raw`DASHPAY\s*\*?`, { words: ['dashpay'] }),
  rule('IKHOKHA', String.raw`IKHOKHA\s*\*?`, { words: ['ikhokha'] }),
  rule('PAYFAST', String.raw`PAYFAST\s*\*`, { words: ['payfast'] }),
  rule('ZELLER', String.raw`ZLR\s*\*`, { words: ['zeller'] }),
  rule('TYRO', String.raw`TYRO\s*\*`, { words: ['tyro'] }),
  rule('PAYTM', String.raw`PAYTM\s*\*`, { words: ['paytm'] }),
  rule('RAZORPAY', String.raw`RAZORPAY\s*\*|RAZ\s*\*`, { words: ['razorpay'] }),
  rule('PAYU', String.raw`PAYU\s*\*`, { words: ['payu'] }),
  rule('PINELABS', String.raw`PINELABS\s*\*`, { words: ['pinelabs'] }),
  rule('GOOGLE', String.raw`GOOGLE\s*\*`, { words: ['google'], merchant: (rest) => rest || 'GOOGLE' }),
];


const INSTALMENT_WORD = /\b(?:PARC(?:ELA)?|PCL|PREST(?:ACAO)?)\.?\s*(\d{1,3})\s*(?:\/|DE)\s*(\d{1,3})\b/;
const INSTALMENT_BARE = /(?:^|\s)(\d{1,2})\/(\d{1,2})\s*$/;

const CLEANERS: readonly RegExp[] = [
  // CPF/CNPJ, formatted or masked with bullets/stars.
  /\b(?:CPF|CNPJ)\s*[:.]?\s*/g,
  /[*X]{3}\.?\d{3}\.?\d{3}-?[*X]{2}/g,
  /\b\d{3}\.\d{3}\.\d{3}-\d{2}\b/g,
  /\b\d{2}\.\d{3}\.\d{3}\/\d{4}-\d{2}\b/g,
  // Dates and times (before account numbers: 2024-03-12 is not an account).
  /\b\d{1,2}\/\d{1,2}\/\d{4}\s+\d{1,2}\.\d{2}\b/g,
  /\b\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z?)?\b/g,
  /\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b/g,
  /\b(?:ON\s+)?\d{1,2}\/\d{1,2}\b/g,
  /\bON\s+\d{1,2}-\d{1,2}\b/g,
  /\bVALUE\s+DATE\b\s*:?/g,
  new RegExp(String.raw`\b(?:ON\s+)?\d{1,2}\s?(?:${MONTHS})(?:\s?\d{2,4})?\b`, 'g'),
  /\b\d{1,2}:\d{2}(?::\d{2})?\b/g,
  /\b\d{1,2}H\d{2}\b/g,
  // MM/YYYY, German terminal ids and Dutch pass numbers ("KFN 1 VJ 2812", "PAS123", "PASNR. 001",
  // "NR:123456"), Italian and German card numbers, and the trailers of French direct debits and
  // Spanish card lines, which describe the mandate or the card, not the payee: one pass for all.
  /\b\d{1,2}\/\d{4}\b|\bKFN\s+\d+\s+VJ\s+\d+\b|\bPAS(?:\s?\d{3}|NR\.?\s*\d+)\b|\bNR:\s*[A-Z0-9]+\b|\bCARTA\s+N\.?\s*\*?\d{4}\b|\bKARTE(?:\s+NR\.?)?\s+\d{4}\b|\bECH\/\d+.*$|,?\s*CON LA TARJETA.*$/g,
  // Card masks: ****1234, XXXX 1234, 450512*1234, "CARTAO FINAL 1234", "CARD ENDING IN 1234".
  /\b(?:CARTAO|CARD|CRD)?\s*(?<![A-Z])[*X]{2,}\s*\d{2,4}\b/g,
  /\b\d{4,6}\s*[*X]{1,}\s*\d{0,4}\b/g,
  /\b\d{3}[-.\s]\d{3}[-.\s]\d{4}\b/g,
  /\b(?:CARTAO|CARD|CRD|CART)\s*(?:NO\.?|NUM\.?|ENDING(?:\s+IN)?|FINAL|FIN\.?)?\s*\d{4}\b/g,
  /\b(?:ENDING\s+IN|FINAL)\s+\d{4}\b/g,
  // Branch / account numbers.
  /\b(?:AGENCIA|AGE?|AG)\s*[:.]?\s*\d{1,5}(?:-\d)?\b/g,
  /\b(?:CONTA(?:\s+CORRENTE)?|CTA|C\/C|CC|ACCOUNT|ACCT|ACC)\s*[:.]?\s*(?:NO\.?\s*)?\d[\d-]*\b/g,
  /\b\d{3,}-\d{1,2}\b/g,
  // References and ids.
  /\b(?:REF(?:ERENCE)?|WEB\s+ID|PPD\s+ID|CCD\s+ID|IND\s+ID|ID|CONF(?:IRMATION)?|TRACE|NSU|AUTH?|TRN|TXN|DOC\s+NO|SEQ)\s*[#:.]?\s*#?\s*[A-Z0-9]*\d[A-Z0-9]*\b/g,
  // Store numbers.
  /\b(?:STORE|STR|LOJA|LJ|FILIAL|UNIDADE|UNID|NO|NR|N[º°])\s*#?\s*\d+\b/g,
];

// Noise some banks put before the description: a posting date, a card mask, the payer's CPF.
const LEADING_NOISE = new RegExp(
  String.raw`^(?:\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?|\d{1,2}\s?(?:${MONTHS})(?:\s?\d{2,4})?|\d{1,2}:\d{2}|(?:CARTAO|CARD|CRD)?\s*[*X]{2,}\s*\d{2,4}|(?:CPF|CNPJ)\s*[:.]?\s*[\d./-]+|[\d./-]{11,18})(?![A-Z0-9])[\s\-:–]*`,
);

// A domain keeps only its registrable label: HELP.UBER.COM -> UBER, NETFLIX.COM -> NETFLIX.
const DOMAIN =
  /\b(?:WWW\.)?(?:[A-Z0-9-]+\.)*?([A-Z0-9-]+)\.(?:COM|NET|ORG|IO|CO|TV|APP|GOV|EU|ME|US|AI)(?:\.[A-Z]{2})?(?:\/[A-Z0-9/._-]*)?(?![A-Z0-9])/g;

const LEGAL = new Set([
  'LTDA', 'ME', 'EPP', 'EIRELI', 'MEI', 'SA', 'INC', 'LLC', 'LTD', 'PLC', 'CORP', 'PTY', 'CC', 'CIA', 'LIMITED',
  'GMBH', 'KG', 'UG', 'SARL', 'SAS', 'SASU', 'EURL', 'SRL', 'SRLS', 'SLU', 'BV', 'NV',
]);

const COUNTRY3 = new Set(['AUS', 'IND', 'BRA', 'USA', 'GBR', 'ZAF', 'PRT', 'IRL', 'CAN', 'ARG', 'FRA', 'DEU', 'ESP', 'NLD', 'ITA', 'MEX']);

// Brazilian states, US states, and the country codes that card networks append.
const CODE2 = new Set(
  (
    'AC AL AP AM BA CE DF ES GO MA MT MS MG PA PB PR PE PI RJ RN RS RO RR SC SP SE TO ' +
    'AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MI MN MO MT NE NV NH NJ NM NY NC ND OH OK OR RI SD TN TX UT VT VA WA WV WI WY ' +
    'BR US GB UK ZA IE PT FR DE NL IT AR MX GP NW WC EC KZN FS LP NC AU NSW VIC QLD TAS ACT NT NS VI QL'
  ).split(' '),
);

const CITIES: ReadonlySet<string> = new Set(
  [
    // Brazil
    'SAO PAULO', 'RIO DE JANEIRO', 'BELO HORIZONTE', 'PORTO ALEGRE', 'CURITIBA', 'BRASILIA', 'SALVADOR', 'RECIFE',
    'FORTALEZA', 'CAMPINAS', 'GOIANIA', 'FLORIANOPOLIS', 'MANAUS', 'BELEM', 'SANTOS', 'OSASCO', 'GUARULHOS', 'NITEROI',
    'BARUERI', 'SAO BERNARDO DO CAMPO', 'SAO BERNARDO', 'SANTO ANDRE', 'SAO CAETANO DO SUL', 'SAO JOSE DOS CAMPOS',
    'RIBEIRAO PRETO', 'SOROCABA', 'JUNDIAI', 'UBERLANDIA', 'CONTAGEM', 'JOINVILLE', 'LONDRINA', 'MARINGA', 'VITORIA',
    'VILA VELHA', 'NATAL', 'JOAO PESSOA', 'MACEIO', 'ARACAJU', 'TERESINA', 'SAO LUIS', 'CUIABA', 'CAMPO GRANDE',
    'BLUMENAU', 'CAXIAS DO SUL', 'PELOTAS', 'PIRACICABA', 'BAURU', 'NOVA LIMA', 'DUQUE DE CAXIAS', 'NOVA IGUACU',
    'PETROPOLIS', 'CABO FRIO', 'BALNEARIO CAMBORIU', 'CARAPICUIBA', 'COTIA', 'TABOAO DA SERRA', 'MOGI DAS CRUZES',
    'SAO PAULO SP', 'RIO DE JANEIR', 'SAO PAUL', 'BELO HORIZONT',
    // United States
    'NEW YORK', 'BROOKLYN', 'LOS ANGELES', 'SAN FRANCISCO', 'SEATTLE', 'CHICAGO', 'AUSTIN', 'BOSTON', 'MIAMI', 'HOUSTON',
    'DALLAS', 'DENVER', 'ATLANTA', 'PHOENIX', 'PHILADELPHIA', 'SAN DIEGO', 'SAN JOSE', 'PORTLAND', 'NASHVILLE',
    'ORLANDO', 'TAMPA', 'CHARLOTTE', 'MINNEAPOLIS', 'DETROIT', 'LAS VEGAS', 'SACRAMENTO', 'OAKLAND', 'PITTSBURGH',
    'COLUMBUS', 'INDIANAPOLIS', 'BALTIMORE', 'WASHINGTON', 'ARLINGTON', 'JERSEY CITY', 'HOBOKEN', 'CAMBRIDGE',
    'SANTA MONICA', 'PASADENA', 'IRVINE', 'PLANO', 'SCOTTSDALE', 'BOULDER', 'RALEIGH', 'SALT LAKE CITY', 'KANSAS CITY',
    'ST LOUIS', 'NEW ORLEANS', 'MILWAUKEE', 'SEATTL', 'SAN FRANCISC', 'LOS ANGELE',
    // United Kingdom
    'LONDON', 'MANCHESTER', 'BIRMINGHAM', 'LEEDS', 'GLASGOW', 'EDINBURGH', 'BRISTOL', 'LIVERPOOL', 'SHEFFIELD',
    'NEWCASTLE', 'NOTTINGHAM', 'LEICESTER', 'CARDIFF', 'BELFAST', 'BRIGHTON', 'OXFORD', 'READING', 'SOUTHAMPTON',
    'YORK', 'BATH', 'COVENTRY', 'MILTON KEYNES', 'CROYDON', 'WATFORD', 'GUILDFORD', 'EXETER', 'PLYMOUTH', 'ABERDEEN',
    'LONDON W1', 'LONDON EC2', 'LONDON SE1', 'LONDON N1', 'LONDON SW1',
    // South Africa
    'JOHANNESBURG', 'JHB', 'CAPE TOWN', 'CPT', 'DURBAN', 'PRETORIA', 'SANDTON', 'ROSEBANK', 'RANDBURG', 'CENTURION',
    'MIDRAND', 'SOWETO', 'STELLENBOSCH', 'PORT ELIZABETH', 'GQEBERHA', 'BLOEMFONTEIN', 'EAST LONDON', 'UMHLANGA',
    'BELLVILLE', 'CLAREMONT', 'FOURWAYS', 'PIETERMARITZBURG', 'POLOKWANE', 'NELSPRUIT', 'MBOMBELA', 'KIMBERLEY',
    'GEORGE', 'BOKSBURG', 'ROODEPOORT', 'KEMPTON PARK', 'MENLYN', 'BRYANSTON', 'KNYSNA', 'HERMANUS',
    // Australia
    'SYDNEY', 'MELBOURNE', 'BRISBANE', 'PERTH', 'ADELAIDE', 'CANBERRA', 'HOBART', 'DARWIN', 'GOLD COAST', 'GEELONG',
    'PARRAMATTA', 'CHATSWOOD', 'BONDI JUNCTION', 'FREMANTLE', 'TOOWOOMBA', 'CAIRNS', 'WOLLONGONG',
    // Ireland
    'DUBLIN', 'CORK', 'GALWAY', 'LIMERICK', 'WATERFORD', 'KILKENNY', 'SLIGO', 'ATHLONE', 'DUNDALK', 'DROGHEDA', 'NAVAN',
    'BRAY', 'SWORDS', 'DUN LAOGHAIRE', 'TRALEE', 'ENNIS', 'LETTERKENNY', 'DUBLIN 2', 'DUBLIN 4',
    // India
    'MUMBAI', 'DELHI', 'NEW DELHI', 'BANGALORE', 'BENGALURU', 'CHENNAI', 'HYDERABAD', 'PUNE', 'KOLKATA', 'AHMEDABAD',
    'JAIPUR', 'GURGAON', 'GURUGRAM', 'NOIDA', 'KOCHI', 'LUCKNOW', 'CHANDIGARH', 'INDORE',
    // Germany, France, Spain, Italy, the Netherlands
    'BERLIN', 'HAMBURG', 'MUENCHEN', 'KOELN', 'FRANKFURT', 'STUTTGART', 'DUESSELDORF', 'LEIPZIG', 'DORTMUND', 'BREMEN',
    'DRESDEN', 'HANNOVER', 'NUERNBERG', 'BONN', 'MUENSTER', 'MANNHEIM', 'KARLSRUHE', 'AUGSBURG', 'FREIBURG', 'MAINZ', 'KIEL',
    'PARIS', 'MARSEILLE', 'LYON', 'TOULOUSE', 'NANTES', 'STRASBOURG', 'MONTPELLIER', 'BORDEAUX', 'LILLE', 'RENNES',
    'GRENOBLE', 'DIJON', 'ROUEN', 'MADRID', 'BARCELONA', 'VALENCIA', 'SEVILLA', 'ZARAGOZA', 'MALAGA', 'MURCIA',
    'BILBAO', 'ALICANTE', 'GRANADA', 'OVIEDO', 'PAMPLONA', 'SALAMANCA', 'ROMA', 'MILANO', 'NAPOLI', 'TORINO', 'PALERMO',
    'GENOVA', 'BOLOGNA', 'FIRENZE', 'VENEZIA', 'VERONA', 'PADOVA', 'TRIESTE', 'BRESCIA', 'BERGAMO', 'PISA', 'AMSTERDAM',
    'ROTTERDAM', 'DEN HAAG', 'UTRECHT', 'EINDHOVEN', 'GRONINGEN', 'TILBURG', 'ALMERE', 'BREDA', 'NIJMEGEN', 'HAARLEM',
    'ARNHEM', 'ZWOLLE', 'LEIDEN', 'MAASTRICHT', 'DELFT',
  ],
);
const MAX_CITY_WORDS = 5;

/**
 * True when a merchant name begins with a city or town the normalizer knows ("UMHLANGA ROCKS HOS",
 * "CAPE TOWN FISH MARKET"): the leading words then say where the business is, not whose chain it is.
 */
export function startsWithPlace(merchant: string): boolean {
  const words = merchant.split(' ');
  for (let n = Math.min(MAX_CITY_WORDS, words.length); n >= 1; n--) {
    if (CITIES.has(words.slice(0, n).join(' '))) return true;
  }
  return false;
}

// German umlauts fold to the two letters SEPA exports print (MÜNCHEN and MUENCHEN both read MUENCHEN);
// ligatures and ß, which NFD leaves alone, to their letters.
const LETTERS: Readonly<Record<string, string>> = { Ä: 'AE', Ö: 'OE', Ü: 'UE', ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', ẞ: 'SS', Œ: 'OE', œ: 'oe', Æ: 'AE', æ: 'ae', Ø: 'O', ø: 'o', Ł: 'L', ł: 'l' };

const FOLDED_LETTERS = /[ÄÖÜäöüßẞŒœÆæØøŁł]/g;

function fold(raw: string): string {
  // Most lines are ASCII: only those with other letters pay for the replacement.
  const letters = /[^ -~]/.test(raw) ? raw.replace(FOLDED_LETTERS, (c) => LETTERS[c] ?? c) : raw;
  return letters
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[•·●]/g, '*')
    .replace(/[’`´]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

// Business nouns that are not a name on their own: "DROGARIA SAO PAULO" is a pharmacy chain,
// not a pharmacy in Sao Paulo, so a city is kept when only such nouns would remain.
const GENERIC = new Set(
  ('AUTO POSTO DROGARIA FARMACIA PADARIA PANIFICADORA SUPERMERCADO MERCADO HOTEL POUSADA RESTAURANTE PIZZARIA ' +
    'LANCHONETE COLEGIO ESCOLA FACULDADE CLINICA HOSPITAL BAR CAFE IGREJA ESTACIONAMENTO BARBEARIA LAVANDERIA ' +
    'LIVRARIA PAPELARIA ACOUGUE EMPORIO LOJA LOJAS CASA DE DO DA DOS DAS CITY OF COUNCIL PREFEITURA MUNICIPALITY').split(' '),
);

/** `cities` is false for counterparties (Pix, TED...): SANTOS or SALVADOR there are surnames, not places. */
function stripLocation(words: string[], cities = true): void {
  for (let guard = 0; guard < 4 && words.length > 1; guard++) {
    const last = words[words.length - 1]!;
    if (COUNTRY3.has(last)) {
      words.pop();
      continue;
    }
    if (CODE2.has(last) && !(last === 'BR' && words[words.length - 2] === 'POSTO')) {
      words.pop();
      continue;
    }
    if (!cities) break;
    let matched = 0;
    for (let n = Math.min(MAX_CITY_WORDS, words.length - 1); n >= 1; n--) {
      if (CITIES.has(words.slice(words.length - n).join(' '))) {
        matched = n;
        break;
      }
    }
    if (matched === 0) break;
    if (words.slice(0, words.length - matched).every((w) => GENERIC.has(w))) break;
    words.length -= matched;
  }
}

function stripLegal(words: string[]): void {
  while (words.length > 1) {
    const last = words[words.length - 1]!;
    if (LEGAL.has(last) || last.length === 1) {
      words.pop();
      continue;
    }
    break;
  }
}

function toWords(text: string): string[] {
  const cleaned = text
    .replace(/'/g, '')
    .replace(/[^A-Z0-9&]+/g, ' ')
    .trim();
  if (!cleaned) return [];
  return cleaned.split(' ').filter((w) => {
    if (w === '&' || LONG_MONTHS.has(w)) return false;
    // Reference codes: digits-only runs of 3+, or letter/digit mixes with 3+ digits; but a word
    // followed or led by a short number is a brand (BET365, 123MILHAS), not a reference.
    if (/^\d{3,}$/.test(w)) return false;
    if (/^[A-Z]{3,}\d{1,3}$|^\d{1,3}[A-Z]{3,}$/.test(w)) return true;
    if (/\d/.test(w) && /[A-Z]/.test(w) && (w.match(/\d/g)?.length ?? 0) >= 3) return false;
    return true;
  });
}

function clean(text: string): string {
  // German card lines put the town, country and time after "//": "REWE SAGT DANKE//BERLIN/DE 2024-...".
  let s = text.replace(/\/\/.*$/, ' ');
  s = s.replace(/([A-Z])(\d{1,2}\/\d{1,2})\b/g, '$1 $2');
  // "APPLE STORE #0503": the number goes, the word stays (it is part of the name).
  s = s.replace(/\bSTORE\s*#\s*\d+\b/g, 'STORE ');
  s = s.replace(DOMAIN, ' $1 ');
  for (const re of CLEANERS) s = s.replace(re, ' ');
  return s;
}

const MAX_MERCHANT_CHARS = 40;

const REFERENCE = /\s(?:REF(?:ERENCE)?|MEMO|DESC)\b[\s:.#-]*/;

// Terminal and network markers that some banks append (contactless, Visa, direct-debit reference).
const JUNK = new Set(['CLP', 'BCC', 'VIS', 'DDR', 'APPLEPAY', 'GPAY', 'CPF', 'CNPJ']);

function capMerchant(words: readonly string[]): string | null {
  let out = '';
  for (const w of words) {
    const next = out ? `${out} ${w}` : w;
    if (next.length > MAX_MERCHANT_CHARS && out) break;
    out = next;
  }
  return out || null;
}

function wordsOfPrefix(matched: string): string[] {
  return toWords(matched.replace(/\d+/g, ' ')).map((w) => w.toLowerCase());
}

// Indian rails print fields between slashes or dashes: UPI/412345678901/ZOMATO/zomato@ybl/Payment,
// UPI-ZOMATO LTD-zomato.payu@hdfcbank-HDFC0000499-412345678901-UPI, NEFT DR-HDFC0001234-RAHUL SHARMA-...
const RAIL = /^(?:(?:TO|BY)\s+TRANSFER\s*-\s*)?(UPI|IMPS|NEFT|RTGS)(?:\s+(?:DR|CR))?(?=[/\-\s])/;
const RAIL_NOISE = /^(?:DR|CR|P2A|P2M|UPI|IMPS|NEFT|RTGS|PAYMENT|PAY|SENT|TRANSFER|COLLECT|NA|NETBANK|MOB|UPIINTENT|UPI\s*INTENT|PAYMENT FROM PHONE|PAID VIA .*)$/;
const IFSC = /^[A-Z]{4}0[A-Z0-9]{6}$/;
const BANK_CODE = /^(?:HDFC|ICIC|SBIN|UTIB|YESB|KKBK|PYTM|IDFB|PUNB|BARB|INDB|AIRP|FDRL|CNRB|UBIN|IBKL|CITI|SCBL|HSBC|BKID|IOBA|BANK|HDFC BANK|ICICI BANK|AXIS BANK|YES BANK|STATE BANK OF INDIA|SBI)$/;

/** The counterparty and note of an Indian rail line, or null when the line is not one. */
function parseRail(s: string): { name: string; notes: string[]; words: string[] } | null {
  const m = RAIL.exec(s);
  if (!m) return null;
  const parts = s
    .slice(m[0].length)
    .replace(/^[\s/-]+/, '')
    .split(/\/|\s-\s|(?<=\S)-(?=\S)|-\s|\s-/)
    .map((p) => p.replace(/^[\s-]+|[\s-]+$/g, ''))
    .filter((p) => p && !p.includes('@') && !IFSC.test(p) && !BANK_CODE.test(p) && !RAIL_NOISE.test(p) && /[A-Z]{2}/.test(p) && !/^[X*\d]+$/.test(p));
  return { name: parts[0] ?? '', notes: parts.slice(1), words: [m[1]!.toLowerCase()] };
}

export function normalizeDescription(raw: string): NormalizedDescription {
  // Labelled SEPA fields (/NAME/, Naam:, Verwendungszweck:, /MOTIF): the payee stays, the purpose goes apart.
  const structured = splitStructured(fold(raw));
  let s = structured.line;

  let instalment = false;
  const word = INSTALMENT_WORD.exec(s);
  if (word) {
    instalment = true;
    s = `${s.slice(0, word.index)} ${s.slice(word.index + word[0].length)}`;
  } else {
    const bare = INSTALMENT_BARE.exec(s);
    if (bare && Number(bare[1]) >= 1 && Number(bare[1]) <= Number(bare[2]) && Number(bare[2]) <= 24 && !/\bON\s*$/.test(s.slice(0, bare.index))) {
      instalment = true;
      s = s.slice(0, bare.index);
    }
  }

  for (let guard = 0; guard < 4; guard++) {
    const m = LEADING_NOISE.exec(s);
    if (!m || m[0].length === 0) break;
    s = s.slice(m[0].length);
  }

  const processors: string[] = [];
  const processorWords: string[] = [];
  let fixedRule: ProcessorRule | null = null;
  let counterparty = false;
  let railNotes: string[] = [];
  const rail = parseRail(s);
  if (rail) {
    processors.push(rail.words[0]!.toUpperCase());
    processorWords.push(...rail.words);
    railNotes = rail.notes;
    s = rail.name;
  }
  for (let round = 0; round < 3; round++) {
    s = s.replace(/^[\s*\-:–]+/, '');
    let hit: ProcessorRule | null = null;
    let matched = '';
    const european = EUROPEAN_LEAD.test(s);
    for (const r of PROCESSOR_RULES) {
      if (r.european && !european) continue;
      const m = r.re.exec(s);
      if (m && m[0].length > 0) {
        hit = r;
        matched = m[0];
        break;
      }
    }
    if (!hit) break;
    s = s.slice(matched.length);
    processors.push(hit.name);
    processorWords.push(...(hit.words ?? wordsOfPrefix(matched)));
    if (hit.counterparty) counterparty = true;
    if (hit.merchant) {
      fixedRule = hit;
      break;
    }
  }

  // Counterparty lines append bank details after " - " (Nubank's Pix export); the name comes first.
  let body = s;
  let trailer = '';
  if (counterparty) {
    const parts = s.split(/\s+[-–]\s+/).filter((p) => /[A-Z]{2}/.test(clean(p)));
    body = parts[0] ?? '';
    trailer = parts.slice(1).join(' ');
  }

  // A free-text reference ("REF RENT JAN") describes the payment, not the payee.
  let reference = '';
  const ref = REFERENCE.exec(body);
  if (ref) {
    reference = body.slice(ref.index + ref[0].length);
    body = body.slice(0, ref.index);
  }

  const words = toWords(clean(body)).filter((w) => !JUNK.has(w));
  stripLocation(words, !counterparty);
  const textWords = [...words];
  stripLegal(words);
  stripLocation(words, !counterparty);
  stripLegal(words);

  const merchantWords = capMerchant(words);
  const merchant = fixedRule?.merchant ? fixedRule.merchant(merchantWords ?? '') || null : merchantWords;

  const tokens = [...processorWords, ...textWords.map((w) => w.toLowerCase())];
  if (reference) tokens.push(...toWords(clean(reference)).filter((w) => !JUNK.has(w)).map((w) => w.toLowerCase()));
  const purpose = structured.remittance ? toWords(clean(structured.remittance)).map((w) => w.toLowerCase()) : [];
  tokens.push(...purpose);
  for (const note of railNotes) tokens.push(...toWords(clean(note)).map((w) => w.toLowerCase()));
  if (trailer && textWords.length === 0) tokens.push(...toWords(clean(trailer)).map((w) => w.toLowerCase()));
  const textTokens = tokens.slice(processorWords.length);
  return { merchant, tokens, textTokens, normalized: tokens.join(' '), processors, instalment, purpose };
}
