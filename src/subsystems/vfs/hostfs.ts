import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  ftruncateSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmdirSync,
  symlinkSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { Errno } from '../../kernel/errno.js';
import { HostFileError } from './errors.js';
import { DirectoryInode, RegularInode, SymlinkInode, type FileSystem, type Inode, type Mirror } from './inode.js';

/** A host path held one byte per character, as a Buffer for node:fs (so any byte survives). */
export const hostBytes = (path: string): Buffer => Buffer.from(path, 'latin1');
/** A host path as the user typed it (UTF-8) → one byte per character. */
export const fromHostString = (path: string): string => Buffer.from(path, 'utf8').toString('latin1');
/** One byte per character → readable text for messages. */
export const toDisplay = (path: string): string => Buffer.from(path, 'latin1').toString('utf8');

const HOST_ERRNO: Record<string, number> = {
  EPERM: Errno.EPERM,
  ENOENT: Errno.ENOENT,
  EACCES: Errno.EACCES,
  EEXIST: Errno.EEXIST,
  ENOTDIR: Errno.ENOTDIR,
  EISDIR: Errno.EISDIR,
  EINVAL: Errno.EINVAL,
  ENOSPC: Errno.ENOSPC,
  EDQUOT: Errno.ENOSPC,
  EROFS: Errno.EROFS,
  EXDEV: Errno.EXDEV,
  EMLINK: Errno.EMLINK,
  EBUSY: Errno.EBUSY,
  EFBIG: Errno.EFBIG,
  ENAMETOOLONG: Errno.ENAMETOOLONG,
  ELOOP: Errno.ELOOP,
  ENOTEMPTY: Errno.ENOTEMPTY,
};

/** A host failure as the guest sees it: the matching errno, or EIO. */
export function hostErrno(error: unknown): number {
  return -(HOST_ERRNO[(error as NodeJS.ErrnoException)?.code ?? ''] ?? Errno.EIO);
}

/** V9FS_MAGIC: a host directory shared into a machine, as 9p does for VMs. */
const HOSTFS_MAGIC = 0x01021997;

/**
 * A host directory (or one host file) shown to the guest. The guest never hands a path
 * to the host: the VFS resolves every component itself, and this file system only ever
 * touches `root + "/" + names` where each name is one it listed (or, read-write, one the
 * guest created in a directory it listed), each intermediate one a real directory. Host
 * symlinks become VFS symlinks, which resolve inside the guest's namespace, never on the
 * host; host devices, sockets and FIFOs are not shown at all.
 *
 * Everything is read lazily and once: a directory when first listed, a file's bytes when
 * first needed (hashed then: they are a committed input). Later host changes are not seen,
 * so a run sees one consistent snapshot. Read-write mounts write every change through to
 * the host as it happens. Times and modes are not taken from the host (they are not part
 * of what is committed): files show the boot time, 0644 (0755 if the host has an x bit),
 * directories 0755.
 */
export class HostFileSystem implements FileSystem {
  readonly type = 'hostfs';
  readonly magic = HOSTFS_MAGIC;
  readonly mirror: Mirror | undefined;
  #ino = 1;

  constructor(
    readonly dev: number,
    /** The host directory or file, resolved (realpath), one byte per character. */
    readonly hostRoot: string,
    readonly readOnly: boolean,
    private readonly bootTime: bigint,
  ) {
    this.mirror = readOnly ? undefined : new HostMirror();
  }

  nextIno(): number {
    return this.#ino++;
  }

  charge(): boolean {
    return true;
  }

  /** The root of a mounted host directory. */
  rootDirectory(): DirectoryInode {
    const root = new DirectoryInode(this, this.nextIno(), 0o755, this.bootTime, undefined, '', false);
    root.hostPath = this.hostRoot;
    return root;
  }

  /** A single mounted host file. */
  singleFile(): RegularInode {
    const node = this.nodeFor(this.hostRoot, undefined, '');
    if (!(node instanceof RegularInode)) throw new HostFileError(toDisplay(this.hostRoot), 'open', new Error('not a regular file'));
    return node;
  }

  populate(dir: DirectoryInode): void {
    let names: Buffer[];
    try {
      names = readdirSync(hostBytes(dir.hostPath!), { encoding: 'buffer' });
    } catch (error) {
      throw new HostFileError(toDisplay(dir.hostPath!), 'list', error);
    }
    // Sorted, so inode numbers do not depend on the host's directory order.
    for (const raw of names.sort(Buffer.compare)) {
      const name = raw.toString('latin1');
      const node = this.nodeFor(`${dir.hostPath}/${name}`, dir, name);
      if (node) dir.attach(name, node);
    }
  }

