import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KernelEvent } from '../../src/kernel/events.js';
import { createKernel } from '../../src/zeroos.js';
import { GUESTS, ofKind, pairCalls, runGuest } from './events-support.js';

describe('syscall events', () => {
  describe('a futex wait with a timeout (futex_pingpong)', () => {
    const run = runGuest('futex_pingpong', { args: ['3'] });

    it('should show the wait unfinished when it blocks, then its ETIMEDOUT result when it times out', () => {
      expect(run.error).toBeUndefined();
      const calls = pairCalls(run.events);
      // FUTEX_WAIT_PRIVATE (128) on the word with value 5 and a timespec: the 2 ms wait.
      const timed = calls.find((c) => c.enter.name === 'futex' && c.enter.args[1] === 128n && c.enter.args[3] !== 0n && c.exit.errno === 'ETIMEDOUT');
      expect(timed).toBeDefined();
      expect(timed!.unfinished).toMatchObject({ kind: 'syscall-unfinished', name: 'futex', nr: 98, tid: timed!.enter.tid, pc: timed!.enter.pc });
      expect(timed!.unfinished!.seq).toBe(timed!.enter.seq + 1);
      expect(timed!.exit).toMatchObject({ result: -110n, errno: 'ETIMEDOUT', resumed: true, pc: timed!.enter.pc });
      expect(timed!.exit.args).toEqual(timed!.enter.args);
    });

    it('should end a wait another thread wakes with its real result and the instructions spent meanwhile', () => {
      const woken = pairCalls(run.events).filter((c) => c.unfinished && c.exit.result === 0n);
      expect(woken.length).toBeGreaterThan(3);
      for (const call of woken) {
        expect(call.exit.resumed).toBe(true);
        expect(call.exit.instructions).toBeGreaterThan(0);
      }
    });

    it('should give an errno name on failures and none on success', () => {
      const calls = pairCalls(run.events);
      expect(calls.find((c) => c.exit.result === -11n)?.exit.errno).toBe('EAGAIN');
      expect(calls.find((c) => c.exit.result === -38n)?.exit.errno).toBe('ENOSYS');
      for (const c of calls.filter((c) => c.exit.result !== undefined && c.exit.result >= 0n)) expect(c.exit.errno).toBeUndefined();
    });

    it('should number every event from 0 without gaps, and end with process-exit', () => {
      expect(run.events.map((e) => e.seq)).toEqual(run.events.map((_, i) => i));
      expect(run.events.at(-1)).toMatchObject({ kind: 'process-exit', reason: 'exit', code: 0 });
      expect(ofKind(run.events, 'process-exit')).toHaveLength(1);
    });

    it('should give the same seq numbers whoever subscribes (the kernel counts unobserved events)', () => {
      // Only process-exit and thread switches observed: no syscall event is built at all.
      const quiet = createKernel({ maxInstructions: 200_000_000 });
      const seen: KernelEvent[] = [];
      quiet.events.processExit$.subscribe((e) => seen.push(e));
      quiet.events.threadSwitch$.subscribe((e) => seen.push(e));
      quiet.load({ executable: readFileSync(join(GUESTS, 'bin', 'futex_pingpong')), path: '/bin/futex_pingpong', argv: ['/bin/futex_pingpong', '3'] });
      quiet.run();
      const full = run.events.filter((e) => e.kind === 'process-exit' || e.kind === 'thread-switch');
      expect(seen).toEqual(full);
      expect(seen.at(-1)!.seq).toBe(run.events.length - 1);
    });
  });

  describe('the exit of exit_group', () => {
    it('should come without a result, after its enter and before process-exit', () => {
      const run = runGuest('hello');
      const last = run.events.slice(-3);
      expect(last.map((e) => e.kind)).toEqual(['syscall-enter', 'syscall-exit', 'process-exit']);
      expect(last[1]).toMatchObject({ name: 'exit_group', result: undefined, resumed: false });
    });
  });

  describe('a read of an empty pipe (pipe_threads)', () => {
    const run = runGuest('pipe_threads');

    it('should be one call: unfinished when it blocks, resumed with the bytes it read once data came', () => {
      expect(run.error).toBeUndefined();
      const calls = pairCalls(run.events);
      const blockedReads = calls.filter((c) => c.enter.name === 'read' && c.unfinished);
      expect(blockedReads.length).toBeGreaterThan(0);
      for (const c of blockedReads) {
        expect(c.exit.resumed).toBe(true);
        expect(c.exit.result).toBeGreaterThanOrEqual(0n);
      }
      // A blocked write to a full pipe too.
      expect(calls.some((c) => c.enter.name === 'write' && c.unfinished && c.exit.result! > 0n)).toBe(true);
    });

    it('should count a restarted call once in the syscall counts', () => {
      const enters = ofKind(run.events, 'syscall-enter').length;
      expect(run.zeroos.stats().syscalls).toBe(enters);
    });
  });
});
