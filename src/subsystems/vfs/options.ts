import type { ServiceIdentifier } from 'inversify';

/** A host directory or file shown to the guest. */
export interface HostMount {
  /** The host path (a directory for a mount, a regular file for a single file). */
  readonly host: string;
  /** Where the guest sees it: an absolute path. */
  readonly guest: string;
  /** Allow the guest to write to it (default: read-only, writes fail with EROFS). */
  readonly writable?: boolean;
}

/** A directory the guest writes its results into, copied to the host when the process exits. */
export interface OutputDirectory {
  /** The host directory to copy into (created if missing; files in it are overwritten). */
  readonly host: string;
  /** Where the guest sees the (initially empty, in-memory) directory. Default "/out". */
  readonly guest?: string;
}

/**
 * What the guest's file namespace holds besides the defaults (an in-memory root with
 * /tmp, /dev, /proc, /sys and the executable at its path).
 */
export interface FilesOptions {
  /** Host directories, read-only unless `writable`. */
  readonly mounts?: readonly HostMount[];
  /** Single host files, read-only unless `writable`. */
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
