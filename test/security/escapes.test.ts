import { existsSync, lstatSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Errno } from '../../src/kernel/errno.js';
import { SYSCALL_NUMBERS as NR } from '../../src/kernel/syscall/numbers.js';
import { O_CREAT, O_DIRECTORY, O_RDWR, O_WRONLY } from '../../src/subsystems/vfs/constants.js';
import { E, Guest } from '../subsystems/vfs/support.js';
import { makeScratch, snapshot, type Scratch } from './scratch.js';

/*
 * The escapes of issue 9, driven syscall by syscall on the real kernel against a scratch
 * host tree: a read-write mount at /rw, a canary file and directory next to it. After
 * each attack the tree outside the mount is exactly as before (contents, modes, mtimes),
 * and the guest never saw a byte of the canaries.
 */
let s: Scratch;
let before: Record<string, string>;
beforeEach(() => {
  s = makeScratch();
  before = snapshot(s.root, [s.rw]);
});
afterEach(() => s.remove());

const rwGuest = () => Guest.create({ files: { mounts: [{ host: s.rw, guest: '/rw', mode: 'rw' }] } });
const S_ISUID = 0o4000;

/** Writes, truncates and fchmods 04777 through `fd`, as the attacker does once the name is gone. */
function abuse(g: Guest, fd: number): bigint[] {
  return [g.write(fd, 'PWNED'), g.call(NR.ftruncate, fd, 3), g.call(NR.fchmod, fd, 0o4777)];
}

function expectOutsideUntouched(): void {
  expect(snapshot(s.root, [s.rw])).toEqual(before);
  expect(readFileSync(s.canary, 'utf8')).toBe('CANARY');
  expect(statSync(s.canary).mode & 0o7777).toBe(0o644);
}

/** No symlink anywhere in the mounted directory but the one the host put there. */
function expectNoGuestSymlinks(): void {
  const links: string[] = [];
  const visit = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const stats = lstatSync(path);
      if (stats.isSymbolicLink()) links.push(path);
      else if (stats.isDirectory()) visit(path);
    }
  };
  visit(s.rw);
  expect(links.filter((l) => l !== join(s.rw, 'hostlink'))).toEqual([]);
}

