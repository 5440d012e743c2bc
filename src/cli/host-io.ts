import { readSync, writeSync } from 'node:fs';
import type { InputSource } from '../subsystems/console/index.js';

/** The longest sleep between two tries at a full non-blocking pipe. */
const MAX_BACKOFF_MS = 50;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Sleeps the thread (the run is synchronous: there is nothing else to do meanwhile). */
function sleepMs(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * Writes all of `data` to a host fd, as a blocking write would: a non-blocking pipe that
 * is full (EAGAIN) is tried again after growing sleeps (1 ms, doubling, at most 50 ms),
 * not spun on, until the reader takes the data or goes away. Any other failure is thrown
 * as Node's ErrnoException (EPIPE when the reader has closed the pipe, ENOSPC on a full
 * disk or /dev/full, ...): given as a console sink, the guest's write then fails with
 * that errno (see OutputSink).
 */
export function writeAllSync(fd: number, data: Uint8Array): void {
  let offset = 0;
  let backoff = 1;
  while (offset < data.length) {
    let written = 0;
    try {
      written = writeSync(fd, data, offset, data.length - offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
    if (written > 0) {
      offset += written;
      backoff = 1;
    } else {
      sleepMs(backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }
}

// The CLI writes to fds 1 and 2 with writeSync only, never through process.stdout or
// process.stderr: touching those makes Node put a pipe in non-blocking mode (every full
// pipe then costs a sleep here) and report a closed pipe as an uncaught 'error' event.

/** Host fds the CLI gave up writing its own messages to (the reader went away, the disk is full). */
const abandoned = new Set<number>();

/**
 * Writes one of the CLI's own messages (an error line, --stats, --trace, "killed by"):
 * like writeAllSync, but a host fd that cannot take it (EPIPE, ENOSPC, EIO, ...) is given
 * up on quietly, so a closed stderr never turns into a crash or a different exit status.
 * Returns whether the message was written.
 */
export function writeDiagnostic(fd: number, message: string | Uint8Array): boolean {
  if (abandoned.has(fd)) return false;
  try {
    writeAllSync(fd, typeof message === 'string' ? new TextEncoder().encode(message) : message);
    return true;
  } catch {
    abandoned.add(fd);
    return false;
  }
}

/** The host's stdin as the guest's: blocking reads (a non-blocking stdin is waited on with sleeps), end of input at EOF. */
export function hostStdin(): InputSource {
  let ended = false;
  return {
    read(length) {
      if (ended) return new Uint8Array(0);
      const buffer = new Uint8Array(Math.min(length, 1 << 16));
      let backoff = 1;
      for (;;) {
        try {
          const n = readSync(0, buffer, 0, buffer.length, null);
          if (n === 0) ended = true;
          return buffer.subarray(0, n);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EAGAIN') {
            // A non-blocking stdin with nothing yet: wait for it as a blocking read would, without spinning.
            sleepMs(backoff);
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            continue;
          }
          if (code === 'EOF') {
            ended = true;
            return new Uint8Array(0);
          }
          throw error;
        }
      }
    },
  };
}
