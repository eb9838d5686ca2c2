/**
 * Prisma tasks for every subgraph, offline (WebAssembly schema engine, see docs/toolchain.md):
 *   tsx scripts/prisma.ts generate                      generate the four clients
 *   tsx scripts/prisma.ts migrate                       create databases, apply pending migrations
 *   tsx scripts/prisma.ts new-migration <subgraph> <name>  write the SQL that takes the committed
 *                                                       migrations to the current schema.prisma
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { databaseUrlFor, SUBGRAPHS, type SubgraphName } from '@centavo/config';
import { ensureDatabase, generateClients, migrateAll, REPO_ROOT, runPrisma } from '@centavo/db/cli';

const [command, ...args] = process.argv.slice(2);

async function main(): Promise<void> {
  switch (command) {
    case 'generate':
      await generateClients();
      console.log('generated the Prisma clients of', SUBGRAPHS.join(', '));
      return;
    case 'migrate': {
      const urls = Object.fromEntries(SUBGRAPHS.map((n) => [n, databaseUrlFor(n)])) as Record<SubgraphName, string>;
      const applied = await migrateAll(urls);
      console.log(applied.length ? `applied ${applied.join(', ')}` : 'every database is up to date');
      return;
    }
    case 'new-migration': {
      const [name, label] = args as [SubgraphName, string];
      if (!SUBGRAPHS.includes(name) || !/^[a-z0-9_]+$/.test(label ?? '')) {
        throw new Error('usage: new-migration <auth|transactions|budget|ai> <snake_case_name>');
      }
      const dir = path.join(REPO_ROOT, 'prisma', name);
      // The diff replays the migrations into a shadow database created beside this one.
      await ensureDatabase(databaseUrlFor(name));
      const sql = await runPrisma(
        name,
        ['migrate', 'diff', '--from-migrations', path.join(dir, 'migrations'), '--to-schema-datamodel', path.join(dir, 'schema.prisma'), '--script'],
        databaseUrlFor(name),
      );
      const body = sql.split('\n').filter((l) => !l.startsWith('Loaded Prisma config')).join('\n').trim();
      if (!body || body.includes('This is an empty migration')) {
        console.log('schema.prisma matches the migrations; nothing to write');
        return;
      }
      const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
      const target = path.join(dir, 'migrations', `${stamp}_${label}`);
      mkdirSync(target, { recursive: true });
      writeFileSync(path.join(target, 'migration.sql'), `${body}\n`);
      console.log(`wrote ${path.relative(REPO_ROOT, target)}/migration.sql`);
      return;
    }
    default:
      throw new Error('usage: tsx scripts/prisma.ts generate | migrate | new-migration <subgraph> <name>');
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
