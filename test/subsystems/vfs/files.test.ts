import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/kernel/clock.js';
import { Errno } from '../../../src/kernel/errno.js';
import { SYSCALL_NUMBERS as NR } from '../../../src/kernel/syscall/numbers.js';
import {
  FD_CLOEXEC,
  F_GETFD,
  F_GETFL,
  O_APPEND,
  O_CLOEXEC,
  O_CREAT,
  O_DIRECTORY,
  O_EXCL,
  O_LARGEFILE,
  O_PATH,
  O_RDWR,
  O_TMPFILE,
  O_TRUNC,
  O_WRONLY,
  S_IFMT,
  S_IFREG,
  SEEK_CUR,
  SEEK_DATA,
  SEEK_END,
  SEEK_HOLE,
  SEEK_SET,
} from '../../../src/subsystems/vfs/constants.js';
import { FileData } from '../../../src/subsystems/vfs/inode.js';
import { MMAP, iovecs } from '../../support/syscall-harness.js';
import { E, Guest } from './support.js';

const RW_CREATE = O_RDWR | O_CREAT;
const PROT_READ = 1;
const PROT_WRITE = 2;
const MAP_SHARED = 1;
const MAP_PRIVATE = 2;
const MAP_ANONYMOUS = 0x20;

describe('openat', () => {
  describe('when creating', () => {
    it('should create a regular file with mode & ~umask at the lowest free fd', () => {
      const g = Guest.create();
      expect(g.open('/tmp/a', RW_CREATE, 0o666)).toBe(3n);
      expect(g.statOk('/tmp/a').mode).toBe(S_IFREG | 0o644);
      expect(g.call(NR.umask, 0o077)).toBe(0o022n);
      g.fd('/tmp/b', RW_CREATE, 0o777);
      expect(g.statOk('/tmp/b').mode).toBe(S_IFREG | 0o700);
      g.close(3);
      expect(g.open('/tmp/c', RW_CREATE)).toBe(3n);
    });
    it('should refuse O_EXCL on an existing name, a dangling symlink included', () => {
      const g = Guest.create();
      g.writeFile('/tmp/a', 'x');
      g.symlink('/tmp/nothing', '/tmp/dangling');
      expect(g.open('/tmp/a', RW_CREATE | O_EXCL)).toBe(E(Errno.EEXIST));
      expect(g.open('/tmp/dangling', RW_CREATE | O_EXCL)).toBe(E(Errno.EEXIST));
      expect(g.stat('/tmp/nothing')).toBe(E(Errno.ENOENT));
    });
    it('should create the target of a dangling symlink without O_EXCL', () => {
      const g = Guest.create();
      g.symlink('target', '/tmp/link');
      const fd = g.fd('/tmp/link', RW_CREATE);
      g.write(fd, 'via link');
      expect(g.readFile('/tmp/target')).toBe('via link');
    });
    it('should refuse O_CREAT | O_DIRECTORY, O_TMPFILE, a trailing slash and a missing parent', () => {
      const g = Guest.create();
      expect(g.open('/tmp/d', O_CREAT | O_DIRECTORY)).toBe(E(Errno.EINVAL));
      expect(g.open('/tmp', O_TMPFILE | O_DIRECTORY | O_RDWR)).toBe(E(Errno.EOPNOTSUPP));
      expect(g.open('/tmp/new/', RW_CREATE)).toBe(E(Errno.EISDIR));
      expect(g.open('/tmp/no/such', RW_CREATE)).toBe(E(Errno.ENOENT));
      expect(g.open('/tmp', RW_CREATE)).toBe(E(Errno.EISDIR));
    });
    it('should set the virtual clock\'s time on a new file and on its directory', () => {
      const g = Guest.create({ epochSeconds: 1_000_000 });
      g.fd('/tmp/t', RW_CREATE);
      const s = g.statOk('/tmp/t');
      const now = g.vfs.services.now();
      expect(s.mtime).toBe(now);
      expect(s.atime).toBe(now);
      expect(s.ctime).toBe(now);
      expect(g.statOk('/tmp').mtime).toBe(now);
      expect(s.mtime / 1_000_000_000n).toBe(1_000_000n);
    });
  });

  describe('when opening an existing file', () => {
    it('should truncate with O_TRUNC and keep the contents otherwise', () => {
      const g = Guest.create();
      g.writeFile('/tmp/a', 'hello');
      g.close(g.fd('/tmp/a', O_WRONLY));
      expect(g.statOk('/tmp/a').size).toBe(5);
      g.close(g.fd('/tmp/a', O_WRONLY | O_TRUNC));
      expect(g.statOk('/tmp/a').size).toBe(0);
    });
    it('should append every write with O_APPEND, whatever the offset', () => {
      const g = Guest.create();
      g.writeFile('/tmp/a', 'abc');
      const fd = g.fd('/tmp/a', O_RDWR | O_APPEND);
      g.call(NR.lseek, fd, 0, SEEK_SET);
      g.write(fd, 'de');
      expect(g.call(NR.lseek, fd, 0, SEEK_CUR)).toBe(5n);
      expect(g.readFile('/tmp/a')).toBe('abcde');
    });
    it('should refuse writing a directory, and O_DIRECTORY on a file', () => {
      const g = Guest.create();
      g.writeFile('/tmp/f', '');
      expect(g.open('/tmp', O_WRONLY)).toBe(E(Errno.EISDIR));
      expect(g.open('/tmp', O_RDWR)).toBe(E(Errno.EISDIR));
      expect(g.open('/tmp/f', O_DIRECTORY)).toBe(E(Errno.ENOTDIR));
      expect(g.open('/tmp/missing')).toBe(E(Errno.ENOENT));
    });
    it('should keep O_CLOEXEC per descriptor and report the access mode and O_LARGEFILE in F_GETFL', () => {
      const g = Guest.create();
      g.writeFile('/tmp/a', '');
      const fd = g.fd('/tmp/a', O_RDWR | O_CLOEXEC | O_APPEND);
      expect(g.call(NR.fcntl, fd, F_GETFD)).toBe(BigInt(FD_CLOEXEC));
      expect(g.call(NR.fcntl, fd, F_GETFL)).toBe(BigInt(O_RDWR | O_APPEND | O_LARGEFILE));
    });
    it('should fail with EMFILE when the table is full', () => {
      const g = Guest.create();
      g.writeFile('/tmp/a', '');
      for (let i = 3; i < 1024; i++) expect(g.open('/tmp/a')).toBe(BigInt(i));
      expect(g.open('/tmp/a')).toBe(E(Errno.EMFILE));
    });
  });

  describe('with O_PATH', () => {
    it('should give a descriptor that names the file but cannot read, write or seek it', () => {
      const g = Guest.create();
      g.writeFile('/tmp/a', 'data');
      const fd = g.fd('/tmp/a', O_PATH);
      expect(g.read(fd, 4)).toBe(E(Errno.EBADF));
      expect(g.write(fd, 'x')).toBe(E(Errno.EBADF));
      expect(g.call(NR.lseek, fd, 0, SEEK_SET)).toBe(E(Errno.EBADF));
      const s = g.fstat(fd);
      expect(typeof s !== 'bigint' && s.size).toBe(4);
    });
  });
});

