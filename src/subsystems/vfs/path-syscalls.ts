import { inject, injectable } from 'inversify';
import { PERM_W } from '../../arch/memory/types.js';
import { defineSyscall, type SyscallContext, type SyscallDefinition, type SyscallProvider } from '../../kernel/contracts/syscall.js';
import { Errno } from '../../kernel/errno.js';
import { fd, int, long, ptr, size, uint } from '../../kernel/syscall/args.js';
import { SYSCALL_NUMBERS as NR } from '../../kernel/syscall/numbers.js';
import {
  AT_EACCESS,
  AT_FDCWD,
  AT_EMPTY_PATH,
  AT_NO_AUTOMOUNT,
  AT_REMOVEDIR,
  AT_STATX_SYNC_TYPE,
  AT_SYMLINK_FOLLOW,
  AT_SYMLINK_NOFOLLOW,
  O_CLOEXEC,
  RENAME_EXCHANGE,
  RENAME_NOREPLACE,
  RENAME_WHITEOUT,
  UTIME_NOW,
  UTIME_OMIT,
} from './constants.js';
import { statfsOf } from './fd-syscalls.js';
import { encodeName, readPath } from './guest-io.js';
import { SymlinkInode } from './inode.js';
import { isInode } from './mount-tree.js';
import { STATX__RESERVED, encodeStat, encodeStatx } from './stat.js';
import { Vfs, type TimeSpec } from './vfs.js';

/** A path argument that may be NULL with AT_EMPTY_PATH (statx, and utimensat's futimens form). */
function optionalPath(context: SyscallContext, address: number, flags: number): string | number {
  if (address === 0 && flags & AT_EMPTY_PATH) return '';
  return readPath(context, address);
}

/** One struct timespec of utimensat: a time in ns, UTIME_NOW, UTIME_OMIT, or EINVAL. */
function readTime(context: SyscallContext, address: number): TimeSpec | number {
  const seconds = BigInt.asIntN(64, context.memory.readU64(address));
  const nanos = BigInt.asIntN(64, context.memory.readU64(address + 8));
  if (nanos === BigInt(UTIME_NOW)) return 'now';
  if (nanos === BigInt(UTIME_OMIT)) return 'omit';
  if (nanos < 0n || nanos >= 1_000_000_000n) return -Errno.EINVAL;
  return seconds * 1_000_000_000n + nanos;
}

/**
 * The path syscalls: openat, mkdirat, unlinkat, renameat2, linkat, symlinkat,
 * readlinkat, newfstatat, statx, statfs, faccessat(2), fchmodat(2), fchownat,
 * utimensat, truncate, getcwd, chdir, umask. Paths resolve from the root, the cwd
 * (AT_FDCWD) or a directory fd, inside the VFS only.
 */
@injectable()
export class PathSyscalls implements SyscallProvider {
  readonly subsystem = 'vfs';

  constructor(@inject(Vfs) private readonly vfs: Vfs) {}

