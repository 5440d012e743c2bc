import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors.js';
import type { SpeedscopeFile } from '../../src/trace/profile/writers.js';
import { ROOT, profiledRun } from './profile-support.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const json = (bytes: Uint8Array) => JSON.parse(text(bytes)) as SpeedscopeFile;
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Self weight of the frame named `name` in a speedscope profile (samples whose innermost frame it is). */
function selfOf(file: SpeedscopeFile, profile: number, name: string): number {
  const p = file.profiles[profile]!;
  let total = 0;
  p.samples.forEach((stack, i) => {
    if (file.shared.frames[stack[stack.length - 1]!]!.name === name) total += p.weights[i]!;
  });
  return total;
}

describe('--profile on a real C program (cpubench with symbols)', () => {
  const run = profiledRun('symbols/cpubench', 'speedscope', { args: ['2'] });
  const instructions = run.zeroos.stats().instructions;

  it('should write a speedscope file whose weights add up to the instructions retired', () => {
    expect(run.result?.exitCode).toBe(0);
    const file = json(run.file);
    expect(file.$schema).toBe('https://www.speedscope.app/file-format-schema.json');
    expect(file.profiles.map((p) => p.name)).toEqual(['thread 1 (instructions)']);
    const p = file.profiles[0]!;
    expect(p.type).toBe('sampled');
    expect(p.samples.length).toBe(p.weights.length);
    expect(sum(p.weights)).toBe(instructions);
    expect(p.endValue).toBe(instructions);
  });

  it('should name the hot function, the SHA-256 compression function, with most of the instructions', () => {
    const file = json(run.file);
    const share = selfOf(file, 0, 'sha256_block') / instructions;
    expect(share).toBeGreaterThan(0.6);
    // It is called from sha256_update, called from main, under musl's start-up.
    const names = (stack: number[]) => stack.map((f) => file.shared.frames[f]!.name);
    const hot = file.profiles[0]!.samples.map(names).find((s) => s[s.length - 1] === 'sha256_block')!;
    expect(hot.slice(-3)).toEqual(['main', 'sha256_update', 'sha256_block']);
    // --stats lists it first, with its share.
    expect(run.stats[0]).toMatch(new RegExp(`^profile +.*: ${instructions} instructions in 1 thread, \\d+ functions$`));
    const top = run.stats[1]!;
    expect(top).toMatch(/^profile top +\d+\.\d% self +\d+, +\d+\.\d% total +\d+ +sha256_block$/);
    expect(top).toContain(`${((100 * selfOf(file, 0, 'sha256_block')) / instructions).toFixed(1)}% self`);
  });

  it('should write folded stacks whose counts add up to the instructions retired', () => {
    const folded = profiledRun('symbols/cpubench', 'folded', { args: ['1'] });
    const lines = text(folded.file).trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^[^ ]+(?: [^ ]+)* \d+$/);
    expect(sum(lines.map((l) => Number(l.slice(l.lastIndexOf(' ') + 1))))).toBe(folded.zeroos.stats().instructions);
    expect(lines.some((l) => /;main;sha256_update;sha256_block \d+$/.test(l))).toBe(true);
  });

  it('should write a gzipped pprof profile that decodes back with the same samples', () => {
    const pp = profiledRun('symbols/cpubench', 'pprof', { args: ['1'] });
    expect([pp.file[0], pp.file[1]]).toEqual([0x1f, 0x8b]); // gzip
    const profile = Profile.decode(gunzipSync(pp.file));
    const str = (i: number | bigint) => profile.stringTable.strings[Number(i)]!;
    expect(profile.sampleType.map((t) => `${str(t.type)}/${str(t.unit)}`)).toEqual(['instructions/count']);
    expect(sum(profile.sample.map((s) => Number(s.value[0])))).toBe(pp.zeroos.stats().instructions);
    const fnName = new Map(profile.function.map((f) => [Number(f.id), str(f.name)]));
    const locFn = new Map(profile.location.map((l) => [Number(l.id), Number(l.line[0]!.functionId)]));
    const leaf = (s: (typeof profile.sample)[number]) => fnName.get(locFn.get(Number(s.locationId[0]))!);
    const hot = profile.sample.filter((s) => leaf(s) === 'sha256_block');
    expect(hot.length).toBeGreaterThan(0);
    // Innermost first: sha256_block, then its caller.
    expect(fnName.get(locFn.get(Number(hot[0]!.locationId[1]))!)).toBe('sha256_update');
    expect(hot[0]!.label.map((l) => `${str(l.key)}=${Number(l.num)}`)).toEqual(['thread=1']);
    expect(str(profile.mapping[0]!.filename)).toBe('cpubench');
  });
});

