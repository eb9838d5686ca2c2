import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStatement } from './index.js';
import type { ParsedItem } from './types.js';

/**
 * CSV exports shaped as real banks write them (headers, preambles, signs, dates and encodings of
 * each), one file per bank in fixtures/banks/, read with detection only: no mapping.
 */
const parse = (name: string, currency: string) => parseStatement('CSV', readFileSync(new URL(`./fixtures/banks/${name}`, import.meta.url)), { currency });
const rows = (items: ParsedItem[]) => items.map((i) => (i.ok ? [i.date, i.amountMinor, i.description] : ['error', i.line, i.message]));

describe('CSV exports of real banks, detected without a mapping', () => {
  it.each([
    // South Africa: DR/CR marks, a Fee column beside Money In/Out, the rand's "R", a preamble.
    ['absa.csv', 'ZAR', [['2024-03-01', -150000n, 'DIGITAL PAYMENT DT SETTLEMENT'], ['2024-03-02', 2500000n, 'ACB CREDIT SALARY ACME']]],
    ['capitec.csv', 'ZAR', [['2024-03-01', -15000n, 'Checkers'], ['2024-03-02', -750n, 'Monthly Fee'], ['2024-03-03', 2500000n, 'Salary']]],
    ['fnb-online.csv', 'ZAR', [['2024-03-01', -15000n, 'POS Purchase Checkers Sixty60 4*1234 28 Feb'], ['2024-03-02', -550n, '#Monthly Account Fee'], ['2024-03-03', -20000n, 'Rtc Express Pmt To J Smith']]],
    ['fnb.csv', 'ZAR', [['2024-03-01', -15000n, 'POS Purchase Checkers Sixty60 4*1234 28 Feb'], ['2024-03-02', -550n, '#Monthly Account Fee'], ['2024-03-03', 2500000n, 'Salary ACME PTY LTD']]],
    ['standardbank.csv', 'ZAR', [['2024-03-01', -25000n, 'WOOLWORTHS SANDTON'], ['2024-03-02', 2500000n, 'SALARY ACME']]],
    // United Kingdom, United States, India, Australia.
    ['barclays.csv', 'GBP', [['2024-03-01', -1250n, 'TESCO STORES 3456 ON 29 FEB BCC'], ['2024-03-02', 250000n, 'ACME LTD SALARY']]],
    // Monzo's Name (the merchant, left of its raw Description) is the description, as before.
    ['monzo.csv', 'GBP', [['2024-03-01', -450n, 'Pret A Manger'], ['2024-03-02', 250000n, 'ACME Ltd']]],
    ['chase.csv', 'USD', [['2024-03-01', -575n, 'STARBUCKS STORE 12345 SEATTLE WA'], ['2024-03-15', 250000n, 'ACME CORP PAYROLL PPD ID: 123']]],
    ['us-named.csv', 'USD', [['2024-03-01', -2345n, 'AMAZON MKTPLACE PMTS'], ['2024-03-15', 250000n, 'PAYROLL ACME']]],
    ['hdfc.csv', 'INR', [['2024-03-01', -45000n, 'UPI-SWIGGY-SWIGGY@YBL-YESB0000001-123456789-PAYMENT'], ['2024-03-02', 8500000n, 'NEFT CR-ACME INDIA PVT LTD-SALARY']]],
    ['commbank.csv', 'AUD', [['2024-03-01', -4500n, 'WOOLWORTHS 1234 SYDNEY NS AUS Card xx1234 Value Date: 28/02/2024'], ['2024-03-02', 250000n, 'Salary ACME PTY LTD']]],
    // Brazil: balance-only rows skipped (Banco do Brasil writes the balance in its Valor column), Pix descriptions.
    ['bb.csv', 'BRL', [['2024-03-01', -5000n, 'Pix - Enviado'], ['2024-03-01', -12035n, 'Compra com Cartão - SUPERMERCADO BOM PRECO']]],
    ['itau.csv', 'BRL', [['2024-03-01', -15000n, 'PIX TRANSF JOAO S01/03'], ['2024-03-05', -8912n, 'DA SABESP 0123']]],
    ['nubank-conta.csv', 'BRL', [['2024-03-01', -5000n, expect.stringMatching(/^Transferência enviada pelo Pix - JOAO DA SILVA/)], ['2024-03-02', 350000n, 'Transferência recebida pelo Pix - EMPRESA LTDA']]],
    // Continental Europe: German (Latin-1, payee column), French, Spanish, Italian, Dutch (Af/Bij).
    ['sparkasse.csv', 'EUR', [['2024-03-01', -2345n, 'REWE Markt GmbH - 2024-02-29T12:00 Debitk.1 REWE Markt'], ['2024-03-02', 250000n, 'ACME GmbH - Gehalt März']]],
    ['dkb.csv', 'EUR', [['2024-03-01', -2345n, 'REWE SAGT DANKE'], ['2024-03-02', 250000n, 'Gehalt']]],
    ['bnp.csv', 'EUR', [['2024-03-01', -2345n, 'CARTE X1234 28/02 CARREFOUR CITY'], ['2024-03-02', 250000n, 'VIR SEPA RECU /DE ACME SA /MOTIF SALAIRE']]],
    ['santander.csv', 'EUR', [['2024-03-01', -2345n, 'Compra Tarjeta Mercadona Madrid'], ['2024-03-02', 250000n, 'Nomina Acme SA']]],
    ['intesa.csv', 'EUR', [['2024-03-01', -2345n, 'ESSELUNGA MILANO'], ['2024-03-02', 250000n, 'ACME SPA']]],
    ['ing-nl.csv', 'EUR', [['2024-03-01', -2345n, 'Albert Heijn 1234'], ['2024-03-02', 250000n, 'ACME BV']]],
  ] as const)('%s (%s)', (name, currency, expected) => {
    const result = parse(name, currency);
    expect(result.fatal).toBeUndefined();
    expect(rows(result.items)).toEqual(expected);
  });

  it('reports the direction, fee and payee columns it used', () => {
    expect(parse('ing-nl.csv', 'EUR').detected?.columns).toMatchObject({ amount: { index: 6 }, direction: { index: 5, name: 'Af Bij' } });
    expect(parse('capitec.csv', 'ZAR').detected?.columns).toMatchObject({ debit: { name: 'Money Out' }, credit: { name: 'Money In' }, fee: { name: 'Fee' } });
    expect(parse('sparkasse.csv', 'EUR').detected?.columns).toMatchObject({ payee: { index: 5 } });
  });

  it('ignores a direction column when the amounts carry their own signs', () => {
    const csv = 'Date,Description,Amount,Dr/Cr\n2024-03-01,Shop,-10.00,DR\n2024-03-02,Refund,5.00,DR\n';
    const result = parseStatement('CSV', Buffer.from(csv), { currency: 'GBP' });
    expect(rows(result.items)).toEqual([['2024-03-01', -1000n, 'Shop'], ['2024-03-02', 500n, 'Refund']]);
  });

  it('turns every sign with invertSign (card exports with charges as positive numbers)', () => {
    const result = parseStatement('CSV', readFileSync(new URL('./fixtures/banks/nubank-card.csv', import.meta.url)), { currency: 'BRL', mapping: { invertSign: true } });
    expect(rows(result.items)).toEqual([['2024-03-02', -4590n, 'Ifood *Ifood'], ['2024-03-03', -2310n, 'Uber *Trip'], ['2024-03-05', 120000n, 'Pagamento recebido']]);
  });
});
