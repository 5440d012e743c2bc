import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZeroOSError } from '../../src/errors.js';
import { KernelPanic } from '../../src/kernel/errors.js';
import { SYSCALL_TABLE } from '../../src/kernel/tokens.js';
import { DATA, MMAP, UNMAPPED, syscallHarness } from '../support/syscall-harness.js';

/** Argument values that reach the corners: null, small and negative ints, good and bad pointers, huge sizes. */
const ARG = fc.oneof(
  fc.constantFrom(0n, 1n, 2n, 3n, 8n, 64n, 4096n, BigInt(DATA), BigInt(DATA + 0x100), BigInt(MMAP), BigInt(UNMAPPED)),
  fc.constantFrom(2n ** 64n - 1n, 2n ** 64n - 100n, 2n ** 63n, 2n ** 32n, 0xffff_ffffn, BigInt(Number.MAX_SAFE_INTEGER)),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
);

/** Syscalls whose point is to end or replace the caller: each gets a fresh process below anyway. */
const served = syscallHarness()
  .zeroos.container.get(SYSCALL_TABLE)
  .entries()
  .filter((e) => e.support !== 'missing')
  .map((e) => [e.name, e.nr] as const);

/**
 * A budget just above what the harness's process holds at start (its code, data and the
 * file system's first entries): every call that would make the host hold more meets the
 * limit, so its ENOMEM/ENOSPC/OutOfMemory paths are fuzzed too.
 */
const TIGHT = { memoryLimit: 0x1000 + 0x10000 + 0x10000 };

describe('every served syscall', () => {
  it.each(served)('%s should answer arbitrary arguments with a result or a named guest error, never an internal one', (_name, nr) => {
    fc.assert(
      fc.property(fc.array(ARG, { minLength: 6, maxLength: 6 }), fc.boolean(), (args, tight) => {
        const h = syscallHarness(tight ? TIGHT : {});
        try {
          const result = h.syscall(nr, ...args);
          expect(typeof result).toBe('bigint');
        } catch (error) {
          expect(error).toBeInstanceOf(ZeroOSError);
          expect(error).not.toBeInstanceOf(KernelPanic);
        }
      }),
      { numRuns: 25, seed: 42 },
    );
  });
});
