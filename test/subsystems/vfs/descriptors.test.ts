import { describe, expect, it } from 'vitest';
import { Errno } from '../../../src/kernel/errno.js';
import { FileTable } from '../../../src/kernel/files.js';
import type { OpenFile } from '../../../src/kernel/contracts/device.js';
import { SYSCALL_NUMBERS as NR } from '../../../src/kernel/syscall/numbers.js';
import {
  FD_CLOEXEC,
  F_DUPFD,
  F_DUPFD_CLOEXEC,
  F_GETFD,
  F_GETFL,
  F_GETLK,
  F_GETOWN,
  F_GETPIPE_SZ,
  F_OFD_GETLK,
  F_OFD_SETLK,
  F_OFD_SETLKW,
  F_RDLCK,
  F_SETFD,
  F_SETFL,
  F_SETLK,
  F_SETPIPE_SZ,
  F_UNLCK,
  F_WRLCK,
  LOCK_EX,
  LOCK_NB,
  LOCK_SH,
  LOCK_UN,
  O_APPEND,
  O_CLOEXEC,
  O_CREAT,
  O_LARGEFILE,
  O_NONBLOCK,
  O_RDONLY,
  O_RDWR,
  O_WRONLY,
  SEEK_CUR,
  SEEK_END,
  SEEK_SET,
} from '../../../src/subsystems/vfs/constants.js';
import { RegularInode } from '../../../src/subsystems/vfs/inode.js';
import { LockTable, MAX_RECORD_LOCKS } from '../../../src/subsystems/vfs/locks.js';
import { MemoryFileSystem } from '../../../src/subsystems/vfs/memfs.js';
import { E, Guest } from './support.js';

/** A struct flock in scratch memory. */
function flock(g: Guest, type: number, start: number, length: number, whence = SEEK_SET, pid = 0): number {
  const address = g.alloc(32);
  g.memory.write(address, new Uint8Array(32));
  g.memory.writeU16(address, type);
  g.memory.writeU16(address + 2, whence);
  g.memory.writeU64(address + 8, BigInt(start));
  g.memory.writeU64(address + 16, BigInt.asUintN(64, BigInt(length)));
  g.memory.writeU32(address + 24, pid);
  return address;
}

function readFlock(g: Guest, address: number) {
  return {
    type: g.memory.readU16(address),
    whence: g.memory.readU16(address + 2),
    start: Number(g.memory.readU64(address + 8)),
    length: Number(BigInt.asIntN(64, g.memory.readU64(address + 16))),
    pid: g.memory.readU32(address + 24) | 0,
  };
}

describe('dup and dup3', () => {
  it('should share the offset and status flags, not close-on-exec', () => {
    const g = Guest.create();
    const fd = g.fd('/tmp/f', O_RDWR | O_CREAT | O_CLOEXEC);
    const copy = Number(g.call(NR.dup, fd));
    expect(copy).toBe(fd + 1);
    g.write(fd, 'abc');
    expect(g.call(NR.lseek, copy, 0, SEEK_CUR)).toBe(3n);
    expect(g.call(NR.fcntl, copy, F_GETFD)).toBe(0n);
    g.call(NR.fcntl, fd, F_SETFL, O_APPEND);
    expect(g.call(NR.fcntl, copy, F_GETFL)).toBe(BigInt(O_RDWR | O_APPEND | O_LARGEFILE));
  });
  it('should put the copy at the target with dup3, closing what was there', () => {
    const g = Guest.create();
    g.writeFile('/tmp/f', 'data');
    const fd = g.fd('/tmp/f');
    expect(g.call(NR.dup3, fd, 1, O_CLOEXEC)).toBe(1n);
    expect(g.read(1, 4)).toBe('data');
    expect(g.call(NR.fcntl, 1, F_GETFD)).toBe(BigInt(FD_CLOEXEC));
    expect(g.call(NR.dup3, fd, fd, 0)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.dup3, fd, 7, 0x1)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.dup3, 99, 7, 0)).toBe(E(Errno.EBADF));
    expect(g.call(NR.dup3, fd, 5000, 0)).toBe(E(Errno.EBADF));
    expect(g.call(NR.dup, 99)).toBe(E(Errno.EBADF));
  });
});

