import { closeSync, constants, fstatSync, lstatSync, openSync, type BigIntStats } from 'node:fs';

/*
 * How the VFS touches the host without being redirected. Node has no openat(), so every
 * operation names a path; these helpers make that path safe to use: it is rebuilt from the
 * mount's real root one component at a time, each component is lstat'ed (a symlink or a
 * non-directory where a directory is needed is refused, never followed), and the object
 * reached is compared by device and inode with the one the VFS recorded for it. The guest
 * cannot act between a check and the use that follows (the VFS is synchronous), so only
 * another host process racing us could change a path in between: that is outside the
 * threat model (SECURITY.md).
 */

/** A host object's identity: what a path must still lead to before it is used. */
export interface HostIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
}

/** ESTALE: the host object the VFS knew is no longer where it was (Linux's NFS errno). */
export const ESTALE = 116;

/** A refusal raised by the checks, carrying the host errno code the guest is shown. */
export class HostAccessRefused extends Error {
  constructor(
    readonly code: 'ESTALE' | 'ELOOP' | 'ENOTDIR' | 'ENOENT',
    readonly path: string,
    why: string,
  ) {
    super(`${code}: ${why}`);
    this.name = 'HostAccessRefused';
  }
}

export const identityOf = (stats: BigIntStats): HostIdentity => ({ dev: stats.dev, ino: stats.ino });
export const sameIdentity = (a: HostIdentity, b: HostIdentity): boolean => a.dev === b.dev && a.ino === b.ino;

/** lstat with exact (bigint) device and inode numbers. */
export function lstatExact(path: string | Buffer): BigIntStats {
  return lstatSync(path, { bigint: true });
}

/** lstat `path` and refuse anything that is not `identity` (ESTALE), or not of the kind expected. */
export function checkEntry(path: Buffer, display: string, identity: HostIdentity): BigIntStats {
  const stats = lstatExact(path);
  if (!sameIdentity(identityOf(stats), identity)) {
    throw new HostAccessRefused('ESTALE', display, `${display} is no longer the object the guest opened`);
  }
  return stats;
}

/**
 * Walks `components` below `root` (whose identity was recorded at mount time), refusing
 * a symlink or a non-directory at every step. Returns the checked path, ready for one
 * operation on its last component.
 */
export function walkDirectories(root: string, rootIdentity: HostIdentity, components: readonly string[]): string {
  const toBytes = (path: string) => Buffer.from(path, 'latin1');
  const rootStats = lstatExact(toBytes(root));
  if (!sameIdentity(identityOf(rootStats), rootIdentity) || !rootStats.isDirectory()) {
    throw new HostAccessRefused('ESTALE', root, `the mounted directory ${root} was replaced`);
  }
  let path = root;
  for (const name of components) {
    if (name === '' || name === '.' || name === '..' || name.includes('/')) {
      throw new HostAccessRefused('ENOENT', path, `bad path component "${name}"`);
    }
    path = `${path}/${name}`;
    const stats = lstatExact(toBytes(path));
    if (stats.isSymbolicLink()) throw new HostAccessRefused('ELOOP', path, `${path} is a symlink on the host`);
    if (!stats.isDirectory()) throw new HostAccessRefused('ENOTDIR', path, `${path} is not a directory on the host`);
  }
  return path;
}

/**
 * Opens a regular file that `lstat` has just shown to be `identity`, without following a
 * symlink and without blocking (a FIFO put there would otherwise hang the run), then
 * checks the descriptor is that file.
 */
export function openChecked(path: Buffer, display: string, identity: HostIdentity, writable: boolean): number {
  const stats = checkEntry(path, display, identity);
  if (!stats.isFile()) throw new HostAccessRefused('ESTALE', display, `${display} is no longer a regular file`);
  const flags = (writable ? constants.O_RDWR : constants.O_RDONLY) | constants.O_NOFOLLOW | constants.O_NONBLOCK;
  const fd = openSync(path, flags);
  try {
    const opened = fstatSync(fd, { bigint: true });
    if (!opened.isFile() || !sameIdentity(identityOf(opened), identity)) {
      throw new HostAccessRefused('ESTALE', display, `${display} changed while it was opened`);
    }
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}

/** The default number of host descriptors one run keeps open at most. */
export const DEFAULT_HOST_DESCRIPTORS = 64;

interface PooledDescriptor {
  readonly fd: number;
  readonly writable: boolean;
}

/**
 * The host descriptors of a run's host files: at most `capacity` open at once, the least
 * recently used closed first. A file is reopened (through `openChecked`, so only when its
 * device and inode still match) when it is needed again. The guest's own descriptors are
 * VFS objects and hold none of these, so its fd limit never depends on the host's
 * RLIMIT_NOFILE. `close()` releases them all; the pool stays usable after it.
 */
export class HostDescriptorPool {
  readonly #open = new Map<object, PooledDescriptor>();

  constructor(readonly capacity = DEFAULT_HOST_DESCRIPTORS) {
    if (!(capacity >= 1)) throw new RangeError('a host descriptor pool needs room for at least one descriptor');
  }

  /** How many host descriptors are open now. */
  get size(): number {
    return this.#open.size;
  }

  /**
   * The descriptor for `key`: the pooled one when it allows the access needed, else a
   * new one from `open(writable)`.
   */
  acquire(key: object, writable: boolean, open: (writable: boolean) => number): number {
    const pooled = this.#open.get(key);
    if (pooled && (pooled.writable || !writable)) {
      this.#open.delete(key);
      this.#open.set(key, pooled); // most recently used last
      return pooled.fd;
    }
    const fd = open(writable);
    this.adopt(key, fd, writable);
    return fd;
  }

  /** Takes over a descriptor just opened for `key` (e.g. the one a creation returned). */
  adopt(key: object, fd: number, writable: boolean): void {
    this.drop(key);
    while (this.#open.size >= this.capacity) {
      const [oldest] = this.#open.keys();
      this.drop(oldest!);
    }
    this.#open.set(key, { fd, writable });
  }

  /** Closes `key`'s descriptor, if one is open (its file was unlinked, or a check failed). */
  drop(key: object): void {
    const pooled = this.#open.get(key);
    if (!pooled) return;
    this.#open.delete(key);
    try {
      closeSync(pooled.fd);
    } catch {
      // already closed: nothing is held
    }
  }

  /** Closes every descriptor. Idempotent. */
  close(): void {
    for (const key of [...this.#open.keys()]) this.drop(key);
  }
}
