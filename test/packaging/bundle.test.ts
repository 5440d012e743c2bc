import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors.js';

// The build under test is dist/ as `npm run build` made it (test/global-setup.ts builds it).
const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const HELLO = join(ROOT, 'guests', 'bin', 'hello');
const HELLO_STDOUT = readFileSync(join(ROOT, 'guests', 'expected', 'hello.stdout'), 'utf8');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  dependencies: Record<string, string>;
  exports: Record<string, { types: string; default: string } | string>;
};

function node(args: string[], cwd = ROOT) {
  const run = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', input: '' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const scratch = mkdtempSync(join(tmpdir(), 'zeroos-packaging-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the bundled CLI', () => {
  it('should run hello', () => {
    const run = node([CLI, 'run', HELLO]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(HELLO_STDOUT);
    expect(run.code).toBe(0);
  });
  it('should carry its dependencies: dist/cli alone, away from node_modules, still runs hello', () => {
    const alone = join(scratch, 'cli-alone');
    cpSync(join(ROOT, 'dist', 'cli'), alone, { recursive: true });
    const run = node([join(alone, 'main.js'), 'run', HELLO], scratch);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(HELLO_STDOUT);
    expect(run.code).toBe(0);
    expect(node([join(alone, 'main.js'), '--version'], scratch).stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });
  it('should be a few files, not one per source file', () => {
    // About 230 source files; each command and run add-on loaded on demand (check, postcard,
    // itrace show, --trace, --itrace, --profile...) brings a chunk or two of its own.
    const files = readdirSync(join(ROOT, 'dist', 'cli'), { recursive: true }).filter((name) => String(name).endsWith('.js'));
    expect(files.length).toBeLessThan(40);
  });
  it('should load the commands a run does not need only when they run', () => {
    // The check command's and postcard's code sit in chunks of their own.
    const chunks = readdirSync(join(ROOT, 'dist', 'cli', 'chunks'));
    expect(chunks.some((name) => name.startsWith('check-action-'))).toBe(true);
    expect(chunks.some((name) => name.startsWith('postcard-action-'))).toBe(true);
    const run = node([CLI, 'postcard', 'encode', '--schema', '(u32, string)', '[5, "hi"]']);
    expect(run.stdout).toBe('05026869\n');
    expect(run.code).toBe(0);
  });
});

describe('an adapter loaded by path', () => {
  it('should get the classes the CLI runs on: its ZeroOSError subclass is reported as a named outcome', () => {
    const adapter = join(scratch, 'refusing-adapter.js');
    writeFileSync(
      adapter,
      `export default function refusing(zeroos) {
  class AdapterRefused extends zeroos.ZeroOSError {
    exitCode = zeroos.EXIT_CODES.zkvmRejected;
  }
  return { name: 'refusing', summary: 'refuses every run', setup() { throw new AdapterRefused('this adapter refuses to run anything'); } };
}
`,
    );
    const run = node([CLI, 'run', '--platform', adapter, HELLO]);
    // A second copy of ZeroOSError would not be the CLI's: "internal error", exit 76.
    expect(run.stderr).toBe('zeroos: AdapterRefused: this adapter refuses to run anything\n');
    expect(run.code).toBe(EXIT_CODES.zkvmRejected);
  });
  it('should build on the API it is handed: an adapter wrapping the Linux integration runs hello', () => {
    const adapter = join(scratch, 'wrapping-adapter.js');
    writeFileSync(
      adapter,
      `export default function wrapping(zeroos) {
  const linux = zeroos.builtinIntegrations().get('linux');
  if (!(linux.setup({ options: {}, trapMode: 'host', purpose: 'describe' }).platform.layout instanceof zeroos.MemoryLayout)) {
    throw new Error('the API handed over is not the one the kernel runs on');
  }
  return { ...linux, name: 'wrapped-linux', summary: 'Linux, through an adapter' };
}
`,
    );
    const run = node([CLI, 'run', '--platform', adapter, HELLO]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(HELLO_STDOUT);
    expect(run.code).toBe(0);
  });
});

describe('the packed package', () => {
  let project: string;
  beforeAll(() => {
    // What a user gets: `npm pack`, unpacked as node_modules/zeroos beside its dependencies.
    const packs = join(scratch, 'packs');
    mkdirSync(packs);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const [report] = JSON.parse(execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', packs], { cwd: ROOT, encoding: 'utf8' })) as { filename: string }[];
    project = join(scratch, 'project');
    const installed = join(project, 'node_modules', manifest.name);
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(packs, report!.filename), '-C', installed, '--strip-components=1']);
    // The dependencies (and theirs) as this repository installed them.
    for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
      if (entry.startsWith('.') || entry === manifest.name) continue;
      symlinkSync(join(ROOT, 'node_modules', entry), join(project, 'node_modules', entry));
    }
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
  }, 120_000);

  it("should import as 'zeroos', every subpath of its exports map with its types", () => {
    for (const [subpath, entry] of Object.entries(manifest.exports)) {
      if (typeof entry === 'string') continue;
      expect(existsSync(join(project, 'node_modules', manifest.name, entry.types)), `${subpath} types`).toBe(true);
    }
    const script = `
const root = await import('zeroos');
const { createKernel, ZeroOSError, EXIT_CODES } = root;
const out = [];
const zeroos = createKernel({ console: { stdout: (bytes) => out.push(Buffer.from(bytes).toString()) } });
zeroos.load({ executable: (await import('node:fs')).readFileSync(${JSON.stringify(HELLO)}), path: '/bin/hello', argv: ['/bin/hello'] });
const result = zeroos.run();
const integrations = await import('zeroos/integrations');
console.log(JSON.stringify({ out: out.join(''), exit: result.exitCode, sameRegistry: integrations.IntegrationRegistry === root.IntegrationRegistry, usage: EXIT_CODES.usage, error: typeof ZeroOSError }));
`;
    const run = node(['--input-type=module', '-e', script], project);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ out: HELLO_STDOUT, exit: 0, sameRegistry: true, usage: 64, error: 'function' });
  });
  it('should type-check a user program against its .d.ts files', () => {
    writeFileSync(
      join(project, 'main.ts'),
      `import { createKernel, type RunResult } from 'zeroos';
import { checkProgram } from 'zeroos/check';
const result: RunResult = createKernel().run();
const exit: number = result.exitCode;
// @ts-expect-error: no such export
import { NoSuchThing } from 'zeroos';
export { exit, checkProgram, NoSuchThing };
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], experimentalDecorators: true }, files: ['main.ts'] }),
    );
    const run = node([join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], project);
    expect(run.stdout + run.stderr).toBe('');
    expect(run.code).toBe(0);
  }, 60_000);
  it('should run hello through its bin', () => {
    const run = node([join(project, 'node_modules', manifest.name, 'dist', 'cli', 'main.js'), 'run', HELLO], project);
    expect(run.stdout).toBe(HELLO_STDOUT);
    expect(run.code).toBe(0);
  });
});