describe('fcntl', () => {
  it('should duplicate at or above a minimum, with or without close-on-exec', () => {
    const g = Guest.create();
    expect(g.call(NR.fcntl, 0, F_DUPFD, 10)).toBe(10n);
    expect(g.call(NR.fcntl, 0, F_DUPFD, 10)).toBe(11n);
    expect(g.call(NR.fcntl, 0, F_DUPFD_CLOEXEC, 3)).toBe(3n);
    expect(g.call(NR.fcntl, 3, F_GETFD)).toBe(BigInt(FD_CLOEXEC));
    expect(g.call(NR.fcntl, 0, F_DUPFD, -1)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.fcntl, 0, F_DUPFD, 1024)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.fcntl, 0, F_DUPFD, 1023)).toBe(1023n);
    expect(g.call(NR.fcntl, 0, F_DUPFD, 1023)).toBe(E(Errno.EMFILE));
  });
  it('should set and clear FD_CLOEXEC per descriptor', () => {
    const g = Guest.create();
    expect(g.call(NR.fcntl, 1, F_SETFD, FD_CLOEXEC)).toBe(0n);
    expect(g.call(NR.fcntl, 1, F_GETFD)).toBe(BigInt(FD_CLOEXEC));
    expect(g.call(NR.fcntl, 1, F_SETFD, 0)).toBe(0n);
    expect(g.call(NR.fcntl, 1, F_GETFD)).toBe(0n);
  });
  it('should change only O_APPEND, O_NONBLOCK and friends with F_SETFL', () => {
    const g = Guest.create();
    const fd = g.fd('/tmp/f', O_WRONLY | O_CREAT);
    expect(g.call(NR.fcntl, fd, F_SETFL, O_RDWR | O_NONBLOCK | O_CREAT)).toBe(0n);
    expect(g.call(NR.fcntl, fd, F_GETFL)).toBe(BigInt(O_WRONLY | O_NONBLOCK | O_LARGEFILE));
    expect(g.call(NR.fcntl, 1, F_GETFL)).toBe(BigInt(O_WRONLY));
    expect(g.call(NR.fcntl, 0, F_GETFL)).toBe(BigInt(O_RDONLY));
  });
  it('should report pipe sizes, accept owners and refuse unknown commands and closed fds', () => {
    const g = Guest.create();
    const fds = g.alloc(8);
    g.call(NR.pipe2, fds, 0);
    const reader = g.memory.readU32(fds);
    expect(g.call(NR.fcntl, reader, F_GETPIPE_SZ)).toBe(65536n);
    expect(g.call(NR.fcntl, reader, F_SETPIPE_SZ, 5000)).toBe(8192n);
    expect(g.call(NR.fcntl, reader, F_GETPIPE_SZ)).toBe(8192n);
    expect(g.call(NR.fcntl, reader, F_SETPIPE_SZ, 1 << 21)).toBe(E(Errno.EPERM));
    expect(g.call(NR.fcntl, 1, F_GETPIPE_SZ)).toBe(E(Errno.EBADF));
    expect(g.call(NR.fcntl, 1, F_GETOWN)).toBe(0n);
    expect(g.call(NR.fcntl, 1, 9999)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.fcntl, 42, F_GETFD)).toBe(E(Errno.EBADF));
  });

  describe('when taking POSIX record locks (F_SETLK)', () => {
    it('should never conflict with the process\'s own locks, and report F_UNLCK for them', () => {
      const g = Guest.create();
      const a = g.fd('/tmp/db', O_RDWR | O_CREAT);
      const b = g.fd('/tmp/db', O_RDWR);
      expect(g.call(NR.fcntl, a, F_SETLK, flock(g, F_WRLCK, 0, 100))).toBe(0n);
      expect(g.call(NR.fcntl, b, F_SETLK, flock(g, F_WRLCK, 50, 10))).toBe(0n);
      const query = flock(g, F_WRLCK, 0, 0);
      expect(g.call(NR.fcntl, b, F_GETLK, query)).toBe(0n);
      expect(readFlock(g, query).type).toBe(F_UNLCK);
    });
    it('should split and merge the process\'s ranges', () => {
      const g = Guest.create();
      const fd = g.fd('/tmp/db', O_RDWR | O_CREAT);
      const inode = g.vfs.tree.lookup(g.vfs.tree.root, '/tmp/db', true) as RegularInode;
      const locks = g.h.zeroos.container.get(LockTable);
      g.call(NR.fcntl, fd, F_SETLK, flock(g, F_WRLCK, 0, 100));
      g.call(NR.fcntl, fd, F_SETLK, flock(g, F_UNLCK, 40, 20));
      expect(locks.held(inode).map((l) => [l.start, l.end])).toEqual([
        [0, 39],
        [60, 99],
      ]);
      g.call(NR.fcntl, fd, F_SETLK, flock(g, F_RDLCK, 50, 5));
      expect(locks.held(inode).map((l) => [l.type, l.start, l.end])).toEqual([
        [F_WRLCK, 0, 39],
        [F_RDLCK, 50, 54],
        [F_WRLCK, 60, 99],
      ]);
      g.call(NR.fcntl, fd, F_SETLK, flock(g, F_WRLCK, 40, 60));
      expect(locks.held(inode).map((l) => [l.type, l.start, l.end])).toEqual([[F_WRLCK, 0, 99]]);
      g.call(NR.fcntl, fd, F_SETLK, flock(g, F_WRLCK, 0, 0, SEEK_END));
      expect(locks.held(inode).at(-1)!.end).toBe(Infinity);
    });
    it('should refuse a lock past MAX_RECORD_LOCKS with ENOLCK, and take it again once others are released', () => {
      const g = Guest.create();
      const fd = g.fd('/tmp/db', O_RDWR | O_CREAT);
      const locks = g.h.zeroos.container.get(LockTable);
      const inode = g.vfs.tree.lookup(g.vfs.tree.root, '/tmp/db', true) as RegularInode;
      // Every other byte: ranges that cannot merge.
      for (let i = 0; i < MAX_RECORD_LOCKS; i++) expect(g.call(NR.fcntl, fd, F_SETLK, flock(g, F_WRLCK, 2 * i, 1))).toBe(0n);
      expect(g.call(NR.fcntl, fd, F_SETLK, flock(g, F_WRLCK, 2 * MAX_RECORD_LOCKS, 1))).toBe(E(Errno.ENOLCK));
      // Splitting a held range adds a lock too; unlocking a whole range does not need room.
      expect(g.call(NR.fcntl, fd, F_SETLK, flock(g, F_UNLCK, 0, 1))).toBe(0n);
      expect(g.call(NR.fcntl, fd, F_SETLK, flock(g, F_WRLCK, 2 * MAX_RECORD_LOCKS, 1))).toBe(0n);
      expect(locks.held(inode)).toHaveLength(MAX_RECORD_LOCKS);
      expect(g.call(NR.fcntl, fd, F_SETLK, flock(g, F_UNLCK, 0, 0))).toBe(0n);
      expect(locks.held(inode)).toHaveLength(0);
    });
    it('should drop them when any descriptor of the file is closed', () => {
      const g = Guest.create();
      const a = g.fd('/tmp/db', O_RDWR | O_CREAT);
      const b = g.fd('/tmp/db', O_RDONLY);
      g.call(NR.fcntl, a, F_SETLK, flock(g, F_WRLCK, 0, 10));
      const ofd = g.fd('/tmp/db', O_RDWR);
      expect(g.call(NR.fcntl, ofd, F_OFD_SETLK, flock(g, F_WRLCK, 0, 10))).toBe(E(Errno.EAGAIN));
      g.close(b);
      expect(g.call(NR.fcntl, ofd, F_OFD_SETLK, flock(g, F_WRLCK, 0, 10))).toBe(0n);
    });
    it('should check the access mode, the type, the whence and the range', () => {
      const g = Guest.create();
      g.writeFile('/tmp/db', '0123456789');
      const ro = g.fd('/tmp/db');
      const wo = g.fd('/tmp/db', O_WRONLY);
      expect(g.call(NR.fcntl, ro, F_SETLK, flock(g, F_WRLCK, 0, 1))).toBe(E(Errno.EBADF));
      expect(g.call(NR.fcntl, wo, F_SETLK, flock(g, F_RDLCK, 0, 1))).toBe(E(Errno.EBADF));
      expect(g.call(NR.fcntl, ro, F_SETLK, flock(g, 7, 0, 1))).toBe(E(Errno.EINVAL));
      expect(g.call(NR.fcntl, ro, F_SETLK, flock(g, F_RDLCK, 0, 1, 9))).toBe(E(Errno.EINVAL));
      expect(g.call(NR.fcntl, ro, F_SETLK, flock(g, F_RDLCK, -20, 1, SEEK_END))).toBe(E(Errno.EINVAL));
      expect(g.call(NR.fcntl, ro, F_SETLK, flock(g, F_RDLCK, 5, -3))).toBe(0n);
      expect(g.call(NR.fcntl, ro, F_GETLK, flock(g, F_UNLCK, 0, 1))).toBe(E(Errno.EINVAL));
      expect(g.call(NR.fcntl, ro, F_SETLK, 0x7000_0000)).toBe(E(Errno.EFAULT));
    });
  });

  describe('when taking open-file-description locks (F_OFD_*)', () => {
    it('should conflict between descriptions and report the holder', () => {
      const g = Guest.create();
      const a = g.fd('/tmp/db', O_RDWR | O_CREAT);
      const b = g.fd('/tmp/db', O_RDWR);
      expect(g.call(NR.fcntl, a, F_OFD_SETLK, flock(g, F_WRLCK, 10, 10))).toBe(0n);
      expect(g.call(NR.fcntl, b, F_OFD_SETLK, flock(g, F_RDLCK, 15, 1))).toBe(E(Errno.EAGAIN));
      expect(g.call(NR.fcntl, b, F_OFD_SETLK, flock(g, F_RDLCK, 20, 1))).toBe(0n);
      const query = flock(g, F_RDLCK, 0, 0);
      expect(g.call(NR.fcntl, b, F_OFD_GETLK, query)).toBe(0n);
      expect(readFlock(g, query)).toEqual({ type: F_WRLCK, whence: SEEK_SET, start: 10, length: 10, pid: -1 });
      const dup = Number(g.call(NR.dup, a));
      expect(g.call(NR.fcntl, dup, F_OFD_SETLK, flock(g, F_WRLCK, 12, 1))).toBe(0n);
      expect(g.call(NR.fcntl, a, F_OFD_SETLK, flock(g, F_WRLCK, 0, 1, SEEK_SET, 5))).toBe(E(Errno.EINVAL));
    });
    it('should block F_OFD_SETLKW until the holder unlocks, then take the lock', () => {
      const g = Guest.create();
      const a = g.fd('/tmp/db', O_RDWR | O_CREAT);
      const b = g.fd('/tmp/db', O_RDWR);
      const other = g.h.zeroos.process.createThread();
      g.call(NR.fcntl, a, F_OFD_SETLK, flock(g, F_WRLCK, 0, 10));
      const request = flock(g, F_WRLCK, 5, 1);
      g.callAs(other, NR.fcntl, b, F_OFD_SETLKW, request);
      expect(other.state).toBe('blocked');
      g.call(NR.fcntl, a, F_OFD_SETLK, flock(g, F_UNLCK, 0, 0));
      expect(other.state).toBe('runnable');
      expect(other.pendingResult).toBe(b); // restarted with its fd argument in a0
      expect(g.callAs(other, NR.fcntl, b, F_OFD_SETLKW, request)).toBe(0n);
      expect(g.call(NR.fcntl, a, F_OFD_SETLK, flock(g, F_RDLCK, 5, 1))).toBe(E(Errno.EAGAIN));
    });
    it('should release them with the description\'s last descriptor', () => {
      const g = Guest.create();
      const a = g.fd('/tmp/db', O_RDWR | O_CREAT);
      const b = g.fd('/tmp/db', O_RDWR);
      const dup = Number(g.call(NR.dup, a));
      g.call(NR.fcntl, a, F_OFD_SETLK, flock(g, F_WRLCK, 0, 1));
      g.close(a);
      expect(g.call(NR.fcntl, b, F_OFD_SETLK, flock(g, F_WRLCK, 0, 1))).toBe(E(Errno.EAGAIN));
      g.close(dup);
      expect(g.call(NR.fcntl, b, F_OFD_SETLK, flock(g, F_WRLCK, 0, 1))).toBe(0n);
    });
  });
});

