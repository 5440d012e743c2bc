import { inject, injectable, optional } from 'inversify';
import { VirtualClock } from '../../kernel/clock.js';
import type { QueuedSignalInfo, SignalDelivery } from '../../kernel/contracts/signals.js';
import type { IntervalTimers } from '../../kernel/contracts/timers.js';
import type { Process, Thread } from '../../kernel/process.js';
import { PROCESS, SIGNAL_DELIVERY } from '../../kernel/tokens.js';

/** si_code of a POSIX timer's signal. */
export const SI_TIMER = -2;
/** si_code of a signal the kernel sends itself (setitimer's SIGALRM, SIGVTALRM, SIGPROF). */
export const SI_KERNEL = 0x80;
export const SIGALRM = 14;
export const SIGVTALRM = 26;
export const SIGPROF = 27;
/** The most POSIX timers a process may hold at once (Linux's limit is RLIMIT_SIGPENDING): EAGAIN past it. */
export const MAX_TIMERS = 4096;

/**
 * The clock a timer counts on: `wall` advances with the virtual clock, jumps included
 * (REALTIME, MONOTONIC, BOOTTIME, TAI); `process` with every instruction the process
 * retires; `thread` with the instructions one thread retires.
 */
export type TimerClock = { kind: 'wall' } | { kind: 'process' } | { kind: 'thread'; thread: Thread };

/** How a timer notifies: a signal to the process, a signal to one thread, or nothing (SIGEV_NONE). */
export type TimerNotify = { kind: 'process'; signal: number } | { kind: 'thread'; signal: number; thread: Thread } | { kind: 'none' };

/** One timer: a POSIX timer (timer_create) or one of the process's interval timers (setitimer). */
export interface Timer {
  /** The timer id (for an interval timer: -1 - which). */
  readonly id: number;
  /** The clockid it was created with (TIMER_ABSTIME values are on this clock). */
  readonly clockId: number;
  readonly clock: TimerClock;
  readonly notify: TimerNotify;
  /** si_code of its signals: SI_TIMER for POSIX timers, SI_KERNEL for interval timers. */
  readonly code: number;
  /** sigev_value, for si_value. */
  readonly value: bigint;
  /**
   * Whether a periodic timer is set up again when its signal is delivered (POSIX timers and
   * ITIMER_REAL, as Linux's posixtimer_rearm and dequeue_signal do), rather than when it fires
   * (ITIMER_VIRTUAL and ITIMER_PROF, whose signals merge).
   */
  readonly rearmOnDelivery: boolean;
  /** The next expiry in the clock's ns (VirtualClock.now() scale for wall clocks); undefined: disarmed. */
  expiry: number | undefined;
  /** The period in ns; 0 for a one-shot timer. */
  interval: number;
  /** Its signal is queued and not yet delivered. */
  pending: boolean;
  /** Expiries while the signal was pending (added to si_overrun). */
  pendingOverrun: number;
  /** What timer_getoverrun reports: the periods missed before the last delivered signal. */
  overrunLast: number;
  /**
   * A periodic timer (of those set up again on delivery) that expired and waits for its
   * signal's delivery to move to its next period. timer_settime clears it: a signal queued
   * under an earlier setting does not set the timer up again.
   */
  awaiting: boolean;
  deleted: boolean;
}

/**
 * POSIX timers and interval timers on the virtual clock. A timer fires at the exact
 * instruction its clock reaches the expiry: the run loop stops the hart there (see
 * IntervalTimers), at syscall boundaries, and when the clock jumps because every thread
 * sleeps. Wall-clock timers expire with the virtual clock, jumps included; CPU-time timers
 * only while the process (or their thread) retires instructions, so they never end a jump.
 * A periodic timer whose signal is still pending is not set up again until it is
 * delivered; the periods it missed are its overrun (si_overrun, timer_getoverrun), as on Linux.
 */
@injectable()
export class PosixTimers implements IntervalTimers {
  private readonly _timers = new Map<number, Timer>();
  /** Timers that can fire: armed, notifying, and not waiting for their signal's delivery. */
  private readonly _active = new Set<Timer>();
  /** ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF. */
  private readonly _itimers: (Timer | undefined)[] = [undefined, undefined, undefined];
  private _nextId = 0;

  constructor(
    @inject(VirtualClock) private readonly clock: VirtualClock,
    @inject(PROCESS) private readonly process: Process,
    @inject(SIGNAL_DELIVERY) @optional() private readonly signals: SignalDelivery | undefined,
  ) {}

  /** Whether timers can raise signals here (a signals subsystem that takes queued signals is loaded). */
  get signalsAvailable(): boolean {
    return this.signals?.queueSignal !== undefined;
  }

