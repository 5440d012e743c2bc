import { inject, injectable } from 'inversify';
import type { OpenFile } from '../../kernel/contracts/device.js';
import {
  NO_RETURN,
  defineSyscall,
  type SyscallContext,
  type SyscallDefinition,
  type SyscallProvider,
  type SyscallResult,
} from '../../kernel/contracts/syscall.js';
import { Errno } from '../../kernel/errno.js';
import { fd, int, long, ptr, size, uint, word } from '../../kernel/syscall/args.js';
import { SYSCALL_NUMBERS as NR } from '../../kernel/syscall/numbers.js';
import { MAX_OFFSET, O_APPEND, O_NONBLOCK, SEEK_CUR } from './constants.js';
import { MAX_RW_COUNT, WriteProgress, readIoVecs, readVectors, writeVectors, type IoVec } from './guest-io.js';
import { RegularFile, isPathOnly } from './open-file.js';
import { inodeOf } from './vfs.js';
import { LockTable } from './locks.js';
import { WaitQueue } from './wait-queue.js';
import { BrokenPipes } from './pipe.js';

export { IOV_MAX, MAX_RW_COUNT } from './guest-io.js';

const FIONCLEX = 0x5450;
const FIOCLEX = 0x5451;
const FIOASYNC = 0x5452;
const FIONBIO = 0x5421;
const RWF_HIPRI = 0x1;
const RWF_DSYNC = 0x2;
const RWF_SYNC = 0x4;
const RWF_NOWAIT = 0x8;
const RWF_APPEND = 0x10;
const RWF_SUPPORTED = RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND;
const CLOSE_RANGE_UNSHARE = 0x2;
const CLOSE_RANGE_CLOEXEC = 0x4;
/** sendfile and copy_file_range move at most this much per call (Linux caps them at MAX_RW_COUNT too). */
const COPY_CHUNK = 1 << 20;

/** The open file on `descriptor` if it can be read: EBADF otherwise, EISDIR for a directory. */
export function readableFile(context: SyscallContext, descriptor: number): OpenFile | number {
  const file = context.process.files.get(descriptor);
  if (!file || !file.readable) return -Errno.EBADF;
  if (!file.read) return inodeOf(file)?.kind === 'directory' ? -Errno.EISDIR : -Errno.EINVAL;
  return file;
}

export function writableFile(context: SyscallContext, descriptor: number): OpenFile | number {
  const file = context.process.files.get(descriptor);
  if (!file || !file.writable) return -Errno.EBADF;
  if (!file.write) return -Errno.EINVAL;
  return file;
}

/** A file offset argument: EINVAL when negative or beyond any file. */
function offsetArg(offset: bigint): number {
  return offset < 0n || offset > BigInt(MAX_OFFSET) ? -Errno.EINVAL : Number(offset);
}

/** One vector: the plain read and write. */
const single = (base: number, length: number): IoVec[] => [{ base, length: Math.min(length, MAX_RW_COUNT) }];

/**
 * The fd I/O syscalls: read, write and their vector and positioned forms, lseek, ioctl,
 * close, close_range, sendfile and copy_file_range, over any open file (console, VFS
 * file, device, pipe). Which ones a file supports follows from what it implements.
 */
@injectable()
export class IoSyscalls implements SyscallProvider {
  readonly subsystem = 'vfs';
  private readonly _progress: WriteProgress;

  constructor(
    @inject(LockTable) private readonly locks: LockTable,
    @inject(WaitQueue) private readonly queue: WaitQueue,
    @inject(BrokenPipes) private readonly broken: BrokenPipes,
  ) {
    this._progress = new WriteProgress(queue);
  }

