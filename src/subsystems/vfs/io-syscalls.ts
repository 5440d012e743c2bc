import { inject, injectable } from 'inversify';
import { VirtualClock } from '../../kernel/clock.js';
import { ThreadWaits } from '../../kernel/waits.js';
import { readTimespec } from '../../kernel/syscall/timespec.js';
import { MemoryFault, PAGE_SIZE, PERM_R, PERM_W } from '../../arch/memory/types.js';
import type { OpenFile } from '../../kernel/contracts/device.js';
import {
  NO_RETURN,
  defineSyscall,
  type SyscallContext,
  type SyscallDefinition,
  type SyscallProvider,
} from '../../kernel/contracts/syscall.js';
import { Errno } from '../../kernel/errno.js';
import { fd, int, ptr, size, uint, word } from '../../kernel/syscall/args.js';
import { SYSCALL_NUMBERS as NR } from '../../kernel/syscall/numbers.js';

/** Linux caps one read or write at MAX_RW_COUNT (INT_MAX rounded down to a page). */
export const MAX_RW_COUNT = 0x7ffff000;
/** UIO_MAXIOV. */
export const IOV_MAX = 1024;
/** Guest bytes are copied through the host in pieces of this size, so a huge write never needs a huge buffer. */
const CHUNK = 64 * 1024;

interface IoVec {
  base: number;
  length: number;
}

