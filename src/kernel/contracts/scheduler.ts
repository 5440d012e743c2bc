import type { Thread } from '../process.js';

/**
 * Picks which thread runs on the one hart. The kernel tells it about threads
 * (add/remove), and asks it at every switch point: a thread blocked, yielded or exited,
 * or its quantum ran out.
 */
export interface Scheduler {
  readonly name: string;
  /** Instructions a thread may run before it is preempted; undefined = cooperative. */
  readonly quantum: number | undefined;
  add(thread: Thread): void;
  remove(thread: Thread): void;
  /** The next thread to run after `current` (which may still be runnable), or undefined if none can run. */
  pickNext(current: Thread | undefined): Thread | undefined;
}
