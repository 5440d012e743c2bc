import { describe, expect, it } from 'vitest';
import { Errno } from '../../../src/kernel/errno.js';
import { SYSCALL_NUMBERS as NR } from '../../../src/kernel/syscall/numbers.js';
import {
  AT_EMPTY_PATH,
  AT_REMOVEDIR,
  AT_SYMLINK_FOLLOW,
  AT_SYMLINK_NOFOLLOW,
  DT_DIR,
  DT_LNK,
  DT_REG,
  O_CREAT,
  O_DIRECTORY,
  O_PATH,
  O_RDWR,
  RENAME_EXCHANGE,
  RENAME_NOREPLACE,
  RENAME_WHITEOUT,
  S_IFDIR,
  S_IFLNK,
  S_IFMT,
  SEEK_SET,
} from '../../../src/subsystems/vfs/constants.js';
import { AT_FDCWD, E, Guest } from './support.js';

describe('mkdirat', () => {
  it('should make a directory with mode & ~umask, counted in its parent\'s links', () => {
    const g = Guest.create();
    const before = g.statOk('/tmp').nlink;
    expect(g.mkdir('/tmp/d', 0o777)).toBe(0n);
    expect(g.statOk('/tmp/d').mode).toBe(S_IFDIR | 0o755);
    expect(g.statOk('/tmp/d').nlink).toBe(2);
    expect(g.statOk('/tmp').nlink).toBe(before + 1);
    expect(g.mkdir('/tmp/d/')).toBe(E(Errno.EEXIST));
    expect(g.mkdir('/tmp/e/')).toBe(0n);
  });
  it('should refuse an existing name (a dangling symlink too), ".", "/" and a missing parent', () => {
    const g = Guest.create();
    g.symlink('/nowhere', '/tmp/l');
    expect(g.mkdir('/tmp/l')).toBe(E(Errno.EEXIST));
    expect(g.mkdir('/tmp/.')).toBe(E(Errno.EEXIST));
    expect(g.mkdir('/')).toBe(E(Errno.EEXIST));
    expect(g.mkdir('/tmp/a/b')).toBe(E(Errno.ENOENT));
    g.writeFile('/tmp/f', '');
    expect(g.mkdir('/tmp/f/d')).toBe(E(Errno.ENOTDIR));
  });
  it('should refuse read-only file systems with EROFS', () => {
    const g = Guest.create();
    expect(g.mkdir('/proc/x')).toBe(E(Errno.EROFS));
    expect(g.mkdir('/sys/x')).toBe(E(Errno.EROFS));
  });
  it('should work relative to a directory fd', () => {
    const g = Guest.create();
    const dir = g.fd('/tmp', O_DIRECTORY);
    expect(g.mkdir('sub', 0o700, dir)).toBe(0n);
    expect(g.statOk('/tmp/sub').mode).toBe(S_IFDIR | 0o700);
  });
});