  get armed(): boolean {
    return this._active.size !== 0;
  }

  /** The POSIX timer `id`, if it exists. */
  get(id: number): Timer | undefined {
    return this._timers.get(id);
  }

  /** How many POSIX timers exist. */
  get count(): number {
    return this._timers.size;
  }

  /** A new POSIX timer, disarmed; undefined past MAX_TIMERS. */
  create(clockId: number, clock: TimerClock, notify: TimerNotify, value: bigint | undefined): Timer | undefined {
    if (this._timers.size >= MAX_TIMERS) return undefined;
    let id = this._nextId;
    while (this._timers.has(id)) id = (id + 1) & 0x7fff_ffff;
    this._nextId = (id + 1) & 0x7fff_ffff;
    // With no sigevent, si_value is the timer's id (Linux's default).
    const timer = newTimer(id, clockId, clock, notify, SI_TIMER, value ?? BigInt(id), true);
    this._timers.set(id, timer);
    return timer;
  }

  /** timer_delete: the timer stops; a signal of it already pending is still delivered. */
  delete(timer: Timer): void {
    this._timers.delete(timer.id);
    this._active.delete(timer);
    timer.expiry = undefined;
    timer.deleted = true;
  }

  /** The interval timer `which` (0 REAL, 1 VIRTUAL, 2 PROF), created disarmed on first use. */
  itimer(which: number): Timer {
    let timer = this._itimers[which];
    if (timer === undefined) {
      const clock: TimerClock = which === 0 ? { kind: 'wall' } : { kind: 'process' };
      const signal = which === 0 ? SIGALRM : which === 1 ? SIGVTALRM : SIGPROF;
      // ITIMER_REAL runs on CLOCK_MONOTONIC (1), the others on the process's CPU clock (2)
      timer = newTimer(-1 - which, which === 0 ? 1 : 2, clock, { kind: 'process', signal }, SI_KERNEL, 0n, which === 0);
      this._itimers[which] = timer;
    }
    return timer;
  }

  /** The timer's clock now, in ns (for a thread's clock: its CPU time). */
  clockNow(timer: Timer): number {
    const clock = timer.clock;
    if (clock.kind === 'wall') return this.clock.now();
    if (clock.kind === 'process') return this.clock.cpuTime();
    return this.clock.threadCpuTime(clock.thread);
  }

  /**
   * Arms (expiry in the clock's ns) or disarms (undefined) `timer` with period `interval`;
   * an expiry already past fires at the next instruction boundary.
   */
  set(timer: Timer, expiry: number | undefined, interval: number): void {
    timer.awaiting = false;
    timer.overrunLast = 0;
    timer.expiry = expiry;
    timer.interval = expiry === undefined ? 0 : interval;
    this.refresh(timer);
  }

  /**
   * What is left until `timer` expires, in ns (0: disarmed), as timer_gettime reports it:
   * a periodic timer whose signal is pending (or that notifies nobody) reports the time to
   * its next period; one that is due but has not fired yet reports 1 ns, as Linux does.
   */
  remaining(timer: Timer): number {
    if (timer.expiry === undefined) return 0;
    const now = this.clockNow(timer);
    let expiry = timer.expiry;
    const quiet = timer.notify.kind === 'none';
    if (timer.interval > 0 && (timer.awaiting || quiet) && now >= expiry) expiry = forward(expiry, timer.interval, now);
    const left = expiry - now;
    if (left > 0) return left;
    return quiet ? 0 : 1;
  }

  /** timer_getoverrun: the periods the timer missed before its last delivered signal, capped at INT_MAX. */
  overrun(timer: Timer): number {
    return Math.min(timer.overrunLast, 0x7fff_ffff);
  }

  instructionsUntilExpiry(running: Thread): number {
    const perInstruction = this.clock.nsPerInstruction;
    let least = 2 ** 40;
    for (const timer of this._active) {
      const clock = timer.clock;
      if (clock.kind === 'thread' && clock.thread !== running) continue;
      const left = Math.ceil((timer.expiry! - this.clockNow(timer)) / perInstruction);
      if (left < least) least = left;
    }
    return Math.max(1, least);
  }

  earliestDeadline(): number | undefined {
    let earliest: number | undefined;
    for (const timer of this._active) {
      if (timer.clock.kind === 'wall' && (earliest === undefined || timer.expiry! < earliest)) earliest = timer.expiry;
    }
    return earliest;
  }

  fire(running: Thread | undefined): void {
    for (const timer of [...this._active]) {
      if (!this._active.has(timer) || this.process.exited) continue;
      const now = this.clockNow(timer);
      if (now >= timer.expiry!) this.expire(timer, now, running);
    }
  }

