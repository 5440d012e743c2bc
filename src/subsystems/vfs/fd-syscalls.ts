import { inject, injectable } from 'inversify';
import { PERM_W } from '../../arch/memory/types.js';
import type { OpenFile } from '../../kernel/contracts/device.js';
import {
  defineSyscall,
  type SyscallContext,
  type SyscallDefinition,
  type SyscallProvider,
  type SyscallResult,
} from '../../kernel/contracts/syscall.js';
import { Errno } from '../../kernel/errno.js';
import { fd, int, long, ptr, uint, word } from '../../kernel/syscall/args.js';
import { SYSCALL_NUMBERS as NR } from '../../kernel/syscall/numbers.js';
import {
  FD_CLOEXEC,
  F_ADD_SEALS,
  F_DUPFD,
  F_DUPFD_CLOEXEC,
  F_GETFD,
  F_GETFL,
  F_GETLK,
  F_GETOWN,
  F_GETPIPE_SZ,
  F_GETSIG,
  F_GET_SEALS,
  F_OFD_GETLK,
  F_OFD_SETLK,
  F_OFD_SETLKW,
  F_RDLCK,
  F_SETFD,
  F_SETFL,
  F_SETLK,
  F_SETLKW,
  F_SETOWN,
  F_SETPIPE_SZ,
  F_SETSIG,
  F_UNLCK,
  F_WRLCK,
  LOCK_EX,
  LOCK_NB,
  LOCK_SH,
  LOCK_UN,
  O_CLOEXEC,
  O_DIRECT,
  O_NONBLOCK,
  O_RDONLY,
  O_RDWR,
  O_WRONLY,
  SEEK_CUR,
  SEEK_END,
  SEEK_SET,
  SETFL_MASK,
} from './constants.js';
import { DirectoryInode, PipeInode, type Inode } from './inode.js';
import { closeDescriptor } from './io-syscalls.js';
import { LockTable, type LockOwner } from './locks.js';
import { MemoryFileSystem } from './memfs.js';
import { DirectoryFile, FileDescription, RegularFile, isPathOnly, truncateFile } from './open-file.js';
import { BrokenPipes, PIPE_MAX_SIZE, Pipe, PipeEnd } from './pipe.js';
import { encodeStat, encodeStatfs } from './stat.js';
import { Vfs, inodeOf } from './vfs.js';
import { WaitQueue } from './wait-queue.js';

/** struct flock (riscv64): l_type i16, l_whence i16, pad, l_start i64, l_len i64, l_pid i32, pad. */
const FLOCK_SIZE = 32;
const FALLOC_FL_KEEP_SIZE = 1;
const POSIX_FADV_NOREUSE = 5;

/** The open file on `descriptor`, refusing O_PATH descriptors (EBADF) as the I/O-ish calls do. */
function openFile(context: SyscallContext, descriptor: number): OpenFile | number {
  const file = context.process.files.get(descriptor);
  if (!file || isPathOnly(file)) return -Errno.EBADF;
  return file;
}

/** F_GETFL for an open file that does not keep status flags itself (a console stream). */
function accessMode(file: OpenFile): number {
  return file.readable && file.writable ? O_RDWR : file.writable ? O_WRONLY : O_RDONLY;
}

/** The byte range of a struct flock: [start, end] with end Infinity for "to the end, however far". */
function lockRange(file: OpenFile, inode: Inode, whence: number, start: bigint, length: bigint): { start: number; end: number } | number {
  let base: bigint;
  if (whence === SEEK_SET) base = 0n;
  else if (whence === SEEK_CUR) base = BigInt(file instanceof RegularFile ? file.offset : 0);
  else if (whence === SEEK_END) base = BigInt(inode.size);
  else return -Errno.EINVAL;
  let first = base + start;
  let last: bigint;
  if (length > 0n) last = first + length - 1n;
  else if (length === 0n) last = -1n;
  else {
    last = first - 1n;
    first += length;
  }
  if (first < 0n) return -Errno.EINVAL;
  if (last > 0x7fff_ffff_ffff_ffffn) return -Errno.EOVERFLOW;
  return { start: Number(first), end: last === -1n ? Infinity : Number(last) };
}

