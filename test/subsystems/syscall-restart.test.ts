import { describe, expect, it } from 'vitest';
import type { SyscallEnterEvent, SyscallExitEvent } from '../../src/kernel/events.js';
import type { Thread } from '../../src/kernel/process.js';
import { SYSCALL_NUMBERS as NR } from '../../src/kernel/syscall/numbers.js';
import {
  ERESTARTNOHAND,
  ERESTARTNOINTR,
  ERESTARTSYS,
  ERESTART_RESTARTBLOCK,
  isRestartCode,
  restartOutcome,
} from '../../src/kernel/syscall/restart.js';
import { SIGNAL_DELIVERY, TRAP_HANDLER } from '../../src/kernel/tokens.js';
import { formatError } from '../../src/trace/strace/decode.js';
import { CODE, DATA, iovecs, syscallHarness, type SyscallHarness } from '../support/syscall-harness.js';

/*
 * The restart machinery: a blocking call that a handled signal interrupts ends with a
 * restart code, and on the way back to the thread the code becomes -EINTR or a restart of
 * the call (pc back at its ecall, a0 its first argument) by the handler's SA_RESTART and
 * the call's class, as riscv Linux's handle_signal does.
 */

const EINTR = -4n;
const SIGUSR1 = 10;
const SIGURG = 23;
const SIGUSR2 = 12;
const SIGTERM = 15;
const SA_RESTART = 0x1000_0000n;
const FUTEX_WAIT_PRIVATE = 128;
/** Where the test handler "is": the frame's pc is checked, the handler never runs. */
const HANDLER = 0x1800n;
const SP = DATA + 0x8000;
const ECALL = CODE;
const AFTER_ECALL = CODE + 4;

interface Setup {
  h: SyscallHarness;
  other: Thread;
  /** Hands the hart to `other` after its wait ended, as the run loop does. */
  resume(): void;
  /** The saved pc and a0 in the frame the handler got (a2 = its ucontext). */
  frame(): { pc: bigint; a0: bigint };
  enters: SyscallEnterEvent[];
  exits: SyscallExitEvent[];
}

/** A harness with SIGUSR1 handled (with `flags`) and a second thread that makes the blocking calls. */
function setup(flags = 0n): Setup {
  const h = syscallHarness();
  const memory = h.zeroos.kernel.arch.memory;
  const hart = h.zeroos.kernel.arch.hart;
  const enters: SyscallEnterEvent[] = [];
  const exits: SyscallExitEvent[] = [];
  h.zeroos.events.syscallEnter$.subscribe((e) => enters.push(e));
  h.zeroos.events.syscallExit$.subscribe((e) => exits.push(e));
  action(h, SIGUSR1, HANDLER, flags);
  const other = h.zeroos.process.createThread();
  h.zeroos.kernel.scheduler.add(other);
  hart.setX(2, BigInt(SP));
  const trap = h.zeroos.container.get(TRAP_HANDLER);
  const signals = h.zeroos.container.get(SIGNAL_DELIVERY);
  return {
    h,
    other,
    enters,
    exits,
    resume() {
      expect(other.state).toBe('runnable');
      hart.setX(10, BigInt(other.pendingResult!));
      other.pendingResult = undefined;
      trap.onResume!(other);
      signals.beforeResume(other);
    },
    frame() {
      const ucontext = Number(hart.getX(12));
      return { pc: memory.readU64(ucontext + 176), a0: BigInt.asIntN(64, memory.readU64(ucontext + 176 + 80)) };
    },
  };
}

function action(h: SyscallHarness, signal: number, handler: bigint, flags = 0n): void {
  const memory = h.zeroos.kernel.arch.memory;
  memory.writeU64(DATA + 0xf00, handler);
  memory.writeU64(DATA + 0xf08, flags);
  memory.writeU64(DATA + 0xf10, 0n);
  expect(h.syscall(NR.rt_sigaction, signal, DATA + 0xf00, 0, 8)).toBe(0n);
}

/** A pipe: [read end, write end]. */
function pipe(h: SyscallHarness): [number, number] {
  expect(h.syscall(NR.pipe2, DATA + 0xe00, 0)).toBe(0n);
  const memory = h.zeroos.kernel.arch.memory;
  return [memory.readU32(DATA + 0xe00), memory.readU32(DATA + 0xe04)];
}

