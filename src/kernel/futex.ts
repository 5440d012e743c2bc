import { inject, injectable } from 'inversify';
import { hex } from '../errors.js';
import { Errno } from './errno.js';
import type { Thread } from './process.js';
import { ThreadWaits } from './waits.js';
import { ERESTARTSYS, ERESTART_RESTARTBLOCK } from './syscall/restart.js';

export const FUTEX_BITSET_MATCH_ANY = 0xffff_ffff;

interface Waiter {
  readonly thread: Thread;
  readonly bitset: number;
  /** The queue the waiter is on now (requeue moves it). */
  address: number;
}

/**
 * The futex wait queues, keyed by guest address (one process, so private and shared
 * futexes share keys). FIFO per address, so who wakes first is fixed by the order of
 * the waits: deterministic.
 */
@injectable()
export class FutexTable {
  private readonly _queues = new Map<number, Waiter[]>();

  constructor(@inject(ThreadWaits) private readonly waits: ThreadWaits) {}

  /** Blocks `thread` on `address` until a matching wake, or ETIMEDOUT at `deadline` (virtual ns). */
  wait(thread: Thread, address: number, expected: number, bitset: number, deadline?: number): void {
    const waiter: Waiter = { thread, bitset, address };
    this.queue(address).push(waiter);
    this.waits.block(thread, `futex ${hex(address)} (value ${expected})`, {
      ...(deadline === undefined ? {} : { deadline }),
      timeoutResult: -Errno.ETIMEDOUT,
      onEnd: () => this.remove(waiter),
      // A handled signal ends the wait as Linux's futex_wait does: an untimed wait with
      // ERESTARTSYS (restarted under SA_RESTART, else EINTR), a timed one with
      // ERESTART_RESTARTBLOCK (EINTR once a handler runs).
      interrupt: deadline === undefined ? () => -ERESTARTSYS : () => -ERESTART_RESTARTBLOCK,
    });
  }

  /** Wakes up to `count` waiters on `address` whose bitset intersects `bitset`; returns how many. */
  wake(address: number, count: number, bitset = FUTEX_BITSET_MATCH_ANY): number {
    const queue = this._queues.get(address);
    if (!queue || count <= 0) return 0;
    let woken = 0;
    for (const waiter of [...queue]) {
      if (woken >= count) break;
      if ((waiter.bitset & bitset) === 0) continue;
      this.waits.wake(waiter.thread, 0);
      woken++;
    }
    return woken;
  }

  /** Wakes `wakeCount` waiters on `from` and moves up to `requeueCount` more to `to`; returns woken + moved. */
  requeue(from: number, to: number, wakeCount: number, requeueCount: number): number {
    const woken = this.wake(from, wakeCount);
    const queue = this._queues.get(from);
    if (!queue || requeueCount <= 0 || from === to) return woken;
    const moved = queue.splice(0, requeueCount);
    if (queue.length === 0) this._queues.delete(from);
    for (const waiter of moved) {
      waiter.address = to;
      waiter.thread.blockedOn = `futex ${hex(to)} (requeued)`;
    }
    this.queue(to).push(...moved);
    return woken + moved.length;
  }

  /** Waiters queued on `address`. */
  waiting(address: number): number {
    return this._queues.get(address)?.length ?? 0;
  }

  private queue(address: number): Waiter[] {
    let queue = this._queues.get(address);
    if (!queue) this._queues.set(address, (queue = []));
    return queue;
  }

  private remove(waiter: Waiter): void {
    const queue = this._queues.get(waiter.address);
    if (!queue) return;
    const index = queue.indexOf(waiter);
    if (index >= 0) queue.splice(index, 1);
    if (queue.length === 0) this._queues.delete(waiter.address);
  }
}
