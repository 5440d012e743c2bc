import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/kernel/clock.js';
import { Errno } from '../../src/kernel/errno.js';
import { UnsupportedFeature } from '../../src/kernel/errors.js';
import { FutexTable } from '../../src/kernel/futex.js';
import { Process, type Thread } from '../../src/kernel/process.js';
import { SYSCALL_NUMBERS as NR } from '../../src/kernel/syscall/numbers.js';
import { ThreadWaits } from '../../src/kernel/waits.js';
import { CooperativeScheduler } from '../../src/subsystems/scheduler/cooperative.js';
import { SeededRandomScheduler } from '../../src/subsystems/scheduler/seeded-random.js';
import { DATA, syscallHarness, type SyscallHarness } from '../support/syscall-harness.js';

const E = (n: number) => BigInt(-n);
const WAIT = 0;
const WAKE = 1;
const REQUEUE = 3;
const CMP_REQUEUE = 4;
const WAKE_OP = 5;
const WAIT_BITSET = 9;
const WAKE_BITSET = 10;
const PRIVATE = 128;
const THREAD_FLAGS = 0x3d0f00; // VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID|DETACHED
const WORD = DATA;
const WORD2 = DATA + 8;

/** Clones a thread the way musl does and returns its control block. */
function spawn(h: SyscallHarness): Thread {
  const tid = Number(h.syscall(NR.clone, THREAD_FLAGS, DATA + 0x8000, DATA + 0x100, 0x1234, DATA + 0x104));
  expect(tid).toBeGreaterThan(1);
  return h.zeroos.process.threads.get(tid)!;
}
const setWord = (h: SyscallHarness, address: number, value: number) => h.zeroos.kernel.arch.memory.writeU32(address, value);
const timespec = (h: SyscallHarness, address: number, ns: number) => {
  h.zeroos.kernel.arch.memory.writeU64(address, BigInt(Math.floor(ns / 1e9)));
  h.zeroos.kernel.arch.memory.writeU64(address + 8, BigInt(ns % 1e9));
};

describe('clone', () => {
  it('should create a thread that starts after the ecall with a0 = 0, the given stack and tls', () => {
    const h = syscallHarness();
    const child = spawn(h);
    expect(child.context?.pc).toBe(0x1004);
    expect(child.context?.x[10]).toBe(0n);
    expect(child.context?.x[2]).toBe(BigInt(DATA + 0x8000));
    expect(child.context?.x[4]).toBe(0x1234n);
    expect(h.zeroos.kernel.arch.memory.readU32(DATA + 0x100)).toBe(child.tid); // PARENT_SETTID
    expect(child.clearChildTid).toBe(DATA + 0x104);
  });
  it('should refuse a new process (no CLONE_VM) with a clear error', () => {
    const h = syscallHarness();
    expect(() => h.syscall(NR.clone, 17, 0, 0, 0, 0)).toThrow(UnsupportedFeature);
    expect(() => h.syscall(NR.clone, 17, 0, 0, 0, 0)).toThrow(/processes are not supported/);
  });
  it('should return -EINVAL for CLONE_THREAD without CLONE_SIGHAND', () => {
    expect(syscallHarness().syscall(NR.clone, 0x10100, DATA, 0, 0, 0)).toBe(E(Errno.EINVAL));
  });
  it('should return -EAGAIN past the thread limit', () => {
    const h = syscallHarness({ maxThreads: 3 });
    spawn(h);
    spawn(h);
    expect(h.syscall(NR.clone, THREAD_FLAGS, DATA + 0x8000, DATA + 0x100, 0, DATA + 0x104)).toBe(E(Errno.EAGAIN));
  });
  it('should serve clone3 with a stack given as base and size', () => {
    const h = syscallHarness();
    const memory = h.zeroos.kernel.arch.memory;
    const args = DATA + 0x200;
    const fields = [BigInt(THREAD_FLAGS & ~0x400000), 0n, BigInt(DATA + 0x104), BigInt(DATA + 0x100), 0n, BigInt(DATA + 0x4000), 0x1000n, 0x99n];
    fields.forEach((v, i) => memory.writeU64(args + i * 8, v));
    const tid = Number(h.syscall(NR.clone3, args, 64));
    const child = h.zeroos.process.threads.get(tid)!;
    expect(child.context?.x[2]).toBe(BigInt(DATA + 0x5000));
    expect(child.context?.x[4]).toBe(0x99n);
  });
});