  load(file: RegularInode): Uint8Array {
    const path = file.hostPath!;
    let bytes: Uint8Array;
    let fd: number | undefined;
    try {
      fd = openSync(hostBytes(path), constants.O_RDONLY | constants.O_NOFOLLOW);
      const size = fstatSync(fd).size;
      bytes = new Uint8Array(size);
      let filled = 0;
      while (filled < size) {
        const n = readSync(fd, bytes, filled, size - filled, filled);
        if (n === 0) break;
        filled += n;
      }
      bytes = bytes.subarray(0, filled);
    } catch (error) {
      throw new HostFileError(toDisplay(path), 'read', error);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    if (file.input) {
      file.input.sha256 = bytesToHex(sha256(bytes));
      file.input.loadedSize = bytes.length;
    }
    return bytes;
  }

  /** The inode for a host entry, or undefined for what the guest must not see. */
  nodeFor(path: string, parent: DirectoryInode | undefined, name: string): Inode | undefined {
    let stats: Stats;
    try {
      stats = lstatSync(hostBytes(path));
    } catch {
      return undefined;
    }
    let node: Inode;
    if (stats.isDirectory()) {
      node = new DirectoryInode(this, this.nextIno(), 0o755, this.bootTime, parent, name, false);
    } else if (stats.isFile()) {
      const file = new RegularInode(this, this.nextIno(), stats.mode & 0o111 ? 0o755 : 0o644, this.bootTime, undefined, stats.size);
      file.input = { hostPath: path };
      node = file;
    } else if (stats.isSymbolicLink()) {
      let target: string;
      try {
        target = readlinkSync(hostBytes(path), { encoding: 'buffer' }).toString('latin1');
      } catch {
        return undefined;
      }
      node = new SymlinkInode(this, this.nextIno(), this.bootTime, target);
    } else {
      return undefined;
    }
    node.hostPath = path;
    return node;
  }
}

/** Writes a read-write host mount's changes through to the host. */
class HostMirror implements Mirror {
  create(dir: DirectoryInode, name: string, node: Inode): number {
    const path = `${dir.hostPath}/${name}`;
    try {
      if (node instanceof RegularInode) {
        closeSync(openSync(hostBytes(path), constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW, node.mode));
      } else if (node instanceof DirectoryInode) {
        mkdirSync(hostBytes(path), { mode: node.mode });
      } else if (node instanceof SymlinkInode) {
        symlinkSync(hostBytes(node.target), hostBytes(path));
      } else {
        return -Errno.EPERM;
      }
    } catch (error) {
      return hostErrno(error);
    }
    node.hostPath = path;
    return 0;
  }

  remove(dir: DirectoryInode, name: string, node: Inode): number {
    try {
      if (node instanceof DirectoryInode) rmdirSync(hostBytes(`${dir.hostPath}/${name}`));
      else unlinkSync(hostBytes(`${dir.hostPath}/${name}`));
    } catch (error) {
      return hostErrno(error);
    }
    return 0;
  }

  rename(from: DirectoryInode, fromName: string, to: DirectoryInode, toName: string, node: Inode): number {
    const target = `${to.hostPath}/${toName}`;
    try {
      renameSync(hostBytes(`${from.hostPath}/${fromName}`), hostBytes(target));
    } catch (error) {
      return hostErrno(error);
    }
    relocate(node, target);
    return 0;
  }

  link(node: Inode, dir: DirectoryInode, name: string): number {
    try {
      linkSync(hostBytes(node.hostPath!), hostBytes(`${dir.hostPath}/${name}`));
    } catch (error) {
      return hostErrno(error);
    }
    return 0;
  }

  write(file: RegularInode, offset: number, data: Uint8Array): number {
    if (file.links === 0 || file.hostPath === undefined) return 0; // unlinked: it lives on in memory only
    return this.withFile(file, (fd) => {
      let done = 0;
      while (done < data.length) done += writeSync(fd, data, done, data.length - done, offset + done);
    });
  }

  truncate(file: RegularInode, size: number): number {
    if (file.links === 0 || file.hostPath === undefined) return 0;
    return this.withFile(file, (fd) => ftruncateSync(fd, size));
  }

  chmod(node: Inode, mode: number): number {
    if (node instanceof SymlinkInode || node.hostPath === undefined) return 0;
    try {
      chmodSync(hostBytes(node.hostPath), mode);
    } catch (error) {
      return hostErrno(error);
    }
    return 0;
  }

  private withFile(file: RegularInode, action: (fd: number) => void): number {
    let fd: number | undefined;
    try {
      fd = openSync(hostBytes(file.hostPath!), constants.O_WRONLY | constants.O_NOFOLLOW);
      action(fd);
      return 0;
    } catch (error) {
      return hostErrno(error);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
}

/** After a rename: the moved node's host path, and those of everything loaded below it. */
function relocate(node: Inode, path: string): void {
  node.hostPath = path;
  if (node instanceof DirectoryInode) {
    for (const [name, child] of node.loadedEntries()) relocate(child, `${path}/${name}`);
  }
}
