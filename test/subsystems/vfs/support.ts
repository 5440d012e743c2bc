import { expect } from 'vitest';
import type { Thread } from '../../../src/kernel/process.js';
import { SYSCALL_NUMBERS as NR } from '../../../src/kernel/syscall/numbers.js';
import { Vfs } from '../../../src/subsystems/vfs/vfs.js';
import type { KernelOptions } from '../../../src/zeroos.js';
import { DATA, DATA_SIZE, syscallHarness, type SyscallHarness } from '../../support/syscall-harness.js';

export const E = (n: number) => BigInt(-n);
export const AT_FDCWD = -100;

/** Scratch space for strings and buffers: the upper half of the harness's data region. */
const SCRATCH = DATA + DATA_SIZE / 2;
const SCRATCH_END = DATA + DATA_SIZE;

/** struct stat, decoded. Times in ns since 1970. */
export interface Stat {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atime: bigint;
  mtime: bigint;
  ctime: bigint;
}

export interface Dirent {
  ino: number;
  off: number;
  type: number;
  name: string;
}

export function decodeStat(bytes: Uint8Array): Stat {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const time = (at: number) => v.getBigInt64(at, true) * 1_000_000_000n + v.getBigUint64(at + 8, true);
  return {
    dev: Number(v.getBigUint64(0, true)),
    ino: Number(v.getBigUint64(8, true)),
    mode: v.getUint32(16, true),
    nlink: v.getUint32(20, true),
    uid: v.getUint32(24, true),
    gid: v.getUint32(28, true),
    rdev: Number(v.getBigUint64(32, true)),
    size: Number(v.getBigInt64(48, true)),
    blksize: v.getInt32(56, true),
    blocks: Number(v.getBigInt64(64, true)),
    atime: time(72),
    mtime: time(88),
    ctime: time(104),
  };
}

export function decodeDirents(bytes: Uint8Array): Dirent[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Dirent[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = v.getUint16(at + 16, true);
    const nameBytes = bytes.subarray(at + 19, at + length);
    const end = nameBytes.indexOf(0);
    out.push({
      ino: Number(v.getBigUint64(at, true)),
      off: Number(v.getBigInt64(at + 8, true)),
      type: bytes[at + 18]!,
      name: Buffer.from(nameBytes.subarray(0, end)).toString('latin1'),
    });
    at += length;
  }
  return out;
}

/**
 * A guest driven one syscall at a time through the real trap path: paths and buffers
 * live in scratch memory, results come back as the syscall returned them.
 */
export class Guest {
  #next = SCRATCH;

  constructor(readonly h: SyscallHarness) {}

  static create(options: KernelOptions = {}): Guest {
    return new Guest(syscallHarness(options));
  }

  get vfs(): Vfs {
    return this.h.zeroos.container.get(Vfs);
  }

  get memory() {
    return this.h.zeroos.kernel.arch.memory;
  }

