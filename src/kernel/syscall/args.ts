import { hex } from '../../errors.js';
import type { ArgSpec } from '../contracts/syscall.js';

/**
 * Argument decoders for the syscall table. A register holds 64 bits; each spec says how
 * the kernel reads it (C's int truncates to 32 bits, pointers and sizes are unsigned
 * 64-bit) and how a trace prints it.
 */

const TWO_53 = 2n ** 53n;

/** An unsigned 64-bit value as a number; values past 2^53 become Infinity, which every address check rejects. */
function toNumberOrInfinity(raw: bigint): number {
  return raw < TWO_53 ? Number(raw) : Number.POSITIVE_INFINITY;
}

/** C `int` (and `pid_t`, fds): the low 32 bits, signed. */
export function int(name: string): ArgSpec<number> {
  return { name, type: 'int', decode: (raw) => Number(BigInt.asIntN(32, raw)), format: String };
}

/** C `unsigned int` (flags, modes): the low 32 bits, unsigned. */
export function uint(name: string): ArgSpec<number> {
  return { name, type: 'uint', decode: (raw) => Number(BigInt.asUintN(32, raw)), format: (v) => hex(v) };
}

/** A file descriptor. */
export function fd(name = 'fd'): ArgSpec<number> {
  return { name, type: 'fd', decode: (raw) => Number(BigInt.asIntN(32, raw)), format: String };
}

/** A guest pointer (unsigned 64-bit; Infinity when it lies past any mappable address). */
export function ptr(name: string): ArgSpec<number> {
  return {
    name,
    type: 'ptr',
    decode: toNumberOrInfinity,
    format: (v) => (v === 0 ? 'NULL' : Number.isFinite(v) ? hex(v) : 'bad-pointer'),
  };
}

/** `size_t`: unsigned 64-bit, Infinity past 2^53. */
export function size(name: string): ArgSpec<number> {
  return { name, type: 'size', decode: toNumberOrInfinity, format: String };
}

/** C `long` (offsets, timeouts): signed 64-bit, kept exact. */
export function long(name: string): ArgSpec<bigint> {
  return { name, type: 'long', decode: (raw) => BigInt.asIntN(64, raw), format: String };
}

/** The register as the unsigned 64-bit value it is (ioctl request arguments, opaque words). */
export function word(name: string): ArgSpec<bigint> {
  return { name, type: 'word', decode: (raw) => BigInt.asUintN(64, raw), format: (v) => hex(v) };
}