  syscalls(): readonly SyscallDefinition[] {
    const progress = this._progress;
    const broken = this.broken;
    const close = (context: SyscallContext, descriptor: number) => closeDescriptor(context, descriptor, this.locks, this.queue);
    const positioned = (context: SyscallContext, descriptor: number, write: boolean): OpenFile | number => {
      const file = write ? writableFile(context, descriptor) : readableFile(context, descriptor);
      if (typeof file === 'number') return file;
      if (write ? !file.pwrite : !file.pread) return -Errno.ESPIPE;
      return file;
    };
    return [
      defineSyscall({
        name: 'read',
        nr: NR.read,
        args: [fd(), ptr('buf'), size('count')],
        support: 'full',
        note: 'an empty pipe blocks the thread (EAGAIN with O_NONBLOCK); a directory is EISDIR',
        handler(context, descriptor, buffer, count) {
          const file = readableFile(context, descriptor);
          if (typeof file === 'number') return file;
          return readVectors(context, file, single(buffer, count), undefined);
        },
      }),
      defineSyscall({
        name: 'write',
        nr: NR.write,
        args: [fd(), ptr('buf'), size('count')],
        support: 'full',
        note: 'a full pipe blocks the thread until all is written; no reader: SIGPIPE, then EPIPE',
        handler(context, descriptor, buffer, count) {
          const file = writableFile(context, descriptor);
          if (typeof file === 'number') return file;
          return broken.finish(context, writeVectors(context, file, single(buffer, count), undefined, progress));
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
          return readVectors(context, file, vecs, undefined);
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
          return broken.finish(context, writeVectors(context, file, vecs, undefined, progress));
        },
      }),
      defineSyscall({
        name: 'pread64',
        nr: NR.pread64,
        args: [fd(), ptr('buf'), size('count'), long('offset')],
        support: 'full',
        note: 'ESPIPE on pipes and consoles',
        handler(context, descriptor, buffer, count, offset) {
          const file = positioned(context, descriptor, false);
          if (typeof file === 'number') return file;
          const at = offsetArg(offset);
          if (at < 0) return at;
          return readVectors(context, file, single(buffer, count), at);
        },
      }),
      defineSyscall({
        name: 'pwrite64',
        nr: NR.pwrite64,
        args: [fd(), ptr('buf'), size('count'), long('offset')],
        support: 'full',
        note: 'ESPIPE on pipes and consoles; on an O_APPEND file it appends, as Linux does',
        handler(context, descriptor, buffer, count, offset) {
          const file = positioned(context, descriptor, true);
          if (typeof file === 'number') return file;
          const at = offsetArg(offset);
          if (at < 0) return at;
          return writeVectors(context, file, single(buffer, count), at);
        },
      }),
      defineSyscall({
        name: 'preadv',
        nr: NR.preadv,
        args: [fd(), ptr('iov'), int('iovcnt'), long('pos_l'), long('pos_h')],
        support: 'full',
        handler(context, descriptor, iov, iovcnt, offset) {
          return preadv(context, descriptor, iov, iovcnt, offset, 0);
        },
      }),
      defineSyscall({
        name: 'pwritev',
        nr: NR.pwritev,
        args: [fd(), ptr('iov'), int('iovcnt'), long('pos_l'), long('pos_h')],
        support: 'full',
        handler(context, descriptor, iov, iovcnt, offset) {
          return pwritev(context, descriptor, iov, iovcnt, offset, 0);
        },
      }),
      defineSyscall({
        name: 'preadv2',
        nr: NR.preadv2,
        args: [fd(), ptr('iov'), int('iovcnt'), long('pos_l'), long('pos_h'), uint('flags')],
        support: 'full',
        note: 'offset -1 reads at the file offset; the RWF_* hints are accepted',
        handler(context, descriptor, iov, iovcnt, offset, _high, flags) {
          return preadv(context, descriptor, iov, iovcnt, offset, flags);
        },
      }),
      defineSyscall({
        name: 'pwritev2',
        nr: NR.pwritev2,
        args: [fd(), ptr('iov'), int('iovcnt'), long('pos_l'), long('pos_h'), uint('flags')],
        support: 'full',
        note: 'offset -1 writes at the file offset; RWF_APPEND appends; the other RWF_* hints are accepted',
        handler(context, descriptor, iov, iovcnt, offset, _high, flags) {
          return broken.finish(context, pwritev(context, descriptor, iov, iovcnt, offset, flags));
        },
      }),
      defineSyscall({
        name: 'lseek',
        nr: NR.lseek,
        args: [fd(), long('offset'), uint('whence')],
        support: 'full',
        note: 'SEEK_SET/CUR/END/DATA/HOLE; ESPIPE on pipes and consoles; EINVAL for a negative result',
        handler(context, descriptor, offset, whence) {
          const file = context.process.files.get(descriptor);
          if (!file) return -Errno.EBADF;
          if (isPathOnly(file)) return -Errno.EBADF;
          if (!file.seek) return -Errno.ESPIPE;
          const clamped = offset > BigInt(MAX_OFFSET) ? MAX_OFFSET + 1 : offset < -BigInt(MAX_OFFSET) ? -MAX_OFFSET - 1 : Number(offset);
          return file.seek(clamped, whence);
        },
      }),
      defineSyscall({
        name: 'ioctl',
        nr: NR.ioctl,
        args: [fd(), uint('request'), word('arg')],
        support: 'partial',
        note: 'FIOCLEX, FIONCLEX, FIONBIO, FIOASYNC on any fd; FIONREAD on files and pipes; terminal requests on the console (TCGETS, TCSETS*, TIOCGWINSZ, TIOCSWINSZ, TIOCGPGRP); -ENOTTY elsewhere',
        handler(context, descriptor, request, argument) {
          const slot = context.process.files.descriptor(descriptor);
          if (!slot) return -Errno.EBADF;
          const file = slot.file;
          switch (request) {
            case FIOCLEX:
            case FIONCLEX:
              slot.cloexec = request === FIOCLEX;
              return 0;
            case FIONBIO:
            case FIOASYNC: {
              const on = context.memory.readU32(Number(argument)) !== 0;
              if (request === FIONBIO) {
                const flags = file.statusFlags ?? 0;
                file.statusFlags = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
              }
              return 0;
            }
          }
          if (isPathOnly(file)) return -Errno.EBADF;
          return file.ioctl ? file.ioctl(context, request, argument) : -Errno.ENOTTY;
        },
      }),
      defineSyscall({
        name: 'close',
        nr: NR.close,
        args: [fd()],
        support: 'full',
        note: 'drops the process\'s POSIX locks on the file, as any close does on Linux',
        handler: (context, descriptor) => close(context, descriptor),
      }),
      defineSyscall({
        name: 'close_range',
        nr: NR.close_range,
        args: [uint('first'), uint('last'), uint('flags')],
        support: 'full',
        note: 'CLOSE_RANGE_CLOEXEC marks instead of closing; CLOSE_RANGE_UNSHARE is accepted (one fd table)',
        handler(context, first, last, flags) {
          if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) || first > last) return -Errno.EINVAL;
          for (const descriptor of context.process.files.openDescriptors()) {
            if (descriptor < first || descriptor > last) continue;
            if (flags & CLOSE_RANGE_CLOEXEC) context.process.files.descriptor(descriptor)!.cloexec = true;
            else close(context, descriptor);
          }
          return 0;
        },
      }),
      defineSyscall({
        name: 'sendfile',
        nr: NR.sendfile,
        args: [fd('out_fd'), fd('in_fd'), ptr('offset'), size('count')],
        support: 'full',
        note: 'from any readable file (positioned when offset is given) to any writable one; at most 1 MiB per call',
        handler(context, outFd, inFd, offsetAddress, count) {
          const input = readableFile(context, inFd);
          if (typeof input === 'number') return input;
          const output = writableFile(context, outFd);
          if (typeof output === 'number') return output;
          if (output.statusFlags !== undefined && output.statusFlags & O_APPEND) return -Errno.EINVAL;
          let at: number | undefined;
          if (offsetAddress !== 0) {
            if (!input.pread) return -Errno.ESPIPE;
            at = offsetArg(BigInt.asIntN(64, context.memory.readU64(offsetAddress)));
            if (at < 0) return at;
          }
          const data = at === undefined ? input.read!(context, Math.min(count, COPY_CHUNK), false) : input.pread!(context, Math.min(count, COPY_CHUNK), at);
          if (data === NO_RETURN || typeof data === 'number') return data;
          const result = data.length === 0 ? 0 : output.write!(context, data, true);
          const written = result === NO_RETURN || result < 0 ? 0 : result;
          // What the output did not take goes back to the input (when it can seek).
          if (at !== undefined) context.memory.writeU64(offsetAddress, BigInt(at + written));
          else if (written < data.length && input.seek) input.seek(written - data.length, SEEK_CUR);
          if (result === NO_RETURN) return -Errno.EAGAIN;
          return result < 0 ? broken.finish(context, result) : written;
        },
      }),
      defineSyscall({
        name: 'copy_file_range',
        nr: NR.copy_file_range,
        args: [fd('fd_in'), ptr('off_in'), fd('fd_out'), ptr('off_out'), size('len'), uint('flags')],
        support: 'full',
        note: 'between regular files (EXDEV across file systems lets callers fall back); at most 1 MiB per call',
        handler(context, inFd, offIn, outFd, offOut, length, flags) {
          if (flags !== 0) return -Errno.EINVAL;
          const input = readableFile(context, inFd);
          if (typeof input === 'number') return input;
          const output = writableFile(context, outFd);
          if (typeof output === 'number') return output;
          if (!(input instanceof RegularFile) || !(output instanceof RegularFile)) return -Errno.EINVAL;
          if (output.statusFlags & O_APPEND) return -Errno.EBADF;
          if (input.inode.fs !== output.inode.fs) return -Errno.EXDEV;
          const from = offIn === 0 ? input.offset : offsetArg(BigInt.asIntN(64, context.memory.readU64(offIn)));
          const to = offOut === 0 ? output.offset : offsetArg(BigInt.asIntN(64, context.memory.readU64(offOut)));
          if (from < 0) return from;
          if (to < 0) return to;
          if (input.inode === output.inode && from < to + length && to < from + length) return -Errno.EINVAL;
          const read = input.pread(context, Math.min(length, COPY_CHUNK), from);
          if (typeof read === 'number') return read;
          const data = read.slice();
          const written = data.length === 0 ? 0 : output.pwrite(context, data, to);
          if (written < 0) return written;
          if (offIn === 0) input.offset += written;
          else context.memory.writeU64(offIn, BigInt(from + written));
          if (offOut === 0) output.offset += written;
          else context.memory.writeU64(offOut, BigInt(to + written));
          return written;
        },
      }),
    ];

    function preadv(context: SyscallContext, descriptor: number, iov: number, count: number, offset: bigint, flags: number): SyscallResult {
      if (flags & ~RWF_SUPPORTED) return -Errno.EOPNOTSUPP;
      const file = offset === -1n ? readableFile(context, descriptor) : positioned(context, descriptor, false);
      if (typeof file === 'number') return file;
      const vecs = readIoVecs(context, iov, count);
      if (typeof vecs === 'number') return vecs;
      if (offset === -1n) return readVectors(context, file, vecs, undefined);
      const at = offsetArg(offset);
      return at < 0 ? at : readVectors(context, file, vecs, at);
    }

    function pwritev(context: SyscallContext, descriptor: number, iov: number, count: number, offset: bigint, flags: number): SyscallResult {
      if (flags & ~RWF_SUPPORTED) return -Errno.EOPNOTSUPP;
      const file = offset === -1n ? writableFile(context, descriptor) : positioned(context, descriptor, true);
      if (typeof file === 'number') return file;
      const vecs = readIoVecs(context, iov, count);
      if (typeof vecs === 'number') return vecs;
      if (offset === -1n || flags & RWF_APPEND) {
        if (flags & RWF_APPEND && file instanceof RegularFile) {
          return writeVectors(context, file, vecs, file.inode.size);
        }
        return writeVectors(context, file, vecs, undefined, progress);
      }
      const at = offsetArg(offset);
      return at < 0 ? at : writeVectors(context, file, vecs, at);
    }
  }

}

/**
 * close(2), and what dup3 does to the descriptor it replaces: the process's POSIX record
 * locks on the file go with any of its descriptors, as on Linux.
 */
export function closeDescriptor(context: SyscallContext, descriptor: number, locks: LockTable, queue: WaitQueue): number {
  const file = context.process.files.get(descriptor);
  if (!file) return -Errno.EBADF;
  const inode = inodeOf(file);
  if (inode && locks.releaseRecords(inode, context.process)) queue.notify();
  context.process.files.close(descriptor);
  return 0;
}