describe('restart codes', () => {
  it('should resolve each code as riscv Linux does, with a handler (with and without SA_RESTART) and without one', () => {
    const none = undefined;
    const plain = { restart: false };
    const restart = { restart: true };
    expect([none, plain, restart].map((h) => restartOutcome(ERESTARTSYS, h))).toEqual(['restart', -4, 'restart']);
    expect([none, plain, restart].map((h) => restartOutcome(ERESTARTNOINTR, h))).toEqual(['restart', 'restart', 'restart']);
    expect([none, plain, restart].map((h) => restartOutcome(ERESTARTNOHAND, h))).toEqual(['restart', -4, -4]);
    expect([none, plain, restart].map((h) => restartOutcome(ERESTART_RESTARTBLOCK, h))).toEqual([-4, -4, -4]);
  });

  it('should know the restart codes from errnos, and strace shows them with "?"', () => {
    expect([-512, -513, -514, -516].map(isRestartCode)).toEqual([true, true, true, true]);
    expect([-4, -515, -511, -517, 512, 0].map(isRestartCode)).toEqual([false, false, false, false, false, false]);
    expect(formatError(512)).toBe('? ERESTARTSYS (To be restarted if SA_RESTART is set)');
    expect(formatError(514)).toBe('? ERESTARTNOHAND (To be restarted if no handler)');
    expect(formatError(4)).toBe('-1 EINTR (Interrupted system call)');
  });
});

