import { describe, expect, it } from 'vitest';
import { Errno } from '../../../src/kernel/errno.js';
import { SYSCALL_NUMBERS as NR } from '../../../src/kernel/syscall/numbers.js';
import {
  AT_EMPTY_PATH,
  AT_SYMLINK_NOFOLLOW,
  F_OK,
  O_CREAT,
  O_PATH,
  O_RDWR,
  R_OK,
  S_IFCHR,
  S_IFIFO,
  S_IFMT,
  S_IFREG,
  S_ISGID,
  S_ISUID,
  UTIME_NOW,
  UTIME_OMIT,
  W_OK,
  X_OK,
  makedev,
} from '../../../src/subsystems/vfs/constants.js';
import { AT_FDCWD, E, Guest } from './support.js';

const STATX_BASIC_STATS = 0x7ff;
const STATX_BTIME = 0x800;

function statx(g: Guest, path: string, flags = 0, dirfd = AT_FDCWD) {
  const buffer = g.alloc(256);
  const r = g.call(NR.statx, dirfd, g.str(path), flags, STATX_BASIC_STATS, buffer);
  if (r < 0n) return r;
  const v = new DataView(g.memory.read(buffer, 256).buffer);
  return {
    mask: v.getUint32(0, true),
    blksize: v.getUint32(4, true),
    nlink: v.getUint32(16, true),
    mode: v.getUint16(28, true),
    ino: Number(v.getBigUint64(32, true)),
    size: Number(v.getBigUint64(40, true)),
    mtimeSec: v.getBigInt64(112, true),
    mtimeNsec: v.getUint32(120, true),
    btimeSec: v.getBigInt64(80, true),
    rdevMajor: v.getUint32(128, true),
    rdevMinor: v.getUint32(132, true),
  };
}

describe('fstat and newfstatat', () => {
  it('should agree with each other on a file', () => {
    const g = Guest.create();
    const fd = g.fd('/tmp/f', O_RDWR | O_CREAT, 0o640);
    g.write(fd, 'x'.repeat(5000));
    const byFd = g.fstat(fd);
    const byPath = g.statOk('/tmp/f');
    expect(byFd).toEqual(byPath);
    expect(byPath.mode).toBe(S_IFREG | 0o640);
    expect(byPath.size).toBe(5000);
    expect(byPath.blksize).toBe(4096);
    expect(byPath.blocks).toBe(16);
    expect(byPath.nlink).toBe(1);
    expect(byPath.uid).toBe(0);
  });
  it('should show device numbers of /dev nodes and a character device for the console', () => {
    const g = Guest.create();
    expect(g.statOk('/dev/null').mode).toBe(S_IFCHR | 0o666);
    expect(g.statOk('/dev/null').rdev).toBe(makedev(1, 3));
    expect(g.statOk('/dev/urandom').rdev).toBe(makedev(1, 9));
    const console = g.fstat(1);
    expect(typeof console !== 'bigint' && console.mode & S_IFMT).toBe(S_IFCHR);
    const fds = g.alloc(8);
    g.call(NR.pipe2, fds, 0);
    const pipe = g.fstat(g.memory.readU32(fds));
    expect(typeof pipe !== 'bigint' && pipe.mode & S_IFMT).toBe(S_IFIFO);
  });
  it('should refuse unknown flags, a closed fd and a bad buffer', () => {
    const g = Guest.create();
    expect(g.stat('/tmp', 0x2)).toBe(E(Errno.EINVAL));
    expect(g.fstat(42)).toBe(E(Errno.EBADF));
    expect(g.call(NR.fstat, 0, 0x7000_0000)).toBe(E(Errno.EFAULT));
  });
  it('should give every file system its own device and stable inode numbers', () => {
    const g = Guest.create();
    const devices = new Set(['/', '/dev', '/proc', '/sys'].map((p) => g.statOk(p).dev));
    expect(devices.size).toBe(4);
    expect(g.statOk('/tmp').ino).toBe(g.statOk('/tmp/.').ino);
  });
});

