import type { FileStatus, OpenFile } from '../../kernel/contracts/device.js';
import type { SyscallContext, SyscallResult } from '../../kernel/contracts/syscall.js';
import { Errno } from '../../kernel/errno.js';
import {
  DEFAULT_POLLMASK,
  MAX_FILE_SIZE,
  MAX_OFFSET,
  O_ACCMODE,
  O_APPEND,
  O_CLOEXEC,
  O_CREAT,
  O_EXCL,
  O_LARGEFILE,
  O_NOATIME,
  O_NOCTTY,
  O_PATH,
  O_RDONLY,
  O_RDWR,
  O_TRUNC,
  O_WRONLY,
  SEEK_CUR,
  SEEK_DATA,
  SEEK_END,
  SEEK_HOLE,
  SEEK_SET,
} from './constants.js';
import type { InputLedger } from './input-ledger.js';
import { FileData, type DeviceInode, type DirectoryInode, type GeneratedFileInode, type Inode, type RegularInode } from './inode.js';
import type { LockTable } from './locks.js';
import type { WaitQueue } from './wait-queue.js';

/** FIONREAD: bytes that a read would return now. */
export const FIONREAD = 0x541b;

/** What open files need from the VFS around them. */
export interface FileServices {
  /** CLOCK_REALTIME in ns, for timestamps. */
  now(): bigint;
  readonly ledger: InputLedger;
  readonly locks: LockTable;
  readonly queue: WaitQueue;
}

/**
 * An open file description on a VFS inode: the access mode and status flags it was
 * opened with, the path it was opened by (for /proc/self/fd and messages), and its
 * locks. `dup` shares the object, and with it the offset and flags.
 */
export abstract class FileDescription implements OpenFile {
  readonly readable: boolean;
  readonly writable: boolean;
  statusFlags: number;

  constructor(
    readonly inode: Inode,
    readonly path: string,
    flags: number,
    protected readonly services: FileServices,
  ) {
    const access = flags & O_ACCMODE;
    const pathOnly = (flags & O_PATH) !== 0;
    this.readable = !pathOnly && (access === O_RDONLY || access === O_RDWR);
    this.writable = !pathOnly && (access === O_WRONLY || access === O_RDWR);
    // F_GETFL shows the access mode and status flags; creation flags are forgotten, and a
    // 64-bit kernel always adds O_LARGEFILE.
    this.statusFlags = (flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)) | (pathOnly ? 0 : O_LARGEFILE);
    inode.opened(); // an unlinked file keeps its bytes (and their charge) until the last description goes
  }

  /** O_PATH: the descriptor only names the file (fstat, *at, fchdir), it cannot read or write. */
  get pathOnly(): boolean {
    return (this.statusFlags & O_PATH) !== 0;
  }

  stat(): FileStatus {
    return this.inode.status();
  }

  poll(): number {
    return DEFAULT_POLLMASK;
  }

  release(): void {
    if (this.services.locks.releaseOwner(this.inode, this)) this.services.queue.notify();
    this.inode.closed();
  }
}

/** An O_PATH descriptor only names its file: read, write, ioctl, lseek and the like are EBADF on it. */
export function isPathOnly(file: OpenFile): boolean {
  return file instanceof FileDescription && file.pathOnly;
}

/** An O_PATH descriptor, or any inode opened only to be named. */
export class PathFile extends FileDescription {}

/**
 * Writes `data` at `offset` in a regular file: EFBIG past MAX_FILE_SIZE (a short write
 * up to it), ENOSPC when the file system is full, the host's refusal for a read-write
 * host file. Returns the bytes written.
 */
export function writeFileAt(file: RegularInode, offset: number, data: Uint8Array, now: bigint): number {
  if (data.length === 0) return 0;
  if (offset >= MAX_FILE_SIZE) return -Errno.EFBIG;
  const chunk = offset + data.length > MAX_FILE_SIZE ? data.subarray(0, MAX_FILE_SIZE - offset) : data;
  const contents = file.contents();
  const growth = Math.max(0, offset + chunk.length - contents.size);
  if (growth > 0 && !file.fs.charge(growth)) return -Errno.ENOSPC;
  // The pages it fills, from the run's memory budget.
  if (!contents.reserve(offset, chunk.length)) {
    if (growth > 0) file.fs.charge(-growth);
    return -Errno.ENOSPC;
  }
  const refused = file.fs.mirror?.write(file, offset, chunk) ?? 0;
  if (refused < 0) {
    if (growth > 0) file.fs.charge(-growth);
    return refused;
  }
  contents.write(offset, chunk);
  file.modified(now);
  return chunk.length;
}

