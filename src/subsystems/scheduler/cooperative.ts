import { injectable } from 'inversify';
import type { Scheduler } from '../../kernel/contracts/scheduler.js';
import type { Thread } from '../../kernel/process.js';

/**
 * Round-robin over the runnable threads, switching only when the running thread blocks,
 * yields or exits (as the original ZeroOS does), or every `quantum` instructions when one
 * is set, so a spin-waiting thread cannot starve the others.
 */
@injectable()
export class CooperativeScheduler implements Scheduler {
  readonly name: string = 'cooperative';
  private readonly _threads: Thread[] = [];

  constructor(readonly quantum: number | undefined = undefined) {}

  add(thread: Thread): void {
    if (!this._threads.includes(thread)) this._threads.push(thread);
  }

  remove(thread: Thread): void {
    const index = this._threads.indexOf(thread);
    if (index >= 0) this._threads.splice(index, 1);
  }

  pickNext(current: Thread | undefined): Thread | undefined {
    const threads = this._threads;
    const start = current ? threads.indexOf(current) : -1;
    for (let step = 1; step <= threads.length; step++) {
      const candidate = threads[(start + step + threads.length) % threads.length];
      if (candidate?.state === 'runnable') return candidate;
    }
    return undefined;
  }
}
