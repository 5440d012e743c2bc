/**
 * The glibc guests: static RV64GC (lp64d) programs built with Debian's riscv64-linux-gnu gcc/g++
 * (glibc 2.36, libstdc++ 12; guests/build-glibc.sh). Each must print exactly what qemu-riscv64
 * printed for it (guests/expected/gc_*) on every execution tier, under the cooperative scheduler
 * and under the random one with a quantum, and give the same run digest for the same seed
 * whatever the tier. Jolt must refuse them by name.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkProgram } from '../../src/check/index.js';
import { EXIT_CODES } from '../../src/errors.js';
import { builtinIntegrations } from '../../src/integrations/index.js';
import { JoltFloatRejected } from '../../src/integrations/jolt/errors.js';
import { RunDigest } from '../../src/trace/digest.js';
import { createKernel, type KernelOptions } from '../../src/zeroos.js';

const ROOT = join(import.meta.dirname, '..', '..');
const GUESTS = ['gc_threads', 'gc_cpp'] as const;
const ENGINES = ['interpreter', 'js', 'wasm'] as const;
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const expected = (name: string, ext: string) => readFileSync(join(ROOT, 'guests', 'expected', `${name}.${ext}`), 'utf8');
const elf = (name: string) => new Uint8Array(readFileSync(join(ROOT, 'guests', 'bin', name)));

interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
  readonly digest: string;
  readonly switches: number;
}

/** Runs a glibc guest as the qemu reference did: no arguments, an empty environment, no stdin. */
function run(name: string, options: KernelOptions): Run {
  const zeroos = createKernel({ console: { stdin: new Uint8Array(0) }, ...options });
  try {
    const digest = new RunDigest(zeroos.events, zeroos.console);
    let switches = 0;
    zeroos.events.threadSwitch$.subscribe(() => switches++);
    const path = `guests/bin/${name}`;
    zeroos.load({ executable: elf(name), path, argv: [path], env: [] });
    const result = zeroos.run();
    return {
      stdout: decode(result.stdout),
      stderr: decode(result.stderr),
      exitCode: result.exitCode,
      digest: digest.digest(),
      switches,
    };
  } finally {
    zeroos.dispose();
  }
}

function expectQemu(name: string, r: Run): void {
  expect(r.stdout).toBe(expected(name, 'stdout'));
  expect(r.stderr).toBe(expected(name, 'stderr'));
  expect(r.exitCode).toBe(Number(expected(name, 'exit').trim()));
}

describe.each(GUESTS)('%s (static glibc, RV64GC)', (name) => {
  it('should be a static lp64d RVC executable with no interpreter', () => {
    const bytes = elf(name);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(view.getUint16(16, true)).toBe(2); // ET_EXEC
    const flags = view.getUint32(48, true);
    expect(flags & 0x1).toBe(0x1); // EF_RISCV_RVC
    expect(flags & 0x6).toBe(0x4); // EF_RISCV_FLOAT_ABI_DOUBLE
    const phoff = Number(view.getBigUint64(32, true));
    const types = Array.from({ length: view.getUint16(56, true) }, (_, i) => view.getUint32(phoff + i * view.getUint16(54, true), true));
    expect(types).toContain(1); // PT_LOAD
    expect(types).not.toContain(3); // PT_INTERP
    expect(types).not.toContain(2); // PT_DYNAMIC
    expect(expected(name, 'exit').trim()).toBe('0');
  });

  describe('cooperative scheduler, seed 7', () => {
    /** One run per tier, shared by the tests below (made by whichever test needs it first). */
    const runs = new Map<string, Run>();
    const onTier = (engine: (typeof ENGINES)[number]) => runs.get(engine) ?? runs.set(engine, run(name, { engine, seed: 7 })).get(engine)!;
    it.each(ENGINES)('should print what qemu-riscv64 printed and exit the same way (%s tier)', (engine) => {
      expectQemu(name, onTier(engine));
    });
    it('should give one run digest on every tier', () => {
      expect(new Set(ENGINES.map((engine) => onTier(engine).digest)).size).toBe(1);
    });
  });

  describe('random scheduler with a quantum', () => {
    const SEEDS = [
      [1, 5000],
      [2, 5000],
      [3, 997],
    ] as const;
    /** One run per seed on the default tier, shared by the tests below. */
    const runs = new Map<number, Run>();
    const withSeed = (seed: number, quantum: number) =>
      runs.get(seed) ?? runs.set(seed, run(name, { scheduler: 'random', seed, quantum })).get(seed)!;
    it.each(SEEDS)('should print what qemu printed with seed %i, quantum %i', (seed, quantum) => {
      const r = withSeed(seed, quantum);
      expectQemu(name, r);
      expect(r.switches).toBeGreaterThan(10);
    });
    it('should interleave the threads differently under different seeds', () => {
      expect(new Set(SEEDS.map(([seed, quantum]) => withSeed(seed, quantum).digest)).size).toBe(SEEDS.length);
    });
    it.each(ENGINES)('should repeat seed 1 byte for byte, with the same digest (%s tier)', (engine) => {
      const again = run(name, { engine, scheduler: 'random', seed: 1, quantum: 5000 });
      expectQemu(name, again);
      expect(again.digest).toBe(withSeed(1, 5000).digest);
    });
  });
});

