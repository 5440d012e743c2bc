import type { Thread } from '../process.js';
import type { InterruptedCall } from '../syscall/restart.js';

/** Why the kernel raises a signal on a thread's behalf: a fault in what it executed. */
export interface FaultSignal {
  readonly signal: number;
  /** si_code: SEGV_MAPERR, SEGV_ACCERR, ILL_ILLOPC, TRAP_BRKPT, ... */
  readonly code: number;
  /** si_addr: the faulting address, or the instruction's pc. */
  readonly address: bigint;
}

/**
 * A signal queued with its own siginfo (a timer's: si_code SI_TIMER or SI_KERNEL, the
 * timer id, overrun and value), and what its sender learns when it leaves the pending set.
 */
export interface QueuedSignalInfo {
  /** si_code. */
  readonly code: number;
  /** The signal is being delivered: write the rest of the siginfo (the union at byte 16) into `siginfo`. */
  delivered?(siginfo: DataView): void;
  /** The signal left the pending set undelivered (ignored, or replaced by another of the same number). */
  dropped?(): void;
}

/**
 * How the run loop hands signals to the signals subsystem: a fault in the running
 * thread, and the moment a thread gets the hart back (when pending signals are delivered).
 */
export interface SignalDelivery {
  /** True when a guest handler will run for the fault (its frame is set up); false: the fault ends the run. */
  deliverFault(thread: Thread, fault: FaultSignal): boolean;
  /** The thread is about to run again: deliver its pending, unblocked signals. */
  beforeResume(thread: Thread): void;
  /**
   * Raises `signal` on the calling thread from inside a syscall (SIGPIPE from a write),
   * with `code` as si_code. The syscall's result must already be in a0. True when a
   * handler frame was pushed (the syscall must then not write a0 again).
   */
  raise(thread: Thread, signal: number, code: number, pc: number): boolean;
  /**
   * Queues `signal` (si_code `code`) for the calling thread from inside a syscall whose
   * result is not known yet (SIGPIPE from a console write the host refused). The run loop
   * delivers it once the syscall has returned, with the result in a0, as Linux delivers
   * signals on the way back to user mode.
   */
  post(thread: Thread, signal: number, code: number): void;
  /**
   * The a0 saved in the last handler frame pushed for `thread` since the previous ask, and
   * forgets it: the result of a syscall interrupted by the handler it started (kill to
   * itself, rt_sigsuspend), for its syscall-exit event.
   */
  takeFrameResult?(thread: Thread): bigint | undefined;
  /**
   * A handled signal ended `thread`'s blocking call with a restart code (its a0 holds it,
   * its pc is past the ecall). The delivery that follows (beforeResume) turns it into
   * -EINTR or a restart of the call, by the handler's SA_RESTART and the code, as Linux
   * does on the way back to user mode.
   */
  interruptedCall?(thread: Thread, call: InterruptedCall): void;
  /**
   * Queues `signal` for `thread` from outside any syscall (a timer expired) with its own
   * siginfo. Delivered at once when `thread` is `running` (the loop calls this at an
   * instruction boundary); for another thread a handled, unblocked signal ends an
   * interruptible wait, and it runs when that thread next gets the hart. A default action
   * that ends the process ends it now. False when the signal was discarded (ignored).
   */
  queueSignal?(thread: Thread, signal: number, info: QueuedSignalInfo, running: Thread | undefined): boolean;
}
