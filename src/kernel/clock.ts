import { inject, injectable } from 'inversify';
import type { Arch } from './contracts/arch.js';
import type { Thread } from './process.js';
import { ARCH, KERNEL_CONFIG, type KernelConfig } from './tokens.js';

/**
 * Virtual time: nanoseconds since boot, driven by the instruction count (at the
 * configured rate) plus the time skipped while every thread slept. No host clock is ever
 * read, so the same run always sees the same times.
 */
@injectable()
export class VirtualClock {
  /** Time skipped forward while all threads waited (ns). */
  private _skipped = 0;
  readonly nsPerInstruction: number;

  constructor(
    @inject(ARCH) private readonly arch: Arch,
    @inject(KERNEL_CONFIG) private readonly config: KernelConfig,
  ) {
    this.nsPerInstruction = config.nsPerInstruction;
  }

  /**
   * CLOCK_MONOTONIC when the process starts: Linux's monotonic clock is the machine's
   * uptime, never near zero for a new process, and programs subtract from it freely.
   */
  static readonly UPTIME_AT_START_NS = 100_000_000_000;

  /** CLOCK_MONOTONIC / BOOTTIME now, in ns. */
  monotonic(): bigint {
    return BigInt(VirtualClock.UPTIME_AT_START_NS + this.now());
  }

  /** A CLOCK_MONOTONIC time as this clock's `now()` scale (for absolute deadlines). */
  fromMonotonic(ns: bigint): number {
    return Number(ns) - VirtualClock.UPTIME_AT_START_NS;
  }

  /** CLOCK_REALTIME at boot, in seconds since 1970 (fixed, so runs are reproducible). */
  get epochSeconds(): number {
    return this.config.epochSeconds;
  }

  /** CLOCK_REALTIME now, in nanoseconds since 1970. */
  realtime(): bigint {
    return BigInt(this.config.epochSeconds) * 1_000_000_000n + BigInt(this.now());
  }

  /** Monotonic nanoseconds since boot (exact below 2^53 ns, about 104 days). */
  now(): number {
    return this.arch.hart.instret * this.nsPerInstruction + this._skipped;
  }

  /** CPU time of the whole process: every instruction retired. */
  cpuTime(): number {
    return this.arch.hart.instret * this.nsPerInstruction;
  }

  /** CPU time of one thread: the instructions it retired. */
  threadCpuTime(thread: Thread): number {
    const running = thread.runningSince === undefined ? 0 : this.arch.hart.instret - thread.runningSince;
    return (thread.cpuInstructions + running) * this.nsPerInstruction;
  }

  /** Jumps forward to `ns` (never backward): what happens when every thread sleeps. */
  advanceTo(ns: number): void {
    const now = this.now();
    if (ns > now) this._skipped += ns - now;
  }
}
