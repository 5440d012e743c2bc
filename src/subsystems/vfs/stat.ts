import type { FileStatus } from '../../kernel/contracts/device.js';
import type { FileSystem } from './inode.js';

/** sizeof(struct stat) on riscv64 (asm-generic). */
export const STAT_SIZE = 128;
/** sizeof(struct statx). */
export const STATX_SIZE = 256;
/** sizeof(struct statfs) on riscv64. */
export const STATFS_SIZE = 120;

export const STATX_TYPE = 0x1;
export const STATX_MODE = 0x2;
export const STATX_BASIC_STATS = 0x7ff;
export const STATX_BTIME = 0x800;
export const STATX_MNT_ID = 0x1000;
/** Reserved for a future extension of struct statx: asking for it is EINVAL. */
export const STATX__RESERVED = 0x8000_0000;

const NS = 1_000_000_000n;
const seconds = (ns: bigint) => (ns >= 0n ? ns / NS : -((-ns + NS - 1n) / NS));
const nanos = (ns: bigint) => Number(ns - seconds(ns) * NS);
const major = (dev: number) => (dev >>> 8) & 0xfff;
const minor = (dev: number) => (dev & 0xff) | ((dev >>> 12) & ~0xff);

/** struct stat (asm-generic, 64-bit): dev, ino, mode, nlink, uid, gid, rdev, pad, size, blksize, pad, blocks, 3 × (sec, nsec). */
export function encodeStat(status: FileStatus): Uint8Array {
  const bytes = new Uint8Array(STAT_SIZE);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(status.dev), true);
  view.setBigUint64(8, BigInt(status.ino), true);
  view.setUint32(16, status.mode, true);
  view.setUint32(20, status.nlink, true);
  view.setUint32(24, status.uid, true);
  view.setUint32(28, status.gid, true);
  view.setBigUint64(32, BigInt(status.rdev), true);
  view.setBigInt64(48, BigInt(status.size), true);
  view.setInt32(56, status.blksize, true);
  view.setBigInt64(64, BigInt(status.blocks), true);
  const times = [status.atime, status.mtime, status.ctime];
  times.forEach((ns, i) => {
    view.setBigInt64(72 + i * 16, seconds(ns), true);
    view.setBigUint64(80 + i * 16, BigInt(nanos(ns)), true);
  });
  return bytes;
}

/** struct statx, with every basic field and the birth time filled in (the returned mask says so). */
export function encodeStatx(status: FileStatus, mountId: number): Uint8Array {
  const bytes = new Uint8Array(STATX_SIZE);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, STATX_BASIC_STATS | STATX_BTIME | STATX_MNT_ID, true);
  view.setUint32(4, status.blksize, true);
  view.setUint32(16, status.nlink, true);
  view.setUint32(20, status.uid, true);
  view.setUint32(24, status.gid, true);
  view.setUint16(28, status.mode, true);
  view.setBigUint64(32, BigInt(status.ino), true);
  view.setBigUint64(40, BigInt(status.size), true);
  view.setBigUint64(48, BigInt(status.blocks), true);
  const timestamp = (offset: number, ns: bigint) => {
    view.setBigInt64(offset, seconds(ns), true);
    view.setUint32(offset + 8, nanos(ns), true);
  };
  timestamp(64, status.atime);
  timestamp(80, status.btime);
  timestamp(96, status.ctime);
  timestamp(112, status.mtime);
  view.setUint32(128, major(status.rdev), true);
  view.setUint32(132, minor(status.rdev), true);
  view.setUint32(136, major(status.dev), true);
  view.setUint32(140, minor(status.dev), true);
  view.setBigUint64(144, BigInt(mountId), true);
  return bytes;
}

/** struct statfs (riscv64): type, bsize, blocks, bfree, bavail, files, ffree, fsid[2], namelen, frsize, flags, spare[4]. */
export function encodeStatfs(fs: FileSystem | undefined, capacity: number, used: number): Uint8Array {
  const bytes = new Uint8Array(STATFS_SIZE);
  const view = new DataView(bytes.buffer);
  const block = 4096;
  const blocks = Math.ceil(capacity / block);
  const free = Math.max(0, blocks - Math.ceil(used / block));
  view.setBigInt64(0, BigInt(fs?.magic ?? 0), true);
  view.setBigInt64(8, BigInt(block), true);
  view.setBigUint64(16, BigInt(blocks), true);
  view.setBigUint64(24, BigInt(free), true);
  view.setBigUint64(32, BigInt(free), true);
  view.setBigUint64(40, 1_000_000n, true);
  view.setBigUint64(48, 1_000_000n, true);
  view.setInt32(56, fs?.dev ?? 0, true);
  view.setBigInt64(64, 255n, true);
  view.setBigInt64(72, BigInt(block), true);
  // ST_RDONLY for read-only file systems; ST_NOSUID | ST_NODEV elsewhere does not matter here.
  view.setBigInt64(80, fs?.readOnly ? 1n : 0n, true);
  return bytes;
}