describe('futex', () => {
  it('should return -EAGAIN when the word does not hold the expected value', () => {
    const h = syscallHarness();
    setWord(h, WORD, 5);
    expect(h.syscall(NR.futex, WORD, WAIT | PRIVATE, 4)).toBe(E(Errno.EAGAIN));
  });
  it('should block a waiter until a wake, which returns the number woken and gives the waiter 0', () => {
    const h = syscallHarness();
    const child = spawn(h);
    setWord(h, WORD, 1);
    h.syscallAs(child, NR.futex, WORD, WAIT, 1);
    expect(child.state).toBe('blocked');
    expect(child.blockedOn).toBe('futex 0x10000 (value 1)');
    expect(h.syscall(NR.futex, WORD, WAKE, 10)).toBe(1n);
    expect(child.state).toBe('runnable');
    expect(child.pendingResult).toBe(0);
    expect(h.syscall(NR.futex, WORD, WAKE, 10)).toBe(0n);
  });
  it('should wake in FIFO order and no more than asked', () => {
    const h = syscallHarness();
    const [a, b, c] = [spawn(h), spawn(h), spawn(h)];
    setWord(h, WORD, 0);
    for (const t of [a, b, c]) h.syscallAs(t, NR.futex, WORD, WAIT | PRIVATE, 0);
    expect(h.syscall(NR.futex, WORD, WAKE | PRIVATE, 2)).toBe(2n);
    expect([a.state, b.state, c.state]).toEqual(['runnable', 'runnable', 'blocked']);
  });
  it('should only wake waiters whose bitset intersects, and reject a zero bitset', () => {
    const h = syscallHarness();
    const [a, b] = [spawn(h), spawn(h)];
    h.syscallAs(a, NR.futex, WORD, WAIT_BITSET, 0, 0, 0, 0b01);
    h.syscallAs(b, NR.futex, WORD, WAIT_BITSET, 0, 0, 0, 0b10);
    expect(h.syscall(NR.futex, WORD, WAKE_BITSET, 10, 0, 0, 0b10)).toBe(1n);
    expect([a.state, b.state]).toEqual(['blocked', 'runnable']);
    expect(h.syscall(NR.futex, WORD, WAIT_BITSET, 0, 0, 0, 0)).toBe(E(Errno.EINVAL));
  });
  it('should requeue waiters to another word', () => {
    const h = syscallHarness();
    const [a, b, c] = [spawn(h), spawn(h), spawn(h)];
    for (const t of [a, b, c]) h.syscallAs(t, NR.futex, WORD, WAIT, 0);
    expect(h.syscall(NR.futex, WORD, REQUEUE, 1, 5, WORD2)).toBe(3n);
    const futexes = h.zeroos.container.get(FutexTable);
    expect([futexes.waiting(WORD), futexes.waiting(WORD2)]).toEqual([0, 2]);
    expect(h.syscall(NR.futex, WORD2, WAKE, 10)).toBe(2n);
  });
  it('should check the value first for CMP_REQUEUE', () => {
    const h = syscallHarness();
    const a = spawn(h);
    h.syscallAs(a, NR.futex, WORD, WAIT, 0);
    setWord(h, WORD, 3);
    expect(h.syscall(NR.futex, WORD, CMP_REQUEUE, 0, 1, WORD2, 2)).toBe(E(Errno.EAGAIN));
    expect(h.syscall(NR.futex, WORD, CMP_REQUEUE, 0, 1, WORD2, 3)).toBe(1n);
    expect(h.zeroos.container.get(FutexTable).waiting(WORD2)).toBe(1);
  });
  it('should apply WAKE_OP to the second word and wake on both when the comparison holds', () => {
    const h = syscallHarness();
    const [a, b] = [spawn(h), spawn(h)];
    h.syscallAs(a, NR.futex, WORD, WAIT, 0);
    setWord(h, WORD2, 7);
    h.syscallAs(b, NR.futex, WORD2, WAIT, 7);
    // op ADD 1, cmp EQ 7: old value 7 → word becomes 8, b is woken too.
    const op = (1 << 28) | (0 << 24) | (1 << 12) | 7;
    expect(h.syscall(NR.futex, WORD, WAKE_OP, 1, 1, WORD2, op)).toBe(2n);
    expect(h.zeroos.kernel.arch.memory.readU32(WORD2)).toBe(8);
  });
  it('should return -EFAULT for an unmapped word and -EINVAL for a misaligned one', () => {
    const h = syscallHarness();
    expect(h.syscall(NR.futex, 0x7000_0000, WAIT, 0)).toBe(E(Errno.EFAULT));
    expect(h.syscall(NR.futex, WORD + 2, WAIT, 0)).toBe(E(Errno.EINVAL));
  });
  it('should time out with -ETIMEDOUT once virtual time passes the deadline', () => {
    const h = syscallHarness();
    const child = spawn(h);
    timespec(h, DATA + 0x300, 5_000);
    h.syscallAs(child, NR.futex, WORD, WAIT, 0, DATA + 0x300);
    const clock = h.zeroos.container.get(VirtualClock);
    const waits = h.zeroos.container.get(ThreadWaits);
    expect(waits.earliestDeadline()).toBe(clock.now() + 5_000);
    clock.advanceTo(clock.now() + 4_999);
    waits.expire();
    expect(child.state).toBe('blocked');
    clock.advanceTo(clock.now() + 1);
    waits.expire();
    expect(child.pendingResult).toBe(-Errno.ETIMEDOUT);
    expect(h.zeroos.container.get(FutexTable).waiting(WORD)).toBe(0);
  });
  it('should reject a malformed timeout with -EINVAL', () => {
    const h = syscallHarness();
    h.zeroos.kernel.arch.memory.writeU64(DATA + 0x300, 0n);
    h.zeroos.kernel.arch.memory.writeU64(DATA + 0x308, 1_000_000_000n);
    expect(h.syscall(NR.futex, WORD, WAIT, 0, DATA + 0x300)).toBe(E(Errno.EINVAL));
  });
});