describe('flock', () => {
  it('should share LOCK_SH, exclude with LOCK_EX between descriptions, and say EWOULDBLOCK with LOCK_NB', () => {
    const g = Guest.create();
    const a = g.fd('/tmp/f', O_RDWR | O_CREAT);
    const b = g.fd('/tmp/f');
    expect(g.call(NR.flock, a, LOCK_SH)).toBe(0n);
    expect(g.call(NR.flock, b, LOCK_SH | LOCK_NB)).toBe(0n);
    expect(g.call(NR.flock, b, LOCK_EX | LOCK_NB)).toBe(E(Errno.EAGAIN));
    expect(g.call(NR.flock, a, LOCK_UN)).toBe(0n);
    expect(g.call(NR.flock, b, LOCK_EX | LOCK_NB)).toBe(0n);
    expect(g.call(NR.flock, a, LOCK_SH | LOCK_NB)).toBe(E(Errno.EAGAIN));
    expect(g.call(NR.flock, Number(g.call(NR.dup, b)), LOCK_EX | LOCK_NB)).toBe(0n);
  });
  it('should block a conflicting LOCK_EX until the holder closes its file', () => {
    const g = Guest.create();
    const a = g.fd('/tmp/f', O_RDWR | O_CREAT);
    const b = g.fd('/tmp/f');
    const other = g.h.zeroos.process.createThread();
    g.call(NR.flock, a, LOCK_EX);
    g.callAs(other, NR.flock, b, LOCK_EX);
    expect(other.state).toBe('blocked');
    expect(other.blockedOn).toContain('flock');
    g.close(a);
    expect(other.state).toBe('runnable');
    expect(g.callAs(other, NR.flock, b, LOCK_EX)).toBe(0n);
  });
  it('should refuse bad operations and fds', () => {
    const g = Guest.create();
    expect(g.call(NR.flock, 1, 0)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.flock, 1, LOCK_SH | LOCK_EX)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.flock, 42, LOCK_SH)).toBe(E(Errno.EBADF));
    expect(g.call(NR.flock, 1, LOCK_EX)).toBe(0n);
  });
});