describe('statx', () => {
  it('should fill the basic fields and the birth time', () => {
    const g = Guest.create();
    g.writeFile('/tmp/f', 'abc');
    const s = statx(g, '/tmp/f');
    if (typeof s === 'bigint') throw new Error(String(s));
    expect(s.mask & (STATX_BASIC_STATS | STATX_BTIME)).toBe(STATX_BASIC_STATS | STATX_BTIME);
    expect(s.mode).toBe(S_IFREG | 0o644);
    expect(s.size).toBe(3);
    expect(s.ino).toBe(g.statOk('/tmp/f').ino);
    expect(s.mtimeSec * 1_000_000_000n + BigInt(s.mtimeNsec)).toBe(g.statOk('/tmp/f').mtime);
    expect(s.btimeSec).toBe(s.mtimeSec);
  });
  it('should take AT_EMPTY_PATH with a NULL path, AT_SYMLINK_NOFOLLOW, and report rdev', () => {
    const g = Guest.create();
    const fd = g.fd('/dev/zero');
    const buffer = g.alloc(256);
    expect(g.call(NR.statx, fd, 0, AT_EMPTY_PATH, STATX_BASIC_STATS, buffer)).toBe(0n);
    const s = statx(g, '/dev/zero');
    expect(typeof s !== 'bigint' && [s.rdevMajor, s.rdevMinor]).toEqual([1, 5]);
    g.symlink('/dev/zero', '/tmp/l');
    const link = statx(g, '/tmp/l', AT_SYMLINK_NOFOLLOW);
    expect(typeof link !== 'bigint' && link.size).toBe(9);
  });
  it('should refuse the reserved mask bit, both sync types at once, unknown flags and missing paths', () => {
    const g = Guest.create();
    const buffer = g.alloc(256);
    expect(g.call(NR.statx, AT_FDCWD, g.str('/'), 0, 0x8000_0000, buffer)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.statx, AT_FDCWD, g.str('/'), 0x6000, 0, buffer)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.statx, AT_FDCWD, g.str('/'), 0x1, 0, buffer)).toBe(E(Errno.EINVAL));
    expect(statx(g, '/none')).toBe(E(Errno.ENOENT));
  });
});

describe('faccessat and faccessat2', () => {
  it('should let root read and write, and execute only what has an x bit', () => {
    const g = Guest.create();
    g.writeFile('/tmp/f', '', 0o000);
    expect(g.call(NR.faccessat, AT_FDCWD, g.str('/tmp/f'), R_OK | W_OK)).toBe(0n);
    expect(g.call(NR.faccessat, AT_FDCWD, g.str('/tmp/f'), X_OK)).toBe(E(Errno.EACCES));
    expect(g.call(NR.faccessat, AT_FDCWD, g.str('/tmp'), X_OK)).toBe(0n);
    expect(g.call(NR.faccessat, AT_FDCWD, g.str('/prog'), X_OK)).toBe(0n);
    expect(g.call(NR.faccessat, AT_FDCWD, g.str('/tmp/none'), F_OK)).toBe(E(Errno.ENOENT));
  });
  it('should report EROFS for W_OK on a read-only file system (not for device nodes)', () => {
    const g = Guest.create();
    expect(g.call(NR.faccessat, AT_FDCWD, g.str('/proc/cpuinfo'), W_OK)).toBe(E(Errno.EROFS));
    expect(g.call(NR.faccessat, AT_FDCWD, g.str('/proc/cpuinfo'), R_OK)).toBe(0n);
    expect(g.call(NR.faccessat, AT_FDCWD, g.str('/dev/null'), W_OK)).toBe(0n);
  });
  it('should take AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH in faccessat2 and refuse bad modes and flags', () => {
    const g = Guest.create();
    g.symlink('/none', '/tmp/dangling');
    expect(g.call(NR.faccessat2, AT_FDCWD, g.str('/tmp/dangling'), F_OK, AT_SYMLINK_NOFOLLOW)).toBe(0n);
    expect(g.call(NR.faccessat2, AT_FDCWD, g.str('/tmp/dangling'), F_OK, 0)).toBe(E(Errno.ENOENT));
    expect(g.call(NR.faccessat2, g.fd('/tmp'), g.str(''), R_OK, AT_EMPTY_PATH)).toBe(0n);
    expect(g.call(NR.faccessat2, AT_FDCWD, g.str('/tmp'), 8, 0)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.faccessat2, AT_FDCWD, g.str('/tmp'), 0, 0x4)).toBe(E(Errno.EINVAL));
  });
});

describe('fchmod, fchmodat, fchmodat2', () => {
  it('should set the permission bits and move ctime', () => {
    const g = Guest.create();
    const fd = g.fd('/tmp/f', O_RDWR | O_CREAT);
    expect(g.call(NR.fchmod, fd, 0o4751)).toBe(0n);
    expect(g.statOk('/tmp/f').mode).toBe(S_IFREG | 0o4751);
    expect(g.call(NR.fchmodat, AT_FDCWD, g.str('/tmp/f'), 0o600)).toBe(0n);
    expect(g.statOk('/tmp/f').mode).toBe(S_IFREG | 0o600);
  });
  it('should refuse a symlink with AT_SYMLINK_NOFOLLOW, read-only file systems and O_PATH fds', () => {
    const g = Guest.create();
    g.symlink('/tmp', '/tmp/l');
    expect(g.call(NR.fchmodat2, AT_FDCWD, g.str('/tmp/l'), 0o700, AT_SYMLINK_NOFOLLOW)).toBe(E(Errno.EOPNOTSUPP));
    expect(g.call(NR.fchmodat, AT_FDCWD, g.str('/proc/cpuinfo'), 0o777)).toBe(E(Errno.EROFS));
    expect(g.call(NR.fchmod, g.fd('/tmp', O_PATH), 0o700)).toBe(E(Errno.EBADF));
    expect(g.call(NR.fchmodat2, AT_FDCWD, g.str('/tmp'), 0o700, 0x2)).toBe(E(Errno.EINVAL));
  });
});

