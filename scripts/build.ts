/**
 * `pnpm build`: compiles every runtime workspace package to JavaScript beside its sources
 * (`<package>/src/**\/*.ts` → `<package>/dist/**\/*.js`, same depth, so `import.meta.url` paths
 * such as `../schema.graphql` resolve alike) and `bin/centavo.ts` → `dist/bin/centavo.js`.
 *
 * One output file per source file (esbuild transpiles, `tsc --noEmit` type-checks separately):
 * nothing is bundled, so OpenTelemetry still patches the npm packages as they load. Imports of
 * workspace packages (`@centavo/db/cli`) are rewritten to relative paths of their compiled files,
 * so the packages' `exports` keep pointing at the TypeScript for tests, tsx and the type checker,
 * and `node dist/bin/centavo.js` needs no loader, flag or condition.
 *
 * Usage: node --import tsx scripts/build.ts [--no-model]   (the model artifact: `centavo train`)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..');
// Runtime packages only: bench, test, web and packages/testing never run from the image.
const PACKAGE_DIRS = ['gateway', ...listDirs('subgraphs'), ...listDirs('packages').filter((d) => d !== 'packages/testing')];
const ASSET = /\.(graphql|json)$/;
const SKIP = /\.(test|bench)\.ts$|\.d\.ts$/;

function listDirs(parent: string): string[] {
  return readdirSync(path.join(ROOT, parent), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(ROOT, parent, d.name, 'package.json')))
    .map((d) => `${parent}/${d.name}`);
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === 'fixtures' || d.name === '__tests__' ? [] : walk(full);
    return [full];
  });
}

interface WorkspacePackage {
  dir: string;
  /** Export subpath ('.', './cli') → absolute path of its compiled file. */
  exports: Map<string, string>;
}

/** `./src/x.ts` in a package's exports → `<package>/dist/x.js`. */
function compiledPath(pkgDir: string, sourceRel: string): string {
  const rel = path.relative('src', path.normalize(sourceRel)).replace(/\.ts$/, '.js');
  if (rel.startsWith('..')) throw new Error(`${pkgDir}: export ${sourceRel} is outside src/`);
  return path.join(ROOT, pkgDir, 'dist', rel);
}

function readWorkspace(): Map<string, WorkspacePackage> {
  const byName = new Map<string, WorkspacePackage>();
  for (const dir of PACKAGE_DIRS) {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')) as { name: string; exports?: Record<string, string> };
    const exports = new Map<string, string>();
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      if (typeof target !== 'string') throw new Error(`${dir}: export ${subpath} must be a plain path`);
      exports.set(subpath, compiledPath(dir, target));
    }
    byName.set(manifest.name, { dir, exports });
  }
  return byName;
}

/** The output file of a source file: `<pkg>/src/a/b.ts` → `<pkg>/dist/a/b.js`, `bin/x.ts` → `dist/bin/x.js`. */
function outputOf(source: string): string {
  const rel = path.relative(ROOT, source);
  if (rel.startsWith(`bin${path.sep}`)) return path.join(ROOT, 'dist', rel.replace(/\.ts$/, '.js'));
  const match = /^(.*?)[/\\]src[/\\](.*)\.ts$/.exec(rel);
  if (!match) throw new Error(`not a package source: ${rel}`);
  return path.join(ROOT, match[1]!, 'dist', `${match[2]}.js`);
}

/** Leaves every import as an import; rewrites only those of workspace packages. */
function rewriteImports(workspace: Map<string, WorkspacePackage>): Plugin {
  return {
    name: 'centavo-imports',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        const spec = args.path;
        const scoped = /^(@centavo\/[^/]+)(\/.*)?$/.exec(spec);
        if (!scoped) return { path: spec.replace(/\.ts$/, '.js'), external: true };
        const pkg = workspace.get(scoped[1]!);
        const target = pkg?.exports.get(scoped[2] ? `.${scoped[2]}` : '.');
        if (!target) throw new Error(`${args.importer}: "${spec}" is not a runtime workspace export (add it to the package's exports, or keep it out of runtime code)`);
        let rel = path.relative(path.dirname(outputOf(args.importer)), target).split(path.sep).join('/');
        if (!rel.startsWith('.')) rel = `./${rel}`;
        return { path: rel, external: true };
      });
    },
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const workspace = readWorkspace();
  const entries: { in: string; out: string }[] = [];
  for (const { dir } of workspace.values()) {
    const src = path.join(ROOT, dir, 'src');
    rmSync(path.join(ROOT, dir, 'dist'), { recursive: true, force: true });
    if (!existsSync(src)) continue;
    for (const file of walk(src)) {
      if (file.endsWith('.ts') && !SKIP.test(file)) entries.push({ in: file, out: outputOf(file).replace(/\.js$/, '') });
      else if (ASSET.test(file)) cpSync(file, path.join(ROOT, dir, 'dist', path.relative(src, file)));
    }
  }
  rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true });
  const bin = path.join(ROOT, 'bin', 'centavo.ts');
  entries.push({ in: bin, out: outputOf(bin).replace(/\.js$/, '') });
  if (!entries.some((e) => e.in.includes(`${path.sep}generated${path.sep}prisma${path.sep}`))) {
    throw new Error('no generated Prisma clients: run `node --import tsx scripts/prisma.ts generate` first');
  }

  await build({
    absWorkingDir: ROOT,
    entryPoints: entries,
    outdir: ROOT,
    bundle: true, // for the resolve hook only: every import is external, one output per source
    plugins: [rewriteImports(workspace)],
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    charset: 'utf8',
  });
  console.log(`compiled ${entries.length} files in ${Date.now() - started} ms`);

  // The categorization model of the data set, shipped as an artifact (else processes train it).
  if (!process.argv.includes('--no-model')) {
    const result = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'bin', 'centavo.js'), 'train'], { stdio: 'inherit', cwd: ROOT });
    if (result.status !== 0) throw new Error(`centavo train failed (exit ${result.status ?? result.signal})`);
  }
  const size = (p: string) => (existsSync(p) ? statSync(p).size : 0);
  if (size(path.join(ROOT, 'dist', 'bin', 'centavo.js')) === 0) throw new Error('dist/bin/centavo.js was not written');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
