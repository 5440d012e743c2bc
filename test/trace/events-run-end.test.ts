import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors.js';
import { Deadlock, GuestFault, InstructionBudgetExhausted } from '../../src/kernel/errors.js';
import type { KernelEvent } from '../../src/kernel/events.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKernel, Interrupted } from '../../src/zeroos.js';
import { GUESTS, ofKind, pairCalls, runGuest } from './events-support.js';

/** process-exit is the last event and the only one. */
function lastExit(events: readonly KernelEvent[]) {
  expect(ofKind(events, 'process-exit')).toHaveLength(1);
  const last = events.at(-1)!;
  expect(last.kind).toBe('process-exit');
  return last as Extract<KernelEvent, { kind: 'process-exit' }>;
}

describe('process-exit, the last event of every run', () => {
  it('exit: the guest\'s status and the "exited" outcome', () => {
    const run = runGuest('exitcode');
    expect(lastExit(run.events)).toMatchObject({ code: 42, reason: 'exit', outcome: { name: 'exited', exitCode: 42 } });
  });

  it('signal: abort() ends with SIGABRT (134), after the signal was generated and delivered', () => {
    const run = runGuest('abort');
    const exit = lastExit(run.events);
    expect(exit).toMatchObject({ code: 134, signal: 6, reason: 'signal', outcome: { name: 'killed', exitCode: 134 } });
    const signals = ofKind(run.events, 'signal').filter((e) => e.signal === 6);
    expect(signals.map((e) => e.phase)).toContain('generated');
    expect(signals.at(-1)!.phase).toBe('delivered');
    expect(signals.at(-1)!.handler).toBeUndefined();
    pairCalls(run.events);
  });

  it('fault: segv gives a fault event at the faulting access, then process-exit 139 with reason fault', () => {
    const run = runGuest('segv');
    expect(run.error).toBeInstanceOf(GuestFault);
    const fault = ofKind(run.events, 'fault');
    expect(fault).toHaveLength(1);
    expect(fault[0]).toMatchObject({ reason: 'unmapped', pc: (run.error as GuestFault).pc });
    expect(lastExit(run.events)).toMatchObject({ code: 139, signal: 11, reason: 'fault', outcome: { name: 'GuestFault', exitCode: 139 } });
  });

  it('fault: an illegal instruction is a fault event with its pc', () => {
    const run = runGuest('illegal');
    expect(ofKind(run.events, 'fault')[0]).toMatchObject({ reason: 'illegal-instruction', access: 'execute' });
    expect(lastExit(run.events)).toMatchObject({ code: 132, reason: 'fault' });
  });

  it('deadlock: every blocked call gets its exit (no result) before process-exit 74', () => {
    const run = runGuest('deadlock');
    expect(run.error).toBeInstanceOf(Deadlock);
    const exit = lastExit(run.events);
    expect(exit).toMatchObject({ code: EXIT_CODES.deadlock, reason: 'deadlock', outcome: { name: 'Deadlock', exitCode: 74 } });
    const calls = pairCalls(run.events);
    const neverReturned = calls.filter((c) => c.unfinished && c.exit.result === undefined);
    expect(neverReturned.map((c) => c.enter.name)).toEqual(['futex', 'futex', 'futex']);
    for (const c of neverReturned) expect(c.exit.seq).toBeLessThan(exit.seq);
  });

  it('budget: process-exit 73 with reason budget', () => {
    const run = runGuest('cpubench', { maxInstructions: 100_000 });
    expect(run.error).toBeInstanceOf(InstructionBudgetExhausted);
    expect(lastExit(run.events)).toMatchObject({ code: EXIT_CODES.budgetExhausted, reason: 'budget', instret: 100_000 });
  });

  it('interrupted: a run stopped from outside ends with process-exit 130', async () => {
    const zeroos = createKernel();
    const events: KernelEvent[] = [];
    zeroos.events.all$.subscribe((e) => events.push(e));
    zeroos.load({ executable: readFileSync(join(GUESTS, 'bin', 'cpubench')), path: '/bin/cpubench', argv: ['/bin/cpubench'] });
    const controller = new AbortController();
    let slices = 0;
    const error = await zeroos
      .runAsync({ slice: 50_000, pause: async () => void (++slices === 2 && controller.abort()), signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Interrupted);
    expect(lastExit(events)).toMatchObject({ code: 130, reason: 'interrupted', instret: 100_000, outcome: { name: 'Interrupted', exitCode: 130 } });
  });

  it('a driver that calls finish() before the guest ended: interrupted, once', () => {
    const zeroos = createKernel();
    const exits: KernelEvent[] = [];
    zeroos.events.processExit$.subscribe((e) => exits.push(e));
    zeroos.load({ executable: readFileSync(join(GUESTS, 'bin', 'cpubench')), path: '/bin/cpubench', argv: ['/bin/cpubench'] });
    expect(zeroos.runFor(1000)).toBe('running');
    zeroos.finish();
    zeroos.finish();
    expect(exits).toMatchObject([{ reason: 'interrupted', code: 130 }]);
  });

  it('halt on Jolt: the zkVM outcome (terminated) and reason halt', () => {
    const run = runGuest('jolt/jolt_cycles', { platform: 'jolt', trapMode: 'machine' });
    expect(run.error).toBeUndefined();
    expect(lastExit(run.events)).toMatchObject({ reason: 'halt', code: 0, outcome: { name: 'terminated', exitCode: 0 } });
  });

  it('a panic on Jolt: outcome panicked (80)', () => {
    const run = runGuest('jolt/jolt_panic', { platform: 'jolt' });
    expect(lastExit(run.events)).toMatchObject({ outcome: { name: 'panicked', exitCode: EXIT_CODES.zkvmPanic } });
  });
});

describe('other events', () => {
  it('memory-map: mmap, mprotect, munmap, mremap and brk with their ranges (mmap_ops)', () => {
    const run = runGuest('mmap_ops');
    const maps = ofKind(run.events, 'memory-map');
    const ops = new Set(maps.map((m) => m.op));
    for (const op of ['mmap', 'munmap', 'mprotect', 'brk'] as const) expect(ops).toContain(op);
    const calls = pairCalls(run.events);
    for (const m of maps) {
      // Each sits inside its own successful call, at the same instant.
      const call = calls.find((c) => c.enter.seq < m.seq && m.seq < c.exit.seq)!;
      expect(call.enter.name).toBe(m.op);
      expect(call.exit.errno).toBeUndefined();
      expect(m.length % 4096n === 0n || m.op === 'brk').toBe(true);
      if (m.op === 'mmap' || m.op === 'mremap') expect(m.start).toBe(call.exit.result);
      if (m.op === 'munmap' || m.op === 'mprotect') expect(m.start).toBe(call.enter.args[0]);
    }
  });

  it('signal: generated, delivered to the handler, handler-return (signals)', () => {
    const run = runGuest('signals');
    expect(run.error).toBeUndefined();
    const signals = ofKind(run.events, 'signal');
    const usr1 = signals.filter((e) => e.signal === 10);
    expect(usr1.map((e) => e.phase).slice(0, 3)).toEqual(['generated', 'delivered', 'handler-return']);
    expect(usr1[1]!.handler).toBeTypeOf('bigint');
    const delivered = signals.filter((e) => e.phase === 'delivered' && e.handler !== undefined).length;
    expect(signals.filter((e) => e.phase === 'handler-return').length).toBeLessThanOrEqual(delivered);
    // kill() to itself whose handler ran at once still returns 0 in its exit event (not
    // the signal number the handler got in a0).
    const kills = pairCalls(run.events).filter((c) => c.enter.name === 'kill' || c.enter.name === 'tkill' || c.enter.name === 'tgkill');
    expect(kills.some((c) => c.exit.result === 0n)).toBe(true);
    for (const c of kills) expect(c.exit.result === 0n || c.exit.errno !== undefined).toBe(true);
    // rt_sigsuspend returns EINTR once its handler has run.
    const suspends = pairCalls(run.events).filter((c) => c.enter.name === 'rt_sigsuspend');
    for (const c of suspends) expect(c.exit.errno).toBe('EINTR');
  });

  it('integration: Jolt cycle-tracking spans, with rows and instructions', () => {
    const run = runGuest('jolt/jolt_cycles', { platform: 'jolt', trapMode: 'machine' });
    const spans = ofKind(run.events, 'integration');
    expect(spans.length).toBeGreaterThan(0);
    expect(spans.every((e) => e.source === 'jolt')).toBe(true);
    const ended = spans.filter((e) => e.name === 'span-end');
    expect(ended.length).toBeGreaterThan(0);
    expect(ended[0]!.data).toMatchObject({ label: expect.any(String), rows: expect.any(Number), instructions: expect.any(Number) });
    expect(spans.some((e) => e.name === 'span-start')).toBe(true);
  });

  it('syscall-exit carries the cost model\'s units on Jolt (host trap mode)', () => {
    const run = runGuest('jolt/jolt_rust', { platform: 'jolt' });
    const exits = ofKind(run.events, 'syscall-exit');
    if (exits.length === 0) return; // a guest without syscalls
    for (const e of exits) expect(e.cost).toBeTypeOf('number');
    expect(ofKind(runGuest('hello').events, 'syscall-exit')[0]!.cost).toBeUndefined();
  });
});
