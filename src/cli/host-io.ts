import { readSync, writeSync } from 'node:fs';
import type { InputSource } from '../subsystems/console/index.js';

/** Writes all of `data` to a host fd, retrying when a non-blocking pipe is full. */
export function writeAllSync(fd: number, data: Uint8Array): void {
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(fd, data, offset, data.length - offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}

/** The host's stdin as the guest's: blocking reads, end of input at EOF. */
export function hostStdin(): InputSource {
  let ended = false;
  return {
    read(length) {
      if (ended) return new Uint8Array(0);
      const buffer = new Uint8Array(Math.min(length, 1 << 16));
      for (;;) {
        try {
          const n = readSync(0, buffer, 0, buffer.length, null);
          if (n === 0) ended = true;
          return buffer.subarray(0, n);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EAGAIN') continue;
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
