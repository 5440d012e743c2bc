import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/kernel/clock.js';
import { SYSCALL_NUMBERS as NR } from '../../src/kernel/syscall/numbers.js';
import { INTERVAL_TIMERS } from '../../src/kernel/tokens.js';
import { SignalState } from '../../src/subsystems/signals/signals.js';
import { PosixTimers } from '../../src/subsystems/time/timers.js';
import { DATA, MMAP, UNMAPPED, syscallHarness, type SyscallHarness } from '../support/syscall-harness.js';

/**
 * The timer syscalls' errors and semantics, one call at a time through the real trap path.
 * The virtual clock is moved with VirtualClock.advanceTo (what a jump does when every
 * thread sleeps) and the timers fired as the run loop fires them (IntervalTimers.fire).
 */
const EINVAL = -22n;
const EFAULT = -14n;
const ENOMEM = -12n;
const EOPNOTSUPP = -95n;
const MS = 1_000_000;
const SIGALRM = 14;
const SIGUSR1 = 10;
const SIGPROF = 27;
const SI_TIMER = -2;
const SI_KERNEL = 0x80;
const SIGEV = DATA + 0x100;
const ID = DATA + 0x200;
const SPEC = DATA + 0x300;
const OLD = DATA + 0x400;

function setup(): { h: SyscallHarness; timers: PosixTimers; clock: VirtualClock; signals: SignalState } {
  const h = syscallHarness();
  return {
    h,
    timers: h.zeroos.container.get(PosixTimers),
    clock: h.zeroos.container.get(VirtualClock),
    signals: h.zeroos.container.get(SignalState),
  };
}

function sigevent(h: SyscallHarness, notify: number, signal: number, value = 0n, tid = 0): number {
  const bytes = new Uint8Array(64);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, value, true);
  view.setInt32(8, signal, true);
  view.setInt32(12, notify, true);
  view.setInt32(16, tid, true);
  h.write(SIGEV, bytes);
  return SIGEV;
}

/** Writes an itimerspec (or, with `usec`, an itimerval) at SPEC. */
function spec(h: SyscallHarness, value: [bigint, bigint], interval: [bigint, bigint] = [0n, 0n]): number {
  const bytes = new Uint8Array(32);
  const view = new DataView(bytes.buffer);
  view.setBigInt64(0, interval[0], true);
  view.setBigInt64(8, interval[1], true);
  view.setBigInt64(16, value[0], true);
  view.setBigInt64(24, value[1], true);
  h.write(SPEC, bytes);
  return SPEC;
}

function readSpec(h: SyscallHarness, address: number): { interval: [bigint, bigint]; value: [bigint, bigint] } {
  const view = new DataView(h.read(address, 32).buffer);
  return {
    interval: [view.getBigInt64(0, true), view.getBigInt64(8, true)],
    value: [view.getBigInt64(16, true), view.getBigInt64(24, true)],
  };
}

function create(h: SyscallHarness, clock: number, event: number): number {
  expect(h.syscall(NR.timer_create, clock, event, ID)).toBe(0n);
  return h.zeroos.kernel.arch.memory.readU32(ID);
}

/** A SA_SIGINFO handler for `signal` and a stack for its frames. */
function handler(h: SyscallHarness, signal: number): void {
  const memory = h.zeroos.kernel.arch.memory;
  memory.writeU64(DATA + 0xf00, 0x1000n);
  memory.writeU64(DATA + 0xf08, 4n); // SA_SIGINFO
  memory.writeU64(DATA + 0xf10, 0n);
  expect(h.syscall(NR.rt_sigaction, signal, DATA + 0xf00, 0, 8)).toBe(0n);
  h.zeroos.kernel.arch.hart.setX(2, BigInt(DATA + 0xc000));
}

