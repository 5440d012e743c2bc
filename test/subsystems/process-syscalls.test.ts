import { describe, expect, it } from 'vitest';
import { SYSCALL_NUMBERS as NR } from '../../src/kernel/syscall/numbers.js';
import { DATA, UNMAPPED, syscallHarness } from '../support/syscall-harness.js';

describe('ProcessSyscalls', () => {
  describe('set_tid_address', () => {
    it('should return the caller\'s tid and remember the address', () => {
      const h = syscallHarness();
      expect(h.syscall(NR.set_tid_address, DATA)).toBe(1n);
      expect([...h.zeroos.process.threads.values()][0]!.clearChildTid).toBe(DATA);
    });
    it('should accept an unmapped address (Linux checks it only at exit)', () => {
      expect(syscallHarness().syscall(NR.set_tid_address, UNMAPPED)).toBe(1n);
    });
  });

  describe('getpid and gettid', () => {
    it('should report pid 1 and tid 1 for the main thread', () => {
      const h = syscallHarness();
      expect(h.syscall(NR.getpid)).toBe(1n);
      expect(h.syscall(NR.gettid)).toBe(1n);
    });
  });

  describe('exit_group', () => {
    it('should end the process with the status truncated to 8 bits and emit process-exit', () => {
      const h = syscallHarness();
      const exits: number[] = [];
      h.zeroos.events.processExit$.subscribe((e) => exits.push(e.code));
      h.syscall(NR.exit_group, 0x1ff);
      expect(h.zeroos.process.exit?.code).toBe(0xff);
      // process-exit is the run's last event: it comes when the run is seen to be over.
      expect(exits).toEqual([]);
      expect(h.zeroos.runFor(10)).toBe('exited');
      expect(exits).toEqual([0xff]);
    });
  });

  describe('exit', () => {
    it('should clear the clear-child-tid word and, as the last thread, end the process with its code', () => {
      const h = syscallHarness();
      h.write(DATA, new Uint8Array([7, 7, 7, 7]));
      h.syscall(NR.set_tid_address, DATA);
      h.syscall(NR.exit, 3);
      expect([...h.read(DATA, 4)]).toEqual([0, 0, 0, 0]);
      expect(h.zeroos.process.exit?.code).toBe(3);
    });
  });
});
