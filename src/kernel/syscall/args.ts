import { hex } from '../../errors.js';
import type { ArgSpec } from '../contracts/syscall.js';

/**
 * Argument decoders for the syscall table. A register holds 64 bits; each spec says how
 * the kernel reads it (C's int truncates to 32 bits, pointers and sizes are unsigned
 * 64-bit) and how a trace prints it.
 */

/**
 * An unsigned 64-bit value as a number: exact below 2^53; above it the nearest double,
 * still at least 2^53, which no mapping reaches, so every access check rejects it.
 */
function toNumber(raw: bigint): number {
  return Number(BigInt.asUintN(64, raw));
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

/** A guest pointer (unsigned 64-bit; at or past 2^53 it cannot be mapped). */
export function ptr(name: string): ArgSpec<number> {
  return {
    name,
    type: 'ptr',
    decode: toNumber,
    format: (v) => (v === 0 ? 'NULL' : v < 2 ** 53 ? hex(v) : 'bad-pointer'),
  };
}

/** `size_t`: unsigned 64-bit (approximate past 2^53, where every size is too big anyway). */
export function size(name: string): ArgSpec<number> {
  return { name, type: 'size', decode: toNumber, format: String };
}

/** C `long` (offsets, timeouts): signed 64-bit, kept exact. */
export function long(name: string): ArgSpec<bigint> {
  return { name, type: 'long', decode: (raw) => BigInt.asIntN(64, raw), format: String };
}

/** The register as the unsigned 64-bit value it is (ioctl request arguments, opaque words). */
export function word(name: string): ArgSpec<bigint> {
  return { name, type: 'word', decode: (raw) => BigInt.asUintN(64, raw), format: (v) => hex(v) };
}