/** Truncates or extends a regular file (truncate, ftruncate, O_TRUNC). */
export function truncateFile(file: RegularInode, size: number, now: bigint): number {
  if (size < 0) return -Errno.EINVAL;
  if (size > MAX_FILE_SIZE) return -Errno.EFBIG;
  const current = file.size;
  if (size > current && !file.fs.charge(size - current)) return -Errno.ENOSPC;
  const refused = file.fs.mirror?.truncate(file, size) ?? 0;
  if (refused < 0) {
    if (size > current) file.fs.charge(current - size);
    return refused;
  }
  if (size < current) file.fs.charge(size - current);
  // Emptying a file never read does not need its old bytes (O_TRUNC of a host file is not an input).
  if (size === 0 && !file.loaded) file.replaceContents(new FileData());
  else file.contents().resize(size);
  file.modified(now);
  return 0;
}

/** lseek arithmetic shared by the seekable files: the new offset, or -EINVAL/-ENXIO. */
export function seekTo(current: number, size: number, offset: number, whence: number): number {
  let next: number;
  switch (whence) {
    case SEEK_SET:
      next = offset;
      break;
    case SEEK_CUR:
      next = current + offset;
      break;
    case SEEK_END:
      next = size + offset;
      break;
    case SEEK_DATA:
      if (offset < 0 || offset >= size) return -Errno.ENXIO;
      next = offset;
      break;
    case SEEK_HOLE:
      if (offset < 0 || offset >= size) return -Errno.ENXIO;
      next = size;
      break;
    default:
      return -Errno.EINVAL;
  }
  return next < 0 || next > MAX_OFFSET ? -Errno.EINVAL : next;
}

/** A regular file of an in-memory or host file system. */
export class RegularFile extends FileDescription {
  declare readonly inode: RegularInode;
  offset = 0;

  read(context: SyscallContext, length: number): Uint8Array | number {
    const data = this.pread(context, length, this.offset);
    if (typeof data !== 'number') this.offset += data.length;
    return data;
  }

  write(_context: SyscallContext, data: Uint8Array): number {
    if (this.statusFlags & O_APPEND) this.offset = this.inode.size;
    const written = writeFileAt(this.inode, this.offset, data, this.services.now());
    if (written > 0) this.offset += written;
    return written;
  }

  pread(context: SyscallContext, length: number, offset: number): Uint8Array | number {
    // A view into the file: the caller copies it into guest memory before anything changes.
    const bytes = this.inode.contents().read(offset, length);
    this.services.ledger.read(context, this.inode, this.path, bytes.length);
    this.accessed();
    return bytes;
  }

  pwrite(_context: SyscallContext, data: Uint8Array, offset: number): number {
    // Linux appends even a pwrite on an O_APPEND file.
    const at = this.statusFlags & O_APPEND ? this.inode.size : offset;
    return writeFileAt(this.inode, at, data, this.services.now());
  }

  seek(offset: number, whence: number): number {
    const next = seekTo(this.offset, this.inode.size, offset, whence);
    if (next >= 0) this.offset = next;
    return next;
  }

  ioctl(context: SyscallContext, request: number, argument: bigint): SyscallResult {
    if (request !== FIONREAD) return -Errno.ENOTTY;
    context.memory.writeU32(Number(argument), Math.max(0, Math.min(0x7fffffff, this.inode.size - this.offset)));
    return 0;
  }

  mapContents(context: SyscallContext, offset: number, length: number): Uint8Array {
    const bytes = this.inode.contents().read(offset, length).slice();
    this.services.ledger.read(context, this.inode, this.path, bytes.length);
    this.accessed();
    return bytes;
  }

  /** relatime: atime moves when it is older than the last change (never on a read-only file system). */
  private accessed(): void {
    const inode = this.inode;
    if (inode.fs.readOnly || this.statusFlags & O_NOATIME) return;
    if (inode.atime <= inode.mtime || inode.atime <= inode.ctime) inode.atime = this.services.now();
  }
}

/** One entry of a directory listing. */
export interface DirectoryEntry {
  readonly name: string;
  readonly inode: Inode;
}

/** struct linux_dirent64: d_ino, d_off, d_reclen, d_type, then the NUL-terminated name, padded to 8. */
const DIRENT_HEADER = 19;

/**
 * An open directory: getdents64 walks a listing taken when reading starts (".", "..",
 * then the names in byte order, so every run lists them the same way); d_off is the
 * position after each entry, and lseek/rewinddir go back to a position.
 */
export class DirectoryFile extends FileDescription {
  declare readonly inode: DirectoryInode;
  #position = 0;
  #listing: DirectoryEntry[] | undefined;

  constructor(inode: DirectoryInode, path: string, flags: number, services: FileServices, private readonly parent: () => DirectoryInode) {
    super(inode, path, flags, services);
  }

  /** The position getdents64 continues from (telldir). */
  get position(): number {
    return this.#position;
  }

