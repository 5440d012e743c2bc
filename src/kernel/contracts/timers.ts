import type { Thread } from '../process.js';

/**
 * Timers that raise signals on their own (POSIX timers, interval timers), as the run loop
 * sees them. The loop asks nothing while none is armed; while one is, it stops the hart at
 * the exact instruction where the next one expires and lets it fire there, and counts
 * timers' deadlines when it jumps the clock because every thread sleeps. Expiry therefore
 * happens at instruction boundaries chosen by the program and the clock alone, the same on
 * every engine and host.
 */
export interface IntervalTimers {
  /** Whether any timer can still fire: false costs the run loop nothing more. */
  readonly armed: boolean;
  /**
   * Instructions `running` may retire before the next timer expires (at least 1; a large
   * number when no armed timer's clock advances while it runs).
   */
  instructionsUntilExpiry(running: Thread): number;
  /** The earliest expiry of a timer on a wall clock, in VirtualClock.now() ns (undefined: none). */
  earliestDeadline(): number | undefined;
  /**
   * Fires every timer whose time has come: its signal is queued (and delivered at once when
   * its thread is `running`, which is at an instruction boundary), or its overrun counted.
   * `running` is undefined while no thread holds the hart (the clock jumped).
   */
  fire(running: Thread | undefined): void;
}
