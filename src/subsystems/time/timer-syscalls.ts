import { inject, injectable } from 'inversify';
import { PERM_W } from '../../arch/memory/types.js';
import { VirtualClock } from '../../kernel/clock.js';
import { defineSyscall, type SyscallContext, type SyscallDefinition, type SyscallProvider } from '../../kernel/contracts/syscall.js';
import { Errno } from '../../kernel/errno.js';
import { int, ptr } from '../../kernel/syscall/args.js';
import { SYSCALL_NUMBERS as NR } from '../../kernel/syscall/numbers.js';
import {
  CLOCK_BOOTTIME,
  CLOCK_BOOTTIME_ALARM,
  CLOCK_MONOTONIC,
  CLOCK_MONOTONIC_COARSE,
  CLOCK_MONOTONIC_RAW,
  CLOCK_PROCESS_CPUTIME_ID,
  CLOCK_REALTIME,
  CLOCK_REALTIME_ALARM,
  CLOCK_REALTIME_COARSE,
  CLOCK_TAI,
  CLOCK_THREAD_CPUTIME_ID,
} from './syscalls.js';
import { MAX_TIMERS, PosixTimers, type Timer, type TimerClock, type TimerNotify } from './timers.js';

export const SIGEV_SIGNAL = 0;
export const SIGEV_NONE = 1;
export const SIGEV_THREAD = 2;
export const SIGEV_THREAD_ID = 4;
export const TIMER_ABSTIME = 1;
export const ITIMER_REAL = 0;
export const ITIMER_VIRTUAL = 1;
export const ITIMER_PROF = 2;
const NSIG = 64;
const SIGALRM = 14;
const NS = 1_000_000_000n;
/** sizeof(struct sigevent). */
const SIGEVENT_SIZE = 64;
/** The CPU-clock bits of a dynamic clockid (clock_getcpuclockid, pthread_getcpuclockid): which clock, per thread. */
const CPUCLOCK_WHICH = 3;
const CPUCLOCK_PERTHREAD = 4;

/**
 * The clock a timer_create clockid names: a timer clock, -EINVAL (no such clock, or a CPU
 * clock of a process or thread that is not ours) or -EOPNOTSUPP (a clock that cannot carry
 * timers: the raw and coarse ones, and the alarm clocks, which need an RTC).
 */
function timerClock(id: number, context: SyscallContext): TimerClock | number {
  if (id < 0) {
    // ~pid << 3 | perthread | which: a CPU clock of a process or one of its threads
    if ((id & CPUCLOCK_WHICH) === CPUCLOCK_WHICH) return -Errno.EINVAL;
    const pid = ~(id >> 3);
    if (id & CPUCLOCK_PERTHREAD) {
      const thread = pid === 0 ? context.thread : context.process.threads.get(pid);
      return thread && thread.state !== 'exited' ? { kind: 'thread', thread } : -Errno.EINVAL;
    }
    return pid === 0 || pid === context.process.pid ? { kind: 'process' } : -Errno.EINVAL;
  }
  switch (id) {
    case CLOCK_REALTIME:
    case CLOCK_MONOTONIC:
    case CLOCK_BOOTTIME:
    case CLOCK_TAI:
      return { kind: 'wall' };
    case CLOCK_PROCESS_CPUTIME_ID:
      return { kind: 'process' };
    case CLOCK_THREAD_CPUTIME_ID:
      return { kind: 'thread', thread: context.thread };
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_REALTIME_ALARM:
    case CLOCK_BOOTTIME_ALARM:
      return -Errno.EOPNOTSUPP;
    default:
      return -Errno.EINVAL;
  }
}

/** Linux's good_sigevent: how a timer notifies, or -EINVAL. */
function timerNotify(event: DataView, context: SyscallContext): TimerNotify | number {
  const signal = event.getInt32(8, true);
  const notify = event.getInt32(12, true);
  const validSignal = signal > 0 && signal <= NSIG;
  switch (notify) {
    case SIGEV_NONE:
      return { kind: 'none' };
    case SIGEV_SIGNAL:
    case SIGEV_THREAD: // what the kernel sees of SIGEV_THREAD is a signal (libc starts the thread)
      return validSignal ? { kind: 'process', signal } : -Errno.EINVAL;
    case SIGEV_SIGNAL | SIGEV_THREAD_ID: {
      const thread = context.process.threads.get(event.getInt32(16, true));
      if (!thread || thread.state === 'exited' || !validSignal) return -Errno.EINVAL;
      return { kind: 'thread', signal, thread };
    }
    default:
      return -Errno.EINVAL;
  }
}

