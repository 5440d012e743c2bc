/**
 * The guide's example adapter (docs/examples/toyvm.js) as its readers use it: loaded by path
 * from the built CLI, and from the library with the API passed in; its guests are the
 * committed binaries next to it (docs/examples/build.sh).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as zeroosApi from '../../src/index.js';
import { EXIT_CODES, RefusedInstruction, createKernel, loadIntegration } from '../../src/index.js';

const root = join(import.meta.dirname, '..', '..');
const adapter = './docs/examples/toyvm.js';
const guest = (name: string) => readFileSync(join(root, 'docs', 'examples', name));

function zeroos(args: string[]) {
  const run = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The `label  text` line of --stats output, or undefined. */
function statsLine(stderr: string, label: string): string | undefined {
  return stderr
    .split('\n')
    .find((line) => line.startsWith(label.padEnd(15) + ' '))
    ?.slice(16);
}

describe('zeroos run --platform ./docs/examples/toyvm.js', () => {
  describe('when the guest stores its status to EXIT (toyvm_hello)', () => {
    const run = zeroos(['run', '--platform', adapter, '--stats', 'docs/examples/toyvm_hello']);

    it('should print what the guest wrote to the CONSOLE word and exit with its status', () => {
      expect(run.stdout).toMatch(/^hello from toyvm\n10! = 3628800, 10!\/7 = 518400\ncycles so far: \d+\n$/);
      expect(run.code).toBe(7);
    });

    it('should print the cycles, more than the instructions (it multiplies and divides), and the outcome', () => {
      const instructions = Number(statsLine(run.stderr, 'instructions'));
      const cycles = /^(\d+) \(toyvm cycles: 1 per instruction, 4 per multiply, 16 per divide\)$/.exec(statsLine(run.stderr, 'cycles') ?? '');
      expect(instructions).toBeGreaterThan(100);
      expect(Number(cycles?.[1])).toBeGreaterThan(instructions);
      // The guest read CYCLES before its last few instructions.
      const readByGuest = Number(/cycles so far: (\d+)/.exec(run.stdout)?.[1]);
      expect(readByGuest).toBeGreaterThan(0);
      expect(readByGuest).toBeLessThan(Number(cycles?.[1]));
      expect(statsLine(run.stderr, 'platform')).toBe('toyvm');
      expect(statsLine(run.stderr, 'outcome')).toBe('exited (exit 7): the guest stored 7 to EXIT: a proof of this run carries that status');
      expect(statsLine(run.stderr, 'console')).toBe(`${run.stdout.length} bytes through 0x10000000`);
      expect(statsLine(run.stderr, 'exit word')).toBe('7');
    });

    it('should run the same in machine trap mode', () => {
      const machine = zeroos(['run', '--platform', adapter, '--trap', 'machine', 'docs/examples/toyvm_hello']);
      expect(machine.stdout).toBe(run.stdout);
      expect(machine.code).toBe(7);
    });
  });

  describe('when the guest halts without storing to EXIT (toyvm_halt)', () => {
    const run = zeroos(['run', '--platform', adapter, '--stats', 'docs/examples/toyvm_halt']);

    it('should exit 81 and report no exit', () => {
      expect(run.stdout).toBe('h\n');
      expect(run.code).toBe(EXIT_CODES.zkvmNoTermination);
      expect(statsLine(run.stderr, 'outcome')).toMatch(/^no-exit \(exit 81\): the guest halted at 0x[0-9a-f]+ without storing to EXIT/);
      expect(statsLine(run.stderr, 'exit word')).toBe('never written');
    });

    it('should count the cycles its source header counts by hand', () => {
      // lui addi sb addi sb addi addi (7 × 1) + mul (4) + div (16) + j . (1)
      expect(statsLine(run.stderr, 'instructions')).toBe('10');
      expect(statsLine(run.stderr, 'cycles')).toMatch(/^28 \(/);
    });
  });

  it('should refuse an atomic instruction with exit 82 (toyvm_atomic)', () => {
    const run = zeroos(['run', '--platform', adapter, 'docs/examples/toyvm_atomic']);
    expect(run.code).toBe(EXIT_CODES.zkvmRejected);
    expect(run.stderr).toMatch(/^zeroos: RefusedInstruction: amoadd\.w \(0x[0-9a-f]+\) at pc 0x20000008 is refused: toyvm has no atomic instructions\n$/);
  });

  it('should stop a run past --max-cycles with exit 82', () => {
    const run = zeroos(['run', '--platform', adapter, '--max-cycles', '100', 'docs/examples/toyvm_hello']);
    expect(run.code).toBe(EXIT_CODES.zkvmRejected);
    expect(run.stderr).toMatch(/^zeroos: ToyCycleLimit: the run needs more than --max-cycles 100 cycles \(101 at pc 0x[0-9a-f]+\)\n$/);
  });

  it('should refuse a Linux binary linked at 0x10000 (it lies outside toyvm RAM)', () => {
    const run = zeroos(['run', '--platform', adapter, 'guests/bin/hello']);
    expect(run.code).toBe(EXIT_CODES.badElf);
    expect(run.stderr).toContain('lies outside the platform\'s image: the image region is "image" [0x20000000, 0x203f0000)');
  });

  it('should refuse another platform\'s option', () => {
    const run = zeroos(['run', '--platform', adapter, '--max-input-size', '5', 'docs/examples/toyvm_hello']);
    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stderr).toBe('zeroos: IntegrationOptionError: --max-input-size does not apply to `zeroos run --platform toyvm`\n');
  });
});

