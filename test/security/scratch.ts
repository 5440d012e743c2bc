import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/**
 * A scratch host tree for escape tests:
 *   canary.txt              "CANARY" (0644), outside every mount
 *   canary-dir/secret       "SECRET", outside every mount
 *   rw/existing.txt         "existing"
 *   rw/sub/deep.txt         "deep"
 *   rw/hostlink -> <root>/canary-dir   a symlink already on the host inside the mount
 * `rw` is what the tests mount; everything else must come out of a run unchanged.
 */
export interface Scratch {
  readonly root: string;
  readonly rw: string;
  readonly canary: string;
  readonly canaryDir: string;
  remove(): void;
}

export function makeScratch(): Scratch {
  const root = mkdtempSync(join(tmpdir(), 'zeroos-escape-'));
  const rw = join(root, 'rw');
  const canaryDir = join(root, 'canary-dir');
  mkdirSync(join(rw, 'sub'), { recursive: true });
  mkdirSync(canaryDir);
  writeFileSync(join(root, 'canary.txt'), 'CANARY', { mode: 0o644 });
  writeFileSync(join(canaryDir, 'secret'), 'SECRET', { mode: 0o644 });
  writeFileSync(join(rw, 'existing.txt'), 'existing');
  writeFileSync(join(rw, 'sub', 'deep.txt'), 'deep');
  symlinkSync(canaryDir, join(rw, 'hostlink'));
  return { root, rw, canary: join(root, 'canary.txt'), canaryDir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * Every entry under `root` (but those under `skip`) with its kind, permission bits
 * (set-id and sticky included), size, contents' hash or link target, and mtime: two
 * equal snapshots mean nothing there was created, removed or changed.
 */
export function snapshot(root: string, skip: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (path: string) => {
    if (skip.includes(path)) return;
    const stats = lstatSync(path);
    const key = relative(root, path) || '.';
    const mode = (stats.mode & 0o7777).toString(8);
    if (stats.isSymbolicLink()) out[key] = `link ${readlinkSync(path)}`;
    else if (stats.isFile()) out[key] = `file ${mode} ${stats.size} ${createHash('sha256').update(readFileSync(path)).digest('hex')} ${stats.mtimeMs}`;
    else if (stats.isDirectory()) {
      out[key] = `dir ${mode} ${stats.mtimeMs}`;
      for (const name of readdirSync(path).sort()) visit(join(path, name));
    } else out[key] = `other ${mode}`;
  };
  visit(root);
  return out;
}