describe('stale host paths in a read-write mount', () => {
  it('should keep an unlinked file in memory: a symlink where its name was leads nowhere on the host', () => {
    const g = rwGuest();
    const fd = g.fd('/rw/f', O_RDWR | O_CREAT);
    g.write(fd, 'mine');
    expect(g.unlink('/rw/f')).toBe(0n);
    expect(g.symlink(s.canary, '/rw/f')).toBe(0n);
    expect(abuse(g, fd)).toEqual([5n, 0n, 0n]);
    expect(g.pread(fd, 100, 0)).toBe('min');
    expect(existsSync(join(s.rw, 'f'))).toBe(false);
    expect(g.readFile('/rw/f')).toBe(E(Errno.ENOENT)); // the link resolves in the guest's namespace
    expectOutsideUntouched();
    expectNoGuestSymlinks();
  });

  it('should keep an open, never-read file readable after unlink, with the bytes it had', () => {
    const g = rwGuest();
    const fd = g.fd('/rw/existing.txt', O_RDWR);
    expect(g.unlink('/rw/existing.txt')).toBe(0n);
    expect(g.symlink(s.canary, '/rw/existing.txt')).toBe(0n);
    expect(g.pread(fd, 100, 0)).toBe('existing');
    expect(abuse(g, fd)).toEqual([5n, 0n, 0n]);
    expectOutsideUntouched();
  });

  it('should follow a renamed directory on the host, whatever takes its old name', () => {
    const g = rwGuest();
    g.mkdir('/rw/d');
    const fd = g.fd('/rw/d/g', O_RDWR | O_CREAT);
    g.write(fd, 'mine');
    expect(g.rename('/rw/d', '/rw/e')).toBe(0n);
    expect(g.symlink(s.canaryDir, '/rw/d')).toBe(0n);
    expect(abuse(g, fd)).toEqual([5n, 0n, 0n]);
    expect(readFileSync(join(s.rw, 'e', 'g'), 'utf8')).toBe('min'); // 'mine', 'PWNED' at 4, truncated to 3
    expect(statSync(join(s.rw, 'e', 'g')).mode & 0o7777).toBe(0o777); // set-id bits stay in the guest
    expect(existsSync(join(s.canaryDir, 'g'))).toBe(false);
    expectOutsideUntouched();
    expectNoGuestSymlinks();
  });

  it('should follow a renamed directory when a host symlink is moved into its place', () => {
    const g = rwGuest();
    g.mkdir('/rw/p');
    const fd = g.fd('/rw/p/q', O_RDWR | O_CREAT);
    const lazy = g.fd('/rw/sub/deep.txt', O_RDWR); // not read yet: loaded lazily later
    expect(g.rename('/rw/p', '/rw/p2')).toBe(0n);
    expect(g.rename('/rw/sub', '/rw/sub2')).toBe(0n);
    expect(g.rename('/rw/hostlink', '/rw/p')).toBe(0n); // the host's own symlink to the canary directory
    expect(lstatSync(join(s.rw, 'p')).isSymbolicLink()).toBe(true);
    expect(abuse(g, fd)).toEqual([5n, 0n, 0n]);
    expect(g.pread(lazy, 100, 0)).toBe('deep');
    expect(g.write(lazy, 'DEEP')).toBe(4n);
    expect(readFileSync(join(s.rw, 'p2', 'q'), 'utf8')).toBe('PWN');
    expect(readFileSync(join(s.rw, 'sub2', 'deep.txt'), 'utf8')).toBe('DEEP');
    expect(g.open('/rw/p/secret')).toBe(E(Errno.ENOENT));
    expectOutsideUntouched();
  });

  it('should keep a file whose directory was removed in memory', () => {
    const g = rwGuest();
    g.mkdir('/rw/d2');
    const fd = g.fd('/rw/d2/h', O_RDWR | O_CREAT);
    g.write(fd, 'mine');
    expect(g.unlink('/rw/d2/h')).toBe(0n);
    expect(g.rmdir('/rw/d2')).toBe(0n);
    expect(g.symlink(s.canaryDir, '/rw/d2')).toBe(0n);
    expect(abuse(g, fd)).toEqual([5n, 0n, 0n]);
    expect(existsSync(join(s.rw, 'd2'))).toBe(false);
    expectOutsideUntouched();
  });

  it('should write through the remaining name of a hard link', () => {
    const g = rwGuest();
    const fd = g.fd('/rw/x', O_RDWR | O_CREAT);
    expect(g.link('/rw/x', '/rw/y')).toBe(0n);
    expect(g.unlink('/rw/x')).toBe(0n);
    expect(g.symlink(s.canary, '/rw/x')).toBe(0n);
    expect(abuse(g, fd)).toEqual([5n, 0n, 0n]);
    expect(readFileSync(join(s.rw, 'y'), 'utf8')).toBe('PWN');
    expect(statSync(join(s.rw, 'y')).mode & S_ISUID).toBe(0);
    expect(existsSync(join(s.rw, 'x'))).toBe(false);
    expectOutsideUntouched();
  });

  it('should chmod and truncate by path only the object the guest named, never with set-id bits', () => {
    const g = rwGuest();
    expect(g.call(NR.fchmodat, -100, g.str('/rw/existing.txt'), 0o6755)).toBe(0n);
    expect(g.statOk('/rw/existing.txt').mode & 0o7777).toBe(0o6755);
    expect(statSync(join(s.rw, 'existing.txt')).mode & 0o7777).toBe(0o755);
    expect(g.call(NR.fchmodat, -100, g.str('/rw/sub'), 0o1777)).toBe(0n);
    expect(statSync(join(s.rw, 'sub')).mode & 0o7777).toBe(0o777);
    expect(g.call(NR.truncate, g.str('/rw/existing.txt'), 2)).toBe(0n);
    expect(readFileSync(join(s.rw, 'existing.txt'), 'utf8')).toBe('ex');
    expect(g.call(NR.fchmodat, -100, g.str('/rw/hostlink'), 0o4777)).toBe(E(Errno.ENOENT)); // the link leads nowhere in the guest
    expectOutsideUntouched();
  });

  it('should answer ESTALE, not touch another file, when a host process swapped the file', async () => {
    const { renameSync, writeFileSync } = await import('node:fs');
    const g = rwGuest();
    const fd = g.fd('/rw/existing.txt', O_RDWR);
    expect(g.read(fd, 3)).toBe('exi');
    g.vfs.release(); // no pooled descriptor: the next write reopens by path
    renameSync(join(s.rw, 'existing.txt'), join(s.rw, 'moved-away.txt'));
    writeFileSync(join(s.rw, 'existing.txt'), 'someone else');
    expect(g.write(fd, 'x')).toBe(E(116));
    expect(readFileSync(join(s.rw, 'existing.txt'), 'utf8')).toBe('someone else');
    expectOutsideUntouched();
  });
});

describe('symlinks and special files the guest makes in a read-write mount', () => {
  it('should stay in the VFS, never on the host', () => {
    const g = rwGuest();
    expect(g.symlink('/etc', '/rw/evil')).toBe(0n);
    expect(g.mkdir('/rw/dir')).toBe(0n);
    expect(g.symlink('../../etc/passwd', '/rw/dir/up')).toBe(0n);
    expect(g.readlink('/rw/evil')).toBe('/etc');
    expect(g.list('/rw')).toContain('evil');
    expect(existsSync(join(s.rw, 'evil'))).toBe(false);
    expect(readdirSync(join(s.rw, 'dir'))).toEqual([]);
    expect(g.rename('/rw/evil', '/rw/existing.txt')).toBe(0n); // over a host file: the host's goes
    expect(existsSync(join(s.rw, 'existing.txt'))).toBe(false);
    expect(g.unlink('/rw/dir/up')).toBe(0n);
    expect(g.rmdir('/rw/dir')).toBe(0n);
    expect(existsSync(join(s.rw, 'dir'))).toBe(false);
    expectNoGuestSymlinks();
    expectOutsideUntouched();
  });
});