describe('close and close_range', () => {
  it('should close a range, or mark it close-on-exec', () => {
    const g = Guest.create();
    for (let i = 0; i < 5; i++) g.call(NR.dup, 1);
    expect(g.call(NR.close_range, 4, 6, 4)).toBe(0n);
    expect(g.call(NR.fcntl, 5, F_GETFD)).toBe(BigInt(FD_CLOEXEC));
    expect(g.call(NR.close_range, 4, 0xffffffff, 0)).toBe(0n);
    expect(g.h.zeroos.process.files.openDescriptors()).toEqual([0, 1, 2, 3]);
    expect(g.call(NR.close_range, 5, 4, 0)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.close_range, 0, 1, 0x1)).toBe(E(Errno.EINVAL));
  });
});

describe('ioctl', () => {
  it('should set close-on-exec and non-blocking on any fd, and answer FIONREAD on files', () => {
    const g = Guest.create();
    g.writeFile('/tmp/f', '0123456789');
    const fd = g.fd('/tmp/f');
    expect(g.call(NR.ioctl, fd, 0x5451, 0)).toBe(0n);
    expect(g.call(NR.fcntl, fd, F_GETFD)).toBe(BigInt(FD_CLOEXEC));
    expect(g.call(NR.ioctl, fd, 0x5450, 0)).toBe(0n);
    expect(g.call(NR.fcntl, fd, F_GETFD)).toBe(0n);
    const on = g.alloc(4);
    g.memory.writeU32(on, 1);
    expect(g.call(NR.ioctl, fd, 0x5421, on)).toBe(0n);
    expect(BigInt(g.call(NR.fcntl, fd, F_GETFL)) & BigInt(O_NONBLOCK)).toBe(BigInt(O_NONBLOCK));
    g.read(fd, 3);
    const count = g.alloc(4);
    expect(g.call(NR.ioctl, fd, 0x541b, count)).toBe(0n);
    expect(g.memory.readU32(count)).toBe(7);
    expect(g.call(NR.ioctl, fd, 0x5413, count)).toBe(E(Errno.ENOTTY));
    expect(g.call(NR.ioctl, g.fd('/dev/null'), 0x5401, count)).toBe(E(Errno.ENOTTY));
  });
});