describe('gc_cpp sections', () => {
  it('should run only the sections named on its command line, and refuse an unknown one', () => {
    const zeroos = createKernel({ console: { stdin: new Uint8Array(0) } });
    zeroos.load({ executable: elf('gc_cpp'), path: '/bin/gc_cpp', argv: ['/bin/gc_cpp', 'strings', 'locale'], env: [] });
    const out = decode(zeroos.run().stdout);
    zeroos.dispose();
    // the sections in the program's order, each exactly as in the full run
    const full = expected('gc_cpp', 'stdout');
    const section = (title: string) => full.slice(full.indexOf(`== ${title}\n`)).split(/(?=\n== )|(?=\ndone\n)/)[0] + '\n';
    expect(out).toBe(section('locale') + section('strings') + 'done\n');

    const bad = createKernel({ console: { stdin: new Uint8Array(0) } });
    bad.load({ executable: elf('gc_cpp'), path: '/bin/gc_cpp', argv: ['/bin/gc_cpp', 'nope'], env: [] });
    const result = bad.run();
    bad.dispose();
    expect(result.exitCode).toBe(64);
    expect(decode(result.stderr)).toMatch(/^gc_cpp: no section nope/);
  });
});

describe('zeroos check and Jolt on a glibc RV64GC binary', () => {
  const registry = builtinIntegrations();
  const check = (name: string, platform: string, run?: { args: string[] }) =>
    checkProgram({ path: `guests/bin/${name}`, bytes: elf(name), integration: registry.get(platform), ...(run ? { run } : {}) });

  it.each(GUESTS)('should say %s runs on linux, and a real run makes only served syscalls', (name) => {
    const report = check(name, 'linux', { args: name === 'gc_cpp' ? ['strings'] : [] });
    expect(report.runs).toBe(true);
    expect(report.exitCode).toBe(0);
    expect(report.program.floatAbi).toBe('double');
    expect(report.isa.extensions.filter((e) => e.name === 'F' || e.name === 'D').map((e) => e.status)).toEqual(['ok', 'ok']);
    const calls = report.syscalls.run?.calls ?? [];
    expect(report.syscalls.run?.exitCode).toBe(0);
    expect(calls.length).toBeGreaterThan(5);
    expect(calls.filter((c) => c.support === 'missing').map((c) => c.name)).toEqual([]);
  });

  it('should say gc_threads will not run on jolt: the lp64d ABI, F and D', () => {
    const report = check('gc_threads', 'jolt');
    expect(report.runs).toBe(false);
    expect(report.exitCode).toBe(1);
    const abi = report.reasons.find((r) => r.kind === 'abi');
    expect(abi?.message).toMatch(/lp64d hard-float ABI.*needs F and D/);
    expect(report.reasons.find((r) => r.kind === 'load')?.message).toMatch(/JoltFloatRejected/);
    expect(report.isa.extensions.filter((e) => e.name === 'F' || e.name === 'D').map((e) => e.status)).toEqual([
      'not-executed',
      'not-executed',
    ]);
  });

  it.each(GUESTS)('should refuse %s on Jolt at load with JoltFloatRejected (exit 82)', (name) => {
    const zeroos = createKernel({ platform: 'jolt' });
    let error: unknown;
    try {
      zeroos.load({ executable: elf(name), path: `/bin/${name}`, argv: [`/bin/${name}`] });
    } catch (e) {
      error = e;
    } finally {
      zeroos.dispose();
    }
    expect(error).toBeInstanceOf(JoltFloatRejected);
    expect((error as JoltFloatRejected).exitCode).toBe(EXIT_CODES.zkvmRejected);
    expect((error as Error).message).toMatch(/lp64d \(double-float\) hard-float ABI/);
  });

  it('should exit 82 from `zeroos run --platform jolt` with the named error and no stack trace', () => {
    const cli = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), 'run', '--platform', 'jolt', 'guests/bin/gc_threads'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(cli.status).toBe(82);
    expect(cli.stdout).toBe('');
    expect(cli.stderr).toMatch(/^zeroos: JoltFloatRejected: Jolt rejects this program: it is built for the lp64d/);
    expect(cli.stderr).not.toMatch(/\n\s+at /);
  });
});