/**
 * Descriptor-level syscalls: dup, dup3, fcntl (descriptor flags, status flags, record
 * locks, pipe sizes), flock, pipe2, fstat, fstatfs, getdents64, fchdir, fchmod, fchown,
 * ftruncate, fallocate, fadvise64, fsync, fdatasync, sync, syncfs.
 */
@injectable()
export class DescriptorSyscalls implements SyscallProvider {
  readonly subsystem = 'vfs';

  constructor(
    @inject(Vfs) private readonly vfs: Vfs,
    @inject(LockTable) private readonly locks: LockTable,
    @inject(WaitQueue) private readonly queue: WaitQueue,
    @inject(BrokenPipes) private readonly broken: BrokenPipes,
  ) {}

  syscalls(): readonly SyscallDefinition[] {
    const { vfs, locks, queue } = this;
    const broken = this.broken;
    const fcntl = (context: SyscallContext, descriptor: number, command: number, argument: bigint) =>
      this.fcntl(context, descriptor, command, argument);
    return [
      defineSyscall({
        name: 'dup',
        nr: NR.dup,
        args: [fd('oldfd')],
        support: 'full',
        note: 'the lowest free fd; the new one shares the open file (offset, flags) and is not close-on-exec',
        handler(context, old) {
          const file = context.process.files.get(old);
          if (!file) return -Errno.EBADF;
          return context.process.files.install(file) ?? -Errno.EMFILE;
        },
      }),
      defineSyscall({
        name: 'dup3',
        nr: NR.dup3,
        args: [fd('oldfd'), fd('newfd'), uint('flags')],
        support: 'full',
        note: 'EINVAL when oldfd equals newfd or for flags other than O_CLOEXEC; what was at newfd is closed',
        handler(context, old, target, flags) {
          if (flags & ~O_CLOEXEC) return -Errno.EINVAL;
          const files = context.process.files;
          const file = files.get(old);
          if (!file) return -Errno.EBADF;
          if (old === target) return -Errno.EINVAL;
          if (target < 0 || target >= files.limit) return -Errno.EBADF;
          if (files.get(target)) closeDescriptor(context, target, locks, queue);
          files.installAt(target, file, (flags & O_CLOEXEC) !== 0);
          return target;
        },
      }),
      defineSyscall({
        name: 'fcntl',
        nr: NR.fcntl,
        args: [fd(), int('cmd'), word('arg')],
        support: 'full',
        note: 'F_DUPFD(_CLOEXEC), F_GETFD/SETFD, F_GETFL/SETFL, F_GETLK/SETLK/SETLKW (per-process POSIX locks never conflict with themselves, as on Linux), F_OFD_GETLK/SETLK/SETLKW (conflict between open files; SETLKW blocks), F_GETPIPE_SZ/SETPIPE_SZ; F_SETOWN/SETSIG accepted; seals: EINVAL',
        handler: fcntl,
      }),
      defineSyscall({
        name: 'flock',
        nr: NR.flock,
        args: [fd(), int('operation')],
        support: 'full',
        note: 'per open file description; LOCK_SH/LOCK_EX conflict between descriptions and block (EWOULDBLOCK with LOCK_NB)',
        handler(context, descriptor, operation) {
          const file = openFile(context, descriptor);
          if (typeof file === 'number') return file;
          const kind = operation & ~LOCK_NB;
          if (kind !== LOCK_SH && kind !== LOCK_EX && kind !== LOCK_UN) return -Errno.EINVAL;
          const inode = inodeOf(file);
          if (!inode) return 0;
          if (kind === LOCK_UN) {
            locks.setFlock(inode, file, undefined);
            queue.notify();
            return 0;
          }
          const mode = kind === LOCK_EX ? 'exclusive' : 'shared';
          if (locks.flockConflict(inode, file, mode)) {
            if (operation & LOCK_NB) return -Errno.EAGAIN;
            // A conversion gives up the old lock first, as Linux does.
            locks.setFlock(inode, file, undefined);
            queue.notify();
            return queue.restartWhen(context, `flock ${mode} on ${file.path}`, () => !locks.flockConflict(inode, file, mode));
          }
          locks.setFlock(inode, file, mode);
          return 0;
        },
      }),
      defineSyscall({
        name: 'pipe2',
        nr: NR.pipe2,
        args: [ptr('pipefd'), uint('flags')],
        support: 'full',
        note: 'O_CLOEXEC, O_NONBLOCK (EAGAIN instead of blocking), O_DIRECT accepted; 64 KiB buffer, PIPE_BUF 4096 atomic writes; blocking reads and writes between threads; SIGPIPE then EPIPE without readers',
        handler(context, fds, flags) {
          if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT)) return -Errno.EINVAL;
          if (!context.memory.isAccessible(fds, 8, PERM_W)) return -Errno.EFAULT;
          const files = context.process.files;
          const cloexec = (flags & O_CLOEXEC) !== 0;
          const pipe = new Pipe(new PipeInode(vfs.pipes, vfs.pipes.nextIno(), vfs.services.now()));
          const reader = new PipeEnd(pipe, 'read', flags, vfs.services, broken);
          const readFd = files.install(reader, cloexec);
          if (readFd === undefined) {
            reader.release();
            return -Errno.EMFILE;
          }
          const writer = new PipeEnd(pipe, 'write', flags, vfs.services, broken);
          const writeFd = files.install(writer, cloexec);
          if (writeFd === undefined) {
            files.close(readFd);
            writer.release();
            return -Errno.EMFILE;
          }
          context.memory.writeU32(fds, readFd);
          context.memory.writeU32(fds + 4, writeFd);
          return 0;
        },
      }),
      defineSyscall({
        name: 'fstat',
        nr: NR.fstat,
        args: [fd(), ptr('statbuf')],
        support: 'full',
        note: 'consoles show as a character device',
        handler(context, descriptor, buffer) {
          const file = context.process.files.get(descriptor);
          if (!file) return -Errno.EBADF;
          context.memory.write(buffer, encodeStat(vfs.statusOf(inodeOf(file) ?? file)));
          return 0;
        },
      }),
      defineSyscall({
        name: 'fstatfs',
        nr: NR.fstatfs,
        args: [fd(), ptr('buf')],
        support: 'full',
        handler(context, descriptor, buffer) {
          const file = context.process.files.get(descriptor);
          if (!file) return -Errno.EBADF;
          context.memory.write(buffer, statfsOf(inodeOf(file)));
          return 0;
        },
      }),
      defineSyscall({
        name: 'getdents64',
        nr: NR.getdents64,
        args: [fd(), ptr('dirp'), uint('count')],
        support: 'full',
        note: 'linux_dirent64 records: ".", "..", then the names in byte order; d_off is the next position',
        handler(context, descriptor, buffer, count) {
          const file = openFile(context, descriptor);
          if (typeof file === 'number') return file;
          if (!(file instanceof DirectoryFile)) return -Errno.ENOTDIR;
          const before = file.position;
          const records = file.getdents(count);
          if (typeof records === 'number') return records;
          if (records.length > 0 && !context.memory.isAccessible(buffer, records.length, PERM_W)) {
            file.seek(before, SEEK_SET);
            return -Errno.EFAULT;
          }
          context.memory.write(buffer, records);
          return records.length;
        },
      }),
      defineSyscall({
        name: 'fchdir',
        nr: NR.fchdir,
        args: [fd()],
        support: 'full',
        handler(context, descriptor) {
          const target = vfs.fileAt(context, descriptor);
          if (typeof target === 'number') return target;
          return vfs.chdir(target);
        },
      }),
      defineSyscall({
        name: 'fchmod',
        nr: NR.fchmod,
        args: [fd(), uint('mode')],
        support: 'full',
        handler(context, descriptor, mode) {
          const file = openFile(context, descriptor);
          if (typeof file === 'number') return file;
          return vfs.chmod(inodeOf(file) ?? file, mode);
        },
      }),
      defineSyscall({
        name: 'fchown',
        nr: NR.fchown,
        args: [fd(), uint('owner'), uint('group')],
        support: 'full',
        note: 'recorded in the VFS (the guest runs as root); host files keep their host owner',
        handler(context, descriptor, owner, group) {
          const file = openFile(context, descriptor);
          if (typeof file === 'number') return file;
          return vfs.chown(inodeOf(file) ?? file, owner, group);
        },
      }),
      defineSyscall({
        name: 'ftruncate',
        nr: NR.ftruncate,
        args: [fd(), long('length')],
        support: 'full',
        note: 'EINVAL unless the fd is a regular file open for writing; EFBIG past 1 GiB',
        handler(context, descriptor, length) {
          const file = openFile(context, descriptor);
          if (typeof file === 'number') return file;
          if (!(file instanceof RegularFile) || !file.writable || length < 0n) return -Errno.EINVAL;
          return truncateFile(file.inode, length > 2n ** 40n ? 2 ** 40 : Number(length), vfs.services.now());
        },
      }),
      defineSyscall({
        name: 'fallocate',
        nr: NR.fallocate,
        args: [fd(), int('mode'), long('offset'), long('len')],
        support: 'partial',
        note: 'mode 0 (extend the size) and FALLOC_FL_KEEP_SIZE; hole punching and the rest: EOPNOTSUPP',
        handler(context, descriptor, mode, offset, length) {
          const file = openFile(context, descriptor);
          if (typeof file === 'number') return file;
          if (offset < 0n || length <= 0n) return -Errno.EINVAL;
          if (!file.writable) return -Errno.EBADF;
          if (file instanceof PipeEnd) return -Errno.ESPIPE;
          if (!(file instanceof RegularFile)) return inodeOf(file) instanceof DirectoryInode ? -Errno.EISDIR : -Errno.ENODEV;
          if (mode & ~FALLOC_FL_KEEP_SIZE) return -Errno.EOPNOTSUPP;
          const end = offset + length;
          if (mode & FALLOC_FL_KEEP_SIZE || end <= BigInt(file.inode.size)) return 0;
          return truncateFile(file.inode, end > 2n ** 40n ? 2 ** 40 : Number(end), vfs.services.now());
        },
      }),
      defineSyscall({
        name: 'fadvise64',
        nr: NR.fadvise64,
        args: [fd(), long('offset'), long('len'), int('advice')],
        support: 'full',
        note: 'advice is accepted and changes nothing',
        handler(context, descriptor, _offset, length, advice) {
          const file = context.process.files.get(descriptor);
          if (!file) return -Errno.EBADF;
          if (file instanceof PipeEnd) return -Errno.ESPIPE;
          if (advice < 0 || advice > POSIX_FADV_NOREUSE || length < 0n) return -Errno.EINVAL;
          return 0;
        },
      }),
      defineSyscall({
        name: 'fsync',
        nr: NR.fsync,
        args: [fd()],
        support: 'full',
        note: 'writes reach read-write host mounts as they happen; EINVAL on pipes and consoles',
        handler: (context, descriptor) => sync(context, descriptor),
      }),
      defineSyscall({
        name: 'fdatasync',
        nr: NR.fdatasync,
        args: [fd()],
        support: 'full',
        handler: (context, descriptor) => sync(context, descriptor),
      }),
      defineSyscall({
        name: 'syncfs',
        nr: NR.syncfs,
        args: [fd()],
        support: 'full',
        handler: (context, descriptor) => (context.process.files.get(descriptor) ? 0 : -Errno.EBADF),
      }),
      defineSyscall({
        name: 'sync',
        nr: NR.sync,
        args: [],
        support: 'full',
        handler: () => 0,
      }),
    ];
  }

  private fcntl(context: SyscallContext, descriptor: number, command: number, argument: bigint): SyscallResult {
    const files = context.process.files;
    const slot = files.descriptor(descriptor);
    if (!slot) return -Errno.EBADF;
    const file = slot.file;
    const pathOnly = isPathOnly(file);
    const arg = Number(BigInt.asIntN(32, argument));
    switch (command) {
      case F_DUPFD:
      case F_DUPFD_CLOEXEC:
        if (arg < 0 || arg >= files.limit) return -Errno.EINVAL;
        return files.install(file, command === F_DUPFD_CLOEXEC, arg) ?? -Errno.EMFILE;
      case F_GETFD:
        return slot.cloexec ? FD_CLOEXEC : 0;
      case F_SETFD:
        slot.cloexec = (arg & FD_CLOEXEC) !== 0;
        return 0;
      case F_GETFL:
        return file.statusFlags ?? accessMode(file);
      case F_SETFL:
        if (pathOnly) return -Errno.EBADF;
        file.statusFlags = ((file.statusFlags ?? accessMode(file)) & ~SETFL_MASK) | (arg & SETFL_MASK);
        return 0;
      case F_GETLK:
      case F_SETLK:
      case F_SETLKW:
      case F_OFD_GETLK:
      case F_OFD_SETLK:
      case F_OFD_SETLKW:
        if (pathOnly) return -Errno.EBADF;
        return this.recordLock(context, file, command, Number(argument));
      case F_GETPIPE_SZ:
      case F_SETPIPE_SZ: {
        if (!(file instanceof PipeEnd)) return -Errno.EBADF;
        if (command === F_GETPIPE_SZ) return file.pipe.capacity;
        const wanted = Number(BigInt.asUintN(32, argument));
        if (wanted > PIPE_MAX_SIZE) return -Errno.EPERM;
        let size = 4096;
        while (size < wanted) size *= 2;
        const resized = file.pipe.resize(size);
        if (resized > 0) this.queue.notify();
        return resized;
      }
      case F_SETOWN:
      case F_SETSIG:
        return pathOnly ? -Errno.EBADF : 0;
      case F_GETOWN:
      case F_GETSIG:
        return 0;
      case F_ADD_SEALS:
      case F_GET_SEALS:
        return -Errno.EINVAL;
      default:
        return -Errno.EINVAL;
    }
  }

  /** The record-lock commands: a struct flock in, for F_*GETLK one out. */
  private recordLock(context: SyscallContext, file: OpenFile, command: number, address: number): SyscallResult {
    const raw = context.memory.read(address, FLOCK_SIZE);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const type = view.getInt16(0, true);
    const whence = view.getInt16(2, true);
    const start = view.getBigInt64(8, true);
    const length = view.getBigInt64(16, true);
    const pid = view.getInt32(24, true);
    const ofd = command === F_OFD_GETLK || command === F_OFD_SETLK || command === F_OFD_SETLKW;
    if (ofd && pid !== 0) return -Errno.EINVAL;
    if (type !== F_RDLCK && type !== F_WRLCK && type !== F_UNLCK) return -Errno.EINVAL;
    const inode = inodeOf(file);
    const getting = command === F_GETLK || command === F_OFD_GETLK;
    if (!inode) {
      // No inode behind it (a console): nothing can hold a lock on it.
      if (getting) context.memory.writeU16(address, F_UNLCK);
      return 0;
    }
    const range = lockRange(file, inode, whence, start, length);
    if (typeof range === 'number') return range;
    const owner: LockOwner = ofd ? file : context.process;
    const lockPid = ofd ? -1 : context.process.pid;

    if (getting) {
      if (type === F_UNLCK) return -Errno.EINVAL;
      const conflict = this.locks.conflict(inode, owner, type, range.start, range.end);
      if (!conflict) {
        context.memory.writeU16(address, F_UNLCK);
        return 0;
      }
      view.setInt16(0, conflict.type, true);
      view.setInt16(2, SEEK_SET, true);
      view.setBigInt64(8, BigInt(conflict.start), true);
      view.setBigInt64(16, conflict.end === Infinity ? 0n : BigInt(conflict.end - conflict.start + 1), true);
      view.setInt32(24, conflict.pid, true);
      context.memory.write(address, raw);
      return 0;
    }
    if (type === F_RDLCK && !file.readable) return -Errno.EBADF;
    if (type === F_WRLCK && !file.writable) return -Errno.EBADF;
    if (type !== F_UNLCK && this.locks.conflict(inode, owner, type, range.start, range.end)) {
      if (command === F_SETLK || command === F_OFD_SETLK) return -Errno.EAGAIN;
      return this.queue.restartWhen(context, `fcntl lock on ${file.path}`, () => !this.locks.conflict(inode, owner, type, range.start, range.end));
    }
    if (!this.locks.set(inode, owner, type, range.start, range.end, lockPid)) return -Errno.ENOLCK;
    this.queue.notify();
    return 0;
  }
}

function sync(context: SyscallContext, descriptor: number): number {
  const file = openFile(context, descriptor);
  if (typeof file === 'number') return file;
  return file instanceof FileDescription && !(file instanceof PipeEnd) ? 0 : -Errno.EINVAL;
}

/** struct statfs for the file system an inode is on. */
export function statfsOf(inode: Inode | undefined): Uint8Array {
  if (inode?.fs instanceof MemoryFileSystem) return encodeStatfs(inode.fs, inode.fs.capacity, inode.fs.used);
  return encodeStatfs(inode?.fs, 0, 0);
}