describe('thread exit', () => {
  it('should clear the clear-child-tid word and wake a joiner waiting on it', () => {
    const h = syscallHarness();
    const child = spawn(h);
    const joiner = spawn(h);
    const tidWord = DATA + 0x104;
    setWord(h, tidWord, child.tid);
    h.syscallAs(joiner, NR.futex, tidWord, WAIT, child.tid);
    h.syscallAs(child, NR.exit, 0);
    expect(h.zeroos.kernel.arch.memory.readU32(tidWord)).toBe(0);
    expect(joiner.state).toBe('runnable');
    expect(child.state).toBe('exited');
    expect(h.zeroos.process.exited).toBe(false);
  });
  it('should mark a held robust futex owner-died and wake its waiter', () => {
    const h = syscallHarness();
    const child = spawn(h);
    const waiter = spawn(h);
    const memory = h.zeroos.kernel.arch.memory;
    const head = DATA + 0x400;
    const entry = DATA + 0x500;
    const lockWord = entry + 16; // futex_offset 16
    memory.writeU64(head, BigInt(entry));
    memory.writeU64(head + 8, 16n);
    memory.writeU64(head + 16, 0n);
    memory.writeU64(entry, BigInt(head));
    memory.writeU32(lockWord, (0x8000_0000 | child.tid) >>> 0);
    expect(h.syscallAs(child, NR.set_robust_list, head, 24)).toBe(0n);
    h.syscallAs(waiter, NR.futex, lockWord, WAIT, (0x8000_0000 | child.tid) >>> 0);
    h.syscallAs(child, NR.exit, 0);
    expect(memory.readU32(lockWord)).toBe(0xc000_0000);
    expect(waiter.state).toBe('runnable');
  });
  it('should end the whole process from a worker with exit_group', () => {
    const h = syscallHarness();
    const child = spawn(h);
    h.syscallAs(child, NR.exit_group, 3);
    expect(h.zeroos.process.exit).toMatchObject({ code: 3, tid: child.tid });
    expect(h.main.state).toBe('exited');
  });
  it('should reject a robust list head of the wrong size', () => {
    expect(syscallHarness().syscall(NR.set_robust_list, DATA, 16)).toBe(E(Errno.EINVAL));
  });
});

describe('sched_*', () => {
  it('should report and accept one CPU', () => {
    const h = syscallHarness();
    expect(h.syscall(NR.sched_getaffinity, 0, 128, DATA)).toBe(8n);
    expect(h.zeroos.kernel.arch.memory.readU8(DATA)).toBe(1);
    expect(h.syscall(NR.sched_getaffinity, 0, 4, DATA)).toBe(E(Errno.EINVAL));
    expect(h.syscall(NR.sched_getaffinity, 999, 8, DATA)).toBe(E(Errno.ESRCH));
    h.zeroos.kernel.arch.memory.writeU8(DATA, 2);
    expect(h.syscall(NR.sched_setaffinity, 0, 8, DATA)).toBe(E(Errno.EINVAL));
  });
  it('should mark the caller as yielding', () => {
    const h = syscallHarness();
    expect(h.syscall(NR.sched_yield)).toBe(0n);
    expect(h.main.yielded).toBe(true);
  });
});

