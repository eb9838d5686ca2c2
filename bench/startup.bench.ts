/**
 * Start-up of `--module=all`: time from spawn until the gateway and the worker answer /ready 200,
 * and RSS once idle. Variants run interleaved in one run (the machine is shared and noisy: read
 * ratios), median of n runs each.
 *
 *   pnpm build && node --import tsx bench/startup.bench.ts [--runs=5] [--base-port=5200] [--variants=dist,dist-compose,tsx] [--base=DIR]
 *
 * dist          node dist/bin/centavo.js with the image's environment and flags (SUPERGRAPH_PATH=supergraph.graphql, MALLOC_*, --max-semi-space-size=32)
 * dist-compose  the same, composing supergraph.yaml at start
 * tsx           node --import tsx bin/centavo.ts, composing at start (development, and before the build)
 * base          `dist` of another checkout, built there (--base=DIR, e.g. a worktree of main), the same environment
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { processEnv } from '@centavo/e2e/support/process';

const ROOT = path.resolve(import.meta.dirname, '..');
const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const runs = Number(arg('runs', '5'));
const basePort = Number(arg('base-port', '5200'));
const IDLE_MS = 3_000;
// --trace: info logs of each start, with milliseconds since spawn (where the time goes).
const trace = process.argv.includes('--trace');

const baseDir = arg('base', '');
// The image's environment (Dockerfile): the served supergraph file and glibc's allocation thresholds.
const IMAGE_ENV = { SUPERGRAPH_PATH: 'supergraph.graphql', MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' };
// ... and its node flags (the Dockerfile's ENTRYPOINT).
const IMAGE_NODE = ['--max-semi-space-size=32'];
const VARIANTS: Record<string, { args: string[]; env: Record<string, string>; cwd?: string }> = {
  dist: { args: [...IMAGE_NODE, 'dist/bin/centavo.js'], env: IMAGE_ENV },
  'dist-compose': { args: [...IMAGE_NODE, 'dist/bin/centavo.js'], env: {} },
  tsx: { args: ['--import', 'tsx', 'bin/centavo.ts'], env: {} },
  // Not in the default set: a CPU profile of a start, written to .data/startup-profiles/.
  base: { args: [...IMAGE_NODE, 'dist/bin/centavo.js'], env: IMAGE_ENV, cwd: baseDir },
  // Not in the default set: `dist` with glibc's default allocation thresholds (what MALLOC_* saves).
  'dist-default-malloc': { args: [...IMAGE_NODE, 'dist/bin/centavo.js'], env: { SUPERGRAPH_PATH: 'supergraph.graphql' } },
  // Not in the default set: `dist` without the image's --max-semi-space-size=32 (what that flag costs in RSS).
  'dist-default-young': { args: ['dist/bin/centavo.js'], env: IMAGE_ENV },
  'dist-profile': { args: [...IMAGE_NODE, '--cpu-prof', '--cpu-prof-dir=.data/startup-profiles', 'dist/bin/centavo.js'], env: IMAGE_ENV },
};
const chosen = arg('variants', 'dist,dist-compose,tsx').split(',');
for (const v of chosen) if (!VARIANTS[v]) throw new Error(`unknown variant ${v}; expected ${Object.keys(VARIANTS).join(', ')}`);
if (!existsSync(path.join(ROOT, 'dist/bin/centavo.js'))) throw new Error('no dist/bin/centavo.js: run `pnpm build` first');
if (chosen.includes('base') && !existsSync(path.join(baseDir, 'dist/bin/centavo.js'))) throw new Error('variant base: --base=DIR names a checkout with a build (dist/bin/centavo.js)');

// CPU the process used (user + system, all its threads): on a shared, loaded machine a steadier
// measure of start-up work than wall time, which on an idle machine it about equals.
// The main thread's alone (/proc/PID/task/PID): what start-up waits for on an idle machine, where
// the other threads (V8's compilers and GC helpers, libuv's pool) run on the other cores.
const cpuSeconds = (pid: number, mainThread = false) => {
  const fields = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Run {
  readyMs: number;
  cpuS: number;
  mainCpuS: number;
  rssMb: number;
}

async function once(variant: string, migrate = false): Promise<Run> {
  const { gatewayUrl: _url, ...env } = processEnv(basePort, {
    DB_NAME_PREFIX: process.env.DB_NAME_PREFIX ?? 'centavo_bench_startup',
    // As bench/lib/system.ts: development lets the token key pair be generated in .data/.
    NODE_ENV: 'development',
    LOG_LEVEL: trace ? 'info' : 'warn',
    GLOBAL_LEARNING: '1',
    APOLLO_TELEMETRY_DISABLED: '1',
    CHECKPOINT_DISABLE: '1',
    ...VARIANTS[variant]!.env,
  });
  const started = performance.now();
  const child = spawn(process.execPath, [...VARIANTS[variant]!.args, '--module=all', ...(migrate ? ['--migrate'] : [])], { cwd: VARIANTS[variant]!.cwd || ROOT, env, stdio: ['ignore', trace ? 'pipe' : 'ignore', 'inherit'] });
  const wallStart = Date.now();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n').filter(Boolean)) {
      const entry = JSON.parse(line) as { time: string; service?: string; msg: string };
      console.error(`${variant} ${String(Date.parse(entry.time) - wallStart).padStart(6)} ms ${entry.service ?? ''}: ${entry.msg}`);
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (const port of [env.GATEWAY_PORT, env.WORKER_PORT]) {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`${variant}: centavo exited with ${child.exitCode}`);
        if (await fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.ok, () => false)) break;
        if (performance.now() - started > 120_000) throw new Error(`${variant}: not ready after 120 s`);
        await sleep(20);
      }
    }
    const readyMs = performance.now() - started;
    const cpuS = cpuSeconds(child.pid!);
    const mainCpuS = cpuSeconds(child.pid!, true);
    await sleep(IDLE_MS);
    return { readyMs, cpuS, mainCpuS, rssMb: rssMb(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results = new Map<string, { readyMs: number[]; cpuS: number[]; mainCpuS: number[]; rssMb: number[] }>(chosen.map((v) => [v, { readyMs: [], cpuS: [], mainCpuS: [], rssMb: [] }]));
// A first, unmeasured start: migrations, the model file and the OS file cache are warm for every variant.
// It also creates and migrates the databases when they are missing.
await once(chosen[0]!, true);
for (let i = 0; i < runs; i++) {
  for (const v of chosen) {
    const r = await once(v);
    const into = results.get(v)!;
    into.readyMs.push(r.readyMs);
    into.cpuS.push(r.cpuS);
    into.mainCpuS.push(r.mainCpuS);
    into.rssMb.push(r.rssMb);
  }
}
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`start-up of --module=all until /ready 200 (gateway and worker), ${runs} runs each, interleaved; load average ${load}`);
console.log('| variant | ready median (min-max) | CPU until ready | main thread CPU until ready | RSS idle median (min-max) |');
console.log('|---|---|---|---|---|');
for (const [v, r] of results) {
  const range = (xs: number[], unit: string, digits: number) => `${median(xs).toFixed(digits)} ${unit} (${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)})`;
  console.log(`| ${v} | ${range(r.readyMs.map((x) => x / 1000), 's', 2)} | ${range(r.cpuS, 's', 2)} | ${range(r.mainCpuS, 's', 2)} | ${range(r.rssMb, 'MB', 0)} |`);
}
