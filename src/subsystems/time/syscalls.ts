import { inject, injectable } from 'inversify';
import { PERM_W } from '../../arch/memory/types.js';
import { VirtualClock } from '../../kernel/clock.js';
import {
  NO_RETURN,
  defineSyscall,
  type SyscallContext,
  type SyscallDefinition,
  type SyscallProvider,
} from '../../kernel/contracts/syscall.js';
import { Errno } from '../../kernel/errno.js';
import type { Thread } from '../../kernel/process.js';
import { int, ptr } from '../../kernel/syscall/args.js';
import { SYSCALL_NUMBERS as NR } from '../../kernel/syscall/numbers.js';
import { ERESTARTNOHAND, ERESTART_RESTARTBLOCK } from '../../kernel/syscall/restart.js';
import { readTimespec } from '../../kernel/syscall/timespec.js';
import { ThreadWaits } from '../../kernel/waits.js';

export const CLOCK_REALTIME = 0;
export const CLOCK_MONOTONIC = 1;
export const CLOCK_PROCESS_CPUTIME_ID = 2;
export const CLOCK_THREAD_CPUTIME_ID = 3;
export const CLOCK_MONOTONIC_RAW = 4;
export const CLOCK_REALTIME_COARSE = 5;
export const CLOCK_MONOTONIC_COARSE = 6;
export const CLOCK_BOOTTIME = 7;
export const CLOCK_REALTIME_ALARM = 8;
export const CLOCK_BOOTTIME_ALARM = 9;
export const CLOCK_TAI = 11;
const TIMER_ABSTIME = 1;
/** Clock ticks per second for times() (AT_CLKTCK). */
const CLK_TCK = 100n;
/** The resolution of the _COARSE clocks: Linux's jiffy at HZ=250. */
const COARSE_RESOLUTION_NS = 4_000_000n;
const NS = 1_000_000_000n;

/**
 * What each clock reads, in ns, all derived from the virtual clock: REALTIME and TAI are
 * the epoch plus uptime, the monotonic family is uptime, the CPU clocks count the
 * instructions the process or the thread retired. Undefined for an unknown clock.
 */
function readClock(clock: VirtualClock, thread: Thread, id: number): bigint | undefined {
  switch (id) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_ALARM:
    case CLOCK_TAI:
      return clock.realtime();
    case CLOCK_REALTIME_COARSE:
      return clock.realtime() - (clock.realtime() % COARSE_RESOLUTION_NS);
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_BOOTTIME:
    case CLOCK_BOOTTIME_ALARM:
      return clock.monotonic();
    case CLOCK_MONOTONIC_COARSE: {
      const now = clock.monotonic();
      return now - (now % COARSE_RESOLUTION_NS);
    }
    case CLOCK_PROCESS_CPUTIME_ID:
      return BigInt(Math.round(clock.cpuTime()));
    case CLOCK_THREAD_CPUTIME_ID:
      return BigInt(Math.round(clock.threadCpuTime(thread)));
    default:
      return undefined;
  }
}

function resolution(clock: VirtualClock, id: number): bigint | undefined {
  if (id === CLOCK_REALTIME_COARSE || id === CLOCK_MONOTONIC_COARSE) return COARSE_RESOLUTION_NS;
  if (readClockKnown(id)) return BigInt(Math.max(1, Math.ceil(clock.nsPerInstruction)));
  return undefined;
}

function readClockKnown(id: number): boolean {
  return id >= 0 && id <= 11 && id !== 10;
}

function writeTimespec(context: SyscallContext, address: number, ns: bigint): void {
  context.memory.writeU64(address, ns / NS);
  context.memory.writeU64(address + 8, ns % NS);
}

/** clock_gettime and friends, sleeps, times and getrusage on the virtual clock. */
@injectable()
export class TimeSyscalls implements SyscallProvider {
  readonly subsystem = 'time';

  constructor(
    @inject(VirtualClock) private readonly clock: VirtualClock,
    @inject(ThreadWaits) private readonly waits: ThreadWaits,
  ) {}