describe('a handled signal interrupts a blocking call', () => {
  it('should end an untimed futex wait with EINTR without SA_RESTART: the frame saves -EINTR and the pc after the ecall', () => {
    const s = setup();
    s.h.zeroos.kernel.arch.memory.writeU32(DATA + 0x100, 0);
    s.h.syscallAs(s.other, NR.futex, DATA + 0x100, FUTEX_WAIT_PRIVATE, 0, 0, 0, 0);
    expect(s.other.state).toBe('blocked');
    expect(s.h.syscall(NR.tgkill, 1, s.other.tid, SIGUSR1)).toBe(0n);
    expect(BigInt(s.other.pendingResult!)).toBe(BigInt(-ERESTARTSYS));
    s.resume();
    expect(s.h.zeroos.kernel.arch.hart.pc).toBe(Number(HANDLER));
    expect(s.frame()).toEqual({ pc: BigInt(AFTER_ECALL), a0: EINTR });
    // the call's own end says ERESTARTSYS, as strace shows it
    const exit = s.exits.find((e) => e.name === 'futex')!;
    expect(exit).toMatchObject({ result: BigInt(-ERESTARTSYS), errno: 'ERESTARTSYS', resumed: true });
  });

  it('should restart an untimed futex wait under SA_RESTART: the frame saves the ecall and the futex address in a0', () => {
    const s = setup(SA_RESTART);
    s.h.zeroos.kernel.arch.memory.writeU32(DATA + 0x100, 0);
    s.h.syscallAs(s.other, NR.futex, DATA + 0x100, FUTEX_WAIT_PRIVATE, 0, 0, 0, 0);
    s.h.syscall(NR.tgkill, 1, s.other.tid, SIGUSR1);
    s.resume();
    expect(s.frame()).toEqual({ pc: BigInt(ECALL), a0: BigInt(DATA + 0x100) });
  });

  it('should end a timed futex wait with EINTR even under SA_RESTART (ERESTART_RESTARTBLOCK)', () => {
    const s = setup(SA_RESTART);
    const memory = s.h.zeroos.kernel.arch.memory;
    memory.writeU32(DATA + 0x100, 0);
    memory.writeU64(DATA + 0x200, 10n);
    memory.writeU64(DATA + 0x208, 0n);
    s.h.syscallAs(s.other, NR.futex, DATA + 0x100, FUTEX_WAIT_PRIVATE, 0, DATA + 0x200, 0, 0);
    s.h.syscall(NR.tgkill, 1, s.other.tid, SIGUSR1);
    expect(BigInt(s.other.pendingResult!)).toBe(BigInt(-ERESTART_RESTARTBLOCK));
    s.resume();
    expect(s.frame()).toEqual({ pc: BigInt(AFTER_ECALL), a0: EINTR });
  });

  it.each([
    ['without SA_RESTART', 0n, { pc: BigInt(AFTER_ECALL), a0: EINTR }],
    ['with SA_RESTART', SA_RESTART, 'restart'],
  ] as const)('should end a read of an empty pipe %s as Linux does', (_, flags, expected) => {
    const s = setup(flags);
    const [reader] = pipe(s.h);
    s.h.syscallAs(s.other, NR.read, reader, DATA + 0x300, 16);
    expect(s.other.state).toBe('blocked');
    s.h.syscall(NR.tgkill, 1, s.other.tid, SIGUSR1);
    s.resume();
    expect(s.frame()).toEqual(expected === 'restart' ? { pc: BigInt(ECALL), a0: BigInt(reader) } : expected);
  });

  it('should run the restarted read as a new call after rt_sigreturn, with the data written meanwhile', () => {
    const s = setup(SA_RESTART);
    const [reader, writer] = pipe(s.h);
    const hart = s.h.zeroos.kernel.arch.hart;
    s.h.syscallAs(s.other, NR.read, reader, DATA + 0x300, 16);
    s.h.syscall(NR.tgkill, 1, s.other.tid, SIGUSR1);
    // the thread's registers as its read left them (the harness has one hart)
    hart.setX(11, BigInt(DATA + 0x300));
    hart.setX(12, 16n);
    hart.setX(17, BigInt(NR.read));
    s.resume();
    const sp = hart.getX(2);
    s.h.write(DATA + 0x400, 'hey');
    expect(s.h.syscall(NR.write, writer, DATA + 0x400, 3)).toBe(3n);
    // the handler returns: rt_sigreturn restores the frame (pc at the read's ecall, a0 the fd)
    hart.setX(2, sp);
    s.h.syscallAs(s.other, NR.rt_sigreturn);
    expect(hart.pc).toBe(ECALL);
    expect(hart.getX(10)).toBe(BigInt(reader));
    expect(hart.getX(17)).toBe(BigInt(NR.read));
    s.h.zeroos.container.get(TRAP_HANDLER).onEcall(s.other);
    expect(hart.getX(10)).toBe(3n);
    expect(new TextDecoder().decode(s.h.read(DATA + 0x300, 3))).toBe('hey');
    expect(s.enters.filter((e) => e.name === 'read' && e.tid === s.other.tid)).toHaveLength(2);
    const reads = s.exits.filter((e) => e.name === 'read' && e.tid === s.other.tid).map((e) => e.result);
    expect(reads).toEqual([BigInt(-ERESTARTSYS), 3n]);
  });

  it('should end a pipe write that moved part of its data with that count, with or without SA_RESTART, and forget its progress', () => {
    for (const flags of [0n, SA_RESTART]) {
      const s = setup(flags);
      const [reader, writer] = pipe(s.h);
      // 3 x 40000 bytes: the pipe takes 65536, then the write blocks
      iovecs(s.h, DATA + 0x500, [
        [DATA + 0x1000, 40000],
        [DATA + 0x1000, 40000],
        [DATA + 0x1000, 40000],
      ]);
      s.h.syscallAs(s.other, NR.writev, writer, DATA + 0x500, 3);
      expect(s.other.state).toBe('blocked');
      s.h.syscall(NR.tgkill, 1, s.other.tid, SIGUSR1);
      expect(s.other.pendingResult).toBe(65536);
      s.resume();
      expect(s.frame()).toEqual({ pc: BigInt(AFTER_ECALL), a0: 65536n });
      // the next write starts from its own first byte
      expect(s.h.syscall(NR.read, reader, DATA + 0x1000, 40000)).toBe(40000n);
      expect(s.h.syscall(NR.read, reader, DATA + 0x1000, 40000)).toBe(25536n);
      s.h.write(DATA + 0x400, 'abc');
      expect(s.h.syscallAs(s.other, NR.write, writer, DATA + 0x400, 3)).toBe(3n);
      expect(s.h.syscall(NR.read, reader, DATA + 0x300, 16)).toBe(3n);
      expect(new TextDecoder().decode(s.h.read(DATA + 0x300, 3))).toBe('abc');
    }
  });

  it('should end an eventfd read at 0 and a ppoll with nothing ready by the same rules', () => {
    const s = setup();
    const efd = Number(s.h.syscall(NR.eventfd2, 0, 0));
    s.h.syscallAs(s.other, NR.read, efd, DATA + 0x300, 8);
    s.h.syscall(NR.tgkill, 1, s.other.tid, SIGUSR1);
    expect(BigInt(s.other.pendingResult!)).toBe(BigInt(-ERESTARTSYS));
    s.resume();
    expect(s.frame().a0).toBe(EINTR);

    const t = setup(SA_RESTART);
    const [reader] = pipe(t.h);
    const memory = t.h.zeroos.kernel.arch.memory;
    memory.writeU32(DATA + 0x600, reader);
    memory.writeU32(DATA + 0x604, 1); // POLLIN
    t.h.syscallAs(t.other, NR.ppoll, DATA + 0x600, 1, 0, 0, 8);
    expect(t.other.state).toBe('blocked');
    t.h.syscall(NR.tgkill, 1, t.other.tid, SIGUSR1);
    expect(BigInt(t.other.pendingResult!)).toBe(BigInt(-ERESTARTNOHAND));
    t.resume();
    expect(t.frame()).toEqual({ pc: BigInt(AFTER_ECALL), a0: EINTR }); // never restarted after a handler
  });

  it('should restart the call when no handler runs after all (the action became SIG_IGN before the thread ran)', () => {
    const s = setup();
    const [reader] = pipe(s.h);
    const hart = s.h.zeroos.kernel.arch.hart;
    s.h.syscallAs(s.other, NR.read, reader, DATA + 0x300, 16);
    s.h.syscall(NR.tgkill, 1, s.other.tid, SIGUSR1);
    action(s.h, SIGUSR1, 1n); // SIG_IGN
    hart.setX(2, BigInt(SP));
    s.resume();
    expect(hart.pc).toBe(ECALL);
    expect(hart.getX(10)).toBe(BigInt(reader));
    expect(hart.getX(2)).toBe(BigInt(SP)); // no frame
  });
});

