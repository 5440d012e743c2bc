import { inject, injectable } from 'inversify';
import { VirtualClock } from './clock.js';
import type { Thread } from './process.js';

/** A blocked thread and how it ends if nobody wakes it. */
interface Wait {
  readonly thread: Thread;
  /** Virtual ns at which the wait times out, or undefined for none. */
  readonly deadline: number | undefined;
  /** The syscall result on timeout (e.g. -ETIMEDOUT, or 0 for a finished sleep). */
  readonly timeoutResult: number;
  /** Called when the wait ends either way (e.g. to leave a futex queue). */
  readonly onEnd: (() => void) | undefined;
  /**
   * For a wait a signal handler interrupts (futex, nanosleep, rt_sigsuspend, pipes): the
   * syscall's result then: -EINTR (after writing what is left of a sleep), a restart code
   * (-ERESTARTSYS: the signal code decides between EINTR and a restart, see
   * syscall/restart.ts), or what the call already transferred. Undefined: the signal stays
   * pending until the wait ends on its own.
   */
  interrupt: (() => number) | undefined;
}

/**
 * Blocking and waking threads. A blocked thread sits in a syscall that returned
 * NO_RETURN; waking it writes the syscall's result into its saved a0 and makes it
 * runnable. Waits with a deadline end on their own once virtual time passes it.
 */
@injectable()
export class ThreadWaits {
  private readonly _waits = new Map<Thread, Wait>();
  /** Threads whose last wait a signal ended, until the trap handler asks (takeInterrupted). */
  private readonly _interrupted = new Set<Thread>();

  constructor(@inject(VirtualClock) private readonly clock: VirtualClock) {}

  /** Blocks `thread` (the caller of the current syscall). `reason` shows in deadlock reports. */
  block(
    thread: Thread,
    reason: string,
    options: { deadline?: number; timeoutResult?: number; onEnd?: () => void; interrupt?: () => number } = {},
  ): void {
    thread.state = 'blocked';
    thread.blockedOn = reason;
    this._waits.set(thread, {
      thread,
      deadline: options.deadline,
      timeoutResult: options.timeoutResult ?? 0,
      onEnd: options.onEnd,
      interrupt: options.interrupt,
    });
  }

  /**
   * A signal with a handler arrived for blocked `thread`: a wait that can be interrupted
   * ends now with its interrupt result (the handler then runs when the thread next gets
   * the hart, as Linux runs it on the way out of the interrupted call). False when the
   * thread is not waiting or its wait cannot be interrupted.
   */
  interrupt(thread: Thread): boolean {
    const wait = this._waits.get(thread);
    if (wait?.interrupt === undefined) return false;
    this.wake(thread, wait.interrupt());
    this._interrupted.add(thread);
    return true;
  }

  /**
   * Whether a signal ended `thread`'s last wait (rather than a wake-up or its deadline),
   * and forgets it: the trap handler then completes the call with that result, or hands a
   * restart code to the signal code, instead of running a restartable call again.
   */
  takeInterrupted(thread: Thread): boolean {
    if (this._interrupted.size === 0) return false;
    return this._interrupted.delete(thread);
  }

  /**
   * The blocked call of `thread` has already moved `count` bytes (a pipe write that filled
   * the pipe): a signal now ends it with that count, as Linux returns the partial count of
   * a slow-device transfer, and `forget` drops the call's progress. No effect when the
   * thread's wait cannot be interrupted.
   */
  transferred(thread: Thread, count: number, forget: () => void): void {
    const wait = this._waits.get(thread);
    if (wait?.interrupt === undefined || count <= 0) return;
    wait.interrupt = () => {
      forget();
      return count;
    };
  }

  /** Ends `thread`'s wait with `result` as its syscall's return value. */
  wake(thread: Thread, result: number): void {
    const wait = this._waits.get(thread);
    if (!wait) return;
    this._waits.delete(thread);
    wait.onEnd?.();
    thread.state = 'runnable';
    thread.blockedOn = undefined;
    thread.pendingResult = result;
  }

  /** Forgets a thread that exits while blocked (exit_group from another thread). */
  forget(thread: Thread): void {
    this._interrupted.delete(thread);
    const wait = this._waits.get(thread);
    if (!wait) return;
    this._waits.delete(thread);
    wait.onEnd?.();
  }

  isWaiting(thread: Thread): boolean {
    return this._waits.has(thread);
  }

  /** Wakes every wait whose deadline has passed; returns how many. */
  expire(): number {
    const now = this.clock.now();
    let woken = 0;
    for (const wait of [...this._waits.values()]) {
      if (wait.deadline !== undefined && wait.deadline <= now) {
        this.wake(wait.thread, wait.timeoutResult);
        woken++;
      }
    }
    return woken;
  }

  /** The earliest pending deadline, if any thread waits with one. */
  earliestDeadline(): number | undefined {
    let earliest: number | undefined;
    for (const wait of this._waits.values()) {
      if (wait.deadline !== undefined && (earliest === undefined || wait.deadline < earliest)) earliest = wait.deadline;
    }
    return earliest;
  }
}
