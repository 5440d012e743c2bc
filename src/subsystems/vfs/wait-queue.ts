import { inject, injectable } from 'inversify';
import { NO_RETURN, type SyscallContext } from '../../kernel/contracts/syscall.js';
import type { Thread } from '../../kernel/process.js';
import { ThreadWaits } from '../../kernel/waits.js';
import { ERESTARTSYS } from '../../kernel/syscall/restart.js';

const interruptRestartable = () => -ERESTARTSYS;

interface Waiter {
  readonly thread: Thread;
  /** The syscall's result once the thread can go on, or undefined to keep waiting. */
  readonly attempt: () => number | undefined;
}

/**
 * Threads waiting for a file to become ready: data or room in a pipe, a lock released,
 * any of a poll set. Whatever changes such a state calls `notify()`, and every waiter
 * that can now go on is woken. One queue for the whole VFS: waiters are few, and a
 * waiter that is woken too early just waits again.
 */
@injectable()
export class WaitQueue {
  private readonly _waiters = new Set<Waiter>();
  private _notifying = false;
  private _again = false;

  constructor(@inject(ThreadWaits) private readonly waits: ThreadWaits) {}

  /**
   * Blocks the calling thread until `ready()`, then runs its syscall again from the
   * start, as Linux restarts a syscall (the pc goes back to the ecall and a0 keeps its
   * argument). For waits that transferred nothing yet: a read of an empty pipe, a lock.
   * A handled signal ends the wait with ERESTARTSYS (signal(7)'s calls restarted under
   * SA_RESTART, else EINTR), or with the count a write already moved (`transferred`).
   */
  restartWhen(context: SyscallContext, reason: string, ready: () => boolean): typeof NO_RETURN {
    const a0 = Number(BigInt.asIntN(64, context.hart.getX(10)));
    context.hart.pc -= 4;
    return this.block(context.thread, reason, () => (ready() ? a0 : undefined), { interrupt: interruptRestartable });
  }

  /**
   * The blocked call of `thread` already moved `count` bytes: a signal ends it with that
   * count instead of a restart, and `forget` drops the call's saved progress.
   */
  transferred(thread: Thread, count: number, forget: () => void): void {
    this.waits.transferred(thread, count, forget);
  }

  /**
   * Blocks `thread` until `attempt()` gives a result, which becomes its syscall's return
   * value; `interrupt` makes the wait one a signal handler ends (see SignalWaits), and
   * `onEnd` runs when it ends either way.
   */
  block(
    thread: Thread,
    reason: string,
    attempt: () => number | undefined,
    options: { deadline?: number; timeoutResult?: number; interrupt?: () => number; onEnd?: () => void } = {},
  ): typeof NO_RETURN {
    const waiter: Waiter = { thread, attempt };
    this._waiters.add(waiter);
    const { onEnd, ...rest } = options;
    this.waits.block(thread, reason, {
      ...rest,
      onEnd: () => {
        this._waiters.delete(waiter);
        onEnd?.();
      },
    });
    return NO_RETURN;
  }

  /** Something changed: wake every waiter that can go on. */
  notify(): void {
    if (this._waiters.size === 0) return;
    if (this._notifying) {
      this._again = true;
      return;
    }
    this._notifying = true;
    try {
      do {
        this._again = false;
        for (const waiter of [...this._waiters]) {
          if (!this._waiters.has(waiter)) continue;
          const result = waiter.attempt();
          if (result !== undefined) this.waits.wake(waiter.thread, result);
        }
      } while (this._again);
    } finally {
      this._notifying = false;
    }
  }

  get size(): number {
    return this._waiters.size;
  }
}
