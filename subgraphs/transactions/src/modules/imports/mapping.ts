import { badInput } from '@centavo/errors';
import type { ImportFormat, ImportMappingInput } from '../../resolvers.generated.js';
import { hasControl } from './parsers/text.js';
import type { ColumnRef, Delimiter, ImportMapping } from './parsers/types.js';

const COLUMNS = ['date', 'description', 'amount', 'debit', 'credit', 'direction', 'fee', 'payee'] as const;
const DELIMITERS: readonly string[] = [',', ';', '\t'];
const MAX_COLUMN_NAME = 100;
const MAX_COLUMN_INDEX = 1000;

function column(field: (typeof COLUMNS)[number], raw: string): ColumnRef {
  const value = raw.trim();
  const at = `mapping.${field}`;
  if (!value) throw badInput(at, `${at} must be a header name or a 0-based column index`);
  if (/^\d+$/.test(value)) {
    const index = Number(value);
    if (index > MAX_COLUMN_INDEX) throw badInput(at, `${at} must be a column index of at most ${MAX_COLUMN_INDEX}`);
    return index;
  }
  if (value.length > MAX_COLUMN_NAME || hasControl(value)) throw badInput(at, `${at} must be a header name of at most ${MAX_COLUMN_NAME} characters`);
  return value;
}

/**
 * The user's mapping as the parsers take it, or BAD_USER_INPUT naming the field
 * (`mapping.delimiter`...). Columns, delimiter and header apply to CSV only; date format,
 * decimal separator and encoding to the formats that have them.
 */
export function toMapping(format: ImportFormat, input: ImportMappingInput | null | undefined): ImportMapping | null {
  if (!input) return null;
  const mapping: ImportMapping = {};
  const csvOnly = (field: string) => {
    if (format !== 'CSV') throw badInput(`mapping.${field}`, `mapping.${field} applies to CSV files only`);
  };
  for (const field of COLUMNS) {
    const raw = input[field];
    if (raw === null || raw === undefined) continue;
    csvOnly(field);
    mapping[field] = column(field, raw);
  }
  const given = COLUMNS.filter((f) => mapping[f] !== undefined);
  if (given.length) {
    if (mapping.date === undefined) throw badInput('mapping.date', 'mapping.date is needed when columns are given');
    if (mapping.description === undefined) throw badInput('mapping.description', 'mapping.description is needed when columns are given');
    if (mapping.amount !== undefined && (mapping.debit !== undefined || mapping.credit !== undefined)) {
      throw badInput('mapping.amount', 'give either mapping.amount or mapping.debit and mapping.credit, not both');
    }
    if (mapping.amount === undefined && mapping.debit === undefined && mapping.credit === undefined) {
      throw badInput('mapping.amount', 'mapping.amount (or mapping.debit and mapping.credit) is needed when columns are given');
    }
    const seen = new Map<string, string>();
    for (const f of given) {
      const key = typeof mapping[f] === 'number' ? `#${mapping[f]}` : `name:${String(mapping[f]).toLowerCase()}`;
      if (seen.has(key)) throw badInput(`mapping.${f}`, `mapping.${f} is the same column as mapping.${seen.get(key)}`);
      seen.set(key, f);
    }
  }
  if (input.hasHeader !== null && input.hasHeader !== undefined) {
    csvOnly('hasHeader');
    mapping.hasHeader = input.hasHeader;
    const named = given.find((f) => typeof mapping[f] === 'string');
    if (!input.hasHeader && named) throw badInput(`mapping.${named}`, `mapping.${named}: a column name needs a header row; give a 0-based index, or hasHeader true`);
  }
  if (input.delimiter !== null && input.delimiter !== undefined) {
    csvOnly('delimiter');
    if (!DELIMITERS.includes(input.delimiter)) throw badInput('mapping.delimiter', 'mapping.delimiter must be ",", ";" or a tab character');
    mapping.delimiter = input.delimiter as Delimiter;
  }
  if (input.decimalSeparator !== null && input.decimalSeparator !== undefined) {
    if (format !== 'CSV' && format !== 'QIF') throw badInput('mapping.decimalSeparator', 'mapping.decimalSeparator applies to CSV and QIF files only');
    if (input.decimalSeparator !== ',' && input.decimalSeparator !== '.') throw badInput('mapping.decimalSeparator', 'mapping.decimalSeparator must be "," or "."');
    if (input.decimalSeparator === mapping.delimiter) throw badInput('mapping.decimalSeparator', 'mapping.decimalSeparator cannot be the delimiter');
    mapping.decimalSeparator = input.decimalSeparator;
  }
  if (input.dateFormat) {
    if (format !== 'CSV' && format !== 'QIF') throw badInput('mapping.dateFormat', 'mapping.dateFormat applies to CSV and QIF files only');
    mapping.dateFormat = input.dateFormat;
  }
  if (input.invertSign) mapping.invertSign = true;
  if (input.encoding) mapping.encoding = input.encoding === 'LATIN1' ? 'LATIN1' : 'UTF8';
  return mapping;
}
