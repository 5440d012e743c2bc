import type { ServiceIdentifier } from 'inversify';

/**
 * How the guest may use a host directory or file:
 * - `ro`: read it (every change fails with EROFS);
 * - `rw`: change it, written through to the host as it happens (symlinks and other special
 *   files the guest makes stay in memory; set-id and sticky bits never reach the host);
 * - `cow`: change it freely, in memory only (read lazily from the host, which is never changed).
 */
export type HostMountMode = 'ro' | 'rw' | 'cow';

/** A host directory or file shown to the guest. */
export interface HostMount {
  /** The host path (a directory for a mount, a regular file for a single file). */
  readonly host: string;
  /** Where the guest sees it: an absolute path. */
  readonly guest: string;
  /** How the guest may use it (default `ro`, or `rw` when `writable`); wins over `writable`. */
  readonly mode?: HostMountMode;
  /** The older spelling of `mode: 'rw'`. */
  readonly writable?: boolean;
}

/** The mode a mount option asks for: `mode` when given, else `rw` for `writable`, else `ro`. */
export const mountMode = (mount: HostMount): HostMountMode => mount.mode ?? (mount.writable ? 'rw' : 'ro');

/**
 * A directory the guest writes its results into, copied to the host when the run's owner
 * calls `Vfs.copyOut()` (the CLI and `ZeroOS.run()` do, also after a fault).
 */
export interface OutputDirectory {
  /**
   * The host directory to copy into: new (it is made before the run) or an existing empty
   * directory; never a symlink, never inside or around a mounted host path.
   */
  readonly host: string;
  /** Where the guest sees the (initially empty, in-memory) directory. Default "/out". */
  readonly guest?: string;
}

/**
 * What the guest's file namespace holds besides the defaults (an in-memory root with
 * /tmp, /dev, /proc, /sys and the executable at its path).
 */
export interface FilesOptions {
  /** Host directories, read-only unless another `mode` is given. Two that overlap must both leave the host unchanged (`ro`/`cow`). */
  readonly mounts?: readonly HostMount[];
  /** Single host files, read-only unless another `mode` is given. */
  readonly files?: readonly HostMount[];
  /** The working directory (absolute; made in the in-memory root when missing). Default "/". */
  readonly cwd?: string;
  /** An in-memory directory copied out to the host when the process exits. */
  readonly out?: OutputDirectory;
  /**
   * A host file as the guest's stdin (fd 0 is then that file, as with `< FILE` in a
   * shell): a committed input, hashed and reported like the mounted ones.
   */
  readonly stdin?: string;
  /** Mount /proc and /sys (default true). */
  readonly proc?: boolean;
  /** Bytes each in-memory file system may hold (default 1 GiB); past it, ENOSPC. */
  readonly tmpfsCapacity?: number;
}

export const FILES_OPTIONS = Symbol.for('zeroos.FilesOptions') as ServiceIdentifier<FilesOptions>;
