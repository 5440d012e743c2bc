import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Errno } from '../../../src/kernel/errno.js';
import type { InputReadEvent } from '../../../src/kernel/events.js';
import { SYSCALL_NUMBERS as NR } from '../../../src/kernel/syscall/numbers.js';
import {
  AT_SYMLINK_NOFOLLOW,
  DT_DIR,
  DT_LNK,
  DT_REG,
  O_APPEND,
  O_CREAT,
  O_DIRECTORY,
  O_RDWR,
  O_TRUNC,
  O_WRONLY,
  RENAME_EXCHANGE,
  S_IFLNK,
  S_IFMT,
  S_IFREG,
  SEEK_SET,
} from '../../../src/subsystems/vfs/constants.js';
import { HostFileError, MountError } from '../../../src/subsystems/vfs/errors.js';
import { EXIT_CODES } from '../../../src/errors.js';
import type { FilesOptions } from '../../../src/subsystems/vfs/options.js';
import { E, Guest } from './support.js';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * A host directory to mount:
 *   host/data/in.txt, data/sub/deep.txt, data/run.sh (0755), data/empty/
 *   host/data/inside -> sub/deep.txt, data/up -> ../secret.txt, data/updir -> ..,
 *   host/data/abs -> /etc/passwd, data/loop -> loop
 *   host/secret.txt: must never be reachable from the guest
 */
let host: string;
let data: string;
beforeEach(() => {
  host = mkdtempSync(join(tmpdir(), 'zeroos-vfs-'));
  data = join(host, 'data');
  mkdirSync(join(data, 'sub'), { recursive: true });
  mkdirSync(join(data, 'empty'));
  writeFileSync(join(data, 'in.txt'), 'input text\nsecond line\n');
  writeFileSync(join(data, 'sub', 'deep.txt'), 'deep');
  writeFileSync(join(data, 'run.sh'), '#!/bin/sh\n');
  chmodSync(join(data, 'run.sh'), 0o755);
  symlinkSync('sub/deep.txt', join(data, 'inside'));
  symlinkSync('../secret.txt', join(data, 'up'));
  symlinkSync('..', join(data, 'updir'));
  symlinkSync('/etc/passwd', join(data, 'abs'));
  symlinkSync('loop', join(data, 'loop'));
  writeFileSync(join(host, 'secret.txt'), 'SECRET');
});
afterEach(() => rmSync(host, { recursive: true, force: true }));

const mounted = (files: FilesOptions = {}, writable = false) =>
  Guest.create({ files: { mounts: [{ host: data, guest: '/data', writable }], ...files } });

