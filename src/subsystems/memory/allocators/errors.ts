import { EXIT_CODES, ZeroOSError, hex } from '../../../errors.js';

/**
 * Kernel code called an allocator wrongly: a size or address off the granule, a range
 * outside the region, freeing space that is not allocated, use before `init`. The guest
 * cannot cause this (the syscalls validate its arguments first), so it is a ZeroOS bug.
 */
export class AllocatorMisuse extends ZeroOSError {
  readonly exitCode = EXIT_CODES.internal;
  constructor(
    /** The allocator's name ('linked-list', 'buddy', 'bump'). */
    readonly allocator: string,
    /** The call that was refused, e.g. `free(0x10000, 0x2000)`. */
    readonly call: string,
    problem: string,
  ) {
    super(`${allocator} allocator: ${call}: ${problem} (a bug in the kernel code that called it)`);
  }
}

/** `method(0x…, 0x…)` as the error messages print a call. */
export function formatCall(method: string, ...args: readonly number[]): string {
  return `${method}(${args.map((a) => (Number.isSafeInteger(a) && a >= 0 ? hex(a) : String(a))).join(', ')})`;
}