/** A struct timespec pair (it_interval, it_value) in ns, or -EINVAL for a negative or out-of-range one. */
function readItimerspec(context: SyscallContext, address: number, microseconds: boolean): { interval: bigint; value: bigint } | number {
  const bytes = context.memory.read(address, 32);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 32);
  const unit = microseconds ? 1_000n : 1n;
  const limit = microseconds ? 1_000_000n : NS;
  const part = (offset: number): bigint | undefined => {
    const seconds = view.getBigInt64(offset, true);
    const fraction = view.getBigInt64(offset + 8, true);
    if (seconds < 0n || fraction < 0n || fraction >= limit) return undefined;
    return seconds * NS + fraction * unit;
  };
  const interval = part(0);
  const value = part(16);
  if (interval === undefined || value === undefined) return -Errno.EINVAL;
  return { interval, value };
}

/** Writes an itimerspec (or, in microseconds, an itimerval) from ns. */
function writeItimerspec(context: SyscallContext, address: number, interval: number, value: number, microseconds: boolean): void {
  const bytes = new Uint8Array(32);
  const view = new DataView(bytes.buffer);
  const put = (offset: number, ns: number) => {
    const whole = BigInt(Math.max(0, Math.round(ns)));
    view.setBigInt64(offset, whole / NS, true);
    view.setBigInt64(offset + 8, microseconds ? (whole % NS) / 1_000n : whole % NS, true);
  };
  put(0, interval);
  put(16, value);
  context.memory.write(address, bytes);
}

/**
 * timer_create, timer_settime, timer_gettime, timer_getoverrun, timer_delete, setitimer and
 * getitimer over PosixTimers (alarm is not a riscv64 syscall: libc builds it on setitimer).
 */
@injectable()
export class TimerSyscalls implements SyscallProvider {
  readonly subsystem = 'time';

  constructor(
    @inject(PosixTimers) private readonly timers: PosixTimers,
    @inject(VirtualClock) private readonly clock: VirtualClock,
  ) {}