describe('a host directory mounted read-only', () => {
  it('should show its files, directories and symlinks, sorted, with the contents of the host', () => {
    const g = mounted();
    expect(g.readFile('/data/in.txt')).toBe('input text\nsecond line\n');
    expect(g.readFile('/data/inside')).toBe('deep');
    const fd = g.fd('/data', O_DIRECTORY);
    const entries = g.getdents(fd);
    if (typeof entries === 'bigint') throw new Error(String(entries));
    expect(entries.map((e) => [e.name, e.type])).toEqual([
      ['.', DT_DIR],
      ['..', DT_DIR],
      ['abs', DT_LNK],
      ['empty', DT_DIR],
      ['in.txt', DT_REG],
      ['inside', DT_LNK],
      ['loop', DT_LNK],
      ['run.sh', DT_REG],
      ['sub', DT_DIR],
      ['up', DT_LNK],
      ['updir', DT_LNK],
    ]);
  });
  it('should report sizes from the host but deterministic modes, owners and times', () => {
    const g = mounted({}, false);
    const s = g.statOk('/data/in.txt');
    expect(s.size).toBe(23);
    expect(s.mode).toBe(S_IFREG | 0o644);
    expect(g.statOk('/data/run.sh').mode).toBe(S_IFREG | 0o755);
    expect([s.uid, s.gid]).toEqual([0, 0]);
    expect(s.mtime).toBe(1_704_067_200n * 1_000_000_000n);
    expect(g.statOk('/data/inside', AT_SYMLINK_NOFOLLOW).mode & S_IFMT).toBe(S_IFLNK);
  });
  it('should refuse every change with EROFS and leave the host alone', () => {
    const g = mounted();
    expect(g.open('/data/in.txt', O_WRONLY)).toBe(E(Errno.EROFS));
    expect(g.open('/data/in.txt', O_TRUNC)).toBe(E(Errno.EROFS));
    expect(g.open('/data/new.txt', O_WRONLY | O_CREAT)).toBe(E(Errno.EROFS));
    expect(g.mkdir('/data/d')).toBe(E(Errno.EROFS));
    expect(g.unlink('/data/in.txt')).toBe(E(Errno.EROFS));
    expect(g.rmdir('/data/empty')).toBe(E(Errno.EROFS));
    expect(g.rename('/data/in.txt', '/data/out.txt')).toBe(E(Errno.EROFS));
    expect(g.symlink('x', '/data/l')).toBe(E(Errno.EROFS));
    expect(g.link('/data/in.txt', '/data/l')).toBe(E(Errno.EROFS));
    expect(g.call(NR.truncate, g.str('/data/in.txt'), 0)).toBe(E(Errno.EROFS));
    expect(g.call(NR.fchmodat, -100, g.str('/data/in.txt'), 0o777)).toBe(E(Errno.EROFS));
    expect(g.call(NR.utimensat, -100, g.str('/data/in.txt'), 0, 0)).toBe(E(Errno.EROFS));
    expect(g.call(NR.faccessat, -100, g.str('/data/in.txt'), 2)).toBe(E(Errno.EROFS));
    expect(g.rename('/data/in.txt', '/tmp/in.txt')).toBe(E(Errno.EXDEV));
    expect(readFileSync(join(data, 'in.txt'), 'utf8')).toBe('input text\nsecond line\n');
    expect(existsSync(join(data, 'new.txt'))).toBe(false);
  });
  it('should read a snapshot: later host changes are not seen', () => {
    const g = mounted();
    expect(g.readFile('/data/in.txt')).toBe('input text\nsecond line\n');
    writeFileSync(join(data, 'in.txt'), 'changed on the host');
    writeFileSync(join(data, 'late.txt'), 'late');
    expect(g.readFile('/data/in.txt')).toBe('input text\nsecond line\n');
    expect(g.stat('/data/late.txt')).toBe(E(Errno.ENOENT));
  });
});

describe('escape attempts from a host mount', () => {
  it.each([
    ['.. past the mount root', '/data/../secret.txt'],
    ['.. far past the root', '/data/../../../../../secret.txt'],
    ['a relative host symlink out of the mount', '/data/up'],
    ['a host symlink to the parent', '/data/updir/secret.txt'],
    ['a dirfd-relative climb', '../secret.txt'],
  ])('should stay inside the guest namespace through %s', (_what, path) => {
    const g = mounted();
    const dir = g.fd('/data/sub', O_DIRECTORY);
    const start = path.startsWith('/') ? -100 : dir;
    const fd = g.open(path, 0, 0, start);
    expect(fd).toBe(E(Errno.ENOENT));
  });
  it('should resolve an absolute host symlink in the guest\'s namespace, not the host\'s', () => {
    const g = mounted();
    expect(g.readFile('/data/abs')).toBe(E(Errno.ENOENT));
    g.mkdir('/etc');
    g.writeFile('/etc/passwd', 'the guest\'s own passwd');
    expect(g.readFile('/data/abs')).toBe('the guest\'s own passwd');
    expect(g.readlink('/data/abs')).toBe('/etc/passwd');
    expect(g.readFile('/data/updir/secret.txt')).toBe(E(Errno.ENOENT));
    expect(g.statOk('/data/updir').ino).toBe(g.statOk('/').ino);
  });
  it('should fail a host symlink loop with ELOOP', () => {
    expect(mounted().stat('/data/loop')).toBe(E(Errno.ELOOP));
  });
  it('should create through an outward symlink inside the guest, never on the host', () => {
    const g = mounted({}, true);
    const fd = g.fd('/data/up', O_WRONLY | O_CREAT);
    g.write(fd, 'written by the guest');
    expect(readFileSync(join(host, 'secret.txt'), 'utf8')).toBe('SECRET');
    expect(g.readFile('/secret.txt')).toBe('written by the guest');
  });
  it('should not show host devices, sockets or FIFOs', () => {
    const g = Guest.create({ files: { mounts: [{ host: '/dev', guest: '/hostdev' }] } });
    expect(g.stat('/hostdev/null')).toBe(E(Errno.ENOENT));
    expect(g.list('/hostdev')).not.toContain('null');
  });
});

