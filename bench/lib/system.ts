import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { processEnv } from '@centavo/e2e/support/process';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** What the image runs node with (Dockerfile ENTRYPOINT); BENCH_NODE_FLAGS replaces it ("" for none). */
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '--max-semi-space-size=32').split(/\s+/).filter(Boolean);

export interface CentavoProcess {
  /** "api" for the process with the gateway, else its modules. */
  label: string;
  /** The modules it runs, as given to --module. */
  modules: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
}

export interface RunningCentavo {
  gatewayUrl: string;
  env: Record<string, string | undefined>;
  processes: CentavoProcess[];
  /** SIGTERM to every process, then waits for their exit (SIGKILL after 20 s, 45 s with node flags such as --cpu-prof). */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Gateway on this port, then auth, transactions, budget, ai and the worker's HTTP port. */
  basePort: number;
  dbPrefix: string;
  /** Redis key prefix of this run (its queues, limits, channels); a fresh one by default. */
  redisPrefix?: string;
  /** One process per entry, each `--module=<entry>`. */
  processes: string[];
  /** Where each process writes its stdout and stderr (pino logs). */
  logDir: string;
  env?: Record<string, string>;
  /** Extra node flags before the script, e.g. --cpu-prof (which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
}

/**
 * Starts centavo as separate processes, exactly as production runs it (`node --import tsx
 * bin/centavo.ts --module=...`), on ports, databases and a Redis prefix of its own, and waits
 * until the gateway (and the worker, when there is one) answers /ready.
 */
export async function startCentavo(options: StartOptions): Promise<RunningCentavo> {
  const { gatewayUrl, ...env } = processEnv(options.basePort, {
    DB_NAME_PREFIX: options.dbPrefix,
    REDIS_PREFIX: options.redisPrefix ?? `centavo-bench-${randomUUID().slice(0, 8)}:`,
    // As `centavo` runs by default; processEnv's test settings would turn global learning off.
    NODE_ENV: 'development',
    GLOBAL_LEARNING: '1',
    LOG_LEVEL: 'warn',
    APOLLO_TELEMETRY_DISABLED: '1',
    CHECKPOINT_DISABLE: '1',
    ...options.env,
  });
  mkdirSync(options.logDir, { recursive: true });
  const processes = options.processes.map((modules): CentavoProcess => {
    const logFile = path.join(options.logDir, `${modules.replace(/,/g, '+')}.log`);
    const fd = openSync(logFile, 'a');
    // The image's node flags (Dockerfile ENTRYPOINT), then the caller's.
    const child = spawn(process.execPath, [...NODE_FLAGS, ...(options.nodeArgs ?? []), '--import', 'tsx', 'bin/centavo.ts', `--module=${modules}`], {
      cwd: ROOT,
      env,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    if (child.pid === undefined) throw new Error(`could not start centavo --module=${modules}`);
    return { label: modules.split(',').includes('gateway') ? 'api' : modules, modules, child, pid: child.pid, logFile };
  });
  const stop = async () => {
    await Promise.all(
      processes.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            // A profiled process writes its profile at exit: past centavo's own 30 s shutdown bound.
            const kill = setTimeout(() => child.kill('SIGKILL'), options.nodeArgs?.length ? 45_000 : 20_000);
            child.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  };
  // Interrupted (Ctrl-C, timeout): the system's processes end with this one, not left on their ports.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`${signal}: stopping centavo`);
      void stop().finally(() => process.exit(130));
    });
  }
  const ready = [`http://127.0.0.1:${env.GATEWAY_PORT}/ready`];
  if (options.processes.some((m) => m.split(',').includes('worker'))) ready.push(`http://127.0.0.1:${env.WORKER_PORT}/ready`);
  const deadline = Date.now() + 180_000;
  for (const url of ready) {
    for (;;) {
      const exited = processes.find((p) => p.child.exitCode !== null);
      if (exited) {
        await stop();
        throw new Error(`centavo --module=${exited.modules} exited with ${exited.child.exitCode}; see ${exited.logFile}`);
      }
      if (await fetch(url).then((r) => r.ok, () => false)) break;
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`${url} not ready after 180 s`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return { gatewayUrl, env, processes, stop };
}

/** CPU seconds (user + system) a process has used so far, or null once it has exited. */
export function cpuSeconds(pid: number): number | null {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/**
 * Seconds the main thread (the event loop) has run on a CPU and waited, runnable, for one:
 * a high wait means the machine, not the process, is the bottleneck.
 */
export function schedSeconds(pid: number): { run: number; wait: number } | null {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ').map(Number);
    return { run: run! / 1e9, wait: wait! / 1e9 };
  } catch {
    return null;
  }
}

/** USER_HZ: 100 on every Linux build this runs on. */
const CLOCK_TICKS = 100;

/** Resident set size of a process in kB (VmRSS), or null once it has exited. */
export function rssKb(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}