/** Reads `count` iovecs; -EINVAL for a bad count or a total past SSIZE_MAX. */
function readIoVecs(context: SyscallContext, address: number, count: number): IoVec[] | number {
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

function writableFile(context: SyscallContext, descriptor: number): OpenFile | number {
  const file = context.process.files.get(descriptor);
  if (!file || !file.writable || !file.write) return -Errno.EBADF;
  return file;
}

function readableFile(context: SyscallContext, descriptor: number): OpenFile | number {
  const file = context.process.files.get(descriptor);
  if (!file || !file.readable || !file.read) return -Errno.EBADF;
  return file;
}

/** How many bytes from `address` (up to `length`) are readable, page by page. */
function readablePrefix(context: SyscallContext, address: number, length: number): number {
  let end = address;
  const limit = address + length;
  while (end < limit) {
    const pageEnd = Math.min(limit, (Math.floor(end / PAGE_SIZE) + 1) * PAGE_SIZE);
    if (!context.memory.isAccessible(end, pageEnd - end, PERM_R)) break;
    end = pageEnd;
  }
  return end - address;
}

/** Copies guest bytes to the file piece by piece; a fault after some bytes were written ends with a short count. */
function writeFrom(context: SyscallContext, file: OpenFile, address: number, count: number): number {
  let written = 0;
  while (written < count) {
    const length = Math.min(CHUNK, count - written);
    let data: Uint8Array;
    try {
      data = context.memory.read(address + written, length);
    } catch (error) {
      if (!(error instanceof MemoryFault)) throw error;
      // Linux copies page by page: write the readable prefix, then report what was written.
      const readable = readablePrefix(context, address + written, length);
      if (readable === 0) {
        if (written > 0) return written;
        throw error;
      }
      data = context.memory.read(address + written, readable);
    }
    const n = file.write!(context, data);
    if (n < 0) return written > 0 ? written : n;
    written += n;
    if (n < length) break;
  }
  return written;
}

/** One read from the file into guest memory; the destination is checked before input is consumed. */
function readInto(context: SyscallContext, file: OpenFile, address: number, count: number): number {
  const length = Math.min(count, MAX_RW_COUNT, 1 << 20);
  if (length === 0) return 0;
  if (!context.memory.isAccessible(address, length, PERM_W)) return -Errno.EFAULT;
  const data = file.read!(context, length);
  if (typeof data === 'number') return data;
  context.memory.write(address, data);
  return data.length;
}

const POLLIN = 0x1;
const POLLOUT = 0x4;
const POLLNVAL = 0x20;
const POLLRDNORM = 0x40;
const POLLWRNORM = 0x100;

/** read, write, readv, writev, ioctl, ppoll and close over the process's fd table. */
@injectable()
export class IoSyscalls implements SyscallProvider {
  readonly subsystem = 'vfs';

  constructor(
    @inject(VirtualClock) private readonly clock: VirtualClock,
    @inject(ThreadWaits) private readonly waits: ThreadWaits,
  ) {}

  syscalls(): readonly SyscallDefinition[] {
    const clock = this.clock;
    const waits = this.waits;
    return [
      defineSyscall({
        name: 'read',
        nr: NR.read,
        args: [fd(), ptr('buf'), size('count')],
        support: 'full',
        handler(context, descriptor, buffer, count) {
          const file = readableFile(context, descriptor);
          if (typeof file === 'number') return file;
          return readInto(context, file, buffer, count);
        },
      }),
      defineSyscall({
        name: 'write',
        nr: NR.write,
        args: [fd(), ptr('buf'), size('count')],
        support: 'full',
        handler(context, descriptor, buffer, count) {
          const file = writableFile(context, descriptor);
          if (typeof file === 'number') return file;
          return writeFrom(context, file, buffer, Math.min(count, MAX_RW_COUNT));
        },
      }),
      defineSyscall({
        name: 'readv',
        nr: NR.readv,
        args: [fd(), ptr('iov'), int('iovcnt')],
        support: 'full',
        handler(context, descriptor, iov, iovcnt) {
          const file = readableFile(context, descriptor);
          if (typeof file === 'number') return file;
          const vecs = readIoVecs(context, iov, iovcnt);
          if (typeof vecs === 'number') return vecs;
          let total = 0;
          for (const vec of vecs) {
            const n = readInto(context, file, vec.base, Math.min(vec.length, MAX_RW_COUNT - total));
            if (n < 0) return total > 0 ? total : n;
            total += n;
            if (n < vec.length) break;
          }
          return total;
        },
      }),
      defineSyscall({
        name: 'writev',
        nr: NR.writev,
        args: [fd(), ptr('iov'), int('iovcnt')],
        support: 'full',
        handler(context, descriptor, iov, iovcnt) {
          const file = writableFile(context, descriptor);
          if (typeof file === 'number') return file;
          const vecs = readIoVecs(context, iov, iovcnt);
          if (typeof vecs === 'number') return vecs;
          let total = 0;
          for (const vec of vecs) {
            const length = Math.min(vec.length, MAX_RW_COUNT - total);
            let n: number;
            try {
              n = writeFrom(context, file, vec.base, length);
            } catch (error) {
              if (error instanceof MemoryFault && total > 0) return total;
              throw error;
            }
            if (n < 0) return total > 0 ? total : n;
            total += n;
            if (n < length) break;
          }
          return total;
        },
      }),
      defineSyscall({
        name: 'ioctl',
        nr: NR.ioctl,
        args: [fd(), uint('request'), word('arg')],
        support: 'partial',
        note: 'terminal requests on the console (TCGETS, TCSETS*, TIOCGWINSZ, TIOCSWINSZ, TIOCGPGRP); -ENOTTY elsewhere',
        handler(context, descriptor, request, argument) {
          const file = context.process.files.get(descriptor);
          if (!file) return -Errno.EBADF;
          return file.ioctl ? file.ioctl(context, request, argument) : -Errno.ENOTTY;
        },
      }),
      defineSyscall({
        name: 'ppoll',
        nr: NR.ppoll,
        args: [ptr('fds'), uint('nfds'), ptr('tmo_p'), ptr('sigmask'), size('sigsetsize')],
        support: 'partial',
        note: 'readiness of the fds (consoles are always ready); a wait with nothing ready sleeps on the virtual clock',
        handler(context, fds, count, timeout, sigmask, sigsetSize) {
          if (count > context.process.files.limit) return -Errno.EINVAL;
          if (sigmask !== 0 && sigsetSize !== 8) return -Errno.EINVAL;
          let deadline: number | undefined;
          if (timeout !== 0) {
            const ns = readTimespec(context, timeout);
            if (typeof ns === 'number') return ns;
            deadline = clock.now() + Number(ns);
          }
          const entries = count === 0 ? new Uint8Array(0) : context.memory.read(fds, count * 8);
          const view = new DataView(entries.buffer);
          let ready = 0;
          for (let i = 0; i < count; i++) {
            const descriptor = view.getInt32(i * 8, true);
            const events = view.getUint16(i * 8 + 4, true);
            let revents = 0;
            if (descriptor >= 0) {
              const file = context.process.files.get(descriptor);
              if (!file) revents = POLLNVAL;
              else revents = events & ((file.readable ? POLLIN | POLLRDNORM : 0) | (file.writable ? POLLOUT | POLLWRNORM : 0));
            }
            view.setUint16(i * 8 + 6, revents, true);
            if (revents !== 0) ready++;
          }
          if (count > 0) context.memory.write(fds, entries);
          if (ready > 0 || deadline === clock.now()) return ready;
          waits.block(context.thread, 'ppoll with nothing ready', deadline === undefined ? {} : { deadline, timeoutResult: 0 });
          return NO_RETURN;
        },
      }),
      defineSyscall({
        name: 'close',
        nr: NR.close,
        args: [fd()],
        support: 'full',
        handler: (context, descriptor) => (context.process.files.close(descriptor) ? 0 : -Errno.EBADF),
      }),
    ];
  }
}
