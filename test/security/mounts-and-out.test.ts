import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors.js';
import { HostFileError, MountError } from '../../src/subsystems/vfs/errors.js';
import { createHostOutputFile, writeHostOutputFile } from '../../src/subsystems/vfs/host-output.js';
import type { FilesOptions } from '../../src/subsystems/vfs/options.js';
import { Guest } from '../subsystems/vfs/support.js';
import { makeScratch, snapshot, type Scratch } from './scratch.js';

let s: Scratch;
let before: Record<string, string>;
beforeEach(() => {
  s = makeScratch();
  before = snapshot(s.root, [s.rw]);
});
afterEach(() => s.remove());

function failure(files: FilesOptions): unknown {
  try {
    Guest.create({ files });
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('overlapping mounts', () => {
  it.each<[string, (s: Scratch) => FilesOptions, RegExp]>([
    [
      'a read-write mount inside a read-only one',
      (s) => ({ mounts: [{ host: s.root, guest: '/p' }, { host: s.rw, guest: '/b', mode: 'rw' }] }),
      /--mount .*:\/b:rw: overlaps --mount .*:\/p/,
    ],
    [
      'a read-only mount inside a read-write one',
      (s) => ({ mounts: [{ host: s.root, guest: '/p', mode: 'rw' }, { host: join(s.rw, 'sub'), guest: '/b' }] }),
      /--mount .*:\/b: overlaps --mount .*:\/p:rw/,
    ],
    ['the same directory twice', (s) => ({ mounts: [{ host: s.rw, guest: '/a', writable: true }, { host: s.rw, guest: '/b', mode: 'cow' }] }), /overlaps/],
    [
      'the same directory through a host symlink',
      (s) => ({ mounts: [{ host: s.rw, guest: '/a', mode: 'rw' }, { host: join(s.rw, '..', 'rw'), guest: '/b' }] }),
      /overlaps/,
    ],
    [
      'a --file inside a read-write mount',
      (s) => ({ mounts: [{ host: s.rw, guest: '/a', mode: 'rw' }], files: [{ host: join(s.rw, 'existing.txt'), guest: '/f' }] }),
      /--file .*: overlaps --mount/,
    ],
    [
      'a read-write --file inside a read-only mount',
      (s) => ({ mounts: [{ host: s.rw, guest: '/a' }], files: [{ host: join(s.rw, 'existing.txt'), guest: '/f', mode: 'rw' }] }),
      /overlaps/,
    ],
    ['--out inside a mount', (s) => ({ mounts: [{ host: s.rw, guest: '/a' }], out: { host: join(s.rw, 'results') } }), /--out .*: overlaps --mount/],
    ['--out around a mount', (s) => ({ mounts: [{ host: s.rw, guest: '/a', mode: 'cow' }], out: { host: s.root } }), /overlaps/],
  ])('should refuse %s with a usage error naming both options', (_what, files, message) => {
    const error = failure(files(s));
    expect(error).toBeInstanceOf(MountError);
    expect((error as MountError).exitCode).toBe(EXIT_CODES.usage);
    expect((error as MountError).message).toMatch(message);
    expect(existsSync(join(s.rw, 'results'))).toBe(false);
  });

  it('should allow views that leave the host alone to overlap (ro and cow)', () => {
    const g = Guest.create({
      files: {
        mounts: [
          { host: s.root, guest: '/p' },
          { host: s.rw, guest: '/b', mode: 'cow' },
          { host: s.rw, guest: '/c' },
        ],
        files: [{ host: join(s.rw, 'existing.txt'), guest: '/f' }],
      },
    });
    g.writeFile('/b/existing.txt', 'changed in memory');
    expect(g.readFile('/c/existing.txt')).toBe('existing');
    expect(g.readFile('/p/rw/existing.txt')).toBe('existing');
    expect(g.readFile('/f')).toBe('existing');
    expect(readFileSync(join(s.rw, 'existing.txt'), 'utf8')).toBe('existing');
  });
});

describe('--out checked before the run', () => {
  it('should refuse a directory holding a planted symlink (not empty), writing nothing', () => {
    const out = join(s.root, 'out');
    mkdirSync(out);
    symlinkSync(s.canary, join(out, 'a.txt'));
    const error = failure({ out: { host: out } });
    expect(error).toBeInstanceOf(MountError);
    expect((error as Error).message).toMatch(/not empty/);
    expect(readFileSync(s.canary, 'utf8')).toBe('CANARY');
  });
  it('should refuse an --out that is itself a symlink', () => {
    const out = join(s.root, 'out');
    symlinkSync(s.canaryDir, out);
    expect(failure({ out: { host: out } })).toBeInstanceOf(MountError);
    expect(readdirSync(s.canaryDir)).toEqual(['secret']);
  });
  it('should refuse an --out that is a file', () => {
    expect(failure({ out: { host: s.canary } })).toBeInstanceOf(MountError);
  });
  it.each([
    ['under a file', (s: Scratch) => join(s.canary, 'results')],
    ['in /proc (which used to spin forever)', () => '/proc/zeroos-no-such-dir/results'],
    ['in /proc itself', () => '/proc/x'],
  ])('should stop with HostFileError (77) when it cannot be made: %s', (_what, path) => {
    const started = Date.now();
    const error = failure({ out: { host: path(s) } });
    expect(error).toBeInstanceOf(HostFileError);
    expect((error as HostFileError).exitCode).toBe(EXIT_CODES.hostIo);
    expect(Date.now() - started).toBeLessThan(5000);
  });
  it('should make a new directory, parents included, before the run', () => {
    const out = join(s.root, 'new', 'deeper', 'out');
    Guest.create({ files: { out: { host: out } } });
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('--out copied back', () => {
  it('should never write through a symlink planted during the run, and fail with the same HostFileError each time', () => {
    const out = join(s.root, 'out');
    const g = Guest.create({ files: { out: { host: out } } });
    g.writeFile('/out/a.txt', 'guest output');
    g.mkdir('/out/sub');
    g.writeFile('/out/sub/b.txt', 'more');
    symlinkSync(s.canary, join(out, 'a.txt')); // planted by someone else during the run
    let first: unknown;
    try {
      g.vfs.copyOut();
    } catch (error) {
      first = error;
    }
    expect(first).toBeInstanceOf(HostFileError);
    expect((first as HostFileError).exitCode).toBe(EXIT_CODES.hostIo);
    expect(() => g.vfs.copyOut()).toThrow(first as Error);
    expect(readFileSync(s.canary, 'utf8')).toBe('CANARY');
    const after = snapshot(s.root, [s.rw, out]);
    expect({ ...after, '.': '' }).toEqual({ ...before, '.': '' }); // the root's mtime changed: out was made in it
  });
  it('should not write into a directory swapped for a symlink', () => {
    const out = join(s.root, 'out');
    const g = Guest.create({ files: { out: { host: out } } });
    g.mkdir('/out/sub');
    g.writeFile('/out/sub/secret', 'overwritten?');
    symlinkSync(s.canaryDir, join(out, 'sub'));
    expect(() => g.vfs.copyOut()).toThrow(HostFileError);
    expect(readFileSync(join(s.canaryDir, 'secret'), 'utf8')).toBe('SECRET');
  });
  it('should fail with HostFileError when the directory became unwritable or vanished', () => {
    const out = join(s.root, 'out');
    const g = Guest.create({ files: { out: { host: out } } });
    g.writeFile('/out/a.txt', 'x');
    rmSync(out, { recursive: true });
    expect(() => g.vfs.copyOut()).toThrow(HostFileError);
  });
  it('should copy an output written into nothing but new names, and summarise it once', () => {
    const out = join(s.root, 'out');
    const g = Guest.create({ files: { out: { host: out } } });
    g.writeFile('/out/a.txt', 'alpha');
    const summary = g.vfs.copyOut();
    expect(summary).toEqual({ guest: '/out', host: out, files: 1, bytes: 5 });
    g.writeFile('/out/late.txt', 'late');
    expect(g.vfs.copyOut()).toBe(summary);
    expect(readdirSync(out)).toEqual(['a.txt']);
  });
});

describe('host output files', () => {
  it('should refuse to write through a symlink at the last component', () => {
    const link = join(s.root, 'trace.txt');
    symlinkSync(s.canary, link);
    expect(() => writeHostOutputFile(link, new TextEncoder().encode('trace'))).toThrow(HostFileError);
    expect(readFileSync(s.canary, 'utf8')).toBe('CANARY');
  });
  it('should create, or empty and rewrite, a regular file; exclusive refuses an existing one', () => {
    const path = join(s.root, 'trace.txt');
    writeHostOutputFile(path, new TextEncoder().encode('first, longer'));
    writeHostOutputFile(path, new TextEncoder().encode('second'));
    expect(readFileSync(path, 'utf8')).toBe('second');
    expect(() => createHostOutputFile(path, { exclusive: true })).toThrow(HostFileError);
  });
});
