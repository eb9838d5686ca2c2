import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { SUBGRAPHS, type SubgraphName } from '@centavo/config';

/** Repository root: packages/db/src → ../../.. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
const prismaBin = createRequire(import.meta.url).resolve('prisma/build/index.js');

const configPath = (name: SubgraphName) => path.join(REPO_ROOT, 'prisma', name, 'prisma.config.ts');
const envName = (name: SubgraphName) => `DATABASE_URL_${name.toUpperCase()}`;

export type DatabaseUrls = Record<SubgraphName, string>;

/** Runs the Prisma CLI for one subgraph; rejects with its output when it fails. */
export function runPrisma(name: SubgraphName, args: string[], databaseUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prismaBin, ...args, '--config', configPath(name)], {
      cwd: REPO_ROOT,
      env: { ...process.env, [envName(name)]: databaseUrl, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`prisma ${args.join(' ')} (${name}) failed with code ${code}:\n${output}`));
    });
  });
}

const generatedClient = (name: SubgraphName) =>
  path.join(REPO_ROOT, 'subgraphs', name, 'src', 'generated', 'prisma', 'client.ts');

/** Generates each subgraph's Prisma client (offline: the WebAssembly engine needs no download). */
export async function generateClients(options: { onlyMissing?: boolean } = {}): Promise<void> {
  // Compiled (`pnpm build`): the clients were generated and compiled with the rest; the image has no sources.
  if (options.onlyMissing && import.meta.url.endsWith('.js')) return;
  const names = SUBGRAPHS.filter((n) => !options.onlyMissing || !existsSync(generatedClient(n)));
  // The URL is not used by generate, but the schema's env() must resolve.
  await Promise.all(names.map((n) => runPrisma(n, ['generate'], 'postgresql://localhost/unused')));
}

/** Resolves when the PostgreSQL server of a URL accepts a connection and answers. */
export async function pingDatabase(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the database of a URL if it does not exist. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created concurrently by another process
      });
    }
  } finally {
    await client.end();
  }
}

/** The committed migrations of a subgraph, in the order they apply. */
export function migrationNames(name: SubgraphName): string[] {
  const dir = path.join(REPO_ROOT, 'prisma', name, 'migrations');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** Names of the committed migrations not yet applied to a database. */
async function pendingMigrations(name: SubgraphName, databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ migration_name: string }>(
      `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Set(rows.map((r) => r.migration_name));
    return migrationNames(name).filter((m) => !applied.has(m));
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return migrationNames(name); // no table yet
    throw error;
  } finally {
    await client.end();
  }
}

/**
 * Creates each subgraph's database if missing and applies its committed migrations with
 * `prisma migrate deploy`. Skips the CLI (which lingers ~10 s) when nothing is pending.
 */
export async function migrateAll(urls: DatabaseUrls, names: readonly SubgraphName[] = SUBGRAPHS): Promise<string[]> {
  const applied: string[] = [];
  await Promise.all(
    names.map(async (name) => {
      await ensureDatabase(urls[name]);
      const pending = await pendingMigrations(name, urls[name]);
      if (pending.length === 0) return;
      await runPrisma(name, ['migrate', 'deploy'], urls[name]);
      applied.push(...pending.map((m) => `${name}/${m}`));
    }),
  );
  return applied;
}