describe('unlinkat', () => {
  it('should remove a file name; an open file lives on without it', () => {
    const g = Guest.create();
    const fd = g.fd('/tmp/f', O_RDWR | O_CREAT);
    g.write(fd, 'still here');
    expect(g.unlink('/tmp/f')).toBe(0n);
    expect(g.stat('/tmp/f')).toBe(E(Errno.ENOENT));
    expect(g.pread(fd, 100, 0)).toBe('still here');
    const s = g.fstat(fd);
    expect(typeof s !== 'bigint' && s.nlink).toBe(0);
  });
  it('should remove an empty directory with AT_REMOVEDIR and refuse the wrong kind', () => {
    const g = Guest.create();
    g.mkdir('/tmp/d');
    g.writeFile('/tmp/d/f', '');
    expect(g.unlink('/tmp/d')).toBe(E(Errno.EISDIR));
    expect(g.rmdir('/tmp/d')).toBe(E(Errno.ENOTEMPTY));
    expect(g.rmdir('/tmp/d/f')).toBe(E(Errno.ENOTDIR));
    expect(g.unlink('/tmp/d/f/')).toBe(E(Errno.ENOTDIR));
    expect(g.unlink('/tmp/d/f')).toBe(0n);
    expect(g.rmdir('/tmp/d')).toBe(0n);
    expect(g.rmdir('/tmp/d')).toBe(E(Errno.ENOENT));
  });
  it('should answer the special names as Linux does', () => {
    const g = Guest.create();
    g.mkdir('/tmp/d');
    expect(g.rmdir('/tmp/d/.')).toBe(E(Errno.EINVAL));
    expect(g.rmdir('/tmp/d/..')).toBe(E(Errno.ENOTEMPTY));
    expect(g.rmdir('/')).toBe(E(Errno.EBUSY));
    expect(g.unlink('/tmp/d/.')).toBe(E(Errno.EISDIR));
    expect(g.rmdir('/dev')).toBe(E(Errno.EBUSY));
    expect(g.unlink('/proc/cpuinfo')).toBe(E(Errno.EROFS));
  });
  it('should remove a symlink, not its target, and refuse unknown flags', () => {
    const g = Guest.create();
    g.writeFile('/tmp/t', 'x');
    g.symlink('/tmp/t', '/tmp/l');
    expect(g.unlink('/tmp/l')).toBe(0n);
    expect(g.readFile('/tmp/t')).toBe('x');
    expect(g.unlink('/tmp/t', 0x1)).toBe(E(Errno.EINVAL));
  });
});

describe('renameat2', () => {
  it('should move a file, replacing a file at the target', () => {
    const g = Guest.create();
    g.writeFile('/tmp/a', 'A');
    g.writeFile('/tmp/b', 'B');
    const ino = g.statOk('/tmp/a').ino;
    expect(g.rename('/tmp/a', '/tmp/b')).toBe(0n);
    expect(g.stat('/tmp/a')).toBe(E(Errno.ENOENT));
    expect(g.readFile('/tmp/b')).toBe('A');
    expect(g.statOk('/tmp/b').ino).toBe(ino);
  });
  it('should move a directory with its contents, over an empty one, into another directory', () => {
    const g = Guest.create();
    g.mkdir('/tmp/d');
    g.writeFile('/tmp/d/f', 'F');
    g.mkdir('/tmp/e');
    g.mkdir('/tmp/x');
    expect(g.rename('/tmp/d', '/tmp/e')).toBe(0n);
    expect(g.readFile('/tmp/e/f')).toBe('F');
    expect(g.rename('/tmp/e', '/tmp/x/moved')).toBe(0n);
    expect(g.readFile('/tmp/x/moved/f')).toBe('F');
    expect(g.statOk('/tmp/x/moved/..').ino).toBe(g.statOk('/tmp/x').ino);
  });
  it('should refuse the wrong combinations of kinds, a non-empty target and a move into itself', () => {
    const g = Guest.create();
    g.mkdir('/tmp/d');
    g.mkdir('/tmp/full');
    g.writeFile('/tmp/full/f', '');
    g.writeFile('/tmp/file', '');
    expect(g.rename('/tmp/d', '/tmp/file')).toBe(E(Errno.ENOTDIR));
    expect(g.rename('/tmp/file', '/tmp/d')).toBe(E(Errno.EISDIR));
    expect(g.rename('/tmp/d', '/tmp/full')).toBe(E(Errno.ENOTEMPTY));
    expect(g.rename('/tmp/d', '/tmp/d/inside')).toBe(E(Errno.EINVAL));
    expect(g.rename('/tmp/missing', '/tmp/x')).toBe(E(Errno.ENOENT));
    expect(g.rename('/tmp/file', '/tmp/file2/')).toBe(E(Errno.ENOTDIR));
    expect(g.rename('/tmp/d/.', '/tmp/x')).toBe(E(Errno.EBUSY));
    expect(g.rename('/tmp/file', '/dev/shm/file')).toBe(E(Errno.EXDEV));
    expect(g.rename('/dev', '/tmp/dev')).toBe(E(Errno.EBUSY));
    expect(g.rename('/proc/cpuinfo', '/proc/x')).toBe(E(Errno.EROFS));
  });
  it('should do nothing when both names are links to one file', () => {
    const g = Guest.create();
    g.writeFile('/tmp/a', 'A');
    g.link('/tmp/a', '/tmp/b');
    expect(g.rename('/tmp/a', '/tmp/b')).toBe(0n);
    expect(g.readFile('/tmp/a')).toBe('A');
    expect(g.statOk('/tmp/b').nlink).toBe(2);
  });
  it('should honour RENAME_NOREPLACE and RENAME_EXCHANGE and refuse RENAME_WHITEOUT and both at once', () => {
    const g = Guest.create();
    g.writeFile('/tmp/a', 'A');
    g.mkdir('/tmp/d');
    expect(g.rename('/tmp/a', '/tmp/d', RENAME_NOREPLACE)).toBe(E(Errno.EEXIST));
    expect(g.rename('/tmp/a', '/tmp/n', RENAME_NOREPLACE)).toBe(0n);
    expect(g.rename('/tmp/n', '/tmp/d', RENAME_EXCHANGE)).toBe(0n);
    expect(g.statOk('/tmp/n').mode & S_IFMT).toBe(S_IFDIR);
    expect(g.readFile('/tmp/d')).toBe('A');
    expect(g.rename('/tmp/d', '/tmp/none', RENAME_EXCHANGE)).toBe(E(Errno.ENOENT));
    expect(g.rename('/tmp/d', '/tmp/n', RENAME_WHITEOUT)).toBe(E(Errno.EINVAL));
    expect(g.rename('/tmp/d', '/tmp/n', RENAME_NOREPLACE | RENAME_EXCHANGE)).toBe(E(Errno.EINVAL));
    expect(g.rename('/tmp/d', '/tmp/n', 0x80)).toBe(E(Errno.EINVAL));
  });
});

