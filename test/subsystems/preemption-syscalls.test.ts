import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goBuildId, isGoExecutable } from '../../src/elf/go.js';
import { DEFAULT_GO_QUANTUM, effectiveQuantum } from '../../src/kernel/quantum.js';
import { SYSCALL_NUMBERS as NR } from '../../src/kernel/syscall/numbers.js';
import { TRAP_HANDLER } from '../../src/kernel/tokens.js';
import { ThreadWaits } from '../../src/kernel/waits.js';
import { createKernel } from '../../src/zeroos.js';
import { DATA, MMAP, UNMAPPED, syscallHarness, type SyscallHarness } from '../support/syscall-harness.js';

const GUESTS = join(import.meta.dirname, '..', '..', 'guests');
const EPERM = -1n;
const EINVAL = -22n;
const ENOMEM = -12n;
const ESRCH = -3n;
const ENOSYS = -38n;
const EAGAIN = -11n;
const SIGUSR1 = 10;
const SIGURG = 23;
const SA_ONSTACK = 0x0800_0000n;
const SS_ONSTACK = 1;
const SS_DISABLE = 2;
const SS_AUTODISARM = 0x8000_0000;
const FUTEX_WAIT_PRIVATE = 128;
const FUTEX_WAIT_BITSET_PRIVATE = 9 | 128;
const FUTEX_CLOCK_REALTIME = 256;

/** A minimal ELF64 header with one PT_NOTE over `notes` (no sections). */
function elfWithNotes(notes: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(64 + 56 + notes.length);
  const view = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, 243, true); // EM_RISCV
  view.setBigUint64(32, 64n, true); // e_phoff
  view.setUint16(54, 56, true);
  view.setUint16(56, 1, true);
  view.setUint32(64, 4, true); // PT_NOTE
  view.setBigUint64(64 + 8, 120n, true); // p_offset
  view.setBigUint64(64 + 32, BigInt(notes.length), true); // p_filesz
  bytes.set(notes, 120);
  return bytes;
}

/** One ELF note: namesz, descsz, type, name (padded to 4), desc (padded to 4). */
function note(name: string, type: number, desc: string): Uint8Array {
  const pad = (n: number) => (n + 3) & ~3;
  const nameBytes = new TextEncoder().encode(name + '\0');
  const descBytes = new TextEncoder().encode(desc);
  const bytes = new Uint8Array(12 + pad(nameBytes.length) + pad(descBytes.length));
  const view = new DataView(bytes.buffer);
  view.setUint32(0, nameBytes.length, true);
  view.setUint32(4, descBytes.length, true);
  view.setUint32(8, type, true);
  bytes.set(nameBytes, 12);
  bytes.set(descBytes, 12 + pad(nameBytes.length));
  return bytes;
}

describe('Go executables and the default quantum', () => {
  it('should find the Go build ID note (owner Go, type 4) after other notes', () => {
    const gnu = note('GNU', 3, 'abcdefgh');
    const go = note('Go', 4, 'Kx1/abc/def');
    const elf = elfWithNotes(new Uint8Array([...gnu, ...go]));
    expect(goBuildId(elf)).toBe('Kx1/abc/def');
    expect(isGoExecutable(elf)).toBe(true);
  });

  it('should not take other notes, other types or malformed notes for Go', () => {
    expect(isGoExecutable(elfWithNotes(note('GNU', 4, 'x')))).toBe(false);
    expect(isGoExecutable(elfWithNotes(note('Go', 1, 'x')))).toBe(false);
    const truncated = elfWithNotes(note('Go', 4, 'Kx1/abc/def')).slice(0, 130);
    expect(isGoExecutable(truncated)).toBe(false);
    expect(isGoExecutable(new Uint8Array(10))).toBe(false);
    expect(isGoExecutable(readFileSync(join(GUESTS, 'bin', 'hello')))).toBe(false);
  });

  it('should give a Go program the default quantum unless one was asked for', () => {
    const go = elfWithNotes(note('Go', 4, 'id'));
    expect(effectiveQuantum(undefined, go)).toEqual({ quantum: DEFAULT_GO_QUANTUM, source: 'go-default' });
    expect(effectiveQuantum(5000, go)).toEqual({ quantum: 5000, source: 'option' });
    expect(effectiveQuantum(undefined, new Uint8Array(0))).toEqual({ quantum: undefined, source: 'none' });
  });

  it.runIf(existsSync(join(GUESTS, 'bin', 'go_demo')))('should report the Go default in stats() for go_demo, and the option when given', () => {
    const elf = readFileSync(join(GUESTS, 'bin', 'go_demo'));
    expect(isGoExecutable(elf)).toBe(true);
    const zeroos = createKernel();
    zeroos.load({ executable: elf, argv: ['go_demo'] });
    expect(zeroos.stats().scheduler).toMatchObject({ quantum: DEFAULT_GO_QUANTUM, quantumSource: 'go-default' });
    const chosen = createKernel({ quantum: 7000 });
    chosen.load({ executable: elf, argv: ['go_demo'] });
    expect(chosen.stats().scheduler).toMatchObject({ quantum: 7000, quantumSource: 'option' });
    const c = createKernel();
    c.load({ executable: readFileSync(join(GUESTS, 'bin', 'pthread_join')), argv: ['pthread_join'] });
    expect(c.stats().scheduler).toMatchObject({ quantum: undefined, quantumSource: 'none' });
  });
});