describe('--profile on a Rust program (rust_collections with symbols)', () => {
  const run = profiledRun('symbols/rust_collections', 'speedscope');

  it('should name functions with demangled Rust paths', () => {
    expect(run.result?.exitCode).toBe(0);
    const file = json(run.file);
    const names = file.shared.frames.map((f) => f.name);
    expect(names).toContain('rust_collections::main');
    expect(names.filter((n) => n.startsWith('_R') || n.startsWith('_ZN'))).toEqual([]);
    expect(names.some((n) => n.startsWith('<hashbrown::raw::RawTable<'))).toBe(true);
    expect(sum(file.profiles[0]!.weights)).toBe(run.zeroos.stats().instructions);
    // SipHash (HashMap's hasher) is among the hot functions --stats lists.
    expect(run.stats.slice(1).some((l) => l.endsWith('<core::hash::sip::Hasher<core::hash::sip::Sip13Rounds> as core::hash::Hasher>::write'))).toBe(true);
  });
});

describe('--profile on a Rust bignum program (rust_bignum with symbols)', () => {
  it('should name the bignum multiply as the hot function, with its share', () => {
    const run = profiledRun('symbols/rust_bignum', 'speedscope');
    expect(run.result?.exitCode).toBe(0);
    const file = json(run.file);
    const instructions = run.zeroos.stats().instructions;
    expect(sum(file.profiles[0]!.weights)).toBe(instructions);
    const share = selfOf(file, 0, 'rust_bignum::bignum_mul') / instructions;
    expect(share).toBeGreaterThan(0.3);
    expect(run.stats[1]).toMatch(/^profile top +\d+\.\d% self +\d+, +\d+\.\d% total +\d+ +rust_bignum::bignum_mul$/);
    expect(run.stats[1]).toContain(`${(100 * share).toFixed(1)}% self`);
  });
});

describe('--profile on threaded programs', () => {
  it('should give one speedscope profile per thread (pthread_join: 50 threads)', () => {
    const run = profiledRun('symbols/pthread_join', 'speedscope');
    expect(run.result?.exitCode).toBe(0);
    const file = json(run.file);
    const tids = file.profiles.map((p) => Number(/^thread (\d+) \(instructions\)$/.exec(p.name)![1]));
    expect(tids[0]).toBe(1);
    expect(new Set(tids).size).toBe(tids.length);
    expect(tids.length).toBeGreaterThanOrEqual(51);
    expect(sum(file.profiles.flatMap((p) => p.weights))).toBe(run.zeroos.stats().instructions);
    // A worker's stacks start at its own entry, not under main.
    const frames = (i: number) => new Set(file.profiles[i]!.samples.flat().map((f) => file.shared.frames[f]!.name));
    expect(frames(0).has('main')).toBe(true);
    const worker = frames(1);
    expect(worker.has('main')).toBe(false);
    expect(worker.has('detached') || worker.has('joinable')).toBe(true);
  });

  it('should follow Rust threads (rust_threads), each with its closure', () => {
    const run = profiledRun('symbols/rust_threads', 'folded');
    expect(run.result?.exitCode).toBe(0);
    const lines = text(run.file).trimEnd().split('\n');
    expect(lines.every((l) => /^thread \d+;/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('thread 2;') && l.includes('rust_threads::main::{closure#'))).toBe(true);
    expect(sum(lines.map((l) => Number(l.slice(l.lastIndexOf(' ') + 1))))).toBe(run.zeroos.stats().instructions);
  });
});

