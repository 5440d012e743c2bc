import type { SyscallContext } from '../contracts/syscall.js';
import { Errno } from '../errno.js';

/** Reads a struct timespec; -EINVAL for a negative or out-of-range one. Result in ns (bigint). */
export function readTimespec(context: SyscallContext, address: number): bigint | number {
  const seconds = BigInt.asIntN(64, context.memory.readU64(address));
  const nanos = BigInt.asIntN(64, context.memory.readU64(address + 8));
  if (seconds < 0n || nanos < 0n || nanos >= 1_000_000_000n) return -Errno.EINVAL;
  return seconds * 1_000_000_000n + nanos;
}