describe('timer_create', () => {
  it('should refuse an unknown clock (EINVAL), a clock without timers (EOPNOTSUPP) and a CPU clock not of this process', () => {
    const { h, timers } = setup();
    const event = sigevent(h, 0, SIGUSR1);
    expect(h.syscall(NR.timer_create, 99, event, ID)).toBe(EINVAL);
    expect(h.syscall(NR.timer_create, 10, event, ID)).toBe(EINVAL);
    for (const clock of [4, 5, 6, 8, 9]) expect(h.syscall(NR.timer_create, clock, event, ID)).toBe(EOPNOTSUPP);
    // CPU clockids: ~pid << 3 | perthread | which; which 3 is no clock
    expect(h.syscall(NR.timer_create, (~5 << 3) | 2, event, ID)).toBe(EINVAL);
    expect(h.syscall(NR.timer_create, (~0 << 3) | 3, event, ID)).toBe(EINVAL);
    expect(h.syscall(NR.timer_create, (~77 << 3) | 4 | 2, event, ID)).toBe(EINVAL);
    expect(h.syscall(NR.timer_create, (~1 << 3) | 2, event, ID)).toBe(0n);
    expect(h.syscall(NR.timer_create, (~1 << 3) | 4 | 2, event, ID)).toBe(0n);
    expect(timers.count).toBe(2);
  });

  it('should refuse a bad notify, a bad signal, a thread not of this process, and bad pointers without creating a timer', () => {
    const { h, timers } = setup();
    expect(h.syscall(NR.timer_create, 1, sigevent(h, 77, SIGUSR1), ID)).toBe(EINVAL);
    expect(h.syscall(NR.timer_create, 1, sigevent(h, 6, SIGUSR1, 0n, 1), ID)).toBe(EINVAL);
    expect(h.syscall(NR.timer_create, 1, sigevent(h, 0, 0), ID)).toBe(EINVAL);
    expect(h.syscall(NR.timer_create, 1, sigevent(h, 0, 65), ID)).toBe(EINVAL);
    expect(h.syscall(NR.timer_create, 1, sigevent(h, 4, SIGUSR1, 0n, 999), ID)).toBe(EINVAL);
    expect(h.syscall(NR.timer_create, 1, UNMAPPED, ID)).toBe(EFAULT);
    expect(h.syscall(NR.timer_create, 1, sigevent(h, 0, SIGUSR1), UNMAPPED)).toBe(EFAULT);
    expect(timers.count).toBe(0);
    // SIGEV_NONE needs no signal; SIGEV_THREAD_ID to one of ours is fine
    expect(h.syscall(NR.timer_create, 1, sigevent(h, 1, 0), ID)).toBe(0n);
    expect(h.syscall(NR.timer_create, 1, sigevent(h, 4, SIGUSR1, 0n, h.main.tid), ID)).toBe(0n);
  });

  it('should hand out ids from 0 up, and with no sigevent send SIGALRM whose si_value is the id', () => {
    const { h, clock, timers } = setup();
    expect(create(h, 1, sigevent(h, 0, SIGUSR1))).toBe(0);
    expect(create(h, 1, sigevent(h, 0, SIGUSR1))).toBe(1);
    const id = create(h, 1, 0);
    expect(id).toBe(2);
    handler(h, SIGALRM);
    expect(h.syscall(NR.timer_settime, id, 0, spec(h, [0n, 1000n]), 0)).toBe(0n);
    clock.advanceTo(clock.now() + 1000);
    timers.fire(h.main);
    const hart = h.zeroos.kernel.arch.hart;
    expect(hart.pc).toBe(0x1000); // the handler runs at once: the main thread holds the hart
    const info = Number(hart.getX(11));
    const memory = h.zeroos.kernel.arch.memory;
    expect(memory.readU32(info)).toBe(SIGALRM);
    expect(memory.readU32(info + 8) | 0).toBe(SI_TIMER);
    expect(memory.readU32(info + 16)).toBe(id); // si_timerid
    expect(memory.readU64(info + 24)).toBe(BigInt(id)); // si_value
  });
});

