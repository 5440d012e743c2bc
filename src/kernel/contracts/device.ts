import type { NO_RETURN, SyscallContext, SyscallResult } from './syscall.js';

/** What fstat reports about an open file (struct stat / statx, as plain numbers). Times in ns since 1970. */
export interface FileStatus {
  readonly dev: number;
  readonly ino: number;
  /** File type and permission bits (S_IFREG | 0644, ...). */
  readonly mode: number;
  readonly nlink: number;
  readonly uid: number;
  readonly gid: number;
  readonly rdev: number;
  readonly size: number;
  readonly blksize: number;
  readonly blocks: number;
  readonly atime: bigint;
  readonly mtime: bigint;
  readonly ctime: bigint;
  readonly btime: bigint;
}

/**
 * An open file as the fd table holds it (Linux's open file description): what read,
 * write, ioctl and the rest do on it. `dup` installs the same object in another slot, so
 * offsets and status flags are shared. Devices produce these; the VFS adds regular files,
 * directories and pipes behind the same shape. Methods return a byte count or a negative
 * errno; the optional members a file leaves out give the Linux answer for files that
 * cannot do it (ESPIPE without `seek`, ENOTTY without `ioctl`, ...).
 */
export interface OpenFile {
  /** A name for messages and /proc (e.g. "/tmp/data.txt", "/dev/null", "console:stdout"). */
  readonly path: string;
  readonly readable: boolean;
  readonly writable: boolean;
  /** The status flags F_GETFL reports and F_SETFL changes (O_APPEND, O_NONBLOCK, ...). */
  statusFlags?: number;
  /**
   * Reads at most `length` bytes; an empty result means end of file. A file that has to
   * wait (an empty pipe) and may (`nonBlocking` not set) blocks the calling thread and
   * returns NO_RETURN having read nothing: the syscall is restarted when the thread wakes.
   */
  read?(context: SyscallContext, length: number, nonBlocking?: boolean): Uint8Array | number | typeof NO_RETURN;
  /**
   * Writes `data` (a copy the file may keep); returns how much it took, which may be
   * less than asked. A file that has to wait for room (a full pipe) blocks the calling
   * thread and returns NO_RETURN having taken nothing, as `read` does.
   */
  write?(context: SyscallContext, data: Uint8Array, nonBlocking?: boolean): number | typeof NO_RETURN;
  ioctl?(context: SyscallContext, request: number, argument: bigint): SyscallResult;
  /** Positioned read (pread): leaves the offset alone. Absent: the file is not seekable (ESPIPE). */
  pread?(context: SyscallContext, length: number, offset: number): Uint8Array | number;
  /** Positioned write (pwrite). */
  pwrite?(context: SyscallContext, data: Uint8Array, offset: number): number;
  /** lseek: the new offset, or a negative errno. Absent: ESPIPE. */
  seek?(offset: number, whence: number): number;
  /** fstat. Absent: the VFS reports an anonymous character device. */
  stat?(): FileStatus;
  /** Readiness for poll/select: POLL* bits. Absent: POLLIN if readable, POLLOUT if writable. */
  poll?(): number;
  /** Called once when the last descriptor referring to this open file is closed. */
  release?(): void;
  /**
   * mmap of the file: its bytes from `offset`, at most `length` (fewer past the end of
   * the file), for a private copy. Absent: the file cannot be mapped (ENODEV).
   */
  mapContents?(context: SyscallContext, offset: number, length: number): Uint8Array | number;
}

/** A device (console, null, zero, urandom, ...). Bound many-to-one on the DEVICE token. */
export interface Device {
  readonly name: string;
  /**
   * Where the VFS shows it: a /dev entry with this character-device number. Devices
   * without one (the console) are reached only through the descriptors they are opened on.
   */
  readonly node?: { readonly major: number; readonly minor: number };
  /** Opens the device; `stream` selects a channel for multi-channel devices such as the console. */
  open(stream?: string): OpenFile;
}