describe('zeroos check --platform ./docs/examples/toyvm.js', () => {
  it('should say toyvm_hello should run, and why toyvm_atomic will not', () => {
    const hello = zeroos(['check', '--platform', adapter, 'docs/examples/toyvm_hello']);
    expect(hello.code).toBe(0);
    expect(hello.stdout).toContain('should run on toyvm');
    const atomic = zeroos(['check', '--platform', adapter, 'docs/examples/toyvm_atomic']);
    expect(atomic.code).toBe(1);
    expect(atomic.stdout).toContain('toyvm has no atomic instructions');
  });
});

describe('zeroos layout and linker-script --platform ./docs/examples/toyvm.js', () => {
  it('should print the layout for --ram-size and --stack-size', () => {
    const run = zeroos(['layout', '--platform', adapter, '--ram-size', '8M', '--stack-size', '128K']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('image  image  0x20000000  0x207e0000');
    expect(run.stdout).toContain('stack  stack  0x207e0000  0x20800000  128 KiB');
  });

  it('should print the linker script the guests are linked with', () => {
    const run = zeroos(['linker-script', '--platform', adapter]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ENTRY(_start)');
    expect(run.stdout).toContain('MEMORY { RAM (rwx) : ORIGIN = 0x20000000, LENGTH = 0x3f0000 }');
    expect(run.stdout).toContain('__stack_top = 0x20400000;');
  });
});

// The guide's "Testing against guests" example: this block is quoted there verbatim.
// guide:test-begin
describe('toyvm from the library', () => {
  it('should run toyvm_hello and report its cycles and outcome', async () => {
    const toyvm = await loadIntegration('docs/examples/toyvm.js', zeroosApi);
    const kernel = createKernel({ platform: toyvm, platformOptions: { ramSize: 2 ** 20 } });
    kernel.load({ executable: guest('toyvm_hello'), argv: ['toyvm_hello'] });
    const result = kernel.run();

    expect(new TextDecoder().decode(result.stdout)).toMatch(/^hello from toyvm\n/);
    expect(result.exitCode).toBe(7);
    expect(result.outcome?.name).toBe('exited');
    expect(kernel.stats().cost?.total).toBeGreaterThan(result.instructions);
  });

  it('should refuse atomics', async () => {
    const toyvm = await loadIntegration('docs/examples/toyvm.js', zeroosApi);
    const kernel = createKernel({ platform: toyvm });
    kernel.load({ executable: guest('toyvm_atomic') });
    expect(() => kernel.run()).toThrow(RefusedInstruction);
  });
});
// guide:test-end

describe('docs/platform-adapters.md', () => {
  const guide = readFileSync(join(root, 'docs', 'platform-adapters.md'), 'utf8');
  const normalize = (text: string) =>
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .join('\n');

  /** The fenced blocks that follow a `<!-- source: PATH -->` marker, with that path. */
  function quoted(): { path: string; code: string }[] {
    const blocks: { path: string; code: string }[] = [];
    const pattern = /<!-- source: (\S+) -->\s*```[a-z]*\n([\s\S]*?)```/g;
    for (let match = pattern.exec(guide); match; match = pattern.exec(guide)) blocks.push({ path: match[1]!, code: match[2]! });
    return blocks;
  }

  it('should quote the adapter, its guests and this test only as they are', () => {
    const blocks = quoted();
    expect(blocks.length).toBeGreaterThan(8);
    for (const block of blocks) {
      const source = normalize(readFileSync(join(root, block.path), 'utf8'));
      // A line "// ..." or "# ..." marks an elision: each piece around it must be verbatim.
      const pieces = normalize(block.code)
        .split(/^(?:\/\/|#) \.\.\.$/m)
        .map((piece) => piece.trim())
        .filter((piece) => piece !== '');
      for (const piece of pieces) expect(source, `a block quoted from ${block.path}`).toContain(piece);
    }
  });

  it('should show the outputs the commands give', () => {
    const pattern = /<!-- output: (.+?) -->\s*```[a-z]*\n([\s\S]*?)```/g;
    let checked = 0;
    for (let match = pattern.exec(guide); match; match = pattern.exec(guide)) {
      const args = match[1]!.split(' ').slice(1); // "zeroos layout ..." → the CLI's arguments
      expect(zeroos(args).stdout.trimEnd(), match[1]).toBe(match[2]!.trimEnd());
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('README.md', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const tour = /## Architecture\n\n```\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

  it('should tour folders that exist, src/integrations/ with every integration in it', () => {
    const top = [...tour.matchAll(/^  ([a-z0-9-]+)\/ /gm)].map((m) => m[1]!);
    expect(top).toContain('integrations');
    for (const folder of top) expect(existsSync(join(root, 'src', folder)), `src/${folder}`).toBe(true);
    const integrations = readdirSync(join(root, 'src', 'integrations'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    const section = tour.slice(tour.indexOf('  integrations/'), tour.indexOf('  check/'));
    for (const name of integrations) expect(section, `src/integrations/${name}/`).toContain(`    ${name}/`);
  });

  it('should list every zeroos command in the CLI section', () => {
    const help = zeroos(['--help']).stdout;
    const commands = [...help.matchAll(/^  ([a-z-]+) /gm)].map((m) => m[1]!).filter((name) => name !== 'help');
    expect(commands).toContain('platforms');
    for (const command of commands) expect(readme, `zeroos ${command}`).toContain(`zeroos ${command}`);
  });
});