describe('ppoll and pselect6 wait under their signal mask', () => {
  /** The main thread blocks SIGUSR1 and has one pending; returns the pipe's read end. */
  function pendingBlocked(s: Setup): number {
    const [reader] = pipe(s.h);
    s.h.main.signalMask = 1n << BigInt(SIGUSR1 - 1);
    expect(s.h.syscall(NR.tgkill, 1, s.h.main.tid, SIGUSR1)).toBe(0n);
    expect(s.h.zeroos.kernel.arch.hart.pc).toBe(AFTER_ECALL); // blocked: no frame
    return reader;
  }

  it('should end ppoll at once with EINTR when its mask unblocks a pending signal, the caller\'s mask saved in the frame', () => {
    const s = setup(SA_RESTART);
    const reader = pendingBlocked(s);
    const memory = s.h.zeroos.kernel.arch.memory;
    memory.writeU32(DATA + 0x600, reader);
    memory.writeU32(DATA + 0x604, 1); // POLLIN
    memory.writeU64(DATA + 0x700, 0n); // the wait's mask: nothing blocked
    s.h.syscall(NR.ppoll, DATA + 0x600, 1, 0, DATA + 0x700, 8);
    const hart = s.h.zeroos.kernel.arch.hart;
    expect(hart.pc).toBe(Number(HANDLER));
    expect(s.frame().a0).toBe(EINTR);
    const ucontext = Number(hart.getX(12));
    expect(memory.readU64(ucontext + 40)).toBe(1n << BigInt(SIGUSR1 - 1)); // uc_sigmask: the caller's
  });

  it('should do the same for pselect6 (its sigmask argument is {set, size})', () => {
    const s = setup();
    const reader = pendingBlocked(s);
    const memory = s.h.zeroos.kernel.arch.memory;
    memory.writeU64(DATA + 0x600, 1n << BigInt(reader)); // readfds
    memory.writeU64(DATA + 0x700, 0n); // the mask
    memory.writeU64(DATA + 0x710, BigInt(DATA + 0x700));
    memory.writeU64(DATA + 0x718, 8n);
    s.h.syscall(NR.pselect6, reader + 1, DATA + 0x600, 0, 0, 0, DATA + 0x710);
    expect(s.h.zeroos.kernel.arch.hart.pc).toBe(Number(HANDLER));
    expect(s.frame().a0).toBe(EINTR);
  });

  it('should keep the caller\'s mask while it waits without one, and restore it after a wait with one that ends on its own', () => {
    const s = setup();
    const [reader, writer] = pipe(s.h);
    const memory = s.h.zeroos.kernel.arch.memory;
    s.other.signalMask = 0b1000n;
    memory.writeU32(DATA + 0x600, reader);
    memory.writeU32(DATA + 0x604, 1);
    memory.writeU64(DATA + 0x700, 0b1n);
    s.h.syscallAs(s.other, NR.ppoll, DATA + 0x600, 1, 0, DATA + 0x700, 8);
    expect(s.other.signalMask).toBe(0b1n);
    s.h.write(DATA + 0x400, 'x');
    s.h.syscall(NR.write, writer, DATA + 0x400, 1);
    expect(s.other.pendingResult).toBe(1);
    expect(s.other.signalMask).toBe(0b1000n);
  });
});

describe('signals that do not interrupt', () => {
  it('should leave a pipe read blocked for an ignored, a default-ignored and a blocked signal', () => {
    const s = setup();
    const [reader] = pipe(s.h);
    action(s.h, SIGUSR2, 1n); // SIG_IGN
    s.other.signalMask = 1n << BigInt(SIGUSR1 - 1);
    s.h.syscallAs(s.other, NR.read, reader, DATA + 0x300, 16);
    for (const signal of [SIGUSR2, SIGURG, SIGUSR1]) expect(s.h.syscall(NR.tgkill, 1, s.other.tid, signal)).toBe(0n);
    expect(s.other.state).toBe('blocked');
    expect(s.other.pendingResult).toBeUndefined();
  });

  it('should end the process, not the call, for a signal whose default action terminates', () => {
    const s = setup();
    const [reader] = pipe(s.h);
    s.h.syscallAs(s.other, NR.read, reader, DATA + 0x300, 16);
    s.h.syscall(NR.tgkill, 1, s.other.tid, SIGTERM);
    expect(s.h.zeroos.process.exited).toBe(true);
    expect(s.h.zeroos.process.exit?.signal).toBe(SIGTERM);
    expect(s.other.pendingResult).toBeUndefined();
  });
});
