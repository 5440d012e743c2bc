import { Errno } from '../errno.js';

/*
 * Linux's syscall restart codes (include/linux/errno.h). A blocking call that a signal
 * handler interrupts ends with one of them; they never reach the guest: on the way back
 * to user mode the signal code turns each into -EINTR or a restart of the call (the pc
 * back at its ecall, a0 its first argument again), by the rules of riscv's
 * handle_signal and arch_do_signal_or_restart. Which code a call uses is its class in
 * signal(7): reads and writes of pipes and eventfds, locks and untimed futex waits are
 * restarted under SA_RESTART (ERESTARTSYS); waits with a timeout end with EINTR whenever
 * a handler ran (ERESTART_RESTARTBLOCK).
 */

/** Restart if the handler has SA_RESTART (or no handler ran), else EINTR. */
export const ERESTARTSYS = 512;
/** Always restart. */
export const ERESTARTNOINTR = 513;
/** Restart only if no handler ran, else EINTR. */
export const ERESTARTNOHAND = 514;
/** EINTR if a handler ran; Linux restarts through restart_syscall otherwise (here: EINTR too). */
export const ERESTART_RESTARTBLOCK = 516;

/** True for a syscall result that is one of the restart codes (as a negative errno). */
export function isRestartCode(result: number | bigint): boolean {
  const value = Number(result);
  return value <= -ERESTARTSYS && value >= -ERESTART_RESTARTBLOCK && value !== -515;
}

/** A syscall a signal interrupted: where its ecall is, its first argument, and its restart code. */
export interface InterruptedCall {
  /** The address of the call's ecall. */
  readonly pc: number;
  /** a0 at the call's entry (orig_a0). */
  readonly a0: bigint;
  /** The restart code it ended with (positive: ERESTARTSYS, ...). */
  readonly code: number;
}

/**
 * What an interrupted call becomes (riscv's handle_signal when a handler runs, `handler`
 * then says whether it has SA_RESTART; the no-handler path of arch_do_signal_or_restart
 * when `handler` is undefined): 'restart', or the errno value to return (-EINTR).
 *
 * ERESTART_RESTARTBLOCK without a handler would make Linux call restart_syscall to go on
 * waiting for the time left; here the call ends with EINTR, which only a signal whose
 * action became SIG_IGN between its arrival and the thread's next run can cause.
 */
export function restartOutcome(code: number, handler: { restart: boolean } | undefined): 'restart' | number {
  switch (code) {
    case ERESTARTNOINTR:
      return 'restart';
    case ERESTARTNOHAND:
      return handler === undefined ? 'restart' : -Errno.EINTR;
    case ERESTARTSYS:
      return handler === undefined || handler.restart ? 'restart' : -Errno.EINTR;
    default:
      return -Errno.EINTR;
  }
}