describe('--profile on a program with signal handlers (signals with symbols)', () => {
  it('should put each handler on top of the code it interrupted and drop it at rt_sigreturn', () => {
    const run = profiledRun('symbols/signals', 'folded');
    expect(run.result?.exitCode).toBe(0);
    const stacks = text(run.file).trimEnd().split('\n').map((l) => l.slice(0, l.lastIndexOf(' ')).split(';'));
    // A signal is delivered on the way out of the syscall that sent or unblocked it: raise()
    // unblocks it in __restore_sigs, kill() sends it, sigprocmask() unblocks it, sigsuspend() waits.
    const handled = stacks.filter((s) => s[s.length - 1] === 'info_handler').map((s) => s.join(';'));
    expect(handled.sort()).toEqual([
      'libc_start_main_stage2;main;kill;info_handler',
      'libc_start_main_stage2;main;raise;__restore_sigs;info_handler',
      'libc_start_main_stage2;main;sigprocmask;pthread_sigmask;info_handler',
      'libc_start_main_stage2;main;sigsuspend;sccp;info_handler',
    ]);
    // A handler that raises again nests one level per signal, not more.
    expect(stacks.some((s) => s.join(';').endsWith('nesting_handler;raise;__restore_sigs;nesting_handler'))).toBe(true);
    // The handler returns to the restorer (musl's __restore_rt), which is shown in its place.
    expect(stacks.some((s) => s.join(';') === 'libc_start_main_stage2;main;raise;__restore_sigs;__restore_rt')).toBe(true);
    // After the handlers main goes on at its own level: no stack grows without bound.
    expect(Math.max(...stacks.map((s) => s.length))).toBeLessThan(12);
    expect(stacks.filter((s) => s.join(';') === 'libc_start_main_stage2;main').length).toBe(1);
  });
});

describe('--profile with a cost model (--platform jolt)', () => {
  it('should attribute Jolt cycles (trace rows) to functions beside the instructions', () => {
    const run = profiledRun('jolt/jolt_hash', 'speedscope', { kernel: { platform: 'jolt' }, elfPath: join(ROOT, 'guests/bin/jolt/jolt_hash') });
    expect(run.result?.exitCode).toBe(0);
    const stats = run.zeroos.stats();
    const file = json(run.file);
    expect(file.profiles.map((p) => p.name)).toEqual(['thread 1 (instructions)', 'thread 1 (cycles)']);
    expect(sum(file.profiles[0]!.weights)).toBe(stats.instructions);
    expect(sum(file.profiles[1]!.weights)).toBe(stats.cost!.total);
    // The guest's SHA-256 compression function, with its rows.
    expect(selfOf(file, 1, 'compress')).toBeGreaterThan(0.1 * stats.cost!.total);
    expect(run.stats[0]).toContain(`${stats.instructions} instructions, ${stats.cost!.total} cycles`);
    expect(run.stats.find((l) => l.endsWith('  compress'))).toMatch(/; cycles \d+\.\d% self, \d+\.\d% total {2}compress$/);
  });

  it("should enter the guest's own trap handler and leave it at mret (--trap machine)", () => {
    const run = profiledRun('jolt/jolt_trap', 'folded', { kernel: { platform: 'jolt', trapMode: 'machine' }, elfPath: join(ROOT, 'guests/bin/jolt/jolt_trap') });
    expect(run.result?.exitCode).toBe(0);
    // An assembly program with one symbol: each ecall enters the handler (a frame under
    // _start) and each mret leaves it, so the stack never grows past two frames.
    const lines = text(run.file).trimEnd().split('\n');
    expect(lines.map((l) => l.slice(0, l.lastIndexOf(' ')))).toEqual(['_start', '_start;_start']);
    expect(sum(lines.map((l) => Number(l.slice(l.lastIndexOf(' ') + 1))))).toBe(run.zeroos.stats().instructions);
  });

  it('should carry the cycles as a second pprof sample type', () => {
    const run = profiledRun('jolt/jolt_hash', 'pprof', { kernel: { platform: 'jolt' }, elfPath: join(ROOT, 'guests/bin/jolt/jolt_hash') });
    const profile = Profile.decode(gunzipSync(run.file));
    const str = (i: number | bigint) => profile.stringTable.strings[Number(i)]!;
    expect(profile.sampleType.map((t) => str(t.type))).toEqual(['instructions', 'cycles']);
    expect(str(profile.defaultSampleType)).toBe('cycles');
    expect(sum(profile.sample.map((s) => Number(s.value[1])))).toBe(run.zeroos.stats().cost!.total);
  });
});

