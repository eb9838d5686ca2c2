/**
 * One entry point for every module (like Loki's -target):
 *   centavo [--module=all|gateway|auth|transactions|budget|ai|worker[,...]] [--migrate]
 *   centavo migrate            create the databases and apply pending migrations, then exit
 *   centavo train              train the data set's categorization model and write its file (MODEL_DIR)
 *   centavo jobs failed        list the jobs that failed their last try (kept a week)
 *   centavo jobs retry         move every failed job back to its queue
 *   centavo backup [--output=FILE | --dir=DIR] [--keep=N]
 *                              write every database (each at one snapshot) and Redis's pending jobs and
 *                              logout denylist to one archive; --keep deletes all but the newest N in DIR
 *   centavo restore FILE [--force] [--verify-only]
 *                              check the archive, then bring this installation back to it (refuses a
 *                              database that holds data unless --force); exit 2 refused, 3 corrupt archive
 * `all` (the default) runs the four subgraphs, the gateway and the workers in this process.
 */
import { statSync } from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import type { SubgraphName } from '@centavo/config';

// Node >= 22.1 (the image): V8's code cache for every module loaded below, kept in
// NODE_COMPILE_CACHE (or the OS temp directory), so a restart skips most compiling. No-op on Node 20.
(module as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache?.();

// First, OpenTelemetry (when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_CONSOLE=1 asks for it): it must
// patch http, graphql and Prisma before anything loads them, so everything else is imported after it
// (static imports would all load before the first line runs).
const { telemetry } = await import('@centavo/telemetry/register');
const { resolveKeyPems } = await import('@centavo/auth-tokens');
const { commonEnv, databaseUrlFor, envPort, jwtEnv, mayGenerateKeys, parseEnv, SUBGRAPHS, z } = await import('@centavo/config');
const { generateClients, migrateAll } = await import('@centavo/db/cli');
const { ensureInfra } = await import('@centavo/infra');
const { createLogger } = await import('@centavo/logger');

// Apollo Gateway reports usage and probes cloud metadata unless this is set (docs/toolchain.md).
process.env.APOLLO_TELEMETRY_DISABLED = '1';

const MODULES = [...SUBGRAPHS, 'worker', 'gateway'] as const;
type Module = (typeof MODULES)[number];

interface Stoppable {
  stop(): Promise<void>;
}

type Command = 'run' | 'migrate' | 'train' | 'jobs-failed' | 'jobs-retry' | 'backup' | 'restore';

interface BackupArgs {
  output?: string;
  dir?: string;
  keep?: number;
  file?: string;
  force: boolean;
  verifyOnly: boolean;
}

function parseArgs(argv: string[]): { command: Command; modules: Module[]; migrate: boolean; backup: BackupArgs } {
  let command: Command = 'run';
  let modules: Module[] = [...MODULES];
  let migrate = false;
  const backup: BackupArgs = { force: false, verifyOnly: false };
  for (const arg of argv) {
    if (command === 'run' && (arg === 'backup' || arg === 'restore')) command = arg;
    else if (command === 'backup' && arg.startsWith('--output=')) backup.output = arg.slice('--output='.length);
    else if (command === 'backup' && arg.startsWith('--dir=')) backup.dir = arg.slice('--dir='.length);
    else if (command === 'backup' && /^--keep=[1-9]\d*$/.test(arg)) backup.keep = Number(arg.slice('--keep='.length));
    else if (command === 'restore' && arg === '--force') backup.force = true;
    else if (command === 'restore' && arg === '--verify-only') backup.verifyOnly = true;
    else if (command === 'restore' && !arg.startsWith('-') && !backup.file) backup.file = arg;
    else if (arg === 'migrate') command = 'migrate';
    else if (arg === 'train') command = 'train';
    else if (arg === 'jobs') command = 'jobs-failed';
    else if (command.startsWith('jobs') && (arg === 'failed' || arg === 'retry')) command = `jobs-${arg}`;
    else if (arg === '--migrate') migrate = true;
    else if (arg.startsWith('--module=')) {
      const names = arg.slice('--module='.length).split(',').map((s) => s.trim());
      if (names.includes('all')) continue;
      for (const name of names) {
        if (!MODULES.includes(name as Module)) throw new Error(`unknown module "${name}"; expected all or ${MODULES.join(', ')}`);
      }
      // In MODULES order: shutdown stops them in reverse (the gateway first).
      modules = MODULES.filter((m) => names.includes(m));
    } else throw new Error(`unknown argument "${arg}"`);
  }
  if (command === 'restore' && !backup.file) throw new Error('usage: centavo restore FILE [--force] [--verify-only]');
  if (backup.output && (backup.dir || backup.keep)) throw new Error('--output names one file; --dir and --keep go together');
  return { command, modules, migrate, backup };
}

async function startModule(name: Module): Promise<Stoppable> {
  switch (name) {
    case 'auth':
      return (await import('@centavo/subgraph-auth')).startAuthSubgraph();
    case 'transactions':
      return (await import('@centavo/subgraph-transactions')).startTransactionsSubgraph();
    case 'budget':
      return (await import('@centavo/subgraph-budget')).startBudgetSubgraph();
    case 'ai':
      return (await import('@centavo/subgraph-ai')).startAiSubgraph();
    case 'gateway':
      return (await import('@centavo/gateway')).startGateway();
    case 'worker': {
      // Every domain's BullMQ processors; stateless, so run as many worker processes as needed.
      const [budget, transactions, ai] = await Promise.all([
        import('@centavo/subgraph-budget'),
        import('@centavo/subgraph-transactions'),
        import('@centavo/subgraph-ai'),
      ]);
      const workers = await Promise.all([budget.startBudgetWorker(), transactions.startTransactionsWorker(), ai.startAiWorker()]);
      // /live, /ready, /health and /metrics (with queue depths) for probes and Prometheus.
      const { startWorkerHttp } = await import('@centavo/server');
      const { pingDatabase } = await import('@centavo/db/cli');
      const env = parseEnv(
        z.object({ HOST: commonEnv.HOST, REDIS_URL: commonEnv.REDIS_URL, REDIS_PREFIX: commonEnv.REDIS_PREFIX, WORKER_PORT: envPort(4005) }),
      );
      const http = await startWorkerHttp({
        host: env.HOST,
        port: env.WORKER_PORT,
        checks: [{ name: 'postgres', check: () => pingDatabase(databaseUrlFor('budget')) }],
        queues: { config: env },
      });
      return {
        stop: async () => {
          await http.close();
          await Promise.all(workers.map((w) => w.stop()));
        },
      };
    }
  }
}

async function main(): Promise<void> {
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info', name: 'centavo' });
  const { command, modules, migrate, backup } = parseArgs(process.argv.slice(2));
  if (command === 'jobs-failed' || command === 'jobs-retry') {
    const { listFailedJobs, retryFailedJobs } = await import('@centavo/jobs');
    const config = parseEnv(z.object({ REDIS_URL: commonEnv.REDIS_URL, REDIS_PREFIX: commonEnv.REDIS_PREFIX }));
    const result = command === 'jobs-failed' ? await listFailedJobs(config) : await retryFailedJobs(config);
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  if (command === 'train') {
    // No database needed: the data set's model (retrained versions are the retrain job's).
    const { trainModelFile } = await import('@centavo/subgraph-ai');
    const started = Date.now();
    const { file, version } = trainModelFile(process.env.MODEL_DIR || undefined);
    logger.info({ file, version, ms: Date.now() - started }, 'categorization model trained and written');
    return;
  }
  const infra = await ensureInfra({ log: (m) => logger.info(m) });
  process.env.DATABASE_URL = infra.databaseUrl;
  process.env.REDIS_URL = infra.redisUrl;

  if (command === 'backup' || command === 'restore') {
    try {
      await backupCommand(command, backup, logger);
    } finally {
      await infra.stop();
    }
    return;
  }

  if (command === 'migrate' || migrate) {
    const urls = Object.fromEntries(SUBGRAPHS.map((n) => [n, databaseUrlFor(n)])) as Record<SubgraphName, string>;
    const applied = await migrateAll(urls);
    logger.info({ applied }, applied.length ? 'migrations applied' : 'databases up to date');
    // Also the moment to create the token key pair, before modules in other containers need it.
    const env = parseEnv(z.object({ NODE_ENV: commonEnv.NODE_ENV, ...jwtEnv }));
    resolveKeyPems({ publicKeyPem: env.JWT_PUBLIC_KEY, privateKeyPem: env.JWT_PRIVATE_KEY, keyDir: env.JWT_KEY_DIR, generate: mayGenerateKeys(env) });
    if (command === 'migrate') {
      await infra.stop();
      return;
    }
  }
  await generateClients({ onlyMissing: true });

  const running: Stoppable[] = [];
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 30_000).unref();
    for (const module of running.reverse()) await module.stop().catch((err: unknown) => logger.error({ err }, 'stop failed'));
    await infra.stop();
    await telemetry?.shutdown().catch(() => undefined); // flush the last spans
    clearTimeout(timer);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  // All at once: while one waits on PostgreSQL, Redis or a file, another loads or builds its
  // schema. Nothing needs another module up to start (the gateway reads or composes the supergraph
  // from files; its /ready asks every subgraph's). In MODULES order, so shutdown stops the gateway
  // first and the subgraphs last.
  running.push(...(await Promise.all(modules.map(startModule))));
  logger.info({ modules }, 'centavo is up');
}

async function backupCommand(command: 'backup' | 'restore', args: BackupArgs, logger: ReturnType<typeof createLogger>): Promise<void> {
  const { backup, backupFileName, pruneBackups, restore, verifyBackup } = await import('@centavo/backup');
  const urls = Object.fromEntries(SUBGRAPHS.map((n) => [n, databaseUrlFor(n)])) as Record<SubgraphName, string>;
  const redis = parseEnv(z.object({ REDIS_URL: commonEnv.REDIS_URL, REDIS_PREFIX: commonEnv.REDIS_PREFIX }));
  const started = Date.now();
  if (command === 'backup') {
    const dir = args.dir ?? process.env.BACKUP_DIR ?? '.';
    const file = args.output ?? path.join(dir, backupFileName());
    const manifest = await backup({ urls, redis }, file);
    const tables = manifest.databases.flatMap((d) => d.tables);
    logger.info(
      { file, bytes: statSync(file).size, tables: tables.length, rows: tables.reduce((n, t) => n + t.rows, 0), redis: manifest.redis, ms: Date.now() - started },
      'backup written',
    );
    if (args.keep) {
      const deleted = pruneBackups(path.dirname(file), args.keep);
      if (deleted.length) logger.info({ deleted }, 'older backups deleted');
    }
    return;
  }
  const file = args.file!;
  if (args.verifyOnly) {
    const manifest = await verifyBackup(file);
    logger.info({ file, createdAt: manifest.createdAt, databases: manifest.databases.map((d) => ({ subgraph: d.subgraph, snapshotAt: d.snapshotAt, tables: d.tables.length, rows: d.tables.reduce((n, t) => n + t.rows, 0) })), redis: manifest.redis }, 'archive is intact');
    return;
  }
  const result = await restore({ urls, redis }, file, { force: args.force, log: (m) => logger.info(m) });
  logger.info({ file, createdAt: result.manifest.createdAt, rows: result.rows, migrationsApplied: result.migrationsApplied, redis: result.redis, ms: Date.now() - started }, 'restore done');
}

main().catch((error: unknown) => {
  // An operator's error (refused, corrupt archive): its message and exit code, no stack.
  const exitCode = (error as { exitCode?: unknown }).exitCode;
  if (error instanceof Error && error.name === 'BackupError' && typeof exitCode === 'number') {
    console.error(`centavo: ${error.message}`);
    process.exit(exitCode);
  }
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
