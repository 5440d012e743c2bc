import { closeSync, constants, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, realpathSync, writeSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { HostFileError, MountError } from './errors.js';
import { HostAccessRefused, checkEntry, identityOf, lstatExact, type HostIdentity } from './host-access.js';

/*
 * Everything ZeroOS writes on the host goes through here: the --out copy-back and any
 * other output file. Nothing is written through a host symlink: files are created with
 * O_CREAT|O_EXCL|O_NOFOLLOW (or O_NOFOLLOW and a regular-file check), directories are made
 * one at a time and lstat'ed after, and a tree is written below a directory whose device
 * and inode were recorded before the run. Every failure is a HostFileError (exit 77).
 */

/** One entry of a tree to write: a file with its bytes or a directory with its entries. */
export type OutputTreeEntry =
  | { readonly kind: 'file'; readonly name: string; contents(): Uint8Array }
  | { readonly kind: 'directory'; readonly name: string; entries(): Iterable<OutputTreeEntry> };

/** What a tree write put on the host. */
export interface OutputTreeSummary {
  readonly files: number;
  readonly bytes: number;
}

const FILE_CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * The real path `host` has or would have once made: the nearest existing ancestor
 * resolved (realpath), the missing names appended. For comparing an output with mounts.
 */
export function prospectiveRealPath(host: string): string {
  const missing: string[] = [];
  let at = resolve(host);
  for (;;) {
    try {
      const real = realpathSync(at);
      return missing.length === 0 ? real : resolve(real, ...missing.reverse());
    } catch {
      const parent = dirname(at);
      if (parent === at) return resolve(host);
      missing.push(basename(at));
      at = parent;
    }
  }
}

/**
 * A host directory that receives a tree, checked before the run: a new directory (made
 * now, one level at a time) or an existing empty one, and not a symlink. Its identity is
 * recorded, so the tree goes where it was checked or nowhere.
 */
export class HostOutputDirectory {
  private constructor(
    /** The directory as given, for messages. */
    readonly host: string,
    /** Its real path. */
    readonly path: string,
    private readonly identity: HostIdentity,
  ) {}

  /** Checks or makes `host`; a wrong kind is a MountError (usage), a host failure a HostFileError. */
  static prepare(option: string, host: string): HostOutputDirectory {
    let exists = true;
    try {
      const stats = lstatExact(host);
      if (stats.isSymbolicLink()) throw new MountError(option, `${host} is a symlink; give the directory it leads to`);
      if (!stats.isDirectory()) throw new MountError(option, `${host} exists and is not a directory`);
    } catch (error) {
      if (error instanceof MountError) throw error;
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new HostFileError(host, 'inspect', error);
      exists = false;
    }
    if (exists) {
      let names: string[];
      try {
        names = readdirSync(host);
      } catch (error) {
        throw new HostFileError(host, 'list', error);
      }
      if (names.length > 0) throw new MountError(option, `${host} is not empty (give a new or empty directory)`);
    } else {
      makeDirectories(host);
    }
    let real: string;
    let identity: HostIdentity;
    try {
      real = realpathSync(host);
      const stats = lstatExact(real);
      if (!stats.isDirectory()) throw new HostAccessRefused('ENOTDIR', real, `${real} is not a directory`);
      identity = identityOf(stats);
    } catch (error) {
      throw new HostFileError(host, 'open', error);
    }
    return new HostOutputDirectory(host, real, identity);
  }

  /** Writes `entries` into the directory; a HostFileError on the first failure. */
  write(entries: Iterable<OutputTreeEntry>): OutputTreeSummary {
    try {
      const stats = checkEntry(Buffer.from(this.path), this.path, this.identity);
      if (!stats.isDirectory()) throw new HostAccessRefused('ESTALE', this.path, `${this.path} is no longer a directory`);
    } catch (error) {
      throw new HostFileError(this.host, 'write into', error);
    }
    const summary = { files: 0, bytes: 0 };
    writeEntries(Buffer.from(this.path), entries, summary);
    return summary;
  }
}

function writeEntries(dir: Buffer, entries: Iterable<OutputTreeEntry>, summary: { files: number; bytes: number }): void {
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'latin1');
    const path = Buffer.concat([dir, Buffer.from('/'), name]);
    const display = path.toString('utf8');
    if (entry.name === '' || entry.name === '.' || entry.name === '..' || entry.name.includes('/')) {
      throw new HostFileError(display, 'write', new Error(`bad name "${entry.name}"`));
    }
    if (entry.kind === 'directory') {
      try {
        mkdirSync(path);
        const stats = lstatExact(path);
        if (!stats.isDirectory()) throw new HostAccessRefused('ESTALE', display, `${display} is not the directory just made`);
      } catch (error) {
        throw new HostFileError(display, 'create directory', error);
      }
      writeEntries(path, entry.entries(), summary);
    } else {
      const contents = entry.contents();
      writeFileAt(path, display, contents, true);
      summary.files++;
      summary.bytes += contents.length;
    }
  }
}

/**
 * Opens a host output file for writing without following a symlink at its last
 * component: created if missing; with `exclusive`, an existing one is an error, else an
 * existing regular file is emptied (anything else is refused). Returns the descriptor.
 */
export function createHostOutputFile(path: string | Buffer, options: { readonly exclusive?: boolean; readonly mode?: number } = {}): number {
  const display = typeof path === 'string' ? path : path.toString('utf8');
  let fd: number | undefined;
  try {
    fd = openSync(path, FILE_CREATE | (options.exclusive ? constants.O_EXCL : 0), options.mode ?? 0o666);
    if (!fstatSync(fd).isFile()) throw new HostAccessRefused('ESTALE', display, `${display} is not a regular file`);
    if (!options.exclusive) ftruncateSync(fd, 0);
    return fd;
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    throw new HostFileError(display, 'create', error);
  }
}

/** Writes `contents` to a host output file (as `createHostOutputFile` opens it). */
export function writeHostOutputFile(path: string | Buffer, contents: Uint8Array, options: { readonly exclusive?: boolean } = {}): void {
  const display = typeof path === 'string' ? path : path.toString('utf8');
  writeFileAt(path, display, contents, options.exclusive ?? false);
}

function writeFileAt(path: string | Buffer, display: string, contents: Uint8Array, exclusive: boolean): void {
  const fd = createHostOutputFile(path, { exclusive });
  try {
    let done = 0;
    while (done < contents.length) done += writeSync(fd, contents, done, contents.length - done);
  } catch (error) {
    throw new HostFileError(display, 'write', error);
  } finally {
    closeSync(fd);
  }
}

/** `mkdir -p`, one level at a time (a recursive mkdir can spin forever where the kernel answers ENOENT, e.g. in /proc). */
function makeDirectories(host: string): void {
  const missing: string[] = [];
  let at = resolve(host);
  for (;;) {
    try {
      const stats = lstatExact(at);
      if (!stats.isDirectory()) {
        // A symlink to a directory is followed here: the ancestors are the user's own choice.
        const real = realpathSync(at);
        if (!lstatExact(real).isDirectory()) throw new HostAccessRefused('ENOTDIR', at, `${at} is not a directory`);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new HostFileError(host, 'create directory', error);
      const parent = dirname(at);
      if (parent === at) break;
      missing.push(at);
      at = parent;
    }
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (error) {
      throw new HostFileError(host, 'create directory', error);
    }
  }
}
