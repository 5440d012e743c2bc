import { PAGE_SIZE, PERM_R, PERM_W } from '../../arch/memory/types.js';
import type { OpenFile } from '../../kernel/contracts/device.js';
import { NO_RETURN, type SyscallContext, type SyscallResult } from '../../kernel/contracts/syscall.js';
import { Errno } from '../../kernel/errno.js';
import type { Thread } from '../../kernel/process.js';
import { PATH_MAX } from './constants.js';

/*
 * Moving bytes between guest memory and open files: paths, iovecs, and the read and
 * write loops every read/write-like syscall shares.
 */

/** Linux caps one read or write at MAX_RW_COUNT (INT_MAX rounded down to a page). */
export const MAX_RW_COUNT = 0x7ffff000;
/** UIO_MAXIOV. */
export const IOV_MAX = 1024;
/** Guest bytes are copied through the host in pieces of this size, so a huge request never needs a huge buffer. */
const CHUNK = 1 << 20;

export interface IoVec {
  readonly base: number;
  readonly length: number;
}

/** A path argument: one byte per character; ENAMETOOLONG at PATH_MAX bytes; EFAULT (thrown) when unreadable. */
export function readPath(context: SyscallContext, address: number): string | number {
  const bytes = context.memory.readCString(address, PATH_MAX);
  if (bytes.length >= PATH_MAX) return -Errno.ENAMETOOLONG;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

/** Writes a one-byte-per-character string as bytes (no NUL). */
export function encodeName(name: string): Uint8Array {
  return Buffer.from(name, 'latin1');
}

/** Reads `count` iovecs; -EINVAL for a bad count or a total past SSIZE_MAX. */
export function readIoVecs(context: SyscallContext, address: number, count: number): IoVec[] | number {
  if (count < 0 || count > IOV_MAX) return -Errno.EINVAL;
  const raw = count === 0 ? new Uint8Array(0) : context.memory.read(address, count * 16);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const vecs: IoVec[] = [];
  let total = 0n;
  for (let i = 0; i < count; i++) {
    const base = view.getBigUint64(i * 16, true);
    const length = view.getBigInt64(i * 16 + 8, true);
    if (length < 0n) return -Errno.EINVAL;
    total += length;
    if (total > 0x7fff_ffff_ffff_ffffn) return -Errno.EINVAL;
    vecs.push({ base: Number(base), length: Number(length) });
  }
  return vecs;
}

/** How many bytes from `address` (up to `length`) are accessible with `perms`, page by page. */
function accessiblePrefix(context: SyscallContext, address: number, length: number, perms: number): number {
  let end = address;
  const limit = address + length;
  while (end < limit) {
    const pageEnd = Math.min(limit, (Math.floor(end / PAGE_SIZE) + 1) * PAGE_SIZE);
    if (!context.memory.isAccessible(end, pageEnd - end, perms)) break;
    end = pageEnd;
  }
  return end - address;
}

/** Where a write that blocked after moving some bytes says so: a signal then ends it with that count. */
export interface TransferNotice {
  transferred(thread: Thread, count: number, forget: () => void): void;
}

/**
 * How far each thread's interrupted write got. A write to a pipe that fills up blocks
 * after taking part of its data; when the thread wakes its syscall runs again, and picks
 * up after the bytes already written, so the caller sees one write of everything. A
 * signal handler that interrupts it makes it return the bytes written so far (`notice`).
 */
export class WriteProgress {
  readonly #done = new WeakMap<Thread, number>();

  constructor(private readonly notice?: TransferNotice) {}

  /** Bytes the thread's restarted write already wrote (and forgets them). */
  take(thread: Thread): number {
    const done = this.#done.get(thread) ?? 0;
    this.#done.delete(thread);
    return done;
  }

  set(thread: Thread, done: number): void {
    this.#done.set(thread, done);
    this.notice?.transferred(thread, done, () => this.#done.delete(thread));
  }
}

/** A positioned transfer (pread/pwrite) or one at the file's offset (read/write). */
type At = number | undefined;

/**
 * read/readv/pread/preadv: fills the vectors in order until one comes back short. Only
 * the first transfer may block; once some bytes are in, the rest is taken only if it
 * is there now. A destination that cannot be written ends the transfer (EFAULT if
 * nothing was read), checked before any input is consumed.
 */
export function readVectors(context: SyscallContext, file: OpenFile, vecs: readonly IoVec[], at: At): SyscallResult {
  let total = 0;
  for (const vec of vecs) {
    let address = vec.base;
    let left = Math.min(vec.length, MAX_RW_COUNT - total);
    while (left > 0) {
      const length = accessiblePrefix(context, address, Math.min(left, CHUNK), PERM_W);
      if (length === 0) return total > 0 ? total : -Errno.EFAULT;
      const data =
        at === undefined ? file.read!(context, length, total > 0) : file.pread!(context, length, at + total);
      if (data === NO_RETURN) return total > 0 ? total : NO_RETURN;
      if (typeof data === 'number') return total > 0 ? total : data;
      context.memory.write(address, data);
      total += data.length;
      if (data.length < length || length < Math.min(left, CHUNK)) return total;
      address += data.length;
      left -= data.length;
    }
  }
  return total;
}

/**
 * write/writev/pwrite/pwritev: copies the vectors out in pieces until all is written,
 * the file refuses more, or the source stops being readable (what was readable is
 * written first, as Linux copies page by page). A pipe that fills up blocks the thread
 * and the write resumes after its last byte when the syscall is restarted.
 */
export function writeVectors(
  context: SyscallContext,
  file: OpenFile,
  vecs: readonly IoVec[],
  at: At,
  progress?: WriteProgress,
): SyscallResult {
  const resumed = progress?.take(context.thread) ?? 0;
  let total = resumed;
  let skip = resumed;
  for (const vec of vecs) {
    if (skip >= vec.length) {
      skip -= vec.length;
      continue;
    }
    let address = vec.base + skip;
    let left = Math.min(vec.length - skip, MAX_RW_COUNT - total);
    skip = 0;
    while (left > 0) {
      const wanted = Math.min(left, CHUNK);
      const length = accessiblePrefix(context, address, wanted, PERM_R);
      if (length === 0) {
        if (total > 0) return total;
        context.memory.read(address, 1); // throws the MemoryFault that becomes EFAULT
      }
      const data = context.memory.read(address, length);
      let offset = 0;
      while (offset < data.length) {
        const piece = offset === 0 ? data : data.subarray(offset);
        const n = at === undefined ? file.write!(context, piece) : file.pwrite!(context, piece, at + total);
        if (n === NO_RETURN) {
          if (total > 0) progress?.set(context.thread, total);
          return NO_RETURN;
        }
        if (n <= 0) return total > 0 ? total : n;
        offset += n;
        total += n;
      }
      if (length < wanted) return total;
      address += length;
      left -= length;
    }
  }
  return total;
}
