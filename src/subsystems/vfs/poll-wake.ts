import type { OpenFile } from '../../kernel/contracts/device.js';

/** Something that hears a file's wake-ups: an epoll interest entry. */
export interface WakeListener {
  /** The file's state changed; `key` is the POLL* bits of the change, 0 for "anything". */
  wake(key: number): void;
}

/**
 * A file's wait queue as epoll sees it (Linux's wake_up_poll on a file's wait queue, with
 * its key): pipes and eventfds announce each change that can make them ready, so an
 * edge-triggered entry reports every new write, not just a change of the readiness mask.
 * Costs nothing while nobody listens.
 */
export class PollWakeups {
  private readonly _listeners = new Set<WakeListener>();

  add(listener: WakeListener): void {
    this._listeners.add(listener);
  }

  remove(listener: WakeListener): void {
    this._listeners.delete(listener);
  }

  /** Tells every listener (in the order they came) about a change with `key` (0: any). */
  wake(key: number): void {
    if (this._listeners.size === 0) return;
    for (const listener of [...this._listeners]) listener.wake(key);
  }

  get size(): number {
    return this._listeners.size;
  }
}

/** An open file that announces its changes on a PollWakeups. */
export interface WakeSource {
  readonly wakeups: PollWakeups;
}

/** The wake-ups `file` announces, if it does (files without them are polled by epoll instead). */
export function wakeupsOf(file: OpenFile): PollWakeups | undefined {
  const wakeups = (file as Partial<WakeSource>).wakeups;
  return wakeups instanceof PollWakeups ? wakeups : undefined;
}