describe('timer_settime, timer_gettime, timer_getoverrun, timer_delete', () => {
  it('should refuse an unknown id, a NULL or bad itimerspec, and a bad pointer', () => {
    const { h } = setup();
    const id = create(h, 1, sigevent(h, 0, SIGUSR1));
    expect(h.syscall(NR.timer_settime, 12345, 0, spec(h, [0n, 1000n]), 0)).toBe(EINVAL);
    expect(h.syscall(NR.timer_settime, id, 0, 0, 0)).toBe(EINVAL);
    expect(h.syscall(NR.timer_settime, id, 0, spec(h, [0n, 1_000_000_000n]), 0)).toBe(EINVAL);
    expect(h.syscall(NR.timer_settime, id, 0, spec(h, [-1n, 0n]), 0)).toBe(EINVAL);
    expect(h.syscall(NR.timer_settime, id, 0, spec(h, [0n, 1n], [0n, -1n]), 0)).toBe(EINVAL);
    expect(h.syscall(NR.timer_settime, id, 0, UNMAPPED, 0)).toBe(EFAULT);
    expect(h.syscall(NR.timer_gettime, 12345, OLD)).toBe(EINVAL);
    expect(h.syscall(NR.timer_gettime, id, UNMAPPED)).toBe(EFAULT);
    expect(h.syscall(NR.timer_getoverrun, 12345)).toBe(EINVAL);
    expect(h.syscall(NR.timer_delete, 12345)).toBe(EINVAL);
    expect(h.syscall(NR.timer_delete, id)).toBe(0n);
    expect(h.syscall(NR.timer_delete, id)).toBe(EINVAL);
    expect(h.syscall(NR.timer_gettime, id, OLD)).toBe(EINVAL);
  });

  it('should report the time left and the interval, return the old setting, and disarm with a zero it_value', () => {
    const { h, clock, timers } = setup();
    const id = create(h, 1, sigevent(h, 0, SIGUSR1));
    expect(timers.armed).toBe(false);
    expect(h.syscall(NR.timer_settime, id, 0, spec(h, [0n, 5n * BigInt(MS)], [0n, 2n * BigInt(MS)]), 0)).toBe(0n);
    expect(timers.armed).toBe(true);
    clock.advanceTo(clock.now() + 1.5 * MS);
    expect(h.syscall(NR.timer_gettime, id, OLD)).toBe(0n);
    expect(readSpec(h, OLD)).toEqual({ interval: [0n, 2_000_000n], value: [0n, 3_500_000n] });
    expect(h.syscall(NR.timer_settime, id, 0, spec(h, [0n, 0n], [1n, 0n]), OLD)).toBe(0n);
    expect(readSpec(h, OLD)).toEqual({ interval: [0n, 2_000_000n], value: [0n, 3_500_000n] });
    expect(h.syscall(NR.timer_gettime, id, OLD)).toBe(0n);
    expect(readSpec(h, OLD)).toEqual({ interval: [0n, 0n], value: [0n, 0n] });
    expect(timers.armed).toBe(false); // the run loop pays nothing again
  });

  it('should take TIMER_ABSTIME on the timer\'s clock: CLOCK_REALTIME from the epoch, CLOCK_MONOTONIC from boot', () => {
    const { h, clock } = setup();
    const real = create(h, 0, sigevent(h, 0, SIGUSR1));
    const mono = create(h, 1, sigevent(h, 0, SIGUSR1));
    const at = clock.realtime() + 7n * BigInt(MS);
    expect(h.syscall(NR.timer_settime, real, 1, spec(h, [at / 1_000_000_000n, at % 1_000_000_000n]), 0)).toBe(0n);
    const boot = clock.monotonic() + 3n * BigInt(MS);
    expect(h.syscall(NR.timer_settime, mono, 1, spec(h, [boot / 1_000_000_000n, boot % 1_000_000_000n]), 0)).toBe(0n);
    h.syscall(NR.timer_gettime, real, OLD);
    expect(readSpec(h, OLD).value).toEqual([0n, 7_000_000n]);
    h.syscall(NR.timer_gettime, mono, OLD);
    expect(readSpec(h, OLD).value).toEqual([0n, 3_000_000n]);
  });

  it('should count the periods missed while the signal was blocked as overruns (si_overrun, timer_getoverrun)', () => {
    const { h, clock, timers, signals } = setup();
    handler(h, SIGUSR1);
    const id = create(h, 1, sigevent(h, 0, SIGUSR1, 0x5eedn));
    h.main.signalMask = 1n << BigInt(SIGUSR1 - 1);
    expect(h.syscall(NR.timer_settime, id, 0, spec(h, [0n, BigInt(MS)], [0n, BigInt(MS)]), 0)).toBe(0n);
    clock.advanceTo(clock.now() + MS);
    timers.fire(h.main);
    expect(signals.pending(h.main)).toBe(1n << BigInt(SIGUSR1 - 1));
    // while the signal waits, the timer is not set up again: a jump sees no timer deadline
    expect(timers.earliestDeadline()).toBeUndefined();
    expect(timers.armed).toBe(false);
    clock.advanceTo(clock.now() + 9.5 * MS);
    // 1 ms in the next period: the time to it, as Linux forwards a timer whose signal is pending
    h.syscall(NR.timer_gettime, id, OLD);
    expect(readSpec(h, OLD).value).toEqual([0n, 500_000n]);
    h.write(DATA + 0x500, new Uint8Array(8));
    h.syscall(NR.rt_sigprocmask, 2, DATA + 0x500, 0, 8); // unblocked: the handler runs (a0 = the signal)
    const hart = h.zeroos.kernel.arch.hart;
    expect(hart.pc).toBe(0x1000);
    const info = Number(hart.getX(11));
    const memory = h.zeroos.kernel.arch.memory;
    expect(memory.readU32(info + 8) | 0).toBe(SI_TIMER);
    expect(memory.readU32(info + 20)).toBe(9); // si_overrun: expiries at 2..10 ms
    expect(memory.readU64(info + 24)).toBe(0x5eedn);
    expect(h.syscall(NR.timer_getoverrun, id)).toBe(9n);
    expect(timers.earliestDeadline()).toBe(clock.now() + 0.5 * MS);
    // timer_settime resets the overrun
    h.syscall(NR.timer_settime, id, 0, spec(h, [0n, 0n]), 0);
    expect(h.syscall(NR.timer_getoverrun, id)).toBe(0n);
  });

  it('should count an expiry under a new setting while the old signal still waits as an overrun, as Linux does', () => {
    const { h, clock, timers } = setup();
    handler(h, SIGUSR1);
    const id = create(h, 1, sigevent(h, 0, SIGUSR1));
    h.main.signalMask = 1n << BigInt(SIGUSR1 - 1);
    const periodic = () => spec(h, [0n, BigInt(MS)], [0n, BigInt(MS)]);
    h.syscall(NR.timer_settime, id, 0, periodic(), 0);
    clock.advanceTo(clock.now() + MS);
    timers.fire(h.main);
    expect(timers.armed).toBe(false); // waiting for the delivery
    h.syscall(NR.timer_settime, id, 0, periodic(), 0);
    expect(timers.armed).toBe(true); // the new setting runs at once
    clock.advanceTo(clock.now() + MS);
    timers.fire(h.main);
    clock.advanceTo(clock.now() + 2.5 * MS);
    h.write(DATA + 0x500, new Uint8Array(8));
    h.syscall(NR.rt_sigprocmask, 2, DATA + 0x500, 0, 8);
    const info = Number(h.zeroos.kernel.arch.hart.getX(11));
    // one expiry while the signal waited, then two periods missed before the delivery
    expect(h.zeroos.kernel.arch.memory.readU32(info + 20)).toBe(3);
    expect(h.syscall(NR.timer_getoverrun, id)).toBe(2n);
  });

  it('should not let a CPU-time timer end a clock jump, and fire it on the instructions the process retires', () => {
    const { h, clock, timers } = setup();
    const id = create(h, 2, sigevent(h, 0, SIGUSR1));
    h.syscall(NR.timer_settime, id, 0, spec(h, [0n, 1000n]), 0);
    expect(timers.armed).toBe(true);
    expect(timers.earliestDeadline()).toBeUndefined();
    clock.advanceTo(clock.now() + 10 * MS);
    timers.fire(h.main);
    expect(h.zeroos.container.get(SignalState).pending(h.main)).toBe(0n);
    expect(timers.instructionsUntilExpiry(h.main)).toBe(Math.ceil(1000 / clock.nsPerInstruction));
  });

  it('should send a SIGEV_THREAD_ID timer\'s signal to that thread and end its interruptible wait', () => {
    const { h, clock, timers, signals } = setup();
    handler(h, SIGUSR1);
    const other = h.zeroos.process.createThread();
    h.zeroos.kernel.scheduler.add(other);
    const id = create(h, 1, sigevent(h, 4, SIGUSR1, 0n, other.tid));
    h.write(DATA + 0x600, new Uint8Array(16).fill(0));
    h.zeroos.kernel.arch.memory.writeU64(DATA + 0x600, 10n); // sleep 10 s
    h.syscallAs(other, NR.nanosleep, DATA + 0x600, 0);
    expect(other.state).toBe('blocked');
    h.syscall(NR.timer_settime, id, 0, spec(h, [0n, BigInt(MS)]), 0);
    clock.advanceTo(timers.earliestDeadline()!);
    timers.fire(undefined);
    expect(other.state).toBe('runnable');
    expect(signals.pending(other)).toBe(1n << BigInt(SIGUSR1 - 1));
    expect(signals.pending(h.main)).toBe(0n);
  });

  it('should be bound as the run loop\'s IntervalTimers', () => {
    const { h, timers } = setup();
    expect(h.zeroos.container.get(INTERVAL_TIMERS)).toBe(timers);
  });
});