describe('zeroos run --profile (the CLI)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'zeroos-profile-cli-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const zeroos = (...args: string[]) => {
    const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), ...args], { cwd: ROOT, encoding: 'utf8', input: '' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('should write the profile and list the top functions with --stats', () => {
    const path = join(scratch, 'cpubench.speedscope.json');
    const run = zeroos('run', '--profile', path, '--stats', 'guests/bin/symbols/cpubench', '1');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('sha256=');
    const instructions = Number(/^instructions\s+(\d+)$/m.exec(run.stderr)![1]);
    expect(run.stderr).toMatch(/^profile top +\d+\.\d% self +\d+, +\d+\.\d% total +\d+ +sha256_block$/m);
    const file = json(readFileSync(path));
    expect(sum(file.profiles[0]!.weights)).toBe(instructions);
  });

  it('should write the same profile on every engine', () => {
    const files = ['interpreter', 'js', 'wasm'].map((engine) => {
      const path = join(scratch, `${engine}.folded`);
      const run = zeroos('run', '--engine', engine, '--profile', path, '--profile-format', 'folded', 'guests/bin/symbols/cpubench', '1');
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      return readFileSync(path, 'utf8');
    });
    expect(files[1]).toBe(files[0]);
    expect(files[2]).toBe(files[0]);
  });

  it('should say when the executable has no symbols, and name functions by address', () => {
    const path = join(scratch, 'hello.folded');
    const run = zeroos('run', '--profile', path, '--profile-format', 'folded', 'guests/bin/hello');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('zeroos: --profile: hello has no symbol table (stripped): functions are named by address\n');
    expect(readFileSync(path, 'utf8')).toMatch(/^0x[0-9a-f]+(;0x[0-9a-f]+)* \d+$/m);
  });

  it('should refuse a bad format and --profile-format without --profile (usage, 64)', () => {
    const bad = zeroos('run', '--profile', join(scratch, 'x'), '--profile-format', 'perf', 'guests/bin/hello');
    expect(bad.code).toBe(EXIT_CODES.usage);
    expect(bad.stderr).toContain('speedscope, pprof, folded');
    const alone = zeroos('run', '--profile-format', 'pprof', 'guests/bin/hello');
    expect(alone.code).toBe(EXIT_CODES.usage);
    expect(alone.stderr).toContain('--profile-format needs --profile FILE');
    expect(existsSync(join(scratch, 'x'))).toBe(false);
  });

  it('should write the profile of a run that ends in an error (instruction budget)', () => {
    const path = join(scratch, 'budget.folded');
    const run = zeroos('run', '--max-instructions', '100000', '--profile', path, '--profile-format', 'folded', 'guests/bin/symbols/cpubench', '1');
    expect(run.code).toBe(EXIT_CODES.budgetExhausted);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(sum(lines.map((l) => Number(l.slice(l.lastIndexOf(' ') + 1))))).toBe(100000);
  });
});