describe('host descriptors', () => {
  it('should hold at most 64, reopen checked ones past that, and release them all', () => {
    const g = rwGuest();
    const fds: number[] = [];
    for (let i = 0; i < 200; i++) fds.push(g.fd(`/rw/file${i}`, O_RDWR | O_CREAT));
    for (const [i, fd] of fds.entries()) expect(g.write(fd, `data ${i}`)).toBe(BigInt(`data ${i}`.length));
    for (const fd of fds) expect(g.write(fd, '!')).toBe(1n);
    expect(g.vfs.openHostDescriptors).toBeLessThanOrEqual(64);
    expect(g.vfs.openHostDescriptors).toBeGreaterThan(0);
    g.vfs.release();
    g.vfs.release();
    expect(g.vfs.openHostDescriptors).toBe(0);
    expect(readFileSync(join(s.rw, 'file7'), 'utf8')).toBe('data 7!');
    expect(readFileSync(join(s.rw, 'file199'), 'utf8')).toBe('data 199!');
  });
});

describe('a copy-on-write mount', () => {
  it('should let the guest change everything and leave the host exactly as it was', () => {
    const all = snapshot(s.root);
    const g = Guest.create({ files: { mounts: [{ host: s.rw, guest: '/cow', mode: 'cow' }] } });
    const fd = g.fd('/cow/existing.txt', O_RDWR);
    expect(g.write(fd, 'EX')).toBe(2n);
    expect(g.call(NR.ftruncate, fd, 4)).toBe(0n);
    expect(g.call(NR.fchmod, fd, 0o4777)).toBe(0n);
    expect(g.readFile('/cow/existing.txt')).toBe('EXis');
    g.writeFile('/cow/new.txt', 'new');
    expect(g.mkdir('/cow/newdir')).toBe(0n);
    expect(g.rename('/cow/sub', '/cow/newdir/sub')).toBe(0n);
    expect(g.readFile('/cow/newdir/sub/deep.txt')).toBe('deep'); // read lazily from the host's original place
    expect(g.unlink('/cow/newdir/sub/deep.txt')).toBe(0n);
    expect(g.rmdir('/cow/newdir/sub')).toBe(0n);
    expect(g.symlink(s.canary, '/cow/evil')).toBe(0n);
    expect(g.unlink('/cow/hostlink')).toBe(0n);
    expect(g.call(NR.fchmodat, -100, g.str('/cow'), 0o1777)).toBe(0n);
    expect(g.rename('/cow/new.txt', '/cow/existing.txt', 2 /* RENAME_EXCHANGE */)).toBe(0n);
    expect(g.list('/cow').sort()).toEqual(['.', '..', 'evil', 'existing.txt', 'new.txt', 'newdir']);
    g.vfs.release();
    expect(snapshot(s.root)).toEqual(all);
  });
  it('should refuse growth past its capacity with ENOSPC', () => {
    const g = Guest.create({ files: { mounts: [{ host: s.rw, guest: '/cow', mode: 'cow' }], tmpfsCapacity: 1024 } });
    const fd = g.fd('/cow/big', O_WRONLY | O_CREAT);
    expect(g.call(NR.ftruncate, fd, 4096)).toBe(E(Errno.ENOSPC));
  });
  it('should treat `mode` as winning over `writable`', () => {
    const all = snapshot(s.root);
    const g = Guest.create({ files: { mounts: [{ host: s.rw, guest: '/cow', mode: 'cow', writable: true }] } });
    g.writeFile('/cow/existing.txt', 'changed');
    expect(g.readFile('/cow/existing.txt')).toBe('changed');
    expect(snapshot(s.root)).toEqual(all);
    const ro = Guest.create({ files: { mounts: [{ host: s.rw, guest: '/ro', mode: 'ro', writable: true }] } });
    expect(ro.open('/ro/existing.txt', O_WRONLY)).toBe(E(Errno.EROFS));
  });
});

describe('read-only views', () => {
  it('should list a directory whose host path was swapped for a symlink as ESTALE, never through the link', async () => {
    const { renameSync, symlinkSync } = await import('node:fs');
    const g = Guest.create({ files: { mounts: [{ host: s.rw, guest: '/ro' }] } });
    g.statOk('/ro/existing.txt'); // lists /ro, not /ro/sub (a directory's stat would list it for st_nlink)
    renameSync(join(s.rw, 'sub'), join(s.rw, 'sub-old'));
    symlinkSync(s.canaryDir, join(s.rw, 'sub'));
    expect(() => g.open('/ro/sub/secret', O_DIRECTORY)).toThrow(/ELOOP|ESTALE|cannot list/);
    expectOutsideUntouched();
  });
});