describe('setitimer and getitimer', () => {
  it('should refuse a bad which, a bad timeval and bad pointers', () => {
    const { h } = setup();
    expect(h.syscall(NR.setitimer, 3, spec(h, [0n, 1000n]), 0)).toBe(EINVAL);
    expect(h.syscall(NR.setitimer, 0, spec(h, [0n, 1_000_000n]), 0)).toBe(EINVAL);
    expect(h.syscall(NR.setitimer, 0, spec(h, [-1n, 0n]), 0)).toBe(EINVAL);
    expect(h.syscall(NR.setitimer, 0, spec(h, [0n, 1n], [0n, -5n]), 0)).toBe(EINVAL);
    expect(h.syscall(NR.setitimer, 0, UNMAPPED, 0)).toBe(EFAULT);
    expect(h.syscall(NR.setitimer, 0, spec(h, [0n, 1n]), UNMAPPED)).toBe(EFAULT);
    expect(h.syscall(NR.getitimer, 5, OLD)).toBe(EINVAL);
    expect(h.syscall(NR.getitimer, -1, OLD)).toBe(EINVAL);
    expect(h.syscall(NR.getitimer, 0, UNMAPPED)).toBe(EFAULT);
  });

  it('should run ITIMER_REAL on the wall clock with SIGALRM (SI_KERNEL), return the old value, and disarm with NULL', () => {
    const { h, clock, timers } = setup();
    handler(h, SIGALRM);
    expect(h.syscall(NR.setitimer, 0, spec(h, [0n, 3000n], [0n, 2000n]), 0)).toBe(0n);
    clock.advanceTo(clock.now() + 1000 * 1000);
    expect(h.syscall(NR.getitimer, 0, OLD)).toBe(0n);
    expect(readSpec(h, OLD)).toEqual({ interval: [0n, 2000n], value: [0n, 2000n] });
    clock.advanceTo(timers.earliestDeadline()!);
    timers.fire(h.main);
    const hart = h.zeroos.kernel.arch.hart;
    expect(h.zeroos.kernel.arch.memory.readU32(Number(hart.getX(11)) + 8)).toBe(SI_KERNEL);
    expect(h.syscall(NR.setitimer, 0, 0, OLD)).toBe(0n);
    expect(readSpec(h, OLD).interval).toEqual([0n, 2000n]);
    expect(h.syscall(NR.getitimer, 0, OLD)).toBe(0n);
    expect(readSpec(h, OLD)).toEqual({ interval: [0n, 0n], value: [0n, 0n] });
    expect(timers.armed).toBe(false);
  });

  it('should run ITIMER_PROF on CPU time: a clock jump does not fire it', () => {
    const { h, clock, timers } = setup();
    handler(h, SIGPROF);
    expect(h.syscall(NR.setitimer, 2, spec(h, [0n, 1000n], [0n, 1000n]), 0)).toBe(0n);
    expect(timers.earliestDeadline()).toBeUndefined();
    clock.advanceTo(clock.now() + 10 * MS);
    timers.fire(h.main);
    expect(h.zeroos.container.get(SignalState).pending(h.main)).toBe(0n);
    expect(h.syscall(NR.getitimer, 2, OLD)).toBe(0n);
    expect(readSpec(h, OLD)).toEqual({ interval: [0n, 1000n], value: [0n, 1000n] });
  });
});

