import { DirectoryInode, GeneratedDirectory, GeneratedFileInode, MagicLinkInode, SymlinkInode, type FileSystem, type Inode } from './inode.js';
import type { OpenFile } from '../../kernel/contracts/device.js';

const TMPFS_MAGIC = 0x01021994;
/** What one in-memory file system holds at most by default (its files' bytes): past it, ENOSPC. */
export const DEFAULT_TMPFS_CAPACITY = 1 << 30;

/**
 * An in-memory file system (tmpfs): files, directories, symlinks and hard links, held
 * entirely in the VFS's inodes. Its bytes count against a capacity, so a guest that
 * writes without end gets ENOSPC instead of exhausting the host.
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
    readonly capacity = DEFAULT_TMPFS_CAPACITY,
    rootMode = 0o755,
  ) {
    this.root = new DirectoryInode(this, this.nextIno(), rootMode, time);
  }

  /** Bytes its files hold. */
  get used(): number {
    return this.#used;
  }

  nextIno(): number {
    return this.#ino++;
  }

  charge(bytes: number): boolean {
    if (bytes > 0 && this.#used + bytes > this.capacity) return false;
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
