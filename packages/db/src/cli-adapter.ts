import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

/**
 * The driver adapter handed to the Prisma CLI (migrate) through each prisma.config.ts.
 * It works around bugs of @prisma/adapter-pg 6.19 under `migrate` (see docs/toolchain.md):
 * - catalog columns of type `name` (oid 19) and `"char"` (oid 18) cannot be deserialized
 *   (prisma/orm#27403): results report them as text;
 * - with a connectionString pg lets it override `database`: fields are passed separately;
 * - the shadow database is dropped while its pool still holds a connection: the pool is
 *   ended first.
 */
const TEXT_OID = 25;
const CATALOG_TEXT_OIDS = new Set([18, 19]);

type Fields = { fields?: { dataTypeID: number }[] };
type Callback = (err: Error | null, res: Fields | undefined) => void;

function asText(res: Fields | undefined): void {
  for (const field of res?.fields ?? []) {
    if (CATALOG_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
  }
}

class CatalogTextClient extends pg.Client {
  // pg's Client.query has many overloads; both the callback and the promise form are covered.
  override query(...args: unknown[]): never {
    const last = args[args.length - 1];
    const call = super.query as unknown as (...a: unknown[]) => unknown;
    if (typeof last === 'function') {
      const callback = last as Callback;
      args[args.length - 1] = (err: Error | null, res: Fields | undefined) => {
        asText(res);
        callback(err, res);
      };
      return call.apply(this, args) as never;
    }
    const result = call.apply(this, args);
    if (result instanceof Promise) {
      return result.then((res: Fields) => {
        asText(res);
        return res;
      }) as never;
    }
    return result as never;
  }
}

function poolConfig(databaseUrl: string): pg.PoolConfig {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1)),
    Client: CatalogTextClient as unknown as typeof pg.Client,
  };
}

class CliPrismaPg extends PrismaPg {
  constructor(private readonly poolOptions: pg.PoolConfig) {
    super(poolOptions);
  }

  override async connectToShadowDb() {
    const admin = new pg.Client({ ...this.poolOptions });
    await admin.connect();
    const database = `prisma_migrate_shadow_db_${randomUUID()}`;
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    const shadow = new CliPrismaPg({ ...this.poolOptions, database });
    const adapter = await shadow.connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      const cleanup = new pg.Client({ ...this.poolOptions });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await cleanup.end();
    };
    return adapter;
  }
}

export function cliAdapter(databaseUrl: string): PrismaPg {
  if (!databaseUrl) throw new Error('cliAdapter: the database URL is empty');
  return new CliPrismaPg(poolConfig(databaseUrl));
}