describe('signals sent to oneself', () => {
  it('should end the process with 134 on SIGABRT', () => {
    const h = syscallHarness();
    h.syscall(NR.tgkill, 1, 1, 6);
    expect(h.zeroos.process.exit).toMatchObject({ code: 134, signal: 6 });
  });
  it('should hold a blocked signal until it is unblocked', () => {
    const h = syscallHarness();
    h.zeroos.kernel.arch.memory.writeU64(DATA, 1n << 5n); // SIGABRT
    expect(h.syscall(NR.rt_sigprocmask, 0, DATA, 0, 8)).toBe(0n);
    expect(h.syscall(NR.tkill, 1, 6)).toBe(0n);
    expect(h.zeroos.process.exited).toBe(false);
    h.syscall(NR.rt_sigprocmask, 1, DATA, 0, 8);
    expect(h.zeroos.process.exit?.code).toBe(134);
  });
  it('should ignore signals whose default action is to ignore, and ones set to SIG_IGN', () => {
    const h = syscallHarness();
    expect(h.syscall(NR.tkill, 1, 17)).toBe(0n); // SIGCHLD
    const memory = h.zeroos.kernel.arch.memory;
    memory.writeU64(DATA, 1n); // SIG_IGN
    memory.writeU64(DATA + 8, 0n);
    memory.writeU64(DATA + 16, 0n);
    expect(h.syscall(NR.rt_sigaction, 10, DATA, 0, 8)).toBe(0n);
    expect(h.syscall(NR.tkill, 1, 10)).toBe(0n);
    expect(h.zeroos.process.exited).toBe(false);
  });
  it('should report the previous action and refuse to change SIGKILL', () => {
    const h = syscallHarness();
    const memory = h.zeroos.kernel.arch.memory;
    memory.writeU64(DATA, 0x1_2340n);
    memory.writeU64(DATA + 8, 0x4n);
    memory.writeU64(DATA + 16, 0n);
    h.syscall(NR.rt_sigaction, 12, DATA, 0, 8);
    expect(h.syscall(NR.rt_sigaction, 12, 0, DATA + 0x40, 8)).toBe(0n);
    expect(memory.readU64(DATA + 0x40)).toBe(0x1_2340n);
    expect(h.syscall(NR.rt_sigaction, 9, DATA, 0, 8)).toBe(E(Errno.EINVAL));
    expect(h.syscall(NR.rt_sigaction, 12, DATA, 0, 16)).toBe(E(Errno.EINVAL));
  });
  it('should return -ESRCH for a thread that does not exist and -EINVAL for a bad signal', () => {
    const h = syscallHarness();
    expect(h.syscall(NR.tgkill, 1, 42, 6)).toBe(E(Errno.ESRCH));
    expect(h.syscall(NR.tgkill, 1, 1, 65)).toBe(E(Errno.EINVAL));
  });
});

describe(CooperativeScheduler, () => {
  const threads = (n: number) => {
    const process = new Process();
    return Array.from({ length: n }, () => process.createThread());
  };
  describe('.pickNext', () => {
    it('should go round-robin over runnable threads, skipping blocked ones', () => {
      const [a, b, c] = threads(3) as [Thread, Thread, Thread];
      const scheduler = new CooperativeScheduler();
      [a, b, c].forEach((t) => scheduler.add(t));
      expect(scheduler.pickNext(a)).toBe(b);
      b.state = 'blocked';
      expect(scheduler.pickNext(a)).toBe(c);
      expect(scheduler.pickNext(c)).toBe(a);
      a.state = 'blocked';
      c.state = 'blocked';
      expect(scheduler.pickNext(c)).toBeUndefined();
    });
  });
});

describe(SeededRandomScheduler, () => {
  describe('.pickNext', () => {
    const order = (seed: bigint) => {
      const process = new Process();
      const scheduler = new SeededRandomScheduler(seed);
      const ts = Array.from({ length: 4 }, () => process.createThread());
      ts.forEach((t) => scheduler.add(t));
      return Array.from({ length: 32 }, () => scheduler.pickNext()!.tid).join(',');
    };
    it('should give the same sequence for the same seed and another for another seed', () => {
      expect(order(1n)).toBe(order(1n));
      expect(order(1n)).not.toBe(order(2n));
    });
    it('should pick every runnable thread eventually', () => {
      expect(new Set(order(9n).split(',')).size).toBe(4);
    });
  });
});
