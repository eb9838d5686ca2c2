import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { SubgraphName } from '@centavo/config';
import { BackupError, countLines, EXIT_REFUSED } from './archive.js';

export interface TableEntry {
  name: string;
  columns: string[];
  rows: number;
  /** sha256 of the table's rows as they stand in the archive (COPY text, one a line). */
  sha256: string;
}

export interface SequenceEntry {
  name: string;
  lastValue: string;
  isCalled: boolean;
}

export interface DatabaseEntry {
  subgraph: SubgraphName;
  /** The database's name where it was dumped (for the record; the restore uses its own). */
  database: string;
  /** When its snapshot was taken: every table of one database is dumped at this one instant. */
  snapshotAt: string;
  /** Prisma migrations applied to it: a restore needs exactly these. */
  migrations: string[];
  /** In load order: a table comes after every table it references. */
  tables: TableEntry[];
  sequences: SequenceEntry[];
  /**
   * Outbox events published at or after this instant (taken before the queues were read, less
   * the longest relay transaction) are marked unpublished by a restore, so the relay sends them
   * again: their jobs may have been in flight when the queues were read. Consumers apply an event
   * once, so one sent twice changes nothing. Null when the database has no outbox.
   */
  outboxReplayFrom: string | null;
}

/** How long a restore waits for the tables of a database that something else is using. */
const LOCK_TIMEOUT_SECONDS = 30;

/** Longer than an outbox relay transaction may last (CLAIM_TIMEOUT_MS of packages/outbox). */
const OUTBOX_REPLAY_MARGIN_SECONDS = 60;

/** Text output that does not depend on the server's or the role's settings. */
const SESSION_SETTINGS = `SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres';
  SET extra_float_digits = 1; SET bytea_output = 'hex'; SET client_encoding = 'UTF8'`;

export const ident = (name: string) => pg.escapeIdentifier(name);

export async function connect(url: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  await client.connect();
  await client.query(SESSION_SETTINGS);
  return client;
}

export const databaseName = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

interface TableInfo {
  oid: number;
  name: string;
  columns: string[];
}

/** The data tables of the database's schema (not Prisma's bookkeeping), parents before children. */
export async function listTables(client: pg.Client): Promise<TableInfo[]> {
  const { rows: tables } = await client.query<{ oid: number; name: string }>(
    `SELECT c.oid::int AS oid, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> '_prisma_migrations'
     ORDER BY c.relname`,
  );
  const { rows: columns } = await client.query<{ oid: number; name: string }>(
    `SELECT a.attrelid::int AS oid, a.attname AS name FROM pg_attribute a
     WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
     ORDER BY a.attrelid, a.attnum`,
    [tables.map((t) => t.oid)],
  );
  const { rows: references } = await client.query<{ child: number; parent: number }>(
    `SELECT conrelid::int AS child, confrelid::int AS parent FROM pg_constraint
     WHERE contype = 'f' AND conrelid = ANY($1::oid[]) AND conrelid <> confrelid`,
    [tables.map((t) => t.oid)],
  );
  const infos = tables.map((t) => ({ ...t, columns: columns.filter((c) => c.oid === t.oid).map((c) => c.name) }));
  // Kahn's order by name among equals; a cycle (none today) keeps its tables in name order at the end.
  const ordered: TableInfo[] = [];
  const left = new Set(infos);
  while (left.size) {
    const ready = [...left].filter((t) => !references.some((r) => r.child === t.oid && [...left].some((o) => o.oid === r.parent)));
    for (const t of ready.length ? ready : [...left]) {
      ordered.push(t);
      left.delete(t);
    }
  }
  return ordered;
}

async function appliedMigrations(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ migration_name: string }>(
    `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
  );
  return rows.map((r) => r.migration_name);
}

/** Before the queues are read: the instant from which outbox events are sent again after a restore. */
export async function outboxReplayFrom(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ at: Date }>(`SELECT clock_timestamp() - make_interval(secs => $1) AS at`, [OUTBOX_REPLAY_MARGIN_SECONDS]);
  return rows[0]!.at.toISOString();
}

/** Opens the database's one snapshot: everything dumped afterwards on this client reads it. */
export async function beginSnapshot(client: pg.Client): Promise<string> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  const { rows } = await client.query<{ at: Date }>('SELECT now() AS at');
  return rows[0]!.at.toISOString();
}

export interface DumpTarget {
  write(chunk: Buffer | string): Promise<void>;
  writeJson(value: unknown): Promise<void>;
}

/** Streams every table of the snapshot to the archive; the caller began it with beginSnapshot. */
export async function dumpDatabase(
  client: pg.Client,
  entry: Omit<DatabaseEntry, 'tables' | 'sequences' | 'migrations'>,
  out: DumpTarget,
): Promise<DatabaseEntry> {
  const migrations = await appliedMigrations(client);
  const tables: TableEntry[] = [];
  for (const table of await listTables(client)) {
    await out.writeJson({ kind: 'table', subgraph: entry.subgraph, table: table.name, columns: table.columns });
    const hash = createHash('sha256');
    let rows = 0;
    const copy = client.query(copyTo(`COPY ${ident(table.name)} (${table.columns.map(ident).join(', ')}) TO STDOUT`));
    for await (const chunk of copy as AsyncIterable<Buffer>) {
      hash.update(chunk);
      rows += countLines(chunk);
      await out.write(chunk);
    }
    await out.write('\\.\n');
    const done: TableEntry = { name: table.name, columns: table.columns, rows, sha256: hash.digest('hex') };
    await out.writeJson({ kind: 'table-end', subgraph: entry.subgraph, table: table.name, rows, sha256: done.sha256 });
    tables.push(done);
  }
  const sequences: SequenceEntry[] = [];
  const { rows: seqs } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind = 'S' ORDER BY c.relname`,
  );
  for (const { name } of seqs) {
    // Sequences are outside snapshots: a value read now is at least the snapshot's, which is safe.
    const { rows } = await client.query<{ last_value: string; is_called: boolean }>(`SELECT last_value::text, is_called FROM ${ident(name)}`);
    sequences.push({ name, lastValue: rows[0]!.last_value, isCalled: rows[0]!.is_called });
  }
  await client.query('COMMIT');
  return { ...entry, migrations, tables, sequences };
}