  /** The timer's expiry came: its signal, or an overrun while the last one is still pending. */
  private expire(timer: Timer, now: number, running: Thread | undefined): void {
    const periodic = timer.interval > 0;
    if (periodic && timer.rearmOnDelivery) {
      timer.awaiting = true; // the next period comes when the signal is delivered
    } else {
      // a one-shot timer is done; the interval timers on CPU time go on at once (their signals merge)
      timer.expiry = periodic ? forward(timer.expiry!, timer.interval, now) : undefined;
    }
    if (timer.pending) {
      // its signal still waits (the timer was set again meanwhile): Linux's si_overrun++
      timer.pendingOverrun++;
      this.refresh(timer);
      return;
    }
    timer.pending = true;
    timer.pendingOverrun = 0;
    this.refresh(timer);
    const target = this.target(timer);
    const notify = timer.notify;
    if (target === undefined || notify.kind === 'none') {
      this.dropped(timer);
      return;
    }
    this.signals!.queueSignal!(target, notify.signal, this.info(timer), running);
  }

  /** The thread a timer's signal goes to: its own, or for the process one that does not block it (the main thread first). */
  private target(timer: Timer): Thread | undefined {
    const notify = timer.notify;
    if (notify.kind === 'none') return undefined;
    if (notify.kind === 'thread') return notify.thread.state === 'exited' ? undefined : notify.thread;
    const live = this.process.liveThreads();
    const mask = 1n << BigInt(notify.signal - 1);
    return live.find((t) => !(t.signalMask & mask)) ?? live[0];
  }

  /** The siginfo of a timer's signal, and what its delivery or loss does to the timer. */
  private info(timer: Timer): QueuedSignalInfo {
    return {
      code: timer.code,
      delivered: (siginfo) => {
        const overrun = this.delivered(timer);
        if (timer.code === SI_TIMER) {
          siginfo.setInt32(16, timer.id, true); // si_timerid
          siginfo.setInt32(20, Math.min(overrun, 0x7fff_ffff), true); // si_overrun
          siginfo.setBigUint64(24, timer.value, true); // si_value
        }
      },
      dropped: () => this.dropped(timer),
    };
  }

  /**
   * The timer's signal is delivered: a periodic timer (of those set up again on delivery)
   * moves to its next period after now, the periods it missed being its overrun. Returns
   * si_overrun.
   */
  private delivered(timer: Timer): number {
    timer.pending = false;
    let overrun = timer.pendingOverrun;
    timer.pendingOverrun = 0;
    if (timer.awaiting && timer.expiry !== undefined && !timer.deleted) {
      timer.awaiting = false;
      const now = this.clockNow(timer);
      const periods = now >= timer.expiry ? Math.floor((now - timer.expiry) / timer.interval) + 1 : 0;
      timer.expiry += periods * timer.interval;
      timer.overrunLast = Math.max(0, periods - 1);
      overrun += timer.overrunLast;
    }
    this.refresh(timer);
    return overrun;
  }

  /** The timer's signal was lost (ignored, or its thread is gone): a periodic timer goes on. */
  private dropped(timer: Timer): void {
    timer.pending = false;
    timer.pendingOverrun = 0;
    if (timer.awaiting && timer.expiry !== undefined && !timer.deleted) {
      timer.awaiting = false;
      timer.expiry = forward(timer.expiry, timer.interval, this.clockNow(timer));
    }
    this.refresh(timer);
  }

  /** Puts the timer in the active set when it can fire, takes it out otherwise. */
  private refresh(timer: Timer): void {
    const threadGone = timer.clock.kind === 'thread' && timer.clock.thread.state === 'exited';
    if (timer.expiry !== undefined && timer.notify.kind !== 'none' && !timer.awaiting && !timer.deleted && !threadGone) this._active.add(timer);
    else this._active.delete(timer);
  }
}

function newTimer(id: number, clockId: number, clock: TimerClock, notify: TimerNotify, code: number, value: bigint, rearmOnDelivery: boolean): Timer {
  return {
    id,
    clockId,
    clock,
    notify,
    code,
    value,
    rearmOnDelivery,
    expiry: undefined,
    interval: 0,
    pending: false,
    pendingOverrun: 0,
    overrunLast: 0,
    awaiting: false,
    deleted: false,
  };
}

/** The first expiry after `now` of a timer with period `interval` that expired at `expiry` (hrtimer_forward). */
function forward(expiry: number, interval: number, now: number): number {
  if (now < expiry) return expiry;
  return expiry + (Math.floor((now - expiry) / interval) + 1) * interval;
}