describe('linkat', () => {
  it('should add a name to a file: same inode, nlink 2, writes visible through both', () => {
    const g = Guest.create();
    g.writeFile('/tmp/a', 'one');
    expect(g.link('/tmp/a', '/tmp/b')).toBe(0n);
    expect(g.statOk('/tmp/b').ino).toBe(g.statOk('/tmp/a').ino);
    expect(g.statOk('/tmp/a').nlink).toBe(2);
    g.writeFile('/tmp/b', 'two');
    expect(g.readFile('/tmp/a')).toBe('two');
    g.unlink('/tmp/a');
    expect(g.statOk('/tmp/b').nlink).toBe(1);
  });
  it('should link a symlink itself, or its target with AT_SYMLINK_FOLLOW, and an fd with AT_EMPTY_PATH', () => {
    const g = Guest.create();
    g.writeFile('/tmp/t', 'T');
    g.symlink('/tmp/t', '/tmp/l');
    g.link('/tmp/l', '/tmp/l2');
    expect(g.statOk('/tmp/l2', AT_SYMLINK_NOFOLLOW).mode & S_IFMT).toBe(S_IFLNK);
    g.link('/tmp/l', '/tmp/t2', AT_SYMLINK_FOLLOW);
    expect(g.statOk('/tmp/t2', AT_SYMLINK_NOFOLLOW).ino).toBe(g.statOk('/tmp/t').ino);
    const fd = g.fd('/tmp/t');
    expect(g.call(NR.linkat, fd, g.str(''), AT_FDCWD, g.str('/tmp/t3'), AT_EMPTY_PATH)).toBe(0n);
    expect(g.readFile('/tmp/t3')).toBe('T');
  });
  it('should refuse directories, existing names, other file systems and bad flags', () => {
    const g = Guest.create();
    g.writeFile('/tmp/a', '');
    g.mkdir('/tmp/d');
    expect(g.link('/tmp/d', '/tmp/d2')).toBe(E(Errno.EPERM));
    expect(g.link('/tmp/a', '/tmp/d')).toBe(E(Errno.EEXIST));
    expect(g.link('/tmp/a', '/dev/shm/a')).toBe(E(Errno.EXDEV));
    expect(g.link('/tmp/none', '/tmp/x')).toBe(E(Errno.ENOENT));
    expect(g.link('/tmp/a', '/tmp/x', 0x1)).toBe(E(Errno.EINVAL));
    expect(g.link('/proc/cpuinfo', '/proc/x')).toBe(E(Errno.EROFS));
  });
});