/** Whether a database holds any row (a fresh or never-created one holds none). */
export async function holdsData(url: string): Promise<string | null> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const server = new pg.Client({ connectionString: admin.toString() });
  await server.connect();
  try {
    const { rowCount } = await server.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName(url)]);
    if (!rowCount) return null;
  } finally {
    await server.end();
  }
  const client = await connect(url, 'centavo-restore');
  try {
    for (const table of await listTables(client)) {
      const { rows } = await client.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${ident(table.name)}) AS any`);
      if (rows[0]!.any) return table.name;
    }
    return null;
  } finally {
    await client.end();
  }
}

/** Digest of a set of rows whatever their order: the sum of their hashes, in four 64-bit lanes. */
export class RowSetDigest {
  private readonly lanes = [0n, 0n, 0n, 0n];
  private rest: Buffer = Buffer.alloc(0);
  rows = 0;

  /** One whole row with its '\n'. */
  addRow(row: Buffer): void {
    const h = createHash('sha256').update(row).digest();
    for (let i = 0; i < 4; i++) this.lanes[i] = BigInt.asUintN(64, this.lanes[i]! + h.readBigUInt64LE(i * 8));
    this.rows++;
  }

  /** COPY output, cut anywhere. */
  addChunk(chunk: Buffer): void {
    const buf = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    let start = 0;
    for (let end = buf.indexOf(0x0a); end >= 0; end = buf.indexOf(0x0a, start)) {
      this.addRow(buf.subarray(start, end + 1));
      start = end + 1;
    }
    this.rest = Buffer.from(buf.subarray(start));
  }

  value(): string {
    return this.lanes.map((l) => l.toString(16).padStart(16, '0')).join('');
  }
}

/** A restore's open transaction on one database: tables emptied, then loaded one by one. */
export class DatabaseLoad {
  private constructor(
    readonly subgraph: SubgraphName,
    private readonly client: pg.Client,
    private readonly tables: Map<string, TableInfo>,
  ) {}

  static async begin(subgraph: SubgraphName, url: string): Promise<DatabaseLoad> {
    const client = await connect(url, 'centavo-restore');
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT_SECONDS}s'`);
      const tables = await listTables(client);
      // Emptied in the same transaction: a failed restore leaves the database as it was.
      if (tables.length) await client.query(`TRUNCATE ${tables.map((t) => ident(t.name)).join(', ')} RESTART IDENTITY`);
      return new DatabaseLoad(subgraph, client, new Map(tables.map((t) => [t.name, t])));
    } catch (error) {
      await client.end().catch(() => undefined);
      if ((error as { code?: string }).code === '55P03') {
        throw new BackupError(
          `the ${subgraph} database is in use (its tables stayed locked for ${LOCK_TIMEOUT_SECONDS} s): stop Centavo's modules and workers before a restore`,
          EXIT_REFUSED,
        );
      }
      throw error;
    }
  }

  /** COPYs the rows in, then reads the table back and checks it holds exactly them. */
  async load(table: string, columns: string[], rows: AsyncIterable<Buffer>, archived: RowSetDigest): Promise<void> {
    const info = this.tables.get(table);
    const missing = info ? columns.filter((c) => !info.columns.includes(c)) : [];
    if (!info || missing.length) {
      throw new BackupError(
        `${this.subgraph}: ${info ? `columns ${missing.join(', ')} of table ${table}` : `table ${table}`} do not exist in this installation's schema`,
        EXIT_REFUSED,
      );
    }
    const list = columns.map(ident).join(', ');
    await pipeline(Readable.from(rows), this.client.query(copyFrom(`COPY ${ident(table)} (${list}) FROM STDIN`)));
    const loaded = new RowSetDigest();
    for await (const chunk of this.client.query(copyTo(`COPY ${ident(table)} (${list}) TO STDOUT`)) as AsyncIterable<Buffer>) loaded.addChunk(chunk);
    if (loaded.rows !== archived.rows || loaded.value() !== archived.value()) {
      throw new Error(`${this.subgraph}.${table}: read back ${loaded.rows} rows that differ from the archive's ${archived.rows} (types or settings changed?)`);
    }
  }

  async finish(entry: DatabaseEntry): Promise<void> {
    for (const seq of entry.sequences) {
      await this.client.query('SELECT setval($1::regclass, $2::bigint, $3)', [ident(seq.name), seq.lastValue, seq.isCalled]);
    }
    if (entry.outboxReplayFrom && this.tables.get('outbox_events')?.columns.includes('published_at')) {
      await this.client.query('UPDATE outbox_events SET published_at = NULL WHERE published_at >= $1', [entry.outboxReplayFrom]);
    }
  }

  async commit(): Promise<void> {
    await this.client.query('COMMIT');
    await this.client.end();
  }

  async rollback(): Promise<void> {
    await this.client.query('ROLLBACK').catch(() => undefined);
    await this.client.end().catch(() => undefined);
  }
}
