import { createHash } from 'node:crypto';
import { readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { SUBGRAPHS, type SubgraphName } from '@centavo/config';
import { migrateAll, migrationNames } from '@centavo/db/cli';
import type { QueueConfig } from '@centavo/jobs';
import { ArchiveReader, ArchiveWriter, BackupError, corrupt, EXIT_REFUSED, FORMAT, FORMAT_VERSION, rowChunks } from './archive.js';
import { beginSnapshot, connect, databaseName, DatabaseLoad, dumpDatabase, holdsData, outboxReplayFrom, RowSetDigest, type DatabaseEntry } from './postgres.js';
import { dumpRedis, RedisLoad, type RedisEntry, type RedisSummary } from './redis.js';

export { BackupError, EXIT_CORRUPT, EXIT_REFUSED } from './archive.js';
export type { DatabaseEntry, TableEntry } from './postgres.js';
export type { RedisSummary } from './redis.js';

export interface Manifest {
  kind: 'manifest';
  format: typeof FORMAT;
  version: number;
  createdAt: string;
  databases: DatabaseEntry[];
  redis: RedisSummary;
  /** sha256 of every (uncompressed) byte of the archive before this line. */
  sha256: string;
}

export interface Installation {
  urls: Record<SubgraphName, string>;
  redis: QueueConfig;
}

/** `centavo-20261203T074501Z.backup.gz`: names sort by time, and `--keep` finds them. */
export const backupFileName = (at = new Date()) => `centavo-${at.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}.backup.gz`;
const BACKUP_FILE = /^centavo-\d{8}T\d{6}Z\.backup\.gz$/;

/**
 * Writes the archive: Redis's pending jobs and denylist first, then each database at one
 * snapshot (REPEATABLE READ READ ONLY), all snapshots opened together just after Redis was read.
 * The file appears under its name only when complete (written as `<name>.partial`, then renamed).
 */
export async function backup(installation: Installation, output: string): Promise<Manifest> {
  const partial = `${output}.partial`;
  const writer = new ArchiveWriter(partial);
  const clients = new Map<SubgraphName, pg.Client>();
  try {
    const createdAt = new Date().toISOString();
    await writer.writeJson({ format: FORMAT, version: FORMAT_VERSION, createdAt, subgraphs: SUBGRAPHS });
    for (const name of SUBGRAPHS) clients.set(name, await connect(installation.urls[name], 'centavo-backup'));
    // Before the queues are read: events published since may have jobs in flight that the
    // queues no longer show and the consumers' snapshots do not reflect yet.
    const replayFrom = new Map<SubgraphName, string | null>();
    for (const [name, client] of clients) {
      const { rows } = await client.query<{ outbox: string | null }>(`SELECT to_regclass('outbox_events')::text AS outbox`);
      replayFrom.set(name, rows[0]!.outbox ? await outboxReplayFrom(client) : null);
    }
    const redis = await dumpRedis(installation.redis, writer);
    const snapshots = new Map<SubgraphName, string>();
    for (const [name, client] of clients) snapshots.set(name, await beginSnapshot(client));
    const databases: DatabaseEntry[] = [];
    for (const [name, client] of clients) {
      databases.push(
        await dumpDatabase(client, { subgraph: name, database: databaseName(installation.urls[name]), snapshotAt: snapshots.get(name)!, outboxReplayFrom: replayFrom.get(name)! }, writer),
      );
    }
    const manifest: Manifest = { kind: 'manifest', format: FORMAT, version: FORMAT_VERSION, createdAt, databases, redis, sha256: writer.digest() };
    await writer.writeJson(manifest);
    await writer.close();
    renameSync(partial, output);
    return manifest;
  } catch (error) {
    writer.destroy();
    rmSync(partial, { force: true });
    throw error;
  } finally {
    await Promise.all([...clients.values()].map((c) => c.end().catch(() => undefined)));
  }
}

/** Deletes all but the newest `keep` backups (by their names) in a folder; returns those deleted. */
export function pruneBackups(dir: string, keep: number): string[] {
  const files = readdirSync(dir)
    .filter((f) => BACKUP_FILE.test(f) && statSync(path.join(dir, f)).isFile())
    .sort()
    .reverse();
  const old = files.slice(Math.max(keep, 1));
  for (const f of old) rmSync(path.join(dir, f));
  return old;
}

interface TableRecord {
  kind: 'table';
  subgraph: SubgraphName;
  table: string;
  columns: string[];
}

interface Handlers {
  /** Consumes the table's rows (else they are only checked); `onRow` hashes each as it passes. */
  table?(record: TableRecord, rows: AsyncIterable<Buffer>, digest: RowSetDigest): Promise<void>;
  redis?(entry: RedisEntry): Promise<void>;
}

/**
 * One pass over the archive: every table's rows counted and hashed against their end record,
 * the whole file against the manifest, and the manifest against what was read. Throws a
 * BackupError (EXIT_CORRUPT) at the first difference.
 */
async function readArchive(file: string, handlers: Handlers = {}): Promise<Manifest> {
  const reader = new ArchiveReader(file);
  try {
    const header = await reader.json<{ format?: string; version?: number }>('the header');
    if (header.format !== FORMAT) throw corrupt('no Centavo backup header');
    if (header.version !== FORMAT_VERSION) throw new BackupError(`archive format version ${header.version} is not supported (this Centavo reads ${FORMAT_VERSION})`, EXIT_REFUSED);
    const seen: { subgraph: string; table: string; rows: number; sha256: string }[] = [];
    for (;;) {
      const before = reader.digest();
      const record = await reader.json<{ kind?: string }>('a record');
      if (record.kind === 'table') {
        const table = record as TableRecord;
        const hash = createHash('sha256');
        const digest = new RowSetDigest();
        const rows = rowChunks(reader, (row) => {
          hash.update(row);
          digest.addRow(row);
        });
        if (handlers.table) await handlers.table(table, rows, digest);
        else for await (const chunk of rows) void chunk;
        const end = await reader.json<{ kind?: string; rows?: number; sha256?: string }>(`the end of table ${table.subgraph}.${table.table}`);
        const sha256 = hash.digest('hex');
        if (end.kind !== 'table-end' || end.rows !== digest.rows || end.sha256 !== sha256) {
          throw corrupt(`table ${table.subgraph}.${table.table} does not match its checksum (${digest.rows} rows read, ${end.rows} written)`);
        }
        seen.push({ subgraph: table.subgraph, table: table.table, rows: digest.rows, sha256 });
      } else if (record.kind === 'redis') {
        await handlers.redis?.(record as RedisEntry);
      } else if (record.kind === 'manifest') {
        const manifest = record as Manifest;
        if (manifest.sha256 !== before) throw corrupt('the archive does not match the checksum in its manifest');
        if ((await reader.line()) !== null) throw corrupt('data after the manifest');
        const listed = manifest.databases.flatMap((d) => d.tables.map((t) => ({ subgraph: d.subgraph, table: t.name, rows: t.rows, sha256: t.sha256 })));
        if (JSON.stringify(listed) !== JSON.stringify(seen)) throw corrupt('the manifest does not list the tables the archive holds');
        return manifest;
      } else throw corrupt(`unknown record "${String(record.kind)}"`);
    }
  } finally {
    reader.close();
  }
}

/** Checks the whole archive and returns its manifest; touches nothing. */
export function verifyBackup(file: string): Promise<Manifest> {
  return readArchive(file);
}

export interface RestoreResult {
  manifest: Manifest;
  migrationsApplied: string[];
  rows: number;
  redis: { denylist: number; jobs: number; cacheKeysDropped: number };
}

/**
 * Brings an installation back to the archive. Refuses (EXIT_REFUSED), before changing anything,
 * a database that holds data unless `force`, and an archive of another schema version; checks
 * the whole archive first (EXIT_CORRUPT). Then: migrations, and per database one transaction
 * that empties the tables, loads them, reads each one back against the archive, sets the
 * sequences and marks the outbox events to send again; Redis last.
 */
export async function restore(installation: Installation, file: string, options: { force?: boolean; log?: (message: string) => void } = {}): Promise<RestoreResult> {
  const log = options.log ?? (() => undefined);
  const manifest = await readArchive(file);
  log(`archive checked: ${manifest.databases.reduce((n, d) => n + d.tables.reduce((m, t) => m + t.rows, 0), 0)} rows, made ${manifest.createdAt}`);
  for (const db of manifest.databases) {
    if (!SUBGRAPHS.includes(db.subgraph)) throw new BackupError(`the archive holds a database "${db.subgraph}" this Centavo does not have`, EXIT_REFUSED);
    const committed = migrationNames(db.subgraph);
    const foreign = db.migrations.filter((m) => !committed.includes(m));
    const missing = committed.filter((m) => !db.migrations.includes(m));
    if (foreign.length || missing.length) {
      throw new BackupError(
        `the ${db.subgraph} database of the archive is at another schema version than this Centavo ` +
          `(${foreign.length ? `unknown here: ${foreign.join(', ')}` : `not in the archive: ${missing.join(', ')}`}): ` +
          'restore with the Centavo version that made the backup, then upgrade',
        EXIT_REFUSED,
      );
    }
  }
  const subgraphs = manifest.databases.map((d) => d.subgraph);
  if (!options.force) {
    for (const name of subgraphs) {
      const table = await holdsData(installation.urls[name]);
      if (table) {
        throw new BackupError(
          `the ${name} database (${databaseName(installation.urls[name])}) is not empty (table ${table} has rows): ` +
            'restore into a fresh installation, or pass --force to replace its data',
          EXIT_REFUSED,
        );
      }
    }
  }
  const migrationsApplied = await migrateAll(installation.urls, subgraphs);
  if (migrationsApplied.length) log(`migrations applied: ${migrationsApplied.join(', ')}`);

  const loads = new Map<SubgraphName, DatabaseLoad>();
  let rows = 0;
  try {
    for (const name of subgraphs) loads.set(name, await DatabaseLoad.begin(name, installation.urls[name]));
    await readArchive(file, {
      table: async (record, chunks, digest) => {
        const load = loads.get(record.subgraph);
        if (!load) throw corrupt(`table ${record.table} of a database (${record.subgraph}) the manifest does not list`);
        await load.load(record.table, record.columns, chunks, digest);
        rows += digest.rows;
      },
    });
    for (const db of manifest.databases) await loads.get(db.subgraph)!.finish(db);
    for (const name of subgraphs) {
      await loads.get(name)!.commit();
      loads.delete(name);
    }
  } finally {
    await Promise.all([...loads.values()].map((l) => l.rollback()));
  }
  log(`databases restored: ${rows} rows`);

  const redis = new RedisLoad(installation.redis);
  await readArchive(file, { redis: (entry) => redis.add(entry) });
  return { manifest, migrationsApplied, rows, redis: await redis.flush() };
}
