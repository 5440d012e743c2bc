import { existsSync, lstatSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Vfs } from '../../src/subsystems/vfs/vfs.js';
import { createKernel } from '../../src/zeroos.js';
import { makeScratch, snapshot, type Scratch } from './scratch.js';

const GUESTS = join(import.meta.dirname, '..', '..', 'guests');

/*
 * guests/src/escape_rw.c, a real C program, run through the kernel with a scratch host
 * directory mounted read-write at /rw: every attack (unlink, rename, rmdir, hard link,
 * a host symlink moved into place) then write, ftruncate and fchmod 04777 through a
 * descriptor whose name was replaced by a symlink to the outside. Nothing outside the
 * mount is read, created or changed.
 */
let s: Scratch;
let before: Record<string, string>;
beforeEach(() => {
  s = makeScratch();
  before = snapshot(s.root, [s.rw]);
});
afterEach(() => s.remove());

function run() {
  const zeroos = createKernel({ files: { mounts: [{ host: s.rw, guest: '/rw', mode: 'rw' }] } });
  const argv = ['/bin/escape_rw', '/rw', s.canary, s.canaryDir, 'hostlink'];
  zeroos.load({ executable: readFileSync(join(GUESTS, 'bin', 'escape_rw')), argv });
  try {
    const result = zeroos.run();
    return { result, stdout: new TextDecoder().decode(result.stdout) };
  } finally {
    zeroos.container.get(Vfs).release();
  }
}

describe('escape_rw', () => {
  it('should change nothing outside its read-write mount and read none of it', () => {
    const { result, stdout } = run();
    expect(result.exitCode).toBe(0);
    expect(snapshot(s.root, [s.rw])).toEqual(before);
    expect(stdout).not.toMatch(/CANARY|SECRET/);
    // Every write, truncate and fchmod went to the guest's own file, in memory or in the mount.
    for (const label of ['unlink', 'rename', 'rmdir', 'link', 'hostlink']) {
      expect(stdout).toContain(`${label}: write = 5\n`);
      expect(stdout).toContain(`${label}: ftruncate 3 = 0\n`);
      expect(stdout).toContain(`${label}: fchmod 04777 = 0\n`);
      expect(stdout).toContain(`${label}: fstat mode 4777 size 3\n`);
    }
    expect(stdout).toContain('unlink: holds "min"\n');
    expect(stdout).toContain('hostlink: holds "PWN"\n');
    expect(stdout).toContain('hostlink: open p/secret = -1 No such file or directory\n');
    expect(stdout).toContain('read: open f = -1 No such file or directory\n');
    expect(stdout).toContain('read: open outside file = -1 No such file or directory\n');
  });

  it('should leave in the mount only what the guest made there as files and directories, without set-id bits or symlinks', () => {
    run();
    expect(readdirSync(s.rw).sort()).toEqual(['e', 'existing.txt', 'p', 'p2', 'sub', 'y']);
    expect(lstatSync(join(s.rw, 'p')).isSymbolicLink()).toBe(true); // the host's own link, renamed by the guest
    expect(readFileSync(join(s.rw, 'e', 'g'), 'utf8')).toBe('min');
    expect(readFileSync(join(s.rw, 'y'), 'utf8')).toBe('PWN');
    expect(readFileSync(join(s.rw, 'p2', 'q'), 'utf8')).toBe('PWN');
    for (const file of ['e/g', 'y', 'p2/q']) expect(statSync(join(s.rw, file)).mode & 0o7777).toBe(0o777);
    expect(existsSync(join(s.rw, 'evil'))).toBe(false);
  });
});