  syscalls(): readonly SyscallDefinition[] {
    const clock = this.clock;
    const waits = this.waits;
    /**
     * Blocks the caller until virtual time `deadline`; other threads run meanwhile, or time
     * jumps. A signal that will run a handler interrupts the sleep as Linux's
     * hrtimer_nanosleep does: a relative sleep writes the time left to `remain` and ends with
     * ERESTART_RESTARTBLOCK, an absolute one with ERESTARTNOHAND; once the handler runs, the
     * guest sees -EINTR either way (signal(7): sleeps are never restarted after a handler).
     */
    const sleepUntil = (context: SyscallContext, deadline: number, reason: string, remain = 0, absolute = false) => {
      if (deadline <= clock.now()) return 0;
      const memory = context.memory;
      const interrupt = () => {
        if (absolute) return -ERESTARTNOHAND;
        if (remain === 0) return -ERESTART_RESTARTBLOCK;
        const left = BigInt(Math.max(0, deadline - clock.now()));
        if (!memory.isAccessible(remain, 16, PERM_W)) return -Errno.EFAULT;
        memory.writeU64(remain, left / NS);
        memory.writeU64(remain + 8, left % NS);
        return -ERESTART_RESTARTBLOCK;
      };
      waits.block(context.thread, reason, { deadline, timeoutResult: 0, interrupt });
      return NO_RETURN;
    };
    return [
      defineSyscall({
        name: 'clock_gettime',
        nr: NR.clock_gettime,
        args: [int('clockid'), ptr('tp')],
        support: 'full',
        note: 'virtual time: instructions × the clock rate plus time skipped while all threads slept; REALTIME from the fixed epoch',
        handler(context, id, tp) {
          const ns = readClock(clock, context.thread, id);
          if (ns === undefined) return -Errno.EINVAL;
          writeTimespec(context, tp, ns);
          return 0;
        },
      }),
      defineSyscall({
        name: 'clock_getres',
        nr: NR.clock_getres,
        args: [int('clockid'), ptr('res')],
        support: 'full',
        handler(context, id, res) {
          const ns = resolution(clock, id);
          if (ns === undefined) return -Errno.EINVAL;
          if (res !== 0) writeTimespec(context, res, ns);
          return 0;
        },
      }),
      defineSyscall({
        name: 'gettimeofday',
        nr: NR.gettimeofday,
        args: [ptr('tv'), ptr('tz')],
        support: 'full',
        handler(context, tv, tz) {
          const ns = clock.realtime();
          if (tv !== 0) {
            context.memory.writeU64(tv, ns / NS);
            context.memory.writeU64(tv + 8, (ns % NS) / 1000n);
          }
          if (tz !== 0) context.memory.write(tz, new Uint8Array(8)); // UTC, no DST
          return 0;
        },
      }),
      defineSyscall({
        name: 'nanosleep',
        nr: NR.nanosleep,
        args: [ptr('req'), ptr('rem')],
        support: 'full',
        note: 'the thread blocks; others run; when all sleep, virtual time jumps to the earliest wake-up',
        handler(context, req, rem) {
          const ns = readTimespec(context, req);
          if (typeof ns === 'number') return ns;
          if (rem !== 0) writeTimespec(context, rem, 0n);
          return sleepUntil(context, clock.now() + Number(ns), 'nanosleep', rem);
        },
      }),
      defineSyscall({
        name: 'clock_nanosleep',
        nr: NR.clock_nanosleep,
        args: [int('clockid'), int('flags'), ptr('request'), ptr('remain')],
        support: 'full',
        note: 'relative and TIMER_ABSTIME on the realtime, monotonic and boottime clocks',
        handler(context, id, flags, request, remain) {
          if (id === CLOCK_THREAD_CPUTIME_ID) return -Errno.EINVAL;
          const now = readClock(clock, context.thread, id);
          if (now === undefined) return -Errno.EINVAL;
          if (id === CLOCK_PROCESS_CPUTIME_ID) return -Errno.ENOTSUP;
          const ns = readTimespec(context, request);
          if (typeof ns === 'number') return ns;
          const wait = flags & TIMER_ABSTIME ? ns - now : ns;
          if (!(flags & TIMER_ABSTIME) && remain !== 0) writeTimespec(context, remain, 0n);
          const absolute = (flags & TIMER_ABSTIME) !== 0;
          return sleepUntil(context, clock.now() + Math.max(0, Number(wait)), 'clock_nanosleep', absolute ? 0 : remain, absolute);
        },
      }),
      defineSyscall({
        name: 'times',
        nr: NR.times,
        args: [ptr('buf')],
        support: 'full',
        handler(context, buf) {
          const ticks = (ns: number) => (BigInt(Math.round(ns)) * CLK_TCK) / NS;
          if (buf !== 0) {
            context.memory.writeU64(buf, ticks(clock.cpuTime())); // tms_utime
            context.memory.writeU64(buf + 8, 0n); // tms_stime: the kernel's time is not the guest's
            context.memory.writeU64(buf + 16, 0n);
            context.memory.writeU64(buf + 24, 0n);
          }
          return ticks(clock.now());
        },
      }),
      defineSyscall({
        name: 'getrusage',
        nr: NR.getrusage,
        args: [int('who'), ptr('usage')],
        support: 'full',
        note: 'user time from retired instructions; page and context-switch counters are zero',
        handler(context, who, address) {
          // RUSAGE_SELF 0, RUSAGE_CHILDREN -1, RUSAGE_THREAD 1
          if (who !== 0 && who !== -1 && who !== 1) return -Errno.EINVAL;
          const ns = who === 0 ? clock.cpuTime() : who === 1 ? clock.threadCpuTime(context.thread) : 0;
          const usage = new Uint8Array(144);
          const view = new DataView(usage.buffer);
          const total = BigInt(Math.round(ns));
          view.setBigUint64(0, total / NS, true);
          view.setBigUint64(8, (total % NS) / 1000n, true);
          context.memory.write(address, usage);
          return 0;
        },
      }),
    ];
  }
}