  syscalls(): readonly SyscallDefinition[] {
    const timers = this.timers;
    const clock = this.clock;
    const lookup = (id: number): Timer | undefined => timers.get(id);
    /** A clockid's absolute time (TIMER_ABSTIME) as the timer's clock ns. */
    const fromAbsolute = (timer: Timer, clockId: number, ns: bigint): number => {
      if (timer.clock.kind !== 'wall') return Number(ns);
      if (clockId === CLOCK_REALTIME || clockId === CLOCK_TAI) return Number(ns - BigInt(clock.epochSeconds) * NS);
      return clock.fromMonotonic(ns);
    };
    /** Arms a timer by an itimerspec: relative, or absolute on its clock. */
    const arm = (timer: Timer, value: bigint, interval: bigint, absolute: boolean) => {
      if (value === 0n) {
        timers.set(timer, undefined, 0);
        return;
      }
      const expiry = absolute ? fromAbsolute(timer, timer.clockId, value) : timers.clockNow(timer) + Number(value);
      timers.set(timer, expiry, Number(interval));
    };
    const itimerValue = (which: number): { interval: number; value: number } => {
      const timer = timers.itimer(which);
      if (timer.expiry === undefined || timer.awaiting) return { interval: timer.interval, value: 0 };
      const left = timer.expiry - timers.clockNow(timer);
      // Linux: an ITIMER_REAL due now reads 1 µs; a CPU timer due now, one tick
      return { interval: timer.interval, value: left > 0 ? left : which === ITIMER_REAL ? 1_000 : 4_000_000 };
    };
    return [
      defineSyscall({
        name: 'timer_create',
        nr: NR.timer_create,
        args: [int('clockid'), ptr('sevp'), ptr('timerid')],
        support: 'full',
        note: 'on the virtual clock: REALTIME, MONOTONIC, BOOTTIME, TAI (which jump with it when all threads sleep), PROCESS_/THREAD_CPUTIME_ID and CPU clockids (retired instructions); SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID; fires at the exact instruction (docs/timers.md)',
        handler(context, clockId, sevp, timerIdOut) {
          let event: DataView | undefined;
          if (sevp !== 0) {
            const bytes = context.memory.read(sevp, SIGEVENT_SIZE);
            event = new DataView(bytes.buffer, bytes.byteOffset, SIGEVENT_SIZE);
          }
          const timerClockOf = timerClock(clockId, context);
          if (typeof timerClockOf === 'number') return timerClockOf;
          if (timers.count >= MAX_TIMERS) return -Errno.EAGAIN;
          let notify: TimerNotify = { kind: 'process', signal: SIGALRM };
          let value: bigint | undefined;
          if (event) {
            const chosen = timerNotify(event, context);
            if (typeof chosen === 'number') return chosen;
            notify = chosen;
            value = event.getBigUint64(0, true);
          }
          if (notify.kind !== 'none' && !timers.signalsAvailable) return -Errno.ENOSYS;
          if (!context.memory.isAccessible(timerIdOut, 4, PERM_W)) return -Errno.EFAULT;
          const timer = timers.create(clockId, timerClockOf, notify, value);
          if (!timer) return -Errno.EAGAIN;
          context.memory.writeU32(timerIdOut, timer.id);
          return 0;
        },
      }),
      defineSyscall({
        name: 'timer_settime',
        nr: NR.timer_settime,
        args: [int('timerid'), int('flags'), ptr('new_value'), ptr('old_value')],
        support: 'full',
        note: 'relative or TIMER_ABSTIME; a zero it_value disarms; it_interval reloads (periods missed while the signal was pending are overruns)',
        handler(context, id, flags, newValue, oldValue) {
          if (newValue === 0) return -Errno.EINVAL;
          const spec = readItimerspec(context, newValue, false);
          if (typeof spec === 'number') return spec;
          const timer = lookup(id);
          if (!timer) return -Errno.EINVAL;
          const old = { interval: timer.interval, value: timers.remaining(timer) };
          arm(timer, spec.value, spec.interval, (flags & TIMER_ABSTIME) !== 0);
          if (oldValue !== 0) writeItimerspec(context, oldValue, old.interval, old.value, false);
          return 0;
        },
      }),
      defineSyscall({
        name: 'timer_gettime',
        nr: NR.timer_gettime,
        args: [int('timerid'), ptr('curr_value')],
        support: 'full',
        handler(context, id, current) {
          const timer = lookup(id);
          if (!timer) return -Errno.EINVAL;
          writeItimerspec(context, current, timer.interval, timers.remaining(timer), false);
          return 0;
        },
      }),
      defineSyscall({
        name: 'timer_getoverrun',
        nr: NR.timer_getoverrun,
        args: [int('timerid')],
        support: 'full',
        handler(_context, id) {
          const timer = lookup(id);
          return timer ? timers.overrun(timer) : -Errno.EINVAL;
        },
      }),
      defineSyscall({
        name: 'timer_delete',
        nr: NR.timer_delete,
        args: [int('timerid')],
        support: 'full',
        handler(_context, id) {
          const timer = lookup(id);
          if (!timer) return -Errno.EINVAL;
          timers.delete(timer);
          return 0;
        },
      }),
      defineSyscall({
        name: 'setitimer',
        nr: NR.setitimer,
        args: [int('which'), ptr('new_value'), ptr('old_value')],
        support: 'full',
        note: 'ITIMER_REAL (SIGALRM, virtual wall clock), ITIMER_VIRTUAL (SIGVTALRM) and ITIMER_PROF (SIGPROF) on the process\'s retired instructions; a NULL new_value disarms',
        handler(context, which, newValue, oldValue) {
          let spec: { interval: bigint; value: bigint } = { interval: 0n, value: 0n };
          if (newValue !== 0) {
            const read = readItimerspec(context, newValue, true);
            if (typeof read === 'number') return read;
            spec = read;
          }
          if (which !== ITIMER_REAL && which !== ITIMER_VIRTUAL && which !== ITIMER_PROF) return -Errno.EINVAL;
          if (!timers.signalsAvailable) return -Errno.ENOSYS;
          const old = itimerValue(which);
          const timer = timers.itimer(which);
          arm(timer, spec.value, spec.interval, false);
          // the CPU interval timers keep their interval even when disarmed, as Linux's do
          if (which !== ITIMER_REAL) timer.interval = Number(spec.interval);
          if (oldValue !== 0) writeItimerspec(context, oldValue, old.interval, old.value, true);
          return 0;
        },
      }),
      defineSyscall({
        name: 'getitimer',
        nr: NR.getitimer,
        args: [int('which'), ptr('curr_value')],
        support: 'full',
        handler(context, which, current) {
          if (which !== ITIMER_REAL && which !== ITIMER_VIRTUAL && which !== ITIMER_PROF) return -Errno.EINVAL;
          const { interval, value } = itimerValue(which);
          writeItimerspec(context, current, interval, value, true);
          return 0;
        },
      }),
    ];
  }
}

