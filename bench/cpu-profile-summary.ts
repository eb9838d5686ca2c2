/**
 * The top self-time functions and packages of a V8 CPU profile (node --cpu-prof, as
 * BENCH_CPU_PROF in bench/gateway.bench.ts writes them):
 *   node --import tsx bench/cpu-profile-summary.ts <file.cpuprofile> [top=25] [skip seconds=0]
 * `skip`: leave out the first seconds (start-up: module loading, model training).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg, skipArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: cpu-profile-summary.ts <file.cpuprofile> [top=25]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const skipUs = Number(skipArg ?? 0) * 1e6;
const selfUs = new Map<number, number>();
let elapsed = 0;
for (let i = 0; i < profile.samples.length; i++) {
  elapsed += profile.timeDeltas[i] ?? 0;
  if (elapsed < skipUs) continue;
  const id = profile.samples[i]!;
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}

/** node_modules package (pnpm layout), node internals, or this project's file. */
const ownerOf = (url: string): string => {
  if (!url) return '(native/V8)';
  if (url.startsWith('node:')) return 'node internals';
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pnpm) return pnpm[1]!;
  const plain = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (plain) return plain[1]!;
  const project = /\/(gateway|subgraphs\/\w+|packages\/[\w-]+|bin)\//.exec(url);
  return project ? project[1]! : url;
};

const functions = new Map<string, number>();
const owners = new Map<string, number>();
let total = 0;
let idle = 0;
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  const { functionName, url, lineNumber } = node.callFrame;
  total += us;
  if (functionName === '(idle)' || functionName === '(program)' || functionName === '(garbage collector)') {
    if (functionName === '(idle)') idle += us;
    functions.set(functionName, (functions.get(functionName) ?? 0) + us);
    continue;
  }
  const short = url.replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '').replace(/^file:\/\/.*?\/(wt-[\w-]+|main)\//, '');
  const key = `${functionName || '(anonymous)'} ${short}:${lineNumber + 1}`;
  functions.set(key, (functions.get(key) ?? 0) + us);
  const owner = ownerOf(url);
  owners.set(owner, (owners.get(owner) ?? 0) + us);
}
const busy = total - idle;
const pct = (us: number) => `${((us / busy) * 100).toFixed(1)}%`.padStart(6);
console.log(`${file}: ${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy (shares below are of busy time)`);
console.log('\nself time by package:');
for (const [owner, us] of [...owners].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${pct(us)}  ${owner}`);
console.log('\ntop functions by self time:');
for (const [key, us] of [...functions].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${key}`);
