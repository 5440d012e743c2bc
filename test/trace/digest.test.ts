import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineName } from '../../src/kernel/modules/arch-module.js';
import { RunDigest, canonicalJson, digestEventView } from '../../src/trace/digest.js';
import { createKernel, type KernelOptions } from '../../src/zeroos.js';
import { GUESTS, runGuest } from './events-support.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** The digest of one run of guests/bin/<name>, however it ended. */
function digestOf(name: string, options: KernelOptions & { args?: string[]; subscribeAll?: boolean } = {}): string {
  const { args = [], subscribeAll = false, ...kernelOptions } = options;
  const zeroos = createKernel({ maxInstructions: 200_000_000, ...kernelOptions });
  const digest = new RunDigest(zeroos.events, zeroos.console);
  if (subscribeAll) zeroos.events.all$.subscribe(() => undefined);
  zeroos.load({ executable: readFileSync(join(GUESTS, 'bin', name)), path: `/bin/${name}`, argv: [`/bin/${name}`, ...args] });
  try {
    zeroos.run();
  } catch {
    // a fault or a deadlock is a run like any other
  }
  return digest.digest();
}

describe('the run digest', () => {
  it('should be sha256:<64 hex>, the same for two runs with the same seed', () => {
    const a = digestOf('random', { seed: 7 });
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(digestOf('random', { seed: 7 })).toBe(a);
  });

  it('should differ when the guest-visible run differs (another seed, other arguments)', () => {
    // The random scheduler draws another interleaving from another seed.
    const interleaved = (seed: number) => digestOf('pthread_join', { scheduler: 'random', quantum: 1_000, seed });
    expect(interleaved(1)).toBe(interleaved(1));
    expect(interleaved(2)).not.toBe(interleaved(1));
    expect(digestOf('args', { args: ['x'] })).not.toBe(digestOf('args', { args: ['y'] }));
  });

  it('should not depend on other subscribers (tracing options)', () => {
    expect(digestOf('pipe_threads', { subscribeAll: true })).toBe(digestOf('pipe_threads'));
  });

  for (const guest of ['hello', 'pthread_join', 'futex_pingpong', 'segv', 'deadlock']) {
    it(`should be the same on the interpreter, js and wasm engines (${guest})`, () => {
      const digests = (['interpreter', 'js', 'wasm'] as EngineName[]).map((engine) => digestOf(guest, { engine }));
      expect(new Set(digests).size).toBe(1);
    });
  }

  it('should be the same on every engine for a preempted threaded run (quantum) and on Jolt', () => {
    for (const [guest, options] of [
      ['spin_wait', { quantum: 10_000 }],
      ['jolt/jolt_hash', { platform: 'jolt' }],
    ] as const) {
      const digests = (['interpreter', 'js', 'wasm'] as EngineName[]).map((engine) => digestOf(guest, { engine, ...options }));
      expect(new Set(digests).size).toBe(1);
    }
  });

  it('should leave host paths and printed text out of the events it hashes', () => {
    const run = runGuest('hello');
    const enter = run.events.find((e) => e.kind === 'syscall-enter')!;
    expect(digestEventView(enter)).not.toHaveProperty('formatted');
    const exit = run.events.at(-1)!;
    expect(digestEventView(exit)['outcome']).toEqual({ exitCode: 0, name: 'exited' });
    expect(canonicalJson({ b: 1, a: [{ d: null, c: '2' }] })).toBe('{"a":[{"c":"2","d":null}],"b":1}');
  });

  it('zeroos run --digest should print one digest line on stderr at the end, the same from any directory', () => {
    const cli = (cwd: string, elf: string) =>
      spawnSync(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), 'run', '--digest', elf], { cwd, encoding: 'utf8', input: '' });
    const a = cli(ROOT, 'guests/bin/hello');
    expect(a.status).toBe(0);
    expect(a.stderr).toMatch(/^digest sha256:[0-9a-f]{64}\n$/);
    const b = cli(join(ROOT, 'guests'), 'bin/hello');
    expect(b.stderr).toBe(a.stderr);
    // The library's digest of the same run is the CLI's.
    expect(a.stderr.trim()).toBe(`digest ${digestOf('hello')}`);
    // A run that faults prints it too.
    const segv = cli(ROOT, 'guests/bin/segv');
    expect(segv.status).toBe(139);
    expect(segv.stderr).toMatch(/digest sha256:[0-9a-f]{64}\n/);
  });

  it('zeroos run --trace-json FILE should write the events as JSON lines', () => {
    const out = join(ROOT, 'node_modules', '.zeroos-test-trace.jsonl');
    const run = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), 'run', '--trace-json', out, 'guests/bin/hello'], { cwd: ROOT, encoding: 'utf8', input: '' });
    expect(run.status).toBe(0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { kind: string });
    expect(lines[0]!.kind).toBe('syscall-enter');
    expect(lines.at(-1)).toMatchObject({ kind: 'process-exit', code: 0, reason: 'exit' });
    const bad = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), 'run', '--trace-json', '/nonexistent/dir/t.jsonl', 'guests/bin/hello'], { cwd: ROOT, encoding: 'utf8', input: '' });
    expect(bad.status).toBe(77);
    expect(bad.stderr).toMatch(/^zeroos: HostFileError: cannot open the JSON trace/);
  });
});