/** A harness with a handler for `signal` (flags), and a second thread. */
function withHandler(signal: number, flags = 0n): { h: SyscallHarness; other: ReturnType<SyscallHarness['zeroos']['process']['createThread']> } {
  const h = syscallHarness();
  const memory = h.zeroos.kernel.arch.memory;
  memory.writeU64(DATA + 0xf00, 0x1000n);
  memory.writeU64(DATA + 0xf08, flags);
  memory.writeU64(DATA + 0xf10, 0n);
  expect(h.syscall(NR.rt_sigaction, signal, DATA + 0xf00, 0, 8)).toBe(0n);
  const other = h.zeroos.process.createThread();
  h.zeroos.kernel.scheduler.add(other);
  h.zeroos.kernel.arch.hart.setX(2, BigInt(DATA + 0x8000));
  return { h, other };
}

describe('tgkill to another thread', () => {
  it('should leave the signal pending on that thread, not run it on the caller', () => {
    const { h, other } = withHandler(SIGUSR1);
    const hart = h.zeroos.kernel.arch.hart;
    expect(h.syscall(NR.tgkill, 1, other.tid, SIGUSR1)).toBe(0n);
    expect(hart.pc).toBe(0x1004); // the caller goes on after its ecall: no frame for it
    expect(h.syscallAs(other, NR.rt_sigpending, DATA, 8)).toBe(0n);
    expect(h.zeroos.kernel.arch.memory.readU64(DATA)).toBe(1n << BigInt(SIGUSR1 - 1));
    expect(h.syscall(NR.rt_sigpending, DATA, 8)).toBe(0n);
    expect(h.zeroos.kernel.arch.memory.readU64(DATA)).toBe(0n);
  });

  it('should end a futex wait of the target with ERESTARTSYS when a handler will run (EINTR or a restart once it runs: test/subsystems/syscall-restart.test.ts)', () => {
    const { h, other } = withHandler(SIGUSR1);
    const memory = h.zeroos.kernel.arch.memory;
    memory.writeU32(DATA + 0x100, 0);
    h.syscallAs(other, NR.futex, DATA + 0x100, FUTEX_WAIT_PRIVATE, 0, 0, 0, 0);
    expect(other.state).toBe('blocked');
    expect(h.syscall(NR.tgkill, 1, other.tid, SIGUSR1)).toBe(0n);
    expect(other.state).toBe('runnable');
    expect(BigInt(other.pendingResult!)).toBe(-512n);
  });

  it('should leave the wait alone for a blocked signal, an ignored one or a default-ignored one', () => {
    const { h, other } = withHandler(SIGUSR1);
    const memory = h.zeroos.kernel.arch.memory;
    other.signalMask = 1n << BigInt(SIGUSR1 - 1);
    memory.writeU32(DATA + 0x100, 0);
    h.syscallAs(other, NR.futex, DATA + 0x100, FUTEX_WAIT_PRIVATE, 0, 0, 0, 0);
    expect(h.syscall(NR.tgkill, 1, other.tid, SIGUSR1)).toBe(0n);
    expect(h.syscall(NR.tgkill, 1, other.tid, SIGURG)).toBe(0n); // SIG_DFL: ignored
    expect(other.state).toBe('blocked');
  });

  it('should end a nanosleep with ERESTART_RESTARTBLOCK (EINTR once the handler runs: sig_restart) and the time left in rem', () => {
    const { h, other } = withHandler(SIGUSR1);
    const memory = h.zeroos.kernel.arch.memory;
    memory.writeU64(DATA + 0x200, 2n);
    memory.writeU64(DATA + 0x208, 0n);
    h.syscallAs(other, NR.nanosleep, DATA + 0x200, DATA + 0x210);
    expect(other.state).toBe('blocked');
    h.syscall(NR.tgkill, 1, other.tid, SIGUSR1);
    expect(BigInt(other.pendingResult!)).toBe(-516n);
    const left = memory.readU64(DATA + 0x210) * 1_000_000_000n + memory.readU64(DATA + 0x218);
    expect(left).toBeGreaterThan(1_000_000_000n);
    expect(left).toBeLessThanOrEqual(2_000_000_000n);
  });

  it('should refuse a wrong tgid or tid (ESRCH), a bad signal (EINVAL), and check existence with signal 0', () => {
    const { h, other } = withHandler(SIGUSR1);
    expect(h.syscall(NR.tgkill, 2, other.tid, SIGUSR1)).toBe(ESRCH);
    expect(h.syscall(NR.tgkill, 1, 999, SIGUSR1)).toBe(ESRCH);
    expect(h.syscall(NR.tgkill, 1, 999, 65)).toBe(ESRCH);
    expect(h.syscall(NR.tgkill, 1, other.tid, 65)).toBe(EINVAL);
    expect(h.syscall(NR.tgkill, 0, other.tid, 0)).toBe(EINVAL);
    expect(h.syscall(NR.tgkill, 1, other.tid, 0)).toBe(0n);
    expect(h.syscall(NR.tkill, 0, 0)).toBe(EINVAL);
  });
});

