import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKernel, type KernelOptions } from '../../src/zeroos.js';
import { traceGuest } from '../trace/strace-helpers.js';

/**
 * sig_restart (guests/src/sig_restart.c) against qemu-riscv64: a handled signal sent with
 * tgkill to a thread blocked in a pipe read or write, an eventfd read, flock, a futex
 * wait, nanosleep, ppoll or epoll_pwait, with and without SA_RESTART: EINTR, a transparent
 * restart, or the partial count of a write, as Linux decides; ignored and blocked signals
 * leave the call alone; SIGTERM's default action ends the process (143). Every engine, the
 * random scheduler under several seeds, and the strace lines of the interrupted calls.
 */
const GUESTS = join(import.meta.dirname, '..', '..', 'guests');
const ENGINES = ['interpreter', 'js', 'wasm'] as const;
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const expected = (ext: string) => readFileSync(join(GUESTS, 'expected', `sig_restart.${ext}`), 'utf8');

function run(options: KernelOptions = {}) {
  const zeroos = createKernel({ maxInstructions: 200_000_000, ...options });
  zeroos.load({ executable: readFileSync(join(GUESTS, 'bin', 'sig_restart')), path: '/bin/sig_restart', argv: ['/bin/sig_restart'] });
  const result = zeroos.run();
  return { result, stats: zeroos.stats(), stdout: decode(result.stdout), stderr: decode(result.stderr) };
}

describe('sig_restart', () => {
  it.each(ENGINES)('should print what qemu-riscv64 printed and be killed by SIGTERM (%s tier)', (engine) => {
    const { result, stdout, stderr } = run({ engine });
    expect(stdout).toBe(expected('stdout'));
    expect(stderr).toBe(expected('stderr'));
    expect(result.exitCode).toBe(Number(expected('exit').trim()));
    expect(result.exitCode).toBe(143);
  });

  it.each([1n, 2n, 7n, 42n])('should print the same under the random scheduler (seed %s)', (seed) => {
    const { result, stdout } = run({ scheduler: 'random', seed });
    expect(stdout).toBe(expected('stdout'));
    expect(result.exitCode).toBe(143);
  });

  it('should print the same with a quantum that preempts threads', () => {
    const { result, stdout } = run({ quantum: 5_000 });
    expect(stdout).toBe(expected('stdout'));
    expect(result.exitCode).toBe(143);
  });

  it('should run the same way twice with one seed under the random scheduler', () => {
    const a = run({ scheduler: 'random', seed: 5n });
    const b = run({ scheduler: 'random', seed: 5n });
    expect(b.result.instructions).toBe(a.result.instructions);
    expect(b.stats.virtualNs).toBe(a.stats.virtualNs);
  });

  it('should let the main thread find the reader blocked (state S) in /proc/self/task/2/stat before each signal', () => {
    const { lines } = traceGuest('sig_restart');
    expect(lines.some((l) => /openat\(AT_FDCWD, "\/proc\/self\/task\/2\/stat", O_RDONLY\) = -1/.test(l))).toBe(false);
    const sleeping = lines.filter((l) => /^\[1\] read\(\d+, "2 \(sig_restart\) S 0 1 1 0 -1 /.test(l));
    expect(sleeping.length).toBeGreaterThanOrEqual(15);
  });

  it('should show interrupted calls as strace does: "? ERESTARTSYS", the signal, rt_sigreturn, then the restarted call', () => {
    const { lines } = traceGuest('sig_restart');
    const reader = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    // no SA_RESTART: the read ends with ERESTARTSYS, the handler runs, rt_sigreturn returns -EINTR
    const first = reader(/^\[2\] <\.\.\. read resumed>0x[0-9a-f]+, 1\) = \? ERESTARTSYS \(To be restarted if SA_RESTART is set\)$/);
    expect(first).toBeGreaterThan(0);
    expect(lines[first + 1]).toBe('[2] --- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=1, si_uid=0} ---');
    expect(lines[first + 2]).toBe('[2] rt_sigreturn({mask=[]}) = -1 EINTR (Interrupted system call)');
    // SA_RESTART: rt_sigreturn returns the fd (a0 restored), and the read runs again
    const restarted = lines.findIndex((l, i) => i > first + 2 && / = \? ERESTARTSYS /.test(l));
    expect(lines[restarted]).toMatch(/^\[2\] <\.\.\. read resumed>0x[0-9a-f]+, 1\) = \? ERESTARTSYS/);
    expect(lines[restarted + 2]).toBe('[2] rt_sigreturn({mask=[]}) = 3');
    expect(lines[restarted + 3]).toMatch(/^\[2\] read\(3,  <unfinished \.\.\.>$/);
    // the partial write returns its count; a timed futex wait shows ERESTART_RESTARTBLOCK; ppoll ERESTARTNOHAND
    expect(lines).toContain('[2] <... write resumed>) = 65536');
    expect(lines).toContain('[2] <... futex resumed>) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)');
    // nanosleep: the time left written to rem, ERESTART_RESTARTBLOCK, and EINTR after the handler even under SA_RESTART
    const sleep = reader(/^\[2\] <\.\.\. nanosleep resumed>\{tv_sec=\d+, tv_nsec=\d+\}\) = \? ERESTART_RESTARTBLOCK \(Interrupted by signal\)$/);
    expect(sleep).toBeGreaterThan(0);
    expect(lines[sleep + 1]).toBe('[2] --- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=1, si_uid=0} ---');
    expect(lines[sleep + 2]).toBe('[2] rt_sigreturn({mask=[]}) = -1 EINTR (Interrupted system call)');
    expect(lines).toContain('[2] <... ppoll resumed>) = ? ERESTARTNOHAND (To be restarted if no handler)');
    expect(lines).toContain('[2] <... flock resumed>) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)');
    // the fatal SIGTERM (tgkill, default action) with the siginfo it was dequeued with
    expect(lines.slice(-4).join('\n')).toMatch(/^\[\d+\] --- SIGTERM \{si_signo=SIGTERM, si_code=SI_TKILL, si_pid=1, si_uid=0\} ---$/m);
    expect(lines.at(-1)).toMatch(/^\[\d+\] \+\+\+ killed by SIGTERM \+\+\+$/);
  });
});