describe('a host directory mounted read-write', () => {
  it('should write files, directories and hard links through to the host, and keep symlinks in memory', () => {
    const g = mounted({}, true);
    const fd = g.fd('/data/out.txt', O_RDWR | O_CREAT, 0o600);
    g.write(fd, 'hello host');
    expect(readFileSync(join(data, 'out.txt'), 'utf8')).toBe('hello host');
    g.call(NR.pwrite64, fd, g.str('H'), 1, 0);
    g.call(NR.ftruncate, fd, 5);
    expect(readFileSync(join(data, 'out.txt'), 'utf8')).toBe('Hello');
    expect(g.mkdir('/data/newdir')).toBe(0n);
    expect(statSync(join(data, 'newdir')).isDirectory()).toBe(true);
    expect(g.rename('/data/out.txt', '/data/newdir/moved.txt')).toBe(0n);
    expect(readFileSync(join(data, 'newdir', 'moved.txt'), 'utf8')).toBe('Hello');
    g.call(NR.lseek, fd, 0, 2);
    g.write(fd, ' again');
    expect(readFileSync(join(data, 'newdir', 'moved.txt'), 'utf8')).toBe('Hello again');
    expect(g.symlink('moved.txt', '/data/newdir/ln')).toBe(0n);
    expect(g.readlink('/data/newdir/ln')).toBe('moved.txt');
    expect(g.readFile('/data/newdir/ln')).toBe('Hello again');
    expect(existsSync(join(data, 'newdir', 'ln'))).toBe(false);
    expect(() => readlinkSync(join(data, 'newdir', 'ln'))).toThrow();
    expect(g.link('/data/newdir/moved.txt', '/data/hard.txt')).toBe(0n);
    expect(statSync(join(data, 'hard.txt')).ino).toBe(statSync(join(data, 'newdir', 'moved.txt')).ino);
    expect(g.call(NR.fchmodat, -100, g.str('/data/hard.txt'), 0o640)).toBe(0n);
    expect(statSync(join(data, 'hard.txt')).mode & 0o777).toBe(0o640);
    expect(g.unlink('/data/hard.txt')).toBe(0n);
    expect(g.unlink('/data/newdir/ln')).toBe(0n);
    expect(g.unlink('/data/newdir/moved.txt')).toBe(0n);
    expect(g.rmdir('/data/newdir')).toBe(0n);
    expect(existsSync(join(data, 'newdir'))).toBe(false);
  });
  it('should rename a directory on the host and keep writing below it', () => {
    const g = mounted({}, true);
    g.mkdir('/data/a');
    const fd = g.fd('/data/a/f', O_WRONLY | O_CREAT | O_APPEND);
    g.write(fd, '1');
    expect(g.rename('/data/a', '/data/b')).toBe(0n);
    g.write(fd, '2');
    expect(readFileSync(join(data, 'b', 'f'), 'utf8')).toBe('12');
    expect(g.rename('/data/b', '/data/sub', RENAME_EXCHANGE)).toBe(E(Errno.EINVAL));
  });
  it('should pass on the host\'s refusals as errnos', () => {
    const g = mounted({}, true);
    unlinkSync(join(data, 'run.sh'));
    g.stat('/data/run.sh'); // the listing was taken before: the guest still sees it
    expect(g.unlink('/data/run.sh')).toBe(E(Errno.ENOENT));
  });
});

