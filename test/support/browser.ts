import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (scripts/test.sh installs it); Playwright's own download is not reachable here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Headless, and nothing that phones home: no sync, component updates or background requests.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (scripts/test.sh does)`);
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** `vite build` of web/ into a folder of its own, as the production image builds it. */
export async function buildWebApp(): Promise<string> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'centavo-web-dist-'));
  const vite = path.join(ROOT, 'web', 'node_modules', '.bin', 'vite');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(vite, ['build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: path.join(ROOT, 'web'),
      // Vitest sets NODE_ENV=test, which Vite would keep: React's development build, larger and slower.
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build exited ${code}`))));
  });
  return outDir;
}

/** Gzipped size of files, as a browser downloads them (gzip -9 is what a CDN or proxy would send at most). */
export function gzippedBytes(file: string): number {
  return execFileSync('gzip', ['-9', '-c', file]).length;
}