describe('read and write', () => {
  it('should read back what was written, from the shared offset', () => {
    const g = Guest.create();
    const fd = g.fd('/tmp/a', RW_CREATE);
    expect(g.write(fd, 'hello world')).toBe(11n);
    expect(g.read(fd, 5)).toBe('');
    g.call(NR.lseek, fd, 0, SEEK_SET);
    expect(g.read(fd, 5)).toBe('hello');
    expect(g.read(fd, 100)).toBe(' world');
    expect(g.read(fd, 100)).toBe('');
  });
  it('should return EBADF for the wrong access mode and EISDIR for a directory', () => {
    const g = Guest.create();
    g.writeFile('/tmp/a', 'x');
    const readOnly = g.fd('/tmp/a');
    const writeOnly = g.fd('/tmp/a', O_WRONLY);
    expect(g.write(readOnly, 'y')).toBe(E(Errno.EBADF));
    expect(g.read(writeOnly, 1)).toBe(E(Errno.EBADF));
    expect(g.read(g.fd('/tmp', O_DIRECTORY), 10)).toBe(E(Errno.EISDIR));
  });
  it('should return a whole large file in one read, across the internal pieces', () => {
    const g = Guest.create();
    const size = 3 * 1024 * 1024 + 17;
    const buffer = Number(g.call(NR.mmap, 0, 4 * 1024 * 1024, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    for (let i = 0; i < size; i += 4096) g.memory.writeU8(buffer + i, (i >> 12) & 0xff);
    const fd = g.fd('/tmp/big', RW_CREATE);
    expect(g.call(NR.write, fd, buffer, size)).toBe(BigInt(size));
    g.memory.zero(buffer, 4 * 1024 * 1024);
    g.call(NR.lseek, fd, 0, SEEK_SET);
    expect(g.call(NR.read, fd, buffer, 4 * 1024 * 1024)).toBe(BigInt(size));
    expect(g.memory.readU8(buffer + 2 * 1024 * 1024)).toBe(0x200 & 0xff);
    expect(g.memory.readU8(buffer + 3 * 1024 * 1024)).toBe((3 * 256) & 0xff);
  });
  it('should stop a read at an unwritable page without consuming input, and return EFAULT if nothing fit', () => {
    const g = Guest.create();
    g.writeFile('/tmp/a', 'abcdef');
    const fd = g.fd('/tmp/a');
    expect(g.call(NR.read, fd, 0x7000_0000, 3)).toBe(E(Errno.EFAULT));
    expect(g.read(fd, 3)).toBe('abc');
  });
  it('should scatter with readv and gather with writev', () => {
    const g = Guest.create();
    const fd = g.fd('/tmp/v', RW_CREATE);
    const a = g.str('one-');
    const b = g.str('two');
    const iov = g.alloc(32);
    iovecs(g.h, iov, [
      [a, 4],
      [b, 3],
    ]);
    expect(g.call(NR.writev, fd, iov, 2)).toBe(7n);
    g.call(NR.lseek, fd, 0, SEEK_SET);
    const x = g.alloc(8);
    const y = g.alloc(8);
    iovecs(g.h, iov, [
      [x, 2],
      [y, 8],
    ]);
    expect(g.call(NR.readv, fd, iov, 2)).toBe(7n);
    expect(Buffer.from(g.memory.read(x, 2)).toString()).toBe('on');
    expect(Buffer.from(g.memory.read(y, 5)).toString()).toBe('e-two');
  });
  it('should read zeros from a hole left by writing past the end', () => {
    const g = Guest.create();
    const fd = g.fd('/tmp/h', RW_CREATE);
    g.call(NR.lseek, fd, 10, SEEK_SET);
    g.write(fd, 'x');
    expect(g.pread(fd, 11, 0)).toBe('\0'.repeat(10) + 'x');
  });
  it('should refuse to grow a file past 1 GiB (EFBIG) and past the file system\'s capacity (ENOSPC)', () => {
    const g = Guest.create({ files: { tmpfsCapacity: 8192 } });
    const fd = g.fd('/tmp/a', RW_CREATE);
    expect(g.call(NR.pwrite64, fd, g.str('x'), 1, 1 << 30)).toBe(E(Errno.EFBIG));
    expect(g.write(fd, 'y'.repeat(8000))).toBe(8000n);
    expect(g.write(fd, 'z'.repeat(500))).toBe(E(Errno.ENOSPC));
    expect(g.unlink('/tmp/a')).toBe(0n);
    const again = g.fd('/tmp/b', RW_CREATE);
    expect(g.write(again, 'w'.repeat(8000))).toBe(8000n);
  });
});

describe('lseek', () => {
  it('should move by SEEK_SET, SEEK_CUR and SEEK_END and refuse a negative result', () => {
    const g = Guest.create();
    g.writeFile('/tmp/a', '0123456789');
    const fd = g.fd('/tmp/a');
    expect(g.call(NR.lseek, fd, 3, SEEK_SET)).toBe(3n);
    expect(g.call(NR.lseek, fd, 2, SEEK_CUR)).toBe(5n);
    expect(g.call(NR.lseek, fd, -1, SEEK_END)).toBe(9n);
    expect(g.read(fd, 5)).toBe('9');
    expect(g.call(NR.lseek, fd, -11, SEEK_END)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.lseek, fd, 0, 7)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.lseek, fd, 100, SEEK_SET)).toBe(100n);
  });
  it('should find data and the hole at the end, with ENXIO past it', () => {
    const g = Guest.create();
    g.writeFile('/tmp/a', '0123456789');
    const fd = g.fd('/tmp/a');
    expect(g.call(NR.lseek, fd, 4, SEEK_DATA)).toBe(4n);
    expect(g.call(NR.lseek, fd, 4, SEEK_HOLE)).toBe(10n);
    expect(g.call(NR.lseek, fd, 10, SEEK_DATA)).toBe(E(Errno.ENXIO));
  });
  it('should return ESPIPE on consoles and pipes, EBADF on a closed fd, and 0 on /dev/null', () => {
    const g = Guest.create();
    expect(g.call(NR.lseek, 1, 0, SEEK_SET)).toBe(E(Errno.ESPIPE));
    const fds = g.alloc(8);
    g.call(NR.pipe2, fds, 0);
    expect(g.call(NR.lseek, g.memory.readU32(fds), 0, SEEK_CUR)).toBe(E(Errno.ESPIPE));
    expect(g.call(NR.lseek, 99, 0, SEEK_SET)).toBe(E(Errno.EBADF));
    expect(g.call(NR.lseek, g.fd('/dev/null'), 100, SEEK_SET)).toBe(0n);
  });
  it('should rewind a directory with SEEK_SET and refuse SEEK_END on it', () => {
    const g = Guest.create();
    const fd = g.fd('/tmp', O_DIRECTORY);
    expect(g.call(NR.lseek, fd, 0, SEEK_END)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.lseek, fd, 0, SEEK_SET)).toBe(0n);
  });
});

