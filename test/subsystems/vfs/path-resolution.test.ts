import { beforeEach, describe, expect, it } from 'vitest';
import { Errno } from '../../../src/kernel/errno.js';
import { SYSCALL_NUMBERS as NR } from '../../../src/kernel/syscall/numbers.js';
import { AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, O_DIRECTORY, O_NOFOLLOW, O_PATH, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from '../../../src/subsystems/vfs/constants.js';
import { MemoryFileSystem } from '../../../src/subsystems/vfs/memfs.js';
import { MountTree } from '../../../src/subsystems/vfs/mount-tree.js';
import { AT_FDCWD, E, Guest } from './support.js';

/**
 * A tree with every kind of step:
 *   /a/b/f            "F"            /a/file        "plain"
 *   /a/link -> b      /a/abs -> /a/b /a/up -> ..    /a/b/rel -> ../b/f
 *   /loop1 <-> /loop2, /self -> self, /dangling -> /nowhere
 *   /c0 -> c1 -> ... -> c40 -> /a/b/f  (41 links)
 */
function tree(): Guest {
  const g = Guest.create();
  g.mkdir('/a');
  g.mkdir('/a/b');
  g.writeFile('/a/b/f', 'F');
  g.writeFile('/a/file', 'plain');
  g.symlink('b', '/a/link');
  g.symlink('/a/b', '/a/abs');
  g.symlink('..', '/a/up');
  g.symlink('../b/f', '/a/b/rel');
  g.symlink('loop2', '/loop1');
  g.symlink('loop1', '/loop2');
  g.symlink('self', '/self');
  g.symlink('/nowhere', '/dangling');
  for (let i = 0; i < 40; i++) g.symlink(`c${i + 1}`, `/c${i}`);
  g.symlink('/a/b/f', '/c40');
  return g;
}

describe('path resolution', () => {
  let g: Guest;
  let file: number;
  let root: number;
  let b: number;
  beforeEach(() => {
    g = tree();
    file = g.statOk('/a/b/f').ino;
    root = g.statOk('/').ino;
    b = g.statOk('/a/b').ino;
  });

  describe('when walking absolute paths', () => {
    it.each([
      ['/a/b/f', '/a/b/f', 'file'],
      ['/a/./b/../b/f', '/a/./b/../b/f', 'file'],
      ['//a//b///f', '//a//b///f', 'file'],
      ['/../../a/b/f', '/../../a/b/f', 'file'],
      ['/a/b/../../../..', '/a/b/../../../..', 'root'],
      ['/..', '/..', 'root'],
      ['/', '/', 'root'],
      ['/a/link/f', '/a/link/f', 'file'],
      ['/a/abs/f', '/a/abs/f', 'file'],
      ['/a/up/a/b/f', '/a/up/a/b/f', 'file'],
      ['/a/b/rel', '/a/b/rel', 'file'],
      ['/a/link/', '/a/link/', 'b'],
      ['/a/link/.', '/a/link/.', 'b'],
      ['/c1', '/c1', 'file'],
      ['/proc/..', '/proc/..', 'root'],
      ['/dev/../a/b/f', '/dev/../a/b/f', 'file'],
      ['<4095 slashes>', '/' + '/'.repeat(4094), 'root'],
    ])('should resolve %s', (_label, path, expected) => {
      const want = { file, root, b }[expected as 'file' | 'root' | 'b'];
      expect(g.statOk(path).ino).toBe(want);
    });

    it.each([
      ['/loop1', '/loop1', Errno.ELOOP],
      ['/loop1/x', '/loop1/x', Errno.ELOOP],
      ['/self', '/self', Errno.ELOOP],
      ['/c0', '/c0', Errno.ELOOP],
      ['/dangling', '/dangling', Errno.ENOENT],
      ['/a/missing/x', '/a/missing/x', Errno.ENOENT],
      ['/a/missing', '/a/missing', Errno.ENOENT],
      ['/a/file/x', '/a/file/x', Errno.ENOTDIR],
      ['/a/file/', '/a/file/', Errno.ENOTDIR],
      ['/a/file/..', '/a/file/..', Errno.ENOTDIR],
      ['/a/b/rel/', '/a/b/rel/', Errno.ENOTDIR],
      ['/<256 bytes>', '/' + 'x'.repeat(256), Errno.ENAMETOOLONG],
      ['/a/<256 bytes>/f', '/a/' + 'x'.repeat(256) + '/f', Errno.ENAMETOOLONG],
      ['<4096 slashes>', '/' + '/'.repeat(4095), Errno.ENAMETOOLONG],
      ['<empty>', '', Errno.ENOENT],
    ])('should fail %s with the right errno', (_label, path, errno) => {
      expect(g.stat(path)).toBe(E(errno));
    });

    it('should take a component of exactly 255 bytes', () => {
      const name = 'n'.repeat(255);
      expect(g.stat('/' + name)).toBe(E(Errno.ENOENT));
      expect(g.mkdir('/' + name)).toBe(0n);
      expect(g.statOk('/' + name).mode & S_IFMT).toBe(S_IFDIR);
    });
  });

  describe('when the last component is a symlink', () => {
    it('should stat the link itself with AT_SYMLINK_NOFOLLOW, and its target without', () => {
      expect(g.statOk('/a/link', AT_SYMLINK_NOFOLLOW).mode & S_IFMT).toBe(S_IFLNK);
      expect(g.statOk('/a/link').ino).toBe(b);
      expect(g.statOk('/dangling', AT_SYMLINK_NOFOLLOW).size).toBe('/nowhere'.length);
    });
    it('should follow a link in the middle of the path even with AT_SYMLINK_NOFOLLOW', () => {
      expect(g.statOk('/a/link/f', AT_SYMLINK_NOFOLLOW).ino).toBe(file);
    });
    it('should follow a final link when the path ends in a slash', () => {
      expect(g.statOk('/a/link/', AT_SYMLINK_NOFOLLOW).ino).toBe(b);
    });
    it('should refuse O_NOFOLLOW on a final symlink with ELOOP, but not on one in the middle', () => {
      expect(g.open('/a/link', O_NOFOLLOW)).toBe(E(Errno.ELOOP));
      expect(g.open('/a/link/f', O_NOFOLLOW)).toBeGreaterThanOrEqual(0n);
    });
    it('should open the link itself with O_PATH | O_NOFOLLOW', () => {
      const fd = g.fd('/a/link', O_PATH | O_NOFOLLOW);
      const s = g.fstat(fd);
      expect(typeof s !== 'bigint' && s.mode & S_IFMT).toBe(S_IFLNK);
      expect(g.readlink('', fd)).toBe('b');
    });
    it('should follow exactly 40 links and fail the 41st', () => {
      expect(g.statOk('/c1').ino).toBe(file); // 40 links
      expect(g.stat('/c0')).toBe(E(Errno.ELOOP)); // 41 links
    });
  });

  describe('when resolving from a directory fd', () => {
    it('should start relative paths at the directory', () => {
      const dir = g.fd('/a', O_DIRECTORY);
      expect(g.statOk('b/f', 0, dir).ino).toBe(file);
      expect(g.statOk('link/../b/f', 0, dir).ino).toBe(file);
      expect(g.statOk('..', 0, dir).ino).toBe(root);
    });
    it('should ignore the dirfd, even a bad one, for an absolute path', () => {
      expect(g.statOk('/a/b/f', 0, 999).ino).toBe(file);
    });
    it('should refuse a bad dirfd with EBADF and a file dirfd with ENOTDIR', () => {
      expect(g.stat('b/f', 0, 999)).toBe(E(Errno.EBADF));
      const plain = g.fd('/a/file');
      expect(g.stat('x', 0, plain)).toBe(E(Errno.ENOTDIR));
    });
    it('should accept an O_PATH directory fd', () => {
      const dir = g.fd('/a/b', O_PATH);
      expect(g.statOk('f', 0, dir).ino).toBe(file);
    });
    it('should name the fd itself with AT_EMPTY_PATH, and refuse an empty path without it', () => {
      const fd = g.fd('/a/b/f');
      expect(g.statOk('', AT_EMPTY_PATH, fd).ino).toBe(file);
      expect(g.stat('', 0, fd)).toBe(E(Errno.ENOENT));
      expect(g.statOk('', AT_EMPTY_PATH, AT_FDCWD).ino).toBe(root);
    });
    it('should use the cwd for AT_FDCWD', () => {
      expect(g.chdir('/a/b')).toBe(0n);
      expect(g.statOk('f').ino).toBe(file);
      expect(g.statOk('../../a/b/f').ino).toBe(file);
    });
  });

  describe('when the working directory is removed', () => {
    it('should fail lookups and creations in it with ENOENT, but still know "." and ".."', () => {
      g.mkdir('/gone');
      g.chdir('/gone');
      expect(g.rmdir('/gone')).toBe(0n);
      expect(g.open('new', 0o100 | 1)).toBe(E(Errno.ENOENT));
      expect(g.stat('x')).toBe(E(Errno.ENOENT));
      expect(g.statOk('.').nlink).toBe(0);
      expect(g.statOk('..').ino).toBe(root);
      expect(g.getcwd()).toBe(E(Errno.ENOENT));
    });
  });

  describe('when a path argument is bad', () => {
    it('should return EFAULT for an unreadable path and ENAMETOOLONG without a NUL in PATH_MAX bytes', () => {
      expect(g.call(NR.newfstatat, AT_FDCWD, 0, g.alloc(128), 0)).toBe(E(Errno.EFAULT));
      expect(g.call(NR.openat, AT_FDCWD, 0x7000_0000, 0, 0)).toBe(E(Errno.EFAULT));
      const long = g.alloc(5000);
      g.memory.write(long, new Uint8Array(5000).fill(0x61));
      expect(g.call(NR.openat, AT_FDCWD, long, 0, 0)).toBe(E(Errno.ENAMETOOLONG));
    });
  });
});

describe(MountTree, () => {
  describe('.parent', () => {
    it('should climb out of a mounted file system through its mount point, and stay at the root', () => {
      const outer = new MemoryFileSystem(1, 0n);
      const inner = new MemoryFileSystem(2, 0n);
      const tree = new MountTree(outer.root);
      const dir = new (outer.root.constructor as typeof import('../../../src/subsystems/vfs/inode.js').DirectoryInode)(outer, outer.nextIno(), 0o755, 0n, outer.root, 'mnt');
      outer.root.attach('mnt', dir);
      tree.mount(inner.root, dir);
      expect(tree.enter(dir)).toBe(inner.root);
      expect(tree.parent(inner.root)).toBe(outer.root);
      expect(tree.parent(outer.root)).toBe(outer.root);
      expect(tree.pathOf(inner.root)).toBe('/mnt');
      expect(tree.lookup(outer.root, '/mnt/..', true)).toBe(outer.root);
      expect(tree.lookup(outer.root, '/mnt', true)).toBe(inner.root);
    });
  });
});

describe('the default namespace', () => {
  it('should hold /tmp (sticky, writable), /dev, /proc, /sys and the executable', () => {
    const g = Guest.create();
    expect(g.list('/')).toEqual(['.', '..', 'dev', 'proc', 'prog', 'sys', 'tmp']);
    expect(g.statOk('/tmp').mode).toBe(S_IFDIR | 0o1777);
    expect(g.statOk('/prog').mode).toBe(S_IFREG | 0o755);
    expect(g.list('/dev')).toEqual(['.', '..', 'fd', 'null', 'random', 'shm', 'stderr', 'stdin', 'stdout', 'urandom', 'zero']);
  });
});