describe('input hashing', () => {
  it('should hash each host file the guest reads, once, when it first reads it', () => {
    const g = mounted();
    const events: InputReadEvent[] = [];
    g.h.zeroos.events.inputRead$.subscribe((e) => events.push(e));
    g.statOk('/data/sub/deep.txt'); // a stat is not a read
    const fd = g.fd('/data/in.txt');
    expect(events).toEqual([]);
    g.read(fd, 5);
    g.read(fd, 100);
    g.readFile('/data/inside');
    expect(events.map((e) => [e.path, e.size, e.sha256])).toEqual([
      ['/data/in.txt', 23, sha256('input text\nsecond line\n')],
      ['/data/inside', 4, sha256('deep')],
    ]);
    expect(events[0]!.hostPath).toBe(join(data, 'in.txt'));
    const inputs = g.h.zeroos.stats().inputs;
    expect(inputs.map((i) => [i.path, i.bytesRead])).toEqual([
      ['/data/in.txt', 23],
      ['/data/inside', 4],
    ]);
  });
  it('should hash the file as loaded, and not count files the guest only replaced', () => {
    const g = mounted({}, true);
    const fd = g.fd('/data/in.txt', O_RDWR);
    g.write(fd, 'XXXXX');
    g.call(NR.lseek, fd, 0, SEEK_SET);
    g.read(fd, 5);
    g.close(g.fd('/data/sub/deep.txt', O_WRONLY | O_TRUNC));
    const inputs = g.h.zeroos.stats().inputs;
    expect(inputs.map((i) => [i.path, i.sha256])).toEqual([['/data/in.txt', sha256('input text\nsecond line\n')]]);
  });
  it('should count mapped bytes as read', () => {
    const g = mounted();
    g.call(NR.mmap, 0, 4096, 1, 2, g.fd('/data/in.txt'), 0);
    expect(g.h.zeroos.stats().inputs[0]?.bytesRead).toBe(23);
  });
  it('should stop the run with HostFileError when an input vanished before it was read', () => {
    const g = mounted();
    const fd = g.fd('/data/in.txt');
    unlinkSync(join(data, 'in.txt'));
    expect(() => g.read(fd, 5)).toThrow(HostFileError);
  });
});

describe('single host files (--file)', () => {
  it('should show one file read-only, or read-write with :rw', () => {
    const file = join(data, 'in.txt');
    const g = Guest.create({
      files: {
        files: [
          { host: file, guest: '/etc/input.txt' },
          { host: join(data, 'sub', 'deep.txt'), guest: '/deep.txt', writable: true },
        ],
      },
    });
    expect(g.readFile('/etc/input.txt')).toBe('input text\nsecond line\n');
    expect(g.open('/etc/input.txt', O_WRONLY)).toBe(E(Errno.EROFS));
    const fd = g.fd('/deep.txt', O_WRONLY | O_APPEND);
    g.write(fd, '!');
    expect(readFileSync(join(data, 'sub', 'deep.txt'), 'utf8')).toBe('deep!');
    expect(g.h.zeroos.stats().inputs.map((i) => i.path)).toEqual(['/etc/input.txt']);
  });
});

describe('a stdin file (--stdin)', () => {
  it('should be fd 0 as a seekable regular file, hashed as "stdin"', () => {
    const g = Guest.create({ files: { stdin: join(data, 'in.txt') } });
    const s = g.fstat(0);
    expect(typeof s !== 'bigint' && s.mode & S_IFMT).toBe(S_IFREG);
    expect(g.read(0, 6)).toBe('input ');
    expect(g.call(NR.lseek, 0, 0, SEEK_SET)).toBe(0n);
    expect(g.read(0, 100)).toBe('input text\nsecond line\n');
    expect(g.write(0, 'x')).toBe(E(Errno.EBADF));
    expect(g.h.zeroos.stats().inputs).toEqual([
      { path: 'stdin', hostPath: join(data, 'in.txt'), size: 23, sha256: sha256('input text\nsecond line\n'), bytesRead: 29 },
    ]);
  });
  it('should stop with HostFileError (exit code 77) when the file cannot be read', () => {
    expect(() => Guest.create({ files: { stdin: join(host, 'missing') } })).toThrow(HostFileError);
    try {
      Guest.create({ files: { stdin: join(host, 'missing') } });
    } catch (error) {
      expect((error as HostFileError).exitCode).toBe(EXIT_CODES.hostIo);
    }
  });
});