describe('sigaltstack, per thread', () => {
  const ALT = DATA + 0x4000;
  const setAlt = (h: SyscallHarness, sp: number, flags: number, size: number) => {
    const memory = h.zeroos.kernel.arch.memory;
    memory.writeU64(DATA + 0x300, BigInt(sp));
    memory.writeU32(DATA + 0x308, flags);
    memory.writeU64(DATA + 0x310, BigInt(size));
    return h.syscall(NR.sigaltstack, DATA + 0x300, 0);
  };
  const query = (h: SyscallHarness) => {
    const memory = h.zeroos.kernel.arch.memory;
    expect(h.syscall(NR.sigaltstack, 0, DATA + 0x320)).toBe(0n);
    return { sp: memory.readU64(DATA + 0x320), flags: memory.readU32(DATA + 0x328), size: memory.readU64(DATA + 0x330) };
  };

  it('should take SS_ONSTACK as mode 0, refuse other modes and small stacks', () => {
    const h = syscallHarness();
    expect(query(h).flags).toBe(SS_DISABLE);
    expect(setAlt(h, ALT, 0x10, 8192)).toBe(EINVAL);
    expect(setAlt(h, ALT, 0, 2047)).toBe(ENOMEM);
    expect(setAlt(h, ALT, SS_ONSTACK, 8192)).toBe(0n);
    expect(query(h)).toEqual({ sp: BigInt(ALT), flags: 0, size: 8192n });
    expect(setAlt(h, 0, SS_DISABLE, 0)).toBe(0n);
    expect(query(h).flags).toBe(SS_DISABLE);
  });

  it('should refuse a change while on the stack (EPERM) and report SS_ONSTACK there', () => {
    const h = syscallHarness();
    expect(setAlt(h, ALT, 0, 8192)).toBe(0n);
    h.zeroos.kernel.arch.hart.setX(2, BigInt(ALT + 4096));
    expect(query(h).flags).toBe(SS_ONSTACK);
    expect(setAlt(h, ALT, SS_DISABLE, 0)).toBe(EPERM);
    // the top of the stack counts as on it (Linux: sp in (base, base + size])
    h.zeroos.kernel.arch.hart.setX(2, BigInt(ALT + 8192));
    expect(query(h).flags).toBe(SS_ONSTACK);
    h.zeroos.kernel.arch.hart.setX(2, BigInt(ALT));
    expect(query(h).flags).toBe(0);
  });

  it('should report SS_AUTODISARM and never count as on the stack with it', () => {
    const h = syscallHarness();
    expect(setAlt(h, ALT, SS_AUTODISARM, 8192)).toBe(0n);
    h.zeroos.kernel.arch.hart.setX(2, BigInt(ALT + 4096));
    expect(query(h).flags).toBe(SS_AUTODISARM);
    expect(setAlt(h, ALT, SS_DISABLE, 0)).toBe(0n);
  });

  it('should give a new thread no alternate stack', () => {
    const h = syscallHarness();
    expect(setAlt(h, ALT, 0, 8192)).toBe(0n);
    const other = h.zeroos.process.createThread();
    expect(other.altStack).toBeUndefined();
  });

  it('should run an SA_ONSTACK handler on the alternate stack with uc_stack saved, and restore it on rt_sigreturn', () => {
    const { h } = withHandler(SIGUSR1, SA_ONSTACK);
    const hart = h.zeroos.kernel.arch.hart;
    const memory = h.zeroos.kernel.arch.memory;
    expect(setAlt(h, ALT, 0, 8192)).toBe(0n);
    hart.setX(2, BigInt(DATA + 0x8000));
    h.syscall(NR.tkill, 1, SIGUSR1);
    const frame = Number(hart.getX(2));
    expect(frame).toBeGreaterThanOrEqual(ALT);
    expect(frame).toBeLessThan(ALT + 8192);
    const ucStack = frame + 128 + 16;
    expect(memory.readU64(ucStack)).toBe(BigInt(ALT));
    expect(memory.readU32(ucStack + 8)).toBe(0);
    expect(memory.readU64(ucStack + 16)).toBe(8192n);
    // the handler changes uc_stack: rt_sigreturn installs it (restore_altstack)
    memory.writeU64(ucStack + 16, 16384n);
    hart.setX(17, BigInt(NR.rt_sigreturn));
    h.zeroos.container.get(TRAP_HANDLER).onEcall(h.main);
    expect(hart.getX(2)).toBe(BigInt(DATA + 0x8000));
    expect(h.main.altStack?.size).toBe(16384n);
  });
});