describe('symlinkat and readlinkat', () => {
  it('should store the target as given and read it back, truncated to the buffer', () => {
    const g = Guest.create();
    expect(g.symlink('../some/where', '/tmp/l')).toBe(0n);
    expect(g.readlink('/tmp/l')).toBe('../some/where');
    expect(g.readlink('/tmp/l', AT_FDCWD, 4)).toBe('../s');
    expect(g.statOk('/tmp/l', AT_SYMLINK_NOFOLLOW).size).toBe(13);
  });
  it('should refuse an empty target, an existing name, a non-link and a bad buffer size', () => {
    const g = Guest.create();
    g.writeFile('/tmp/f', '');
    expect(g.symlink('', '/tmp/l')).toBe(E(Errno.ENOENT));
    expect(g.symlink('x', '/tmp/f')).toBe(E(Errno.EEXIST));
    expect(g.readlink('/tmp/f')).toBe(E(Errno.EINVAL));
    expect(g.readlink('/tmp/none')).toBe(E(Errno.ENOENT));
    g.symlink('x', '/tmp/l');
    expect(g.call(NR.readlinkat, AT_FDCWD, g.str('/tmp/l'), g.alloc(8), 0)).toBe(E(Errno.EINVAL));
  });
  it('should read a link open with O_PATH | O_NOFOLLOW through an empty path', () => {
    const g = Guest.create();
    g.symlink('target', '/tmp/l');
    const fd = g.fd('/tmp/l', O_PATH | 0o400000);
    expect(g.readlink('', fd)).toBe('target');
  });
});

