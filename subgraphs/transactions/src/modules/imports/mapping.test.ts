import { describe, expect, it } from 'vitest';
import { toMapping } from './mapping.js';

const refused = (fn: () => unknown, field: string) => expect(fn).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field }));

describe('toMapping', () => {
  it('turns digits into column indexes and keeps names, trimmed', () => {
    expect(toMapping('CSV', { date: '0', description: ' Histórico ', debit: '3', credit: 'Entrada', dateFormat: 'DMY', hasHeader: true, encoding: 'UTF8_BOM' })).toEqual({
      date: 0,
      description: 'Histórico',
      debit: 3,
      credit: 'Entrada',
      dateFormat: 'DMY',
      hasHeader: true,
      encoding: 'UTF8',
    });
    expect(toMapping('QIF', { dateFormat: 'MDY', decimalSeparator: ',' })).toEqual({ dateFormat: 'MDY', decimalSeparator: ',' });
    expect(toMapping('CSV', null)).toBeNull();
    expect(toMapping('CSV', { delimiter: '\t', date: null })).toEqual({ delimiter: '\t' });
    expect(toMapping('CSV', { date: '0', description: '1', amount: '2', direction: 'Af Bij', fee: '4', payee: 'Naam', invertSign: true })).toEqual({
      date: 0,
      description: 1,
      amount: 2,
      direction: 'Af Bij',
      fee: 4,
      payee: 'Naam',
      invertSign: true,
    });
    expect(toMapping('OFX', { invertSign: true })).toEqual({ invertSign: true });
  });

  it('refuses incomplete or contradictory columns, naming the field', () => {
    refused(() => toMapping('CSV', { description: 'd', amount: 'a' }), 'mapping.date');
    refused(() => toMapping('CSV', { date: 'd', amount: 'a' }), 'mapping.description');
    refused(() => toMapping('CSV', { date: 'd', description: 'x' }), 'mapping.amount');
    refused(() => toMapping('CSV', { date: 'd', description: 'x', amount: 'a', debit: 'b' }), 'mapping.amount');
    refused(() => toMapping('CSV', { date: '1', description: 'x', amount: '1' }), 'mapping.amount');
    refused(() => toMapping('CSV', { date: 'Data', description: 'DATA', amount: '2' }), 'mapping.description');
    refused(() => toMapping('CSV', { date: '', description: 'x', amount: 'a' }), 'mapping.date');
    refused(() => toMapping('CSV', { date: '99999', description: 'x', amount: 'a' }), 'mapping.date');
    refused(() => toMapping('CSV', { date: 'x'.repeat(101), description: 'x', amount: 'a' }), 'mapping.date');
    refused(() => toMapping('CSV', { date: '0', description: 'Nome', amount: '2', hasHeader: false }), 'mapping.description');
    refused(() => toMapping('CSV', { date: '0', description: '1', amount: '2', fee: '2' }), 'mapping.fee');
    refused(() => toMapping('OFX', { payee: 'x' }), 'mapping.payee');
  });

  it('refuses bad separators and what does not apply to the format', () => {
    refused(() => toMapping('CSV', { delimiter: '|' }), 'mapping.delimiter');
    refused(() => toMapping('CSV', { decimalSeparator: ' ' }), 'mapping.decimalSeparator');
    refused(() => toMapping('CSV', { delimiter: ',', decimalSeparator: ',' }), 'mapping.decimalSeparator');
    refused(() => toMapping('OFX', { date: '0', description: '1', amount: '2' }), 'mapping.date');
    refused(() => toMapping('QIF', { delimiter: ';' }), 'mapping.delimiter');
    refused(() => toMapping('CAMT053', { dateFormat: 'DMY' }), 'mapping.dateFormat');
    refused(() => toMapping('OFX', { decimalSeparator: ',' }), 'mapping.decimalSeparator');
    refused(() => toMapping('CAMT053', { hasHeader: true }), 'mapping.hasHeader');
  });
});