describe('rt_sigreturn checks the frame', () => {
  it('should end the process with SIGSEGV when the FP state reserved words are not zero', () => {
    const { h } = withHandler(SIGUSR1);
    const hart = h.zeroos.kernel.arch.hart;
    h.syscall(NR.tkill, 1, SIGUSR1);
    const frame = Number(hart.getX(2));
    h.zeroos.kernel.arch.memory.writeU32(frame + 128 + 176 + 256 + 516, 1);
    hart.setX(17, BigInt(NR.rt_sigreturn));
    h.zeroos.container.get(TRAP_HANDLER).onEcall(h.main);
    expect(h.zeroos.process.exit).toMatchObject({ signal: 11, code: 139 });
  });

  it('should end the process with SIGSEGV when sp points at no frame', () => {
    const h = syscallHarness();
    const hart = h.zeroos.kernel.arch.hart;
    hart.setX(2, BigInt(UNMAPPED));
    hart.setX(17, BigInt(NR.rt_sigreturn));
    h.zeroos.container.get(TRAP_HANDLER).onEcall(h.main);
    expect(h.zeroos.process.exit).toMatchObject({ signal: 11 });
  });
});

describe('futex errors in Linux order', () => {
  it('should check the timespec, then FUTEX_CLOCK_REALTIME, then the bitset and the word', () => {
    const h = syscallHarness();
    const memory = h.zeroos.kernel.arch.memory;
    memory.writeU64(DATA + 0x400, 0n);
    memory.writeU64(DATA + 0x408, 1_000_000_000n);
    // a bad timespec first, even with a misaligned word
    expect(h.syscall(NR.futex, DATA + 0x101, FUTEX_WAIT_PRIVATE, 0, DATA + 0x400, 0, 0)).toBe(EINVAL);
    memory.writeU64(DATA + 0x408, 1000n);
    expect(h.syscall(NR.futex, DATA + 0x100, FUTEX_WAIT_PRIVATE | FUTEX_CLOCK_REALTIME, 0, DATA + 0x400, 0, 0)).toBe(ENOSYS);
    expect(h.syscall(NR.futex, DATA + 0x100, FUTEX_WAIT_PRIVATE | FUTEX_CLOCK_REALTIME, 0, 0, 0, 0)).toBe(ENOSYS);
    expect(h.syscall(NR.futex, DATA + 0x101, FUTEX_WAIT_BITSET_PRIVATE, 0, 0, 0, 0)).toBe(EINVAL); // bitset 0
    expect(h.syscall(NR.futex, DATA + 0x101, FUTEX_WAIT_PRIVATE, 0, 0, 0, 0)).toBe(EINVAL); // misaligned
    expect(h.syscall(NR.futex, UNMAPPED, FUTEX_WAIT_PRIVATE, 0, 0, 0, 0)).toBe(-14n);
    memory.writeU32(DATA + 0x100, 5);
    expect(h.syscall(NR.futex, DATA + 0x100, FUTEX_WAIT_PRIVATE, 4, 0, 0, 0)).toBe(EAGAIN);
  });

  it('should time out waits in deadline order when every thread waits, the clock jumping', () => {
    const h = syscallHarness();
    const memory = h.zeroos.kernel.arch.memory;
    const clock = h.zeroos.kernel.clock;
    const threads = Array.from({ length: 8 }, () => h.zeroos.process.createThread());
    threads.forEach((t, i) => {
      memory.writeU64(DATA + 0x500 + i * 16, 0n);
      memory.writeU64(DATA + 0x508 + i * 16, BigInt((8 - i) * 1_000_000));
      h.syscallAs(t, NR.futex, DATA + 0x100, FUTEX_WAIT_PRIVATE, memory.readU32(DATA + 0x100), DATA + 0x500 + i * 16, 0, 0);
      expect(t.state).toBe('blocked');
    });
    const waits = h.zeroos.container.get(ThreadWaits);
    const order: number[] = [];
    for (let n = 0; n < 8; n++) {
      const deadline = waits.earliestDeadline()!;
      clock.advanceTo(deadline);
      waits.expire();
      threads.forEach((t, i) => {
        if (t.state === 'runnable' && !order.includes(i)) order.push(i);
      });
    }
    expect(order).toEqual([7, 6, 5, 4, 3, 2, 1, 0]);
    expect(threads.every((t) => BigInt(t.pendingResult!) === -110n)).toBe(true);
  });
});