  /** Fills at most `capacity` bytes of linux_dirent64 records; empty at the end; -EINVAL if one does not fit. */
  getdents(capacity: number): Uint8Array | number {
    if (this.inode.removed) return new Uint8Array(0);
    if (!this.#listing || this.#position === 0) this.#listing = this.list();
    const listing = this.#listing;
    const records: Uint8Array[] = [];
    let used = 0;
    let position = this.#position;
    for (; position < listing.length; position++) {
      const entry = listing[position]!;
      const length = (DIRENT_HEADER + entry.name.length + 1 + 7) & ~7;
      if (used + length > capacity) {
        if (used === 0) return -Errno.EINVAL;
        break;
      }
      const record = new Uint8Array(length);
      const view = new DataView(record.buffer);
      view.setBigUint64(0, BigInt(entry.inode.ino), true);
      view.setBigInt64(8, BigInt(position + 1), true);
      view.setUint16(16, length, true);
      record[18] = entry.inode.direntType;
      for (let i = 0; i < entry.name.length; i++) record[DIRENT_HEADER + i] = entry.name.charCodeAt(i);
      records.push(record);
      used += length;
    }
    this.#position = position;
    const out = new Uint8Array(used);
    let at = 0;
    for (const record of records) {
      out.set(record, at);
      at += record.length;
    }
    if (!this.inode.fs.readOnly) this.inode.atime = this.services.now();
    return out;
  }

  seek(offset: number, whence: number): number {
    let next: number;
    if (whence === SEEK_SET) next = offset;
    else if (whence === SEEK_CUR) next = this.#position + offset;
    else return -Errno.EINVAL;
    if (next < 0 || next > MAX_OFFSET) return -Errno.EINVAL;
    this.#position = next;
    return next;
  }

  private list(): DirectoryEntry[] {
    const names = [...this.inode.entries().keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return [
      { name: '.', inode: this.inode },
      { name: '..', inode: this.parent() },
      ...names.map((name) => ({ name, inode: this.inode.lookup(name)! })),
    ];
  }
}

/** A device node opened through the VFS: the device's own open file, with the node's identity. */
export class DeviceFile extends FileDescription {
  declare readonly inode: DeviceInode;

  constructor(inode: DeviceInode, path: string, flags: number, services: FileServices, readonly device: OpenFile) {
    super(inode, path, flags, services);
  }

  read(context: SyscallContext, length: number, nonBlocking?: boolean) {
    return this.device.read ? this.device.read(context, length, nonBlocking) : -Errno.EINVAL;
  }

  write(context: SyscallContext, data: Uint8Array, nonBlocking?: boolean) {
    return this.device.write ? this.device.write(context, data, nonBlocking) : -Errno.EINVAL;
  }

  /** Character devices ignore the offset. */
  pread(context: SyscallContext, length: number): Uint8Array | number {
    const data = this.read(context, length, true);
    return typeof data === 'symbol' ? -Errno.EAGAIN : data;
  }

  pwrite(context: SyscallContext, data: Uint8Array): number {
    const written = this.write(context, data, true);
    return typeof written === 'symbol' ? -Errno.EAGAIN : written;
  }

  ioctl(context: SyscallContext, request: number, argument: bigint): SyscallResult {
    return this.device.ioctl ? this.device.ioctl(context, request, argument) : -Errno.ENOTTY;
  }

  /** lseek on /dev/null and friends succeeds and stays at 0, as in Linux. */
  seek(): number {
    return 0;
  }

  override poll(): number {
    return this.device.poll ? this.device.poll() : DEFAULT_POLLMASK;
  }

  mapContents(context: SyscallContext, offset: number, length: number): Uint8Array | number {
    return this.device.mapContents ? this.device.mapContents(context, offset, length) : -Errno.ENODEV;
  }

  override release(): void {
    this.device.release?.();
    super.release();
  }
}

/** A /proc or /sys file: its contents are produced at open, then read like a file. */
export class GeneratedFile extends FileDescription {
  declare readonly inode: GeneratedFileInode;
  readonly #contents: Uint8Array;
  #offset = 0;

  constructor(inode: GeneratedFileInode, path: string, flags: number, services: FileServices) {
    super(inode, path, flags, services);
    this.#contents = inode.generate();
  }

  read(_context: SyscallContext, length: number): Uint8Array {
    const data = this.#contents.subarray(this.#offset, this.#offset + length);
    this.#offset += data.length;
    return data;
  }

  pread(_context: SyscallContext, length: number, offset: number): Uint8Array {
    return this.#contents.subarray(offset, offset + length);
  }

  seek(offset: number, whence: number): number {
    const next = seekTo(this.#offset, this.#contents.length, offset, whence);
    if (next >= 0) this.#offset = next;
    return next;
  }

  mapContents(_context: SyscallContext, offset: number, length: number): Uint8Array {
    return this.#contents.slice(offset, offset + length);
  }
}