  /** Scratch memory of `length` bytes (reused round-robin). */
  alloc(length: number): number {
    const size = (length + 15) & ~15;
    if (this.#next + size > SCRATCH_END) this.#next = SCRATCH;
    const address = this.#next;
    this.#next += size;
    return address;
  }

  /** A NUL-terminated string (one byte per character) in scratch memory. */
  str(text: string | Uint8Array): number {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
    const address = this.alloc(bytes.length + 1);
    this.memory.write(address, new Uint8Array([...bytes, 0]));
    return address;
  }

  call(nr: number, ...args: (number | bigint)[]): bigint {
    return this.h.syscall(nr, ...args);
  }

  callAs(thread: Thread, nr: number, ...args: (number | bigint)[]): bigint {
    return this.h.syscallAs(thread, nr, ...args);
  }

  open(path: string, flags = 0, mode = 0o644, dirfd = AT_FDCWD): bigint {
    return this.call(NR.openat, dirfd, this.str(path), flags, mode);
  }

  /** Opens or fails the test. */
  fd(path: string, flags = 0, mode = 0o644, dirfd = AT_FDCWD): number {
    const fd = this.open(path, flags, mode, dirfd);
    if (fd < 0n) throw new Error(`open ${path} failed: ${fd}`);
    return Number(fd);
  }

  write(fd: number, data: string | Uint8Array): bigint {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    const address = this.alloc(bytes.length);
    this.memory.write(address, bytes);
    return this.call(NR.write, fd, address, bytes.length);
  }

  /** read(2): the bytes as a string, or the error. */
  read(fd: number, length: number): string | bigint {
    const address = this.alloc(length);
    const n = this.call(NR.read, fd, address, length);
    if (n < 0n) return n;
    return Buffer.from(this.memory.read(address, Number(n))).toString('latin1');
  }

  pread(fd: number, length: number, offset: number): string | bigint {
    const address = this.alloc(length);
    const n = this.call(NR.pread64, fd, address, length, offset);
    if (n < 0n) return n;
    return Buffer.from(this.memory.read(address, Number(n))).toString('latin1');
  }

  close(fd: number): bigint {
    return this.call(NR.close, fd);
  }

  stat(path: string, flags = 0, dirfd = AT_FDCWD): Stat | bigint {
    const buffer = this.alloc(128);
    const r = this.call(NR.newfstatat, dirfd, this.str(path), buffer, flags);
    return r < 0n ? r : decodeStat(this.memory.read(buffer, 128));
  }

  /** stat that must succeed. */
  statOk(path: string, flags = 0, dirfd = AT_FDCWD): Stat {
    const s = this.stat(path, flags, dirfd);
    if (typeof s === 'bigint') throw new Error(`stat ${path} failed: ${s}`);
    return s;
  }

  fstat(fd: number): Stat | bigint {
    const buffer = this.alloc(128);
    const r = this.call(NR.fstat, fd, buffer);
    return r < 0n ? r : decodeStat(this.memory.read(buffer, 128));
  }

  mkdir(path: string, mode = 0o755, dirfd = AT_FDCWD): bigint {
    return this.call(NR.mkdirat, dirfd, this.str(path), mode);
  }

  unlink(path: string, flags = 0, dirfd = AT_FDCWD): bigint {
    return this.call(NR.unlinkat, dirfd, this.str(path), flags);
  }

  rmdir(path: string): bigint {
    return this.unlink(path, 0x200);
  }

  rename(from: string, to: string, flags = 0): bigint {
    return this.call(NR.renameat2, AT_FDCWD, this.str(from), AT_FDCWD, this.str(to), flags);
  }

  symlink(target: string, path: string): bigint {
    return this.call(NR.symlinkat, this.str(target), AT_FDCWD, this.str(path));
  }

  link(from: string, to: string, flags = 0): bigint {
    return this.call(NR.linkat, AT_FDCWD, this.str(from), AT_FDCWD, this.str(to), flags);
  }

  readlink(path: string, dirfd = AT_FDCWD, size = 4096): string | bigint {
    const buffer = this.alloc(size);
    const n = this.call(NR.readlinkat, dirfd, this.str(path), buffer, size);
    return n < 0n ? n : Buffer.from(this.memory.read(buffer, Number(n))).toString('latin1');
  }

  chdir(path: string): bigint {
    return this.call(NR.chdir, this.str(path));
  }

  getcwd(): string | bigint {
    const buffer = this.alloc(4096);
    const n = this.call(NR.getcwd, buffer, 4096);
    return n < 0n ? n : Buffer.from(this.memory.read(buffer, Number(n) - 1)).toString('latin1');
  }

  /** Every entry of an open directory (getdents64 until it returns 0). */
  getdents(fd: number, chunk = 4096): Dirent[] | bigint {
    const entries: Dirent[] = [];
    const buffer = this.alloc(chunk);
    for (;;) {
      const n = this.call(NR.getdents64, fd, buffer, chunk);
      if (n < 0n) return n;
      if (n === 0n) return entries;
      entries.push(...decodeDirents(this.memory.read(buffer, Number(n))));
    }
  }

  /** The names in a directory, as getdents64 lists them. */
  list(path: string): string[] {
    const fd = this.fd(path, 0o200000);
    const entries = this.getdents(fd);
    this.close(fd);
    if (typeof entries === 'bigint') throw new Error(`getdents ${path} failed: ${entries}`);
    return entries.map((e) => e.name);
  }

  /** Creates (or truncates) a file with the given contents. */
  writeFile(path: string, contents: string, mode = 0o644): void {
    const fd = this.fd(path, 0o1101, mode); // O_WRONLY | O_CREAT | O_TRUNC
    expect(this.write(fd, contents)).toBe(BigInt(contents.length));
    this.close(fd);
  }

  readFile(path: string): string | bigint {
    const fd = this.open(path);
    if (fd < 0n) return fd;
    let out = '';
    for (;;) {
      const chunk = this.read(Number(fd), 4096);
      if (typeof chunk === 'bigint') return chunk;
      if (chunk === '') break;
      out += chunk;
    }
    this.close(Number(fd));
    return out;
  }
}