describe('fchown and fchownat', () => {
  it('should record owner and group, leave one alone for -1, and clear set-id bits of a file', () => {
    const g = Guest.create();
    const fd = g.fd('/tmp/f', O_RDWR | O_CREAT, 0o6755);
    expect(g.statOk('/tmp/f').mode & (S_ISUID | S_ISGID)).toBe(S_ISUID | S_ISGID);
    expect(g.call(NR.fchown, fd, 1000, 0xffffffff)).toBe(0n);
    const s = g.statOk('/tmp/f');
    expect([s.uid, s.gid]).toEqual([1000, 0]);
    expect(s.mode & (S_ISUID | S_ISGID)).toBe(0);
    expect(g.call(NR.fchownat, AT_FDCWD, g.str('/tmp/f'), 0xffffffff, 50, 0)).toBe(0n);
    expect(g.statOk('/tmp/f').gid).toBe(50);
  });
  it('should change a symlink itself with AT_SYMLINK_NOFOLLOW and refuse bad flags', () => {
    const g = Guest.create();
    g.writeFile('/tmp/t', '');
    g.symlink('/tmp/t', '/tmp/l');
    expect(g.call(NR.fchownat, AT_FDCWD, g.str('/tmp/l'), 7, 7, AT_SYMLINK_NOFOLLOW)).toBe(0n);
    expect(g.statOk('/tmp/l', AT_SYMLINK_NOFOLLOW).uid).toBe(7);
    expect(g.statOk('/tmp/t').uid).toBe(0);
    expect(g.call(NR.fchownat, AT_FDCWD, g.str('/tmp/l'), 7, 7, 0x2)).toBe(E(Errno.EINVAL));
  });
});

describe('utimensat', () => {
  function times(g: Guest, atime: [number | bigint, number], mtime: [number | bigint, number]): number {
    const address = g.alloc(32);
    g.memory.writeU64(address, BigInt(atime[0]));
    g.memory.writeU64(address + 8, BigInt(atime[1]));
    g.memory.writeU64(address + 16, BigInt(mtime[0]));
    g.memory.writeU64(address + 24, BigInt(mtime[1]));
    return address;
  }
  it('should set given times, UTIME_NOW from the virtual clock, and leave UTIME_OMIT alone', () => {
    const g = Guest.create();
    g.writeFile('/tmp/f', '');
    const before = g.statOk('/tmp/f');
    expect(g.call(NR.utimensat, AT_FDCWD, g.str('/tmp/f'), times(g, [100, 5], [200, 6]), 0)).toBe(0n);
    let s = g.statOk('/tmp/f');
    expect(s.atime).toBe(100_000_000_005n);
    expect(s.mtime).toBe(200_000_000_006n);
    expect(s.ctime).toBe(g.vfs.services.now());
    expect(g.call(NR.utimensat, AT_FDCWD, g.str('/tmp/f'), times(g, [0, UTIME_OMIT], [0, UTIME_NOW]), 0)).toBe(0n);
    s = g.statOk('/tmp/f');
    expect(s.atime).toBe(100_000_000_005n);
    expect(s.mtime).toBe(g.vfs.services.now());
    expect(g.call(NR.utimensat, AT_FDCWD, g.str('/tmp/f'), 0, 0)).toBe(0n);
    expect(g.statOk('/tmp/f').atime).toBe(g.vfs.services.now());
    expect(before.atime).toBeLessThanOrEqual(g.statOk('/tmp/f').atime);
  });
  it('should set the times of the fd itself for a NULL path, and refuse bad nanoseconds and flags', () => {
    const g = Guest.create();
    const fd = g.fd('/tmp/f', O_RDWR | O_CREAT);
    expect(g.call(NR.utimensat, fd, 0, times(g, [1, 0], [2, 0]), 0)).toBe(0n);
    expect(g.statOk('/tmp/f').mtime).toBe(2_000_000_000n);
    expect(g.call(NR.utimensat, AT_FDCWD, 0, 0, 0)).toBe(E(Errno.EFAULT));
    expect(g.call(NR.utimensat, AT_FDCWD, g.str('/tmp/f'), times(g, [1, 1_000_000_000], [2, 0]), 0)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.utimensat, AT_FDCWD, g.str('/tmp/f'), 0, 0x1)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.utimensat, AT_FDCWD, g.str('/proc/cpuinfo'), 0, 0)).toBe(E(Errno.EROFS));
  });
});

describe('statfs and fstatfs', () => {
  it('should report the file system type and read-only flag', () => {
    const g = Guest.create();
    const buffer = g.alloc(120);
    expect(g.call(NR.statfs, g.str('/tmp'), buffer)).toBe(0n);
    expect(g.memory.readU64(buffer)).toBe(0x01021994n);
    expect(g.call(NR.fstatfs, g.fd('/proc/cpuinfo'), buffer)).toBe(0n);
    expect(g.memory.readU64(buffer)).toBe(0x9fa0n);
    expect(g.memory.readU64(buffer + 80) & 1n).toBe(1n);
    expect(g.call(NR.statfs, g.str('/none'), buffer)).toBe(E(Errno.ENOENT));
  });
});