  syscalls(): readonly SyscallDefinition[] {
    const vfs = this.vfs;
    const stat = (context: SyscallContext, dirfd: number, pathAddress: number, flags: number, known: number) => {
      if (flags & ~known) return -Errno.EINVAL;
      const path = optionalPath(context, pathAddress, flags);
      if (typeof path === 'number') return path;
      return vfs.lookupAt(context, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) === 0, flags);
    };
    const chmod = (context: SyscallContext, dirfd: number, pathAddress: number, mode: number, flags: number) => {
      const target = stat(context, dirfd, pathAddress, flags, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH);
      if (typeof target === 'number') return target;
      if (target instanceof SymlinkInode) return -Errno.EOPNOTSUPP;
      return vfs.chmod(target, mode);
    };
    const access = (context: SyscallContext, dirfd: number, pathAddress: number, mode: number, flags: number) => {
      const target = stat(context, dirfd, pathAddress, flags, AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH);
      if (typeof target === 'number') return target;
      return vfs.access(target, mode);
    };
    return [
      defineSyscall({
        name: 'openat',
        nr: NR.openat,
        args: [fd('dirfd'), ptr('pathname'), uint('flags'), uint('mode')],
        support: 'full',
        note: 'O_RDONLY/WRONLY/RDWR, O_CREAT (mode & ~umask), O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC, O_NONBLOCK, O_PATH; O_TMPFILE: EOPNOTSUPP; EROFS on read-only mounts',
        handler(context, dirfd, pathAddress, flags, mode) {
          const path = readPath(context, pathAddress);
          if (typeof path === 'number') return path;
          const file = vfs.open(context, dirfd, path, flags, mode);
          if (typeof file === 'number') return file;
          const descriptor = context.process.files.install(file, (flags & O_CLOEXEC) !== 0);
          if (descriptor === undefined) {
            file.release?.();
            return -Errno.EMFILE;
          }
          return descriptor;
        },
      }),
      defineSyscall({
        name: 'mkdirat',
        nr: NR.mkdirat,
        args: [fd('dirfd'), ptr('pathname'), uint('mode')],
        support: 'full',
        handler(context, dirfd, pathAddress, mode) {
          const path = readPath(context, pathAddress);
          return typeof path === 'number' ? path : vfs.mkdir(context, dirfd, path, mode);
        },
      }),
      defineSyscall({
        name: 'unlinkat',
        nr: NR.unlinkat,
        args: [fd('dirfd'), ptr('pathname'), int('flags')],
        support: 'full',
        note: 'AT_REMOVEDIR removes an empty directory (ENOTEMPTY otherwise, EBUSY for a mount point)',
        handler(context, dirfd, pathAddress, flags) {
          if (flags & ~AT_REMOVEDIR) return -Errno.EINVAL;
          const path = readPath(context, pathAddress);
          return typeof path === 'number' ? path : vfs.unlink(context, dirfd, path, (flags & AT_REMOVEDIR) !== 0);
        },
      }),
      defineSyscall({
        name: 'renameat2',
        nr: NR.renameat2,
        args: [fd('olddirfd'), ptr('oldpath'), fd('newdirfd'), ptr('newpath'), uint('flags')],
        support: 'full',
        note: 'RENAME_NOREPLACE, RENAME_EXCHANGE (not on host mounts: EINVAL); RENAME_WHITEOUT: EINVAL; EXDEV across mounts (riscv64 has no renameat: libc calls this)',
        handler(context, olddirfd, oldAddress, newdirfd, newAddress, flags) {
          if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) return -Errno.EINVAL;
          if (flags & RENAME_WHITEOUT) return -Errno.EINVAL;
          if (flags & RENAME_NOREPLACE && flags & RENAME_EXCHANGE) return -Errno.EINVAL;
          const oldpath = readPath(context, oldAddress);
          if (typeof oldpath === 'number') return oldpath;
          const newpath = readPath(context, newAddress);
          if (typeof newpath === 'number') return newpath;
          return vfs.rename(context, olddirfd, oldpath, newdirfd, newpath, (flags & RENAME_NOREPLACE) !== 0, (flags & RENAME_EXCHANGE) !== 0);
        },
      }),
      defineSyscall({
        name: 'linkat',
        nr: NR.linkat,
        args: [fd('olddirfd'), ptr('oldpath'), fd('newdirfd'), ptr('newpath'), int('flags')],
        support: 'full',
        note: 'AT_SYMLINK_FOLLOW, AT_EMPTY_PATH; EPERM for directories, EXDEV across mounts',
        handler(context, olddirfd, oldAddress, newdirfd, newAddress, flags) {
          if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -Errno.EINVAL;
          const oldpath = optionalPath(context, oldAddress, flags);
          if (typeof oldpath === 'number') return oldpath;
          const newpath = readPath(context, newAddress);
          if (typeof newpath === 'number') return newpath;
          return vfs.hardLink(context, olddirfd, oldpath, newdirfd, newpath, (flags & AT_SYMLINK_FOLLOW) !== 0, flags & AT_EMPTY_PATH);
        },
      }),
      defineSyscall({
        name: 'symlinkat',
        nr: NR.symlinkat,
        args: [ptr('target'), fd('newdirfd'), ptr('linkpath')],
        support: 'full',
        handler(context, targetAddress, dirfd, pathAddress) {
          const target = readPath(context, targetAddress);
          if (typeof target === 'number') return target;
          const path = readPath(context, pathAddress);
          return typeof path === 'number' ? path : vfs.symlink(context, target, dirfd, path);
        },
      }),
      defineSyscall({
        name: 'readlinkat',
        nr: NR.readlinkat,
        args: [fd('dirfd'), ptr('pathname'), ptr('buf'), int('bufsiz')],
        support: 'full',
        note: '/proc/self/exe, /proc/self/fd/N and /proc/self/cwd read as paths; the result is truncated to bufsiz, unterminated',
        handler(context, dirfd, pathAddress, buffer, bufferSize) {
          if (bufferSize <= 0) return -Errno.EINVAL;
          const path = readPath(context, pathAddress);
          if (typeof path === 'number') return path;
          const target = vfs.readlink(context, dirfd, path);
          if (typeof target === 'number') return target;
          const bytes = encodeName(target).subarray(0, bufferSize);
          context.memory.write(buffer, bytes);
          return bytes.length;
        },
      }),
      defineSyscall({
        name: 'newfstatat',
        nr: NR.newfstatat,
        args: [fd('dirfd'), ptr('pathname'), ptr('statbuf'), int('flags')],
        support: 'full',
        note: 'AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, AT_NO_AUTOMOUNT',
        handler(context, dirfd, pathAddress, buffer, flags) {
          const target = stat(context, dirfd, pathAddress, flags, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT);
          if (typeof target === 'number') return target;
          context.memory.write(buffer, encodeStat(vfs.statusOf(target)));
          return 0;
        },
      }),
      defineSyscall({
        name: 'statx',
        nr: NR.statx,
        args: [fd('dirfd'), ptr('pathname'), int('flags'), uint('mask'), ptr('statxbuf')],
        support: 'full',
        note: 'every basic field plus btime and the mount id, whatever the mask asks',
        handler(context, dirfd, pathAddress, flags, mask, buffer) {
          if (mask & STATX__RESERVED) return -Errno.EINVAL;
          if ((flags & AT_STATX_SYNC_TYPE) === AT_STATX_SYNC_TYPE) return -Errno.EINVAL;
          const target = stat(context, dirfd, pathAddress, flags, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE);
          if (typeof target === 'number') return target;
          const status = vfs.statusOf(target);
          context.memory.write(buffer, encodeStatx(status, isInode(target) ? target.fs.dev : 0));
          return 0;
        },
      }),
      defineSyscall({
        name: 'statfs',
        nr: NR.statfs,
        args: [ptr('pathname'), ptr('buf')],
        support: 'full',
        handler(context, pathAddress, buffer) {
          const path = readPath(context, pathAddress);
          if (typeof path === 'number') return path;
          const target = vfs.lookupAt(context, AT_FDCWD, path, true);
          if (typeof target === 'number') return target;
          context.memory.write(buffer, statfsOf(isInode(target) ? target : undefined));
          return 0;
        },
      }),
      defineSyscall({
        name: 'faccessat',
        nr: NR.faccessat,
        args: [fd('dirfd'), ptr('pathname'), int('mode')],
        support: 'full',
        note: 'the guest is root: R_OK and W_OK pass (W_OK on a read-only mount: EROFS); X_OK needs an x bit on a non-directory',
        handler: (context, dirfd, pathAddress, mode) => access(context, dirfd, pathAddress, mode, 0),
      }),
      defineSyscall({
        name: 'faccessat2',
        nr: NR.faccessat2,
        args: [fd('dirfd'), ptr('pathname'), int('mode'), int('flags')],
        support: 'full',
        note: 'as faccessat, with AT_EACCESS, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH',
        handler: (context, dirfd, pathAddress, mode, flags) => access(context, dirfd, pathAddress, mode, flags),
      }),
      defineSyscall({
        name: 'fchmodat',
        nr: NR.fchmodat,
        args: [fd('dirfd'), ptr('pathname'), uint('mode')],
        support: 'full',
        handler: (context, dirfd, pathAddress, mode) => chmod(context, dirfd, pathAddress, mode, 0),
      }),
      defineSyscall({
        name: 'fchmodat2',
        nr: NR.fchmodat2,
        args: [fd('dirfd'), ptr('pathname'), uint('mode'), int('flags')],
        support: 'full',
        note: 'AT_SYMLINK_NOFOLLOW on a symlink: EOPNOTSUPP, as Linux',
        handler: (context, dirfd, pathAddress, mode, flags) => chmod(context, dirfd, pathAddress, mode, flags),
      }),
      defineSyscall({
        name: 'fchownat',
        nr: NR.fchownat,
        args: [fd('dirfd'), ptr('pathname'), uint('owner'), uint('group'), int('flags')],
        support: 'full',
        note: 'recorded in the VFS (the guest runs as root); host files keep their host owner',
        handler(context, dirfd, pathAddress, owner, group, flags) {
          const target = stat(context, dirfd, pathAddress, flags, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH);
          if (typeof target === 'number') return target;
          return vfs.chown(target, owner, group);
        },
      }),
      defineSyscall({
        name: 'utimensat',
        nr: NR.utimensat,
        args: [fd('dirfd'), ptr('pathname'), ptr('times'), int('flags')],
        support: 'full',
        note: 'UTIME_NOW and a NULL times use the virtual clock; UTIME_OMIT; a NULL path sets the times of dirfd itself',
        handler(context, dirfd, pathAddress, times, flags) {
          if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -Errno.EINVAL;
          let target;
          if (pathAddress === 0) {
            if (dirfd === AT_FDCWD) return -Errno.EFAULT;
            target = vfs.fileAt(context, dirfd);
          } else {
            target = stat(context, dirfd, pathAddress, flags, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH);
          }
          if (typeof target === 'number') return target;
          let atime: TimeSpec = 'now';
          let mtime: TimeSpec = 'now';
          if (times !== 0) {
            const a = readTime(context, times);
            if (typeof a === 'number') return a;
            const m = readTime(context, times + 16);
            if (typeof m === 'number') return m;
            atime = a;
            mtime = m;
          }
          return vfs.utimes(target, atime, mtime);
        },
      }),
      defineSyscall({
        name: 'truncate',
        nr: NR.truncate,
        args: [ptr('path'), long('length')],
        support: 'full',
        handler(context, pathAddress, length) {
          if (length < 0n) return -Errno.EINVAL;
          const path = readPath(context, pathAddress);
          if (typeof path === 'number') return path;
          const target = vfs.lookupAt(context, AT_FDCWD, path, true);
          if (typeof target === 'number') return target;
          return vfs.truncate(target, length > 2n ** 40n ? 2 ** 40 : Number(length));
        },
      }),
      defineSyscall({
        name: 'getcwd',
        nr: NR.getcwd,
        args: [ptr('buf'), size('size')],
        support: 'full',
        note: 'ERANGE when it does not fit; ENOENT when the cwd was removed',
        handler(context, buffer, bufferSize) {
          const path = vfs.getcwd();
          if (path === undefined) return -Errno.ENOENT;
          const bytes = new Uint8Array(path.length + 1);
          bytes.set(encodeName(path));
          if (bufferSize < bytes.length) return -Errno.ERANGE;
          if (!context.memory.isAccessible(buffer, bytes.length, PERM_W)) return -Errno.EFAULT;
          context.memory.write(buffer, bytes);
          return bytes.length;
        },
      }),
      defineSyscall({
        name: 'chdir',
        nr: NR.chdir,
        args: [ptr('path')],
        support: 'full',
        handler(context, pathAddress) {
          const path = readPath(context, pathAddress);
          if (typeof path === 'number') return path;
          const target = vfs.lookupAt(context, AT_FDCWD, path, true);
          return typeof target === 'number' ? target : vfs.chdir(target);
        },
      }),
      defineSyscall({
        name: 'umask',
        nr: NR.umask,
        args: [uint('mask')],
        support: 'full',
        handler(_context, mask) {
          const previous = vfs.umask;
          vfs.umask = mask & 0o777;
          return previous;
        },
      }),
    ];
  }
}
