import { DT_UNKNOWN } from './constants.js';
import { Inode, type FileSystem } from './inode.js';

const ANON_INODE_FS_MAGIC = 0x09041934;

/**
 * anon_inodefs: where eventfd and epoll descriptors live. As in Linux, they all share one
 * inode, with no name anywhere; /proc/self/fd shows them as "anon_inode:[eventfd]" and
 * "anon_inode:[eventpoll]".
 */
export class AnonInodeFileSystem implements FileSystem {
  readonly type = 'anon_inodefs';
  readonly magic = ANON_INODE_FS_MAGIC;
  readonly readOnly = false;
  /** The one inode every anonymous file shares. */
  readonly inode: AnonInode;
  private _ino = 1;

  constructor(
    readonly dev: number,
    time: bigint,
  ) {
    this.inode = new AnonInode(this, this.nextIno(), time);
  }

  nextIno(): number {
    return this._ino++;
  }

  charge(): boolean {
    return true;
  }
}

/** The shared anonymous inode: mode 0600 and no file type bits, as Linux's anon_inode_inode. */
export class AnonInode extends Inode {
  readonly kind = 'file';

  constructor(fs: FileSystem, ino: number, time: bigint) {
    super(fs, ino, 0o600, time);
    this.links = 1;
  }

  override get typeBits(): number {
    return 0;
  }

  override get direntType(): number {
    return DT_UNKNOWN;
  }
}
