import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunDigest } from '../../src/trace/digest.js';
import { createKernel, type KernelOptions } from '../../src/zeroos.js';
import { traceGuest } from '../trace/strace-helpers.js';

/**
 * timers (guests/src/timers.c) against qemu-riscv64: POSIX timers on the wall and CPU
 * clocks (SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID to a thread that spins without system
 * calls, TIMER_ABSTIME, overruns while the signal is blocked), setitimer/getitimer, mincore,
 * and alarm()'s SIGALRM ending the process (142). Every engine gives the same run digest
 * (timers fire at the same instruction); the random scheduler and a quantum print the same;
 * one seed gives one run.
 */
const GUESTS = join(import.meta.dirname, '..', '..', 'guests');
const ENGINES = ['interpreter', 'js', 'wasm'] as const;
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const expected = (ext: string) => readFileSync(join(GUESTS, 'expected', `timers.${ext}`), 'utf8');

function run(options: KernelOptions = {}) {
  const zeroos = createKernel({ maxInstructions: 500_000_000, ...options });
  try {
    const digest = new RunDigest(zeroos.events, zeroos.console);
    zeroos.load({ executable: readFileSync(join(GUESTS, 'bin', 'timers')), path: '/bin/timers', argv: ['/bin/timers'], env: [] });
    const result = zeroos.run();
    return { result, stats: zeroos.stats(), stdout: decode(result.stdout), stderr: decode(result.stderr), digest: digest.digest() };
  } finally {
    zeroos.dispose();
  }
}

describe('timers', () => {
  const tiers = new Map<string, ReturnType<typeof run>>();
  const onTier = (engine: (typeof ENGINES)[number]) => {
    if (!tiers.has(engine)) tiers.set(engine, run({ engine }));
    return tiers.get(engine)!;
  };

  it.each(ENGINES)('should print what qemu-riscv64 printed and end by SIGALRM (%s tier)', (engine) => {
    const { result, stdout, stderr } = onTier(engine);
    expect(stdout).toBe(expected('stdout'));
    expect(stderr).toBe(expected('stderr'));
    expect(result.exitCode).toBe(Number(expected('exit').trim()));
    expect(result.exitCode).toBe(142);
  });

  it('should fire every timer at the same instruction on every tier (one run digest)', () => {
    expect(new Set(ENGINES.map((engine) => onTier(engine).digest)).size).toBe(1);
    expect(new Set(ENGINES.map((engine) => onTier(engine).result.instructions)).size).toBe(1);
  });

  it.each([1n, 2n, 7n, 42n])('should print the same under the random scheduler (seed %s)', (seed) => {
    const { result, stdout } = run({ scheduler: 'random', seed });
    expect(stdout).toBe(expected('stdout'));
    expect(result.exitCode).toBe(142);
  });

  it('should print the same with a quantum that preempts threads', () => {
    const { result, stdout } = run({ quantum: 5_000 });
    expect(stdout).toBe(expected('stdout'));
    expect(result.exitCode).toBe(142);
  });

  it('should run the same way twice with one seed under the random scheduler', () => {
    const a = run({ scheduler: 'random', seed: 5n, quantum: 20_000 });
    const b = run({ scheduler: 'random', seed: 5n, quantum: 20_000 });
    expect(b.digest).toBe(a.digest);
    expect(b.result.instructions).toBe(a.result.instructions);
    expect(b.stats.virtualNs).toBe(a.stats.virtualNs);
  });

  it('should show the timer calls as strace does', () => {
    const { lines } = traceGuest('timers');
    expect(lines).toContain(
      '[1] timer_create(CLOCK_MONOTONIC, {sigev_value={sival_int=24301, sival_ptr=0x5eed}, sigev_signo=SIGUSR1, sigev_notify=SIGEV_SIGNAL}, [1]) = 0',
    );
    expect(lines).toContain('[1] timer_settime(1, 0, {it_interval={tv_sec=0, tv_nsec=1000000}, it_value={tv_sec=0, tv_nsec=1000000}}, NULL) = 0');
    expect(lines).toContain('[1] setitimer(ITIMER_REAL, {it_interval={tv_sec=0, tv_usec=2000}, it_value={tv_sec=0, tv_usec=2000}}, NULL) = 0');
    expect(lines.some((l) => /^\[1\] getitimer\(ITIMER_REAL, \{it_interval=\{tv_sec=0, tv_usec=2000\}, it_value=\{tv_sec=0, tv_usec=\d+\}\}\) = 0$/.test(l))).toBe(true);
    expect(lines).toContain('[1] timer_delete(12345) = -1 EINVAL (Invalid argument)');
    expect(lines.some((l) => /^\[1\] mincore\(0x[0-9a-f]+, 16384, \[1, 1, 1, 1\]\) = 0$/.test(l))).toBe(true);
    expect(lines.some((l) => /^\[1\] timer_create\(CLOCK_MONOTONIC, \{.*sigev_notify=SIGEV_THREAD_ID, sigev_notify_thread_id=2\}, \[\d+\]\) = 0$/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^\[\d+\] \+\+\+ killed by SIGALRM \+\+\+$/);
  });
});
