import { inject, injectable, optional } from 'inversify';
import type { SignalDelivery } from '../../kernel/contracts/signals.js';
import { NO_RETURN, type SyscallContext } from '../../kernel/contracts/syscall.js';
import { Errno } from '../../kernel/errno.js';
import { SIGNAL_DELIVERY } from '../../kernel/tokens.js';

/** SIGKILL and SIGSTOP: no mask blocks them. */
const UNBLOCKABLE = (1n << 8n) | (1n << 18n);

/** What a blocking call passes on to ThreadWaits so that a signal handler can end the wait. */
export interface InterruptibleWait {
  /** Called when a handled signal arrives for the waiting thread: the wait's result then (-EINTR). */
  readonly interrupt: () => number;
  /** Called when the wait ends, whichever way. */
  readonly onEnd: () => void;
}

/**
 * Waits that a signal handler interrupts with EINTR (epoll_pwait), optionally under a
 * signal mask for their duration, as Linux's set_user_sigmask: the caller's mask comes
 * back when the wait ends on its own; when a signal ends it, the handler's frame saves
 * the caller's mask, so rt_sigreturn restores it after the handler has run.
 */
@injectable()
export class SignalWaits {
  constructor(@inject(SIGNAL_DELIVERY) @optional() private readonly signals: SignalDelivery | undefined) {}

  /**
   * Blocks through `block` (which must hand the options to ThreadWaits) with `mask`, if
   * given, as the thread's signal mask until the wait ends. A signal already pending that
   * the wait's mask lets through ends the call at once with EINTR, its handler running
   * first, as Linux checks for signals before sleeping. A signal that arrives during the
   * wait ends it with `interruptResult`: -EINTR (epoll_pwait), or a restart code that the
   * signal code resolves (ppoll's ERESTARTNOHAND: EINTR when a handler runs).
   */
  wait(
    context: SyscallContext,
    mask: bigint | undefined,
    block: (options: InterruptibleWait) => typeof NO_RETURN,
    interruptResult: number = -Errno.EINTR,
  ): typeof NO_RETURN {
    const thread = context.thread;
    let interrupted = false;
    if (mask !== undefined) {
      thread.savedSignalMask = thread.signalMask;
      thread.signalMask = mask & ~UNBLOCKABLE;
      if (this.signals) {
        // a handler frame saves a0 (EINTR) and the caller's mask, and moves the pc to the handler
        const pc = context.hart.pc;
        context.hart.setX(10, BigInt(-Errno.EINTR));
        this.signals.beforeResume(thread);
        if (context.process.exited || context.hart.pc !== pc) return NO_RETURN;
      }
    }
    return block({
      interrupt: () => {
        interrupted = true;
        return interruptResult;
      },
      onEnd: () => {
        if (mask === undefined || interrupted || thread.savedSignalMask === undefined) return;
        thread.signalMask = thread.savedSignalMask;
        thread.savedSignalMask = undefined;
      },
    });
  }
}