describe('pread64, pwrite64, preadv, pwritev, preadv2, pwritev2', () => {
  it('should transfer at an offset without moving the file offset', () => {
    const g = Guest.create();
    const fd = g.fd('/tmp/p', RW_CREATE);
    g.write(fd, 'abcdef');
    expect(g.call(NR.pwrite64, fd, g.str('XY'), 2, 1)).toBe(2n);
    expect(g.pread(fd, 3, 2)).toBe('Yde');
    expect(g.call(NR.lseek, fd, 0, SEEK_CUR)).toBe(6n);
    expect(g.call(NR.pread64, fd, g.alloc(4), 4, -1)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.pread64, 0, g.alloc(4), 4, 0)).toBe(E(Errno.ESPIPE));
    expect(g.call(NR.pwrite64, 1, g.str('x'), 1, 0)).toBe(E(Errno.ESPIPE));
  });
  it('should take vectors at an offset, and the file offset when preadv2/pwritev2 get -1', () => {
    const g = Guest.create();
    const fd = g.fd('/tmp/p', RW_CREATE);
    const iov = g.alloc(32);
    iovecs(g.h, iov, [
      [g.str('12'), 2],
      [g.str('34'), 2],
    ]);
    expect(g.call(NR.pwritev, fd, iov, 2, 3, 0)).toBe(4n);
    expect(g.call(NR.lseek, fd, 0, SEEK_CUR)).toBe(0n);
    expect(g.pread(fd, 7, 0)).toBe('\0\0\x001234');
    expect(g.call(NR.pwritev2, fd, iov, 2, -1, 0, 0)).toBe(4n);
    expect(g.call(NR.lseek, fd, 0, SEEK_CUR)).toBe(4n);
    const out = g.alloc(8);
    iovecs(g.h, iov, [[out, 8]]);
    expect(g.call(NR.preadv, fd, iov, 1, 2, 0)).toBe(5n);
    expect(Buffer.from(g.memory.read(out, 5)).toString('latin1')).toBe('34234');
    expect(g.call(NR.preadv2, fd, iov, 1, -1, 0, 0x100)).toBe(E(Errno.EOPNOTSUPP));
  });
});