describe('mincore', () => {
  it('should report mapped pages resident, and refuse a misaligned start, unmapped pages and a bad vector', () => {
    const { h } = setup();
    const page = 4096;
    const address = Number(h.syscall(NR.mmap, 0, 4 * page, 3, 0x22, -1, 0));
    expect(address).toBeGreaterThanOrEqual(MMAP);
    const vec = DATA + 0x700;
    h.write(vec, new Uint8Array(4));
    expect(h.syscall(NR.mincore, address, 4 * page, vec)).toBe(0n);
    expect([...h.read(vec, 4)]).toEqual([1, 1, 1, 1]);
    expect(h.syscall(NR.mincore, address, page + 1, vec)).toBe(0n);
    expect(h.syscall(NR.mincore, address, 0, vec)).toBe(0n);
    expect(h.syscall(NR.mincore, address + 1, page, vec)).toBe(EINVAL);
    expect(h.syscall(NR.mincore, address, page, UNMAPPED)).toBe(EFAULT);
    expect(h.syscall(NR.mincore, UNMAPPED, page, vec)).toBe(ENOMEM);
    expect(h.syscall(NR.munmap, address + 2 * page, page)).toBe(0n);
    h.write(vec, new Uint8Array(4));
    expect(h.syscall(NR.mincore, address, 4 * page, vec)).toBe(ENOMEM);
    expect([...h.read(vec, 4)]).toEqual([1, 1, 0, 0]); // the pages before the hole were reported
  });
});