describe('madvise rules', () => {
  const map = (h: SyscallHarness, pages: number) => Number(h.syscall(NR.mmap, 0, pages * 4096, 3, 0x22, -1, 0));
  it('should zero private anonymous pages on DONTNEED and FREE, and keep them on the advisory kinds', () => {
    const h = syscallHarness();
    const memory = h.zeroos.kernel.arch.memory;
    const p = map(h, 2);
    expect(p).toBeGreaterThanOrEqual(MMAP);
    for (const advice of [0, 1, 2, 3, 10, 11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]) {
      memory.writeU8(p, 7);
      expect(h.syscall(NR.madvise, p, 8192, advice), `advice ${advice}`).toBe(0n);
      expect(memory.readU8(p), `advice ${advice}`).toBe(7);
    }
    for (const advice of [4, 8]) {
      memory.writeU8(p + 4096, 7);
      expect(h.syscall(NR.madvise, p + 4096, 1, advice)).toBe(0n);
      expect(memory.readU8(p + 4096)).toBe(0);
    }
  });

  it('should give EINVAL for unknown advice, a misaligned start, REMOVE on anonymous memory and POPULATE without the protection', () => {
    const h = syscallHarness();
    const p = map(h, 1);
    expect(h.syscall(NR.madvise, p, 4096, 9999)).toBe(EINVAL);
    expect(h.syscall(NR.madvise, p + 1, 4096, 0)).toBe(EINVAL);
    expect(h.syscall(NR.madvise, p, 4096, 9)).toBe(EINVAL);
    expect(h.syscall(NR.madvise, p, 0, 4)).toBe(0n);
    const none = Number(h.syscall(NR.mmap, 0, 4096, 0, 0x22, -1, 0));
    expect(h.syscall(NR.madvise, none, 4096, 22)).toBe(EINVAL);
    const ro = Number(h.syscall(NR.mmap, 0, 4096, 1, 0x22, -1, 0));
    expect(h.syscall(NR.madvise, ro, 4096, 23)).toBe(EINVAL);
    expect(h.syscall(NR.madvise, ro, 4096, 22)).toBe(0n);
  });

  it('should give ENOMEM for unmapped pages, after applying the advice to the mapped ones', () => {
    const h = syscallHarness();
    const memory = h.zeroos.kernel.arch.memory;
    const p = map(h, 3);
    expect(h.syscall(NR.munmap, p + 4096, 4096)).toBe(0n);
    memory.writeU8(p, 9);
    memory.writeU8(p + 8192, 9);
    expect(h.syscall(NR.madvise, p, 3 * 4096, 4)).toBe(ENOMEM);
    expect(memory.readU8(p)).toBe(0);
    expect(memory.readU8(p + 8192)).toBe(0);
    expect(h.syscall(NR.madvise, UNMAPPED, 4096, 3)).toBe(ENOMEM);
    expect(h.syscall(NR.madvise, 2 ** 52, 4096, 0)).toBe(ENOMEM);
  });
});
