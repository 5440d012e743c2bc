#!/usr/bin/env node
// `npm run build`: dist/ as it is published.
//
//  - Types: tsc emits the .d.ts files only (dist/**/*.d.ts, what the `exports` map's
//    "types" name).
//  - The library: one esbuild bundle per `exports` entry (dist/index.js, dist/kernel/index.js,
//    ...) with the code they share in dist/chunks/, so every entry holds the same module
//    instances. Dependencies stay imports: a user's own `inversify` and `rxjs` are the ones
//    the kernel uses (the README's `@injectable()` services, `rebind`).
//  - The CLI: dist/cli/main.js with its dependencies bundled in. Starting a Node ES module
//    costs per file, and the package's ~190 files plus inversify's and rxjs's ~500 took most
//    of a `zeroos run`'s start-up; the bundle is a few files. What only some commands need
//    (check, layout, postcard, the Jolt and Spike integrations, host mounts) sits in chunks
//    of dist/cli/chunks/ loaded on demand. An adapter loaded by path is handed the CLI's own
//    API (a chunk of the same build), so it sees the very classes the CLI runs on.
//  - The benchmarks: dist/bench/ (not published).
//
// esbuild does not emit decorator metadata; nothing here needs it (every constructor
// parameter has its @inject token). keepNames: error names come from `new.target.name`
// and must survive bundling (two classes of one name in different files get renamed).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** `--outdir DIR`: build elsewhere (a comparison, a check) instead of dist/. */
const outdirFlag = process.argv.indexOf('--outdir');
const dist = outdirFlag > 0 && process.argv[outdirFlag + 1] ? resolve(process.argv[outdirFlag + 1]) : join(root, 'dist');

/** Node 20.19 is the oldest Node the package supports (package.json engines). */
const TARGET = 'node20.19';

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: TARGET,
  splitting: true,
  outbase: 'src',
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
  // The version `zeroos --version` prints, fixed at build time (no package.json read at start).
  define: { ZEROOS_BUILD_VERSION: JSON.stringify(manifest.version) },
};

/** src/<path>.ts for each `exports` entry's ./dist/<path>.js. */
function libraryEntries() {
  const entries = [];
  for (const entry of Object.values(manifest.exports)) {
    const target = typeof entry === 'string' ? entry : entry.default;
    if (target.startsWith('./dist/') && target.endsWith('.js')) entries.push(target.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));
  }
  return entries;
}

/**
 * Builds into a fresh folder beside the target, then swaps it in: a CLI started meanwhile
 * (a test run, another build) sees the old build or the new one, never half of one. As tsc
 * itself does, a type error still leaves the output written, and fails the build.
 */
export async function buildAll(target = dist) {
  const staging = `${target}.next-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  let types;
  try {
    [types] = await Promise.all([declarations(staging), bundles(staging)]);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  if (types !== 0) throw new Error(`tsc failed (exit status ${types}): the .d.ts files may be incomplete`);
}

/** tsc's .d.ts files; resolves to tsc's exit status. */
function declarations(outDir) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--emitDeclarationOnly', '--outDir', outDir], { cwd: root, stdio: 'inherit' });
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => done(code ?? signal));
  });
}

/**
 * rxjs's `exports` send the "node" condition to its CommonJS build, which a bundler cannot
 * trim: the CLI bundle takes its ES module build instead (the same code, `sideEffects: false`).
 */
const rxjsAsModules = {
  name: 'rxjs-as-modules',
  setup(build) {
    build.onResolve({ filter: /^rxjs$/ }, () => ({ path: join(root, 'node_modules', 'rxjs', 'dist', 'esm', 'index.js') }));
  },
};

function bundles(outdir) {
  return Promise.all([
    build({ ...common, outdir, entryPoints: libraryEntries(), packages: 'external', chunkNames: 'chunks/[name]-[hash]' }),
    build({
      ...common,
      outdir,
      entryPoints: ['src/cli/main.ts'],
      chunkNames: 'cli/chunks/[name]-[hash]',
      plugins: [rxjsAsModules],
      // Fewer bytes to read and parse at every start; names stay, so stack traces still read.
      minifyWhitespace: true,
      minifySyntax: true,
      // commander is CommonJS: bundled into ES modules, its require('node:events') needs one.
      banner: { js: "import { createRequire as __zeroosRequire } from 'node:module'; const require = __zeroosRequire(import.meta.url);" },
    }),
    build({
      ...common,
      outdir,
      entryPoints: readdirSync(join(root, 'src', 'bench'))
        .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
        .map((name) => `src/bench/${name}`),
      packages: 'external',
      chunkNames: 'bench/chunks/[name]-[hash]',
    }),
  ]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await buildAll();
  } catch (error) {
    console.error(`build: ${error.message}`);
    process.exitCode = 1;
  }
}