describe('truncate and ftruncate', () => {
  it('should shrink and extend with zeros', () => {
    const g = Guest.create();
    g.writeFile('/tmp/t', 'abcdef');
    const fd = g.fd('/tmp/t', O_RDWR);
    expect(g.call(NR.ftruncate, fd, 2)).toBe(0n);
    expect(g.readFile('/tmp/t')).toBe('ab');
    expect(g.call(NR.truncate, g.str('/tmp/t'), 4)).toBe(0n);
    expect(g.readFile('/tmp/t')).toBe('ab\0\0');
  });
  it('should refuse a negative length, a read-only fd, a directory and a length past 1 GiB', () => {
    const g = Guest.create();
    g.writeFile('/tmp/t', 'abc');
    expect(g.call(NR.ftruncate, g.fd('/tmp/t', O_RDWR), -1)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.ftruncate, g.fd('/tmp/t'), 1)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.ftruncate, 99, 1)).toBe(E(Errno.EBADF));
    expect(g.call(NR.truncate, g.str('/tmp'), 1)).toBe(E(Errno.EISDIR));
    expect(g.call(NR.truncate, g.str('/tmp/none'), 1)).toBe(E(Errno.ENOENT));
    expect(g.call(NR.truncate, g.str('/tmp/t'), 2 ** 31)).toBe(E(Errno.EFBIG));
    expect(g.call(NR.truncate, g.str('/tmp/t'), -1)).toBe(E(Errno.EINVAL));
  });
});