describe('the output directory (--out)', () => {
  it('should make the host directory before the run and copy what the guest wrote into it when copyOut() is called', () => {
    const out = join(host, 'results');
    const g = Guest.create({ files: { out: { host: out } } });
    expect(readdirSync(out)).toEqual([]);
    g.writeFile('/out/a.txt', 'alpha');
    g.mkdir('/out/sub');
    g.writeFile('/out/sub/b.txt', 'beta');
    g.symlink('a.txt', '/out/link');
    g.call(NR.exit_group, 0);
    expect(readdirSync(out)).toEqual([]); // the run's owner copies, not the exit
    expect(g.vfs.copyOut()).toEqual({ guest: '/out', host: out, files: 2, bytes: 9 });
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('alpha');
    expect(readFileSync(join(out, 'sub', 'b.txt'), 'utf8')).toBe('beta');
    expect(existsSync(join(out, 'link'))).toBe(false);
    expect(g.vfs.copyOut()).toEqual({ guest: '/out', host: out, files: 2, bytes: 9 });
  });
  it('should take another guest path, and refuse a host path that is a file', () => {
    const out = join(host, 'r2');
    const g = Guest.create({ files: { out: { host: out, guest: '/results/here' } } });
    g.writeFile('/results/here/x', 'x');
    g.vfs.copyOut();
    expect(readFileSync(join(out, 'x'), 'utf8')).toBe('x');
    expect(() => Guest.create({ files: { out: { host: join(data, 'in.txt') } } })).toThrow(MountError);
  });
});

describe('bad file options', () => {
  it.each<[string, FilesOptions]>([
    ['a missing host directory', { mounts: [{ host: '/no/such/dir', guest: '/d' }] }],
    ['a relative guest path', { mounts: [{ host: '/tmp', guest: 'd' }] }],
    ['a guest path with ..', { mounts: [{ host: '/tmp', guest: '/a/../b' }] }],
    ['a mount over the root', { mounts: [{ host: '/tmp', guest: '/' }] }],
    ['a file given as a directory', { mounts: [{ host: '/proc/self/exe', guest: '/d' }] }],
    ['a directory given as a file', { files: [{ host: '/tmp', guest: '/f' }] }],
    ['a missing host file', { files: [{ host: '/no/such/file', guest: '/f' }] }],
    ['two mounts on one place', { mounts: [{ host: '/tmp', guest: '/d' }, { host: '/tmp', guest: '/d' }] }],
    ['a file over an existing name', { files: [{ host: '/proc/self/exe', guest: '/tmp' }] }],
    ['a mount point missing in a read-only mount', { mounts: [{ host: '/tmp', guest: '/d' }, { host: '/tmp', guest: '/d/zeroos-no-such-dir' }] }],
    ['a relative cwd', { cwd: 'work' }],
    ['a cwd through a file', { cwd: '/dev/null/x' }],
  ])('should refuse %s with a MountError (a usage error)', (_what, files) => {
    let error: unknown;
    try {
      Guest.create({ files });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MountError);
    expect((error as MountError).exitCode).toBe(EXIT_CODES.usage);
  });
  it('should mount nested host directories, children after parents whatever the order given', () => {
    const g = Guest.create({
      files: {
        mounts: [
          { host: join(host, 'data', 'sub'), guest: '/data/empty' },
          { host: data, guest: '/data' },
        ],
      },
    });
    expect(g.readFile('/data/empty/deep.txt')).toBe('deep');
    expect(g.statOk('/data/empty/..').ino).toBe(g.statOk('/data').ino);
    expect(lstatSync(join(data, 'empty')).isDirectory()).toBe(true);
  });
});