describe(FileTable, () => {
  describe('.close', () => {
    it('should release an open file when its last descriptor goes, not before', () => {
      const table = new FileTable();
      let released = 0;
      const file: OpenFile = { path: 'x', readable: true, writable: false, release: () => released++ };
      const a = table.install(file)!;
      const b = table.install(file)!;
      table.installAt(7, file);
      table.close(a);
      table.close(b);
      expect(released).toBe(0);
      expect(table.references(file)).toBe(1);
      table.installAt(7, { path: 'y', readable: true, writable: false });
      expect(released).toBe(1);
    });
  });
});

describe(LockTable, () => {
  const fs = new MemoryFileSystem(1, 0n);
  const inode = () => new RegularInode(fs, fs.nextIno(), 0o644, 0n);
  describe('.conflict', () => {
    it('should let readers share and keep writers apart, per owner', () => {
      const locks = new LockTable();
      const file = inode();
      const [a, b] = [{}, {}];
      locks.set(file, a, F_RDLCK, 0, 9, 1);
      expect(locks.conflict(file, b, F_RDLCK, 5, 5)).toBeUndefined();
      expect(locks.conflict(file, b, F_WRLCK, 5, 5)?.owner).toBe(a);
      expect(locks.conflict(file, b, F_WRLCK, 10, 20)).toBeUndefined();
      expect(locks.conflict(file, a, F_WRLCK, 0, 9)).toBeUndefined();
      locks.set(file, a, F_UNLCK, 0, Infinity, 1);
      expect(locks.held(file)).toEqual([]);
    });
  });
});