describe('fallocate, fadvise64, fsync, fdatasync, sync, syncfs', () => {
  it('should extend with fallocate mode 0, keep the size with KEEP_SIZE, refuse other modes', () => {
    const g = Guest.create();
    const fd = g.fd('/tmp/f', RW_CREATE);
    expect(g.call(NR.fallocate, fd, 0, 0, 100)).toBe(0n);
    expect(g.statOk('/tmp/f').size).toBe(100);
    expect(g.call(NR.fallocate, fd, 1, 0, 1000)).toBe(0n);
    expect(g.statOk('/tmp/f').size).toBe(100);
    expect(g.call(NR.fallocate, fd, 3, 0, 10)).toBe(E(Errno.EOPNOTSUPP));
    expect(g.call(NR.fallocate, fd, 0, 0, 0)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.fallocate, g.fd('/tmp/f'), 0, 0, 10)).toBe(E(Errno.EBADF));
  });
  it('should accept advice and syncs on files, EINVAL on pipes and consoles', () => {
    const g = Guest.create();
    const fd = g.fd('/tmp/f', RW_CREATE);
    expect(g.call(NR.fadvise64, fd, 0, 0, 2)).toBe(0n);
    expect(g.call(NR.fadvise64, fd, 0, 0, 9)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.fsync, fd)).toBe(0n);
    expect(g.call(NR.fdatasync, fd)).toBe(0n);
    expect(g.call(NR.fsync, 1)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.fsync, 42)).toBe(E(Errno.EBADF));
    expect(g.call(NR.sync)).toBe(0n);
    expect(g.call(NR.syncfs, fd)).toBe(0n);
  });
});

describe('sendfile and copy_file_range', () => {
  it('should send a file to the console, from its offset or a given one', () => {
    const g = Guest.create();
    g.writeFile('/tmp/s', 'sendfile!');
    const fd = g.fd('/tmp/s');
    expect(g.call(NR.sendfile, 1, fd, 0, 4)).toBe(4n);
    const offset = g.alloc(8);
    g.memory.writeU64(offset, 8n);
    expect(g.call(NR.sendfile, 1, fd, offset, 10)).toBe(1n);
    expect(g.memory.readU64(offset)).toBe(9n);
    expect(g.call(NR.sendfile, 1, fd, 0, 100)).toBe(5n);
    expect(g.h.stdout()).toBe('send!file!');
  });
  it('should copy between files of one file system and return EXDEV across them', () => {
    const g = Guest.create();
    g.writeFile('/tmp/src', 'copy me');
    const from = g.fd('/tmp/src');
    const to = g.fd('/tmp/dst', RW_CREATE);
    expect(g.call(NR.copy_file_range, from, 0, to, 0, 100, 0)).toBe(7n);
    expect(g.readFile('/tmp/dst')).toBe('copy me');
    expect(g.call(NR.copy_file_range, from, 0, to, 0, 100, 0)).toBe(0n);
    const other = g.fd('/dev/shm/x', RW_CREATE);
    expect(g.call(NR.copy_file_range, g.fd('/tmp/src'), 0, other, 0, 100, 0)).toBe(E(Errno.EXDEV));
    expect(g.call(NR.copy_file_range, from, 0, to, 0, 1, 1)).toBe(E(Errno.EINVAL));
  });
});

