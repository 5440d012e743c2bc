import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors.js';
import { CapturedOutputLimit, Console, DEFAULT_CAPTURE_LIMIT, MAX_CAPTURE_LIMIT, type ConsoleOptions } from '../../src/subsystems/console/index.js';
import { createKernel } from '../../src/zeroos.js';

const GUESTS = join(import.meta.dirname, '..', '..', 'guests');
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function run(name: string, args: string[], console: ConsoleOptions) {
  const zeroos = createKernel({ console });
  const path = `/guests/bin/${name}`;
  zeroos.load({ executable: readFileSync(join(GUESTS, 'bin', name)), path, argv: [path, ...args] });
  try {
    zeroos.run();
    return { zeroos, error: undefined };
  } catch (error) {
    return { zeroos, error };
  }
}

describe('Console', () => {
  describe('when output is captured', () => {
    it('should default to a 64 MiB limit per stream', () => {
      expect(DEFAULT_CAPTURE_LIMIT).toBe(64 * 2 ** 20);
    });

    it('should keep output that fits the limit exactly', () => {
      const { zeroos, error } = run('hello', [], { captureLimit: 'Hello from ZeroOS!\n'.length });
      expect(error).toBeUndefined();
      expect(decode(zeroos.result().stdout)).toBe('Hello from ZeroOS!\n');
    });

    it('should stop the run with CapturedOutputLimit (exit status 75) naming the stream and the limit, never a RangeError', () => {
      const { zeroos, error } = run('yes_lines', ['1000'], { captureLimit: 100 });
      expect(error).toBeInstanceOf(CapturedOutputLimit);
      const limit = error as CapturedOutputLimit;
      expect(limit.exitCode).toBe(EXIT_CODES.outOfMemory);
      expect([limit.stream, limit.limit, limit.attempted]).toEqual(['stdout', 100, 103]);
      expect(limit.message).toBe(
        "the guest's stdout passed the capture limit of 100 bytes (a write would make it 103): " +
          'give console.stdout a sink function to stream the output, or raise console.captureLimit',
      );
      // What fitted is kept: "line 1\n" .. "line 9\n" (63 bytes) + "line 10\n".."line 13\n" (32 bytes).
      expect(decode(zeroos.result().stdout)).toBe(Array.from({ length: 13 }, (_, i) => `line ${i + 1}\n`).join(''));
    });

    it('should count each stream on its own', () => {
      // abort writes "about to abort\n" (15 bytes) to stdout and "abort: calling abort()\n" (23) to stderr.
      const fits = run('abort', [], { captureLimit: 23 });
      expect(fits.error).toBeUndefined();
      expect(decode(fits.zeroos.result().stdout)).toBe('about to abort\n');
      expect(decode(fits.zeroos.result().stderr)).toBe('abort: calling abort()\n');
      expect(fits.zeroos.result().exitCode).toBe(134);
      const passes = run('abort', [], { captureLimit: 22 }).error as CapturedOutputLimit;
      expect([passes.stream, passes.attempted]).toEqual(['stderr', 23]);
    });

    it('should not limit a stream that has a sink function', () => {
      let bytes = 0;
      const { zeroos, error } = run('yes_lines', ['1000'], { captureLimit: 10, stdout: (data) => (bytes += data.length) });
      expect(error).toBeUndefined();
      expect(zeroos.result().exitCode).toBe(0);
      expect(bytes).toBe(Array.from({ length: 1000 }, (_, i) => `line ${i + 1}\n`).join('').length);
    });

    it('should refuse a limit that is not a byte count', () => {
      expect(() => new Console({ captureLimit: Number.NaN })).toThrow(RangeError);
      expect(() => new Console({ captureLimit: -1 })).toThrow(RangeError);
      expect(() => new Console({ captureLimit: MAX_CAPTURE_LIMIT + 1 })).toThrow(/pass a sink function for more/);
      expect(() => new Console({ captureLimit: MAX_CAPTURE_LIMIT })).not.toThrow();
    });
  });

  describe('when nothing went wrong on the host', () => {
    it('should report the run as reproducible with no host output errors', () => {
      const { zeroos } = run('hello', [], {});
      expect(zeroos.console.reproducible).toBe(true);
      expect(zeroos.console.hostOutputErrors).toEqual([]);
    });
  });
});
