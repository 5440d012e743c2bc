import { DirectoryInode, GeneratedDirectory, GeneratedFileInode, MagicLinkInode, SymlinkInode, type FileSystem, type Inode } from './inode.js';
import type { OpenFile } from '../../kernel/contracts/device.js';
import type { MemoryBudget } from '../../kernel/memory-budget.js';

const TMPFS_MAGIC = 0x01021994;
/** No per-file-system cap by default: the run's memory budget is what counts. */
export const DEFAULT_TMPFS_CAPACITY = Number.POSITIVE_INFINITY;
/** What statfs reports as the size of a tmpfs with neither a cap nor a budget (1 TiB). */
const UNBOUNDED_STATFS_SIZE = 2 ** 40;

/**
 * An in-memory file system (tmpfs): files, directories, symlinks and hard links, held
 * entirely in the VFS's inodes. Its file pages, directory entries and symlink targets are
 * charged to the run's memory budget (shared with the address space, pipes and the other
 * in-memory file systems), so a guest that writes without end gets ENOSPC instead of
 * exhausting the host. `capacity` is an optional extra cap on this one file system's
 * file sizes (the tmpfsCapacity option).
 */
export class MemoryFileSystem implements FileSystem {
  readonly magic = TMPFS_MAGIC;
  readonly readOnly = false;
  readonly root: DirectoryInode;
  #ino = 1;
  #used = 0;

  constructor(
    readonly dev: number,
    time: bigint,
    readonly type = 'tmpfs',
    readonly cap = DEFAULT_TMPFS_CAPACITY,
    readonly budget?: MemoryBudget,
    rootMode = 0o755,
  ) {
    this.root = new DirectoryInode(this, this.nextIno(), rootMode, time);
  }

  /** Bytes its files hold (their sizes). */
  get used(): number {
    return this.#used;
  }

  /** The size statfs shows: what it holds plus what the budget (and the cap) still allow. */
  get capacity(): number {
    const room = this.budget ? this.#used + this.budget.available : Number.POSITIVE_INFINITY;
    const capacity = Math.min(this.cap, room);
    return Number.isFinite(capacity) ? capacity : UNBOUNDED_STATFS_SIZE;
  }

  nextIno(): number {
    return this.#ino++;
  }

  charge(bytes: number): boolean {
    if (bytes > 0 && this.#used + bytes > this.cap) return false;
    this.#used = Math.max(0, this.#used + bytes);
    return true;
  }
}

const PROC_SUPER_MAGIC = 0x9fa0;
const SYSFS_MAGIC = 0x62656572;

/**
 * A read-only file system whose files are produced on demand: /proc and /sys. Contents
 * are computed from the kernel's state when a file is opened, and are deterministic.
 */
export class SyntheticFileSystem implements FileSystem {
  readonly readOnly = true;
  readonly magic: number;
  readonly root: DirectoryInode;
  #ino = 1;

  constructor(
    readonly dev: number,
    readonly type: 'proc' | 'sysfs',
    private readonly time: bigint,
  ) {
    this.magic = type === 'proc' ? PROC_SUPER_MAGIC : SYSFS_MAGIC;
    this.root = new DirectoryInode(this, this.nextIno(), 0o555, time);
  }

  nextIno(): number {
    return this.#ino++;
  }

  charge(): boolean {
    return false;
  }

  directory(parent: DirectoryInode, name: string): DirectoryInode {
    const dir = new DirectoryInode(this, this.nextIno(), 0o555, this.time, parent, name);
    parent.attach(name, dir);
    return dir;
  }

  /** A directory of `path` components under the root, made as needed. */
  directories(path: string): DirectoryInode {
    let dir = this.root;
    for (const name of path.split('/').filter(Boolean)) {
      const existing = dir.lookup(name);
      dir = existing instanceof DirectoryInode ? existing : this.directory(dir, name);
    }
    return dir;
  }

  file(parent: DirectoryInode, name: string, generate: () => Uint8Array | string): GeneratedFileInode {
    const file = new GeneratedFileInode(this, this.nextIno(), this.time, () => {
      const contents = generate();
      return typeof contents === 'string' ? new TextEncoder().encode(contents) : contents;
    });
    parent.attach(name, file);
    return file;
  }

  symlink(parent: DirectoryInode, name: string, target: string): SymlinkInode {
    const link = new SymlinkInode(this, this.nextIno(), this.time, target);
    parent.attach(name, link);
    return link;
  }

  magicLink(parent: DirectoryInode, name: string, describe: () => string, resolve: () => Inode | OpenFile | number): MagicLinkInode {
    const link = new MagicLinkInode(this, this.nextIno(), this.time, describe, resolve);
    parent.attach(name, link);
    return link;
  }

  generatedDirectory(parent: DirectoryInode, name: string, generate: (self: DirectoryInode) => Map<string, Inode>): DirectoryInode {
    let self: DirectoryInode;
    const dir = new GeneratedDirectory(this, this.nextIno(), this.time, parent, name, () => generate(self));
    self = dir;
    parent.attach(name, dir);
    return dir;
  }

  /** A magic link that is not attached anywhere (the entries of a generated directory). */
  detachedMagicLink(ino: number, describe: () => string, resolve: () => Inode | OpenFile | number): MagicLinkInode {
    const link = new MagicLinkInode(this, ino, this.time, describe, resolve);
    link.links = 1;
    return link;
  }
}
