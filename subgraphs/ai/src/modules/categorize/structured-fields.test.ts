import { describe, expect, it } from 'vitest';
import { normalizeDescription } from './normalize.js';
import { splitStructured } from './structured-fields.js';

// [bank line, merchant, normalized]: the payee becomes the merchant, the remittance text stays a
// token, and IBANs, BICs, mandates and creditor ids go.
const CASES: readonly [string, string | null, string][] = [
  // ABN AMRO's slash format.
  ['/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/BIC/ABNANL2A/NAME/J Jansen/REMI/Huur januari/EREF/NOTPROVIDED', 'J JANSEN', 'sepa overboeking j jansen huur'],
  [
    '/TRTP/SEPA Incasso algemeen doorlopend/CSID/NL71ZZZ330000000/NAME/Vattenfall Klantenservice N.V./MARF/1234567/REMI/Termijnbedrag energie/IBAN/NL11INGB0000000000/BIC/INGBNL2A/EREF/ABC123',
    'VATTENFALL KLANTENSERVICE',
    'incasso vattenfall klantenservice n v termijnbedrag energie',
  ],
  ['/TRTP/iDEAL/IBAN/NL27RABO0123456789/BIC/RABONL2U/NAME/bol.com b.v./REMI/1234567890 0050001234 bol.com/EREF/20-01-2024 12:34 0050001234', 'BOL', 'betaalpas bol b v bol'],
  // ABN AMRO's key-value format.
  [
    'SEPA Incasso algemeen doorlopend Incassant: NL12ZZZ301249990000 Naam: Vattenfall Klantenservice N.V. Machtiging: 1234567 Omschrijving: Termijnbedrag stroom IBAN: NL55INGB0000000000',
    'VATTENFALL KLANTENSERVICE',
    'incasso vattenfall klantenservice n v termijnbedrag stroom',
  ],
  ['SEPA Overboeking IBAN: NL91ABNA0417164300 BIC: ABNANL2A Naam: J Jansen Omschrijving: Huur Kenmerk: 123', 'J JANSEN', 'sepa overboeking j jansen huur'],
  ['SEPA iDEAL IBAN: NL27RABO0123456789 BIC: RABONL2U Naam: Thuisbezorgd.nl Omschrijving: Bestelling 1234', 'THUISBEZORGD', 'betaalpas thuisbezorgd bestelling'],
  // German labels and MT940 tags.
  ['SEPA-Überweisung Empfänger: Max Mustermann Verwendungszweck: Miete Dezember IBAN: DE89370400440532013000 BIC: COBADEFFXXX', 'MAX MUSTERMANN', 'ueberweisung max mustermann miete'],
  ['Lastschrift Gläubiger-ID: DE98ZZZ09999999999 Mandatsreferenz: M-123 Zahlungsempfänger: Vodafone GmbH Verwendungszweck: Kundennummer', 'VODAFONE', 'lastschrift vodafone gmbh kundennummer'],
  ['Auftraggeber: ACME GmbH Buchungstext: Gehalt November Ref. 4711', 'ACME', 'acme gmbh gehalt'],
  ['SEPA-LASTSCHRIFT EREF+123 MREF+ABC CRED+DE98ZZZ0999 SVWZ+Beitrag Fitnessstudio ABWE+McFit GmbH', 'MCFIT', 'lastschrift mcfit gmbh beitrag fitnessstudio'],
  // French transfers and direct debits.
  ['VIR SEPA RECU /DE ACME SAS /MOTIF SALAIRE NOVEMBRE /REF 123456', 'ACME', 'virement acme sas salaire'],
  ['VIR SEPA JEAN DUPONT /MOTIF LOYER DECEMBRE', 'JEAN DUPONT', 'virement jean dupont loyer'],
  ['VIR RECU DE: JEAN DUPONT MOTIF: REMBOURSEMENT RESTAURANT', 'JEAN DUPONT', 'virement jean dupont remboursement restaurant'],
  ['PRLV SEPA EDF clients particuliers ECH/150124 ID EMETTEUR/FR12ZZZ123456 MDT/ABC', 'EDF CLIENTS PARTICULIERS', 'prlv edf clients particuliers'],
  // Spanish transfers and receipts.
  ['TRANSFERENCIA A FAVOR DE JUAN PEREZ CONCEPTO: ALQUILER ENERO', 'JUAN PEREZ', 'transferencia juan perez alquiler'],
  ['TRANSFERENCIA DE MARIA GARCIA, CONCEPTO CENA', 'MARIA GARCIA', 'transferencia maria garcia cena'],
  ['RECIBO IBERDROLA CLIENTES SAU Nº RECIBO 0049 1234 567 REF. MANDATO ES123', 'IBERDROLA CLIENTES SAU', 'recibo iberdrola clientes sau'],
];

describe('structured SEPA descriptions', () => {
  it.each(CASES)('%s', (line, merchant, normalized) => {
    const n = normalizeDescription(line);
    expect(n.merchant).toBe(merchant);
    expect(n.normalized).toBe(normalized);
  });

  it('keeps the remittance text out of the merchant, so one payee is one memory entry whatever the month', () => {
    const jan = normalizeDescription('/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/BIC/ABNANL2A/NAME/J Jansen/REMI/Huur januari/EREF/A1');
    const feb = normalizeDescription('SEPA Overboeking IBAN: NL91ABNA0417164300 BIC: ABNANL2A Naam: J Jansen Omschrijving: Huur februari 2024 Kenmerk: 9');
    expect(jan.merchant).toBe(feb.merchant);
  });

  it('leaves unlabelled lines alone, a German card line ending in /DE included', () => {
    for (const line of ['REWE SAGT DANKE 44231123//BERLIN/DE 2024-11-15T10:32:11', 'POS PURCHASE CHECKERS SANDTON * 24 AUG', 'PIX ENVIADO MARIA SILVA', 'COMPRA TARJ. MERCADONA VALENCIA']) {
      expect(splitStructured(line)).toEqual({ line, remittance: '' });
    }
  });
});