describe('mmap of a file', () => {
  it('should map a private copy of the file, named after it in /proc/self/maps', () => {
    const g = Guest.create();
    g.writeFile('/tmp/m', 'mapped bytes');
    const fd = g.fd('/tmp/m');
    const address = Number(g.call(NR.mmap, 0, 8192, PROT_READ, MAP_PRIVATE, fd, 0));
    expect(address).toBeGreaterThanOrEqual(MMAP);
    expect(Buffer.from(g.memory.read(address, 12)).toString()).toBe('mapped bytes');
    expect(g.memory.readU8(address + 12)).toBe(0);
    expect(g.readFile('/proc/self/maps')).toContain('/tmp/m');
    g.close(fd);
    g.writeFile('/tmp/m', 'CHANGED');
    expect(Buffer.from(g.memory.read(address, 6)).toString()).toBe('mapped');
  });
  it('should map from an offset, and refuse writable shared mappings and write-only fds', () => {
    const g = Guest.create();
    g.writeFile('/tmp/m', 'a'.repeat(4096) + 'second page');
    const fd = g.fd('/tmp/m', O_RDWR);
    const address = Number(g.call(NR.mmap, 0, 4096, PROT_READ, MAP_SHARED, fd, 4096));
    expect(Buffer.from(g.memory.read(address, 11)).toString()).toBe('second page');
    expect(g.call(NR.mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)).toBe(E(Errno.ENODEV));
    expect(g.call(NR.mmap, 0, 4096, PROT_READ, MAP_PRIVATE, g.fd('/tmp/m', O_WRONLY), 0)).toBe(E(Errno.EACCES));
    expect(g.call(NR.mmap, 0, 4096, PROT_READ, MAP_PRIVATE, g.fd('/tmp', O_DIRECTORY), 0)).toBe(E(Errno.ENODEV));
    const writable = Number(g.call(NR.mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0));
    g.memory.writeU8(writable, 0x42);
    expect(g.pread(fd, 1, 0)).toBe('a');
  });
  it('should map /dev/zero as zeros', () => {
    const g = Guest.create();
    const address = Number(g.call(NR.mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, g.fd('/dev/zero', O_RDWR), 0));
    expect(g.memory.read(address, 16)).toEqual(new Uint8Array(16));
  });
});

describe('timestamps', () => {
  it('should move mtime and ctime on a write, and atime on a later read (relatime)', () => {
    const g = Guest.create();
    const fd = g.fd('/tmp/t', RW_CREATE);
    const created = g.statOk('/tmp/t');
    const clock = g.h.zeroos.container.get(VirtualClock);
    clock.advanceTo(clock.now() + 1000);
    g.write(fd, 'x');
    const written = g.statOk('/tmp/t');
    expect(written.mtime).toBe(created.mtime + 1000n);
    expect(written.ctime).toBe(written.mtime);
    expect(written.atime).toBe(created.atime);
    clock.advanceTo(clock.now() + 1000);
    g.pread(fd, 1, 0);
    expect(g.statOk('/tmp/t').atime).toBe(written.mtime + 1000n);
    expect(g.statOk('/tmp/t').mode & S_IFMT).toBe(S_IFREG);
  });
});

describe(FileData, () => {
  describe('.write and .read', () => {
    it('should keep bytes across piece boundaries and read holes as zeros', () => {
      const data = new FileData();
      const pattern = Uint8Array.from({ length: 200_000 }, (_, i) => i % 253);
      data.write(10, pattern);
      expect(data.size).toBe(200_010);
      expect(data.read(0, 200_010).subarray(10)).toEqual(pattern);
      expect(data.read(65_530, 12)).toEqual(pattern.subarray(65_520, 65_532));
      data.write(5_000_000, new Uint8Array([7]));
      expect(data.read(4_999_999, 2)).toEqual(new Uint8Array([0, 7]));
      expect(data.read(3_000_000, 4)).toEqual(new Uint8Array(4));
    });
  });
  describe('.resize', () => {
    it('should extend without holding memory for the hole and zero what a shrink cuts off', () => {
      const data = new FileData(new TextEncoder().encode('abcdef'));
      data.resize((1 << 30) - 1);
      expect(data.size).toBe((1 << 30) - 1);
      expect(data.read((1 << 30) - 5, 10)).toEqual(new Uint8Array(4));
      data.resize(2);
      data.resize(6);
      expect(new TextDecoder().decode(data.view())).toBe('ab\0\0\0\0');
    });
  });
});
