import { sha256 } from '@noble/hashes/sha2.js';
import type { Scheduler } from '../../kernel/contracts/scheduler.js';
import type { Thread } from '../../kernel/process.js';

/**
 * Picks the next thread at random from the runnable ones, with a PRNG (xoshiro128**)
 * keyed by the run's seed: each seed is one reproducible interleaving, so running a
 * program under many seeds shakes out races, and any failure replays exactly.
 */
export class SeededRandomScheduler implements Scheduler {
  readonly name: string = 'random';
  readonly #threads: Thread[] = [];
  readonly #state: Uint32Array;

  constructor(
    seed: bigint,
    readonly quantum: number | undefined = undefined,
  ) {
    const key = new Uint8Array(8);
    new DataView(key.buffer).setBigUint64(0, BigInt.asUintN(64, seed), true);
    const digest = sha256(new Uint8Array([...new TextEncoder().encode('zeroos.scheduler'), ...key]));
    this.#state = new Uint32Array(digest.buffer, digest.byteOffset, 4).slice();
    if (this.#state.every((w) => w === 0)) this.#state[0] = 1;
  }

  add(thread: Thread): void {
    if (!this.#threads.includes(thread)) this.#threads.push(thread);
  }

  remove(thread: Thread): void {
    const index = this.#threads.indexOf(thread);
    if (index >= 0) this.#threads.splice(index, 1);
  }

  pickNext(): Thread | undefined {
    const runnable = this.#threads.filter((t) => t.state === 'runnable');
    if (runnable.length <= 1) return runnable[0];
    return runnable[this.next() % runnable.length];
  }

  /** xoshiro128**: one 32-bit output. */
  private next(): number {
    const s = this.#state;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