describe('getdents64', () => {
  it('should list ".", "..", then the names in byte order with their types and inodes', () => {
    const g = Guest.create();
    g.mkdir('/tmp/d');
    g.writeFile('/tmp/d/b', '');
    g.writeFile('/tmp/d/a', '');
    g.writeFile('/tmp/d/C', '');
    g.mkdir('/tmp/d/sub');
    g.symlink('a', '/tmp/d/ln');
    const fd = g.fd('/tmp/d', O_DIRECTORY);
    const entries = g.getdents(fd);
    if (typeof entries === 'bigint') throw new Error(String(entries));
    expect(entries.map((e) => e.name)).toEqual(['.', '..', 'C', 'a', 'b', 'ln', 'sub']);
    expect(entries.map((e) => e.type)).toEqual([DT_DIR, DT_DIR, DT_REG, DT_REG, DT_REG, DT_LNK, DT_DIR]);
    expect(entries[0]!.ino).toBe(g.statOk('/tmp/d').ino);
    expect(entries[1]!.ino).toBe(g.statOk('/tmp').ino);
    expect(entries[3]!.ino).toBe(g.statOk('/tmp/d/a').ino);
    expect(entries.map((e) => e.off)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
  it('should continue across small buffers, rewind with lseek, and refuse a buffer too small for one entry', () => {
    const g = Guest.create();
    for (const name of ['one', 'two', 'three']) g.writeFile(`/tmp/${name}`, '');
    const fd = g.fd('/tmp', O_DIRECTORY);
    const small = g.getdents(fd, 32);
    if (typeof small === 'bigint') throw new Error(String(small));
    expect(small.map((e) => e.name)).toEqual(['.', '..', 'one', 'three', 'two']);
    expect(g.call(NR.lseek, fd, 0, SEEK_SET)).toBe(0n);
    const again = g.getdents(fd);
    expect(typeof again !== 'bigint' && again.length).toBe(5);
    g.call(NR.lseek, fd, 3, SEEK_SET);
    const tail = g.getdents(fd);
    expect(typeof tail !== 'bigint' && tail.map((e) => e.name)).toEqual(['three', 'two']);
    g.call(NR.lseek, fd, 0, SEEK_SET);
    expect(g.call(NR.getdents64, fd, g.alloc(16), 16)).toBe(E(Errno.EINVAL));
  });
  it('should refuse a file (ENOTDIR), a closed fd (EBADF) and a bad buffer (EFAULT) without losing entries', () => {
    const g = Guest.create();
    g.writeFile('/tmp/f', '');
    expect(g.call(NR.getdents64, g.fd('/tmp/f'), g.alloc(64), 64)).toBe(E(Errno.ENOTDIR));
    expect(g.call(NR.getdents64, 99, g.alloc(64), 64)).toBe(E(Errno.EBADF));
    const fd = g.fd('/tmp', O_DIRECTORY);
    expect(g.call(NR.getdents64, fd, 0x7000_0000, 4096)).toBe(E(Errno.EFAULT));
    const entries = g.getdents(fd);
    expect(typeof entries !== 'bigint' && entries[0]!.name).toBe('.');
  });
});

describe('getcwd, chdir, fchdir', () => {
  it('should follow chdir and fchdir, across symlinks and mounts', () => {
    const g = Guest.create();
    expect(g.getcwd()).toBe('/');
    g.mkdir('/tmp/w');
    g.symlink('/tmp/w', '/tmp/lw');
    expect(g.chdir('/tmp/lw')).toBe(0n);
    expect(g.getcwd()).toBe('/tmp/w');
    expect(g.chdir('../../dev/shm')).toBe(0n);
    expect(g.getcwd()).toBe('/dev/shm');
    const fd = g.fd('/proc/self', O_DIRECTORY);
    expect(g.call(NR.fchdir, fd)).toBe(0n);
    expect(g.getcwd()).toBe('/proc/1');
  });
  it('should refuse a file, a missing directory, a closed fd, and a buffer that is too small', () => {
    const g = Guest.create();
    g.writeFile('/tmp/f', '');
    expect(g.chdir('/tmp/f')).toBe(E(Errno.ENOTDIR));
    expect(g.chdir('/tmp/none')).toBe(E(Errno.ENOENT));
    expect(g.call(NR.fchdir, g.fd('/tmp/f'))).toBe(E(Errno.ENOTDIR));
    expect(g.call(NR.fchdir, 99)).toBe(E(Errno.EBADF));
    g.chdir('/tmp');
    expect(g.call(NR.getcwd, g.alloc(8), 4)).toBe(E(Errno.ERANGE));
    expect(g.call(NR.getcwd, g.alloc(8), 5)).toBe(5n);
    expect(g.call(NR.getcwd, 0x7000_0000, 100)).toBe(E(Errno.EFAULT));
  });
  it('should start in the configured working directory, made when missing', () => {
    const g = Guest.create({ files: { cwd: '/job/here' } });
    expect(g.getcwd()).toBe('/job/here');
    expect(g.statOk('/job/here').mode & S_IFMT).toBe(S_IFDIR);
  });
});

describe('umask', () => {
  it('should return the previous mask and keep only the permission bits', () => {
    const g = Guest.create();
    expect(g.call(NR.umask, 0o7777)).toBe(0o022n);
    expect(g.call(NR.umask, 0)).toBe(0o777n);
    g.mkdir('/tmp/d', 0o777);
    expect(g.statOk('/tmp/d').mode).toBe(S_IFDIR | 0o777);
  });
});

describe('unlinkat with AT_REMOVEDIR on a removed working directory', () => {
  it('should let the process stay in a directory it removed', () => {
    const g = Guest.create();
    g.mkdir('/tmp/d');
    g.chdir('/tmp/d');
    expect(g.unlink('/tmp/d', AT_REMOVEDIR)).toBe(0n);
    expect(g.chdir('..')).toBe(0n);
    expect(g.getcwd()).toBe('/tmp');
  });
});
