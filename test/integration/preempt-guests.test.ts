import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InstructionBudgetExhausted } from '../../src/kernel/errors.js';
import { DEFAULT_GO_QUANTUM } from '../../src/kernel/quantum.js';
import { createKernel, type KernelOptions } from '../../src/zeroos.js';

/**
 * What Go's runtime needs from the scheduler, signals, futex and memory, in musl C guests
 * checked against qemu-riscv64 (guests/expected): preempt_signals (a watchdog thread
 * tgkill's a spinning thread, whose SA_ONSTACK handler rewrites the interrupted context),
 * futex_timeouts (8 threads time out at different deadlines; futex's errors; EINTR) and
 * madvise_variants (Linux's rules per advice; see its qemu-fix). Every engine, and the
 * random scheduler under several seeds.
 */
const GUESTS = join(import.meta.dirname, '..', '..', 'guests');
const ENGINES = ['interpreter', 'js', 'wasm'] as const;
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const expected = (name: string, ext: string) => readFileSync(join(GUESTS, 'expected', `${name}.${ext}`), 'utf8');

function run(name: string, options: KernelOptions = {}) {
  const zeroos = createKernel({ maxInstructions: 200_000_000, ...options });
  zeroos.load({ executable: readFileSync(join(GUESTS, 'bin', name)), path: `/bin/${name}`, argv: [`/bin/${name}`] });
  const result = zeroos.run();
  return { result, stats: zeroos.stats(), stdout: decode(result.stdout) };
}

describe.each(['preempt_signals', 'futex_timeouts', 'madvise_variants'])('%s', (name) => {
  // preempt_signals needs preemption (its spinner never makes a syscall): the default Go quantum
  const quantum = { quantum: DEFAULT_GO_QUANTUM };
  it.each(ENGINES)('should print what qemu-riscv64 printed (%s tier)', (engine) => {
    const { result, stdout } = run(name, { engine, ...quantum });
    expect(stdout).toBe(expected(name, 'stdout'));
    expect(result.exitCode).toBe(Number(expected(name, 'exit').trim()));
  });
  it.each([1n, 2n, 7n, 42n])('should print the same under the random scheduler (seed %s)', (seed) => {
    const { result, stdout } = run(name, { scheduler: 'random', seed, ...quantum });
    expect(stdout).toBe(expected(name, 'stdout'));
    expect(result.exitCode).toBe(0);
  });
  it('should run the same way twice with one seed under the random scheduler', () => {
    const a = run(name, { scheduler: 'random', seed: 5n, ...quantum });
    const b = run(name, { scheduler: 'random', seed: 5n, ...quantum });
    expect(b.result.instructions).toBe(a.result.instructions);
    expect(b.stats.virtualNs).toBe(a.stats.virtualNs);
  });
});

describe('preempt_signals without a quantum', () => {
  it('should never let the watchdog run: the spinner keeps the hart until the budget ends', () => {
    const zeroos = createKernel({ maxInstructions: 20_000_000 });
    zeroos.load({ executable: readFileSync(join(GUESTS, 'bin', 'preempt_signals')), argv: ['preempt_signals'] });
    expect(() => zeroos.run()).toThrow(InstructionBudgetExhausted);
    expect(decode(zeroos.result().stdout)).not.toContain('watchdog:');
  });
});

describe('futex_timeouts and the virtual clock', () => {
  it('should jump the clock to each deadline when every thread waits, not run to the timeouts', () => {
    const { stats, result } = run('futex_timeouts');
    // 80 ms of timeouts plus the sleeps: well over 100 ms of virtual time in far fewer instructions
    expect(stats.virtualNs).toBeGreaterThan(100_000_000);
    expect(result.instructions).toBeLessThan(stats.virtualNs / 10);
  });
});
