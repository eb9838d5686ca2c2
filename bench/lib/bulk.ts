import type { PoolClient } from './pg.js';

interface Column {
  name: string;
  /** The column's SQL type, e.g. `uuid`, `bigint`, `"AccountType"`, `text[]`. */
  type: string;
}

/** `"id uuid, kind \"CategoryKind\", tokens text[]"` → columns. */
const parseColumns = (spec: string): Column[] =>
  spec.split(',').map((part) => {
    const [name, ...type] = part.trim().split(/\s+/);
    return { name: name!, type: type.join(' ') };
  });

/** Rows per INSERT: thousands at a time, well under PostgreSQL's limits (each column is one array parameter). */
const BATCH = 5_000;

type Cell = string | number | boolean | bigint | Date | null;

const toParam = (value: Cell): string | number | boolean | null =>
  value === null ? null : typeof value === 'bigint' ? value.toString() : value instanceof Date ? value.toISOString() : value;

/** A PostgreSQL array literal, for array columns (unnest cannot take an array of arrays). */
export const arrayLiteral = (items: readonly string[]): string => `{${items.map((i) => `"${i.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;

/**
 * INSERT ... SELECT FROM unnest($1::type[], $2::type[], ...): one statement per batch with one
 * parameter per column (`spec`: "name type, ..."), so thousands of rows cost one round trip and one parse. Array columns
 * travel as text literals and are cast back. `onConflict` is appended as is. Returns rows inserted.
 */
export async function insertMany(client: PoolClient, table: string, spec: string, rows: readonly Cell[][], onConflict = ''): Promise<number> {
  const columns = parseColumns(spec);
  let inserted = 0;
  const names = columns.map((c) => `"${c.name}"`).join(', ');
  const alias = columns.map((_, i) => `c${i}`);
  const select = columns.map((c, i) => (c.type.endsWith('[]') ? `${alias[i]}::${c.type}` : alias[i])).join(', ');
  const unnest = columns.map((c, i) => `$${i + 1}::${c.type.endsWith('[]') ? 'text' : c.type}[]`).join(', ');
  const sql = `INSERT INTO ${table} (${names}) SELECT ${select} FROM unnest(${unnest}) AS u(${alias.join(', ')}) ${onConflict}`;
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH);
    const params = columns.map((_, i) => batch.map((row) => toParam(row[i] ?? null)));
    const result = await client.query(sql, params);
    inserted += result.rowCount ?? 0;
  }
  return inserted;
}
