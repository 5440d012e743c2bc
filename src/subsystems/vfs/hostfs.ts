import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  ftruncateSync,
  linkSync,
  mkdirSync,
  openSync,
  readSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmdirSync,
  unlinkSync,
  writeSync,
  type BigIntStats,
} from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { Errno } from '../../kernel/errno.js';
import { OutOfMemory, type MemoryBudget } from '../../kernel/memory-budget.js';
import { HostFileError } from './errors.js';
import {
  ESTALE,
  HostAccessRefused,
  HostDescriptorPool,
  checkEntry,
  identityOf,
  lstatExact,
  openChecked,
  sameIdentity,
  walkDirectories,
  type HostIdentity,
} from './host-access.js';
import { DirectoryInode, RegularInode, SymlinkInode, type FileSystem, type Inode, type Mirror } from './inode.js';
import type { HostMountMode } from './options.js';

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
  ESTALE,
};

/** A host failure as the guest sees it: the matching errno, or EIO. */
export function hostErrno(error: unknown): number {
  // Keeping an unlinked host file's bytes in memory can exceed the run's budget: ENOMEM.
  if (error instanceof OutOfMemory) return -Errno.ENOMEM;
  return -(HOST_ERRNO[(error as NodeJS.ErrnoException)?.code ?? ''] ?? Errno.EIO);
}

/** V9FS_MAGIC: a host directory shared into a machine, as 9p does for VMs. */
const HOSTFS_MAGIC = 0x01021997;
/** What a copy-on-write mount may hold in memory by default (bytes its files grew by). */
const DEFAULT_COW_CAPACITY = 1 << 30;
/** Permission bits that may reach the host: never set-user-ID, set-group-ID or sticky. */
const HOST_MODE_BITS = 0o777;

/** What the VFS knows of one host object: its identity, and every host path it has now. */
interface HostRecord {
  readonly identity: HostIdentity;
  /** Exact host paths (one byte per character); empty once the last one was removed. */
  paths: string[];
}

/**
 * A host directory (or one host file) shown to the guest, in one of three modes:
 * read-only (`ro`: EROFS on every change), read-write (`rw`: changes are written through
 * to the host as they happen) or copy-on-write (`cow`: the guest changes what it likes,
 * in memory; the host is never changed).
 *
 * The guest never hands a path to the host. Host symlinks become VFS symlinks, which
 * resolve inside the guest's namespace; host devices, sockets and FIFOs are not shown.
 * Each host operation rebuilds its path from the mount's real root, refusing a symlink
 * or non-directory on the way (host-access.ts), and checks the object it reaches has the
 * device and inode recorded when the VFS first saw it: a mismatch is ESTALE for the
 * guest, never an access to another host file. File contents go through descriptors from
 * a capped pool shared by the run. A read-write mount keeps each inode's host paths exact
 * across rename, link and unlink: a file whose last name went lives on in memory only.
 * Symlinks and other special files the guest makes stay in the VFS (never on the host:
 * they would be traps for whoever opens the directory later), and set-id and sticky bits
 * never reach the host.
 *
 * Everything is read lazily and once: a directory when first listed, a file's bytes when
 * first needed (hashed then: they are a committed input). Later host changes are not seen,
 * so a run sees one consistent snapshot. Times and modes are not taken from the host
 * (they are not part of what is committed): files show the boot time, 0644 (0755 if the
 * host has an x bit), directories 0755.
 */
export class HostFileSystem implements FileSystem, Mirror {
  readonly type = 'hostfs';
  readonly magic = HOSTFS_MAGIC;
  readonly readOnly: boolean;
  readonly mirror: Mirror | undefined;
  readonly #records = new WeakMap<Inode, HostRecord>();
  readonly #rootIdentity: HostIdentity;
  readonly #rootIsFile: boolean;
  #ino = 1;
  #used = 0;

  constructor(
    readonly dev: number,
    /** The host directory or file, resolved (realpath), one byte per character. */
    readonly hostRoot: string,
    readonly mode: HostMountMode,
    private readonly bootTime: bigint,
    private readonly pool: HostDescriptorPool,
    /**
     * The run's memory budget: what the host holds in memory for this mount (file bytes
     * loaded or written, directory entries listed or made) is charged to it.
     */
    readonly budget: MemoryBudget | undefined = undefined,
    /** For `cow`: bytes the guest's changes may hold in memory. */
    private readonly capacity = DEFAULT_COW_CAPACITY,
  ) {
    this.readOnly = mode === 'ro';
    this.mirror = mode === 'rw' ? this : undefined;
    let stats: BigIntStats;
    try {
      stats = lstatExact(hostBytes(hostRoot));
    } catch (error) {
      throw new HostFileError(toDisplay(hostRoot), 'open', error);
    }
    this.#rootIdentity = identityOf(stats);
    this.#rootIsFile = stats.isFile();
  }

  nextIno(): number {
    return this.#ino++;
  }

  charge(bytes: number): boolean {
    if (this.mode !== 'cow') return true; // the bytes live on the host
    if (bytes > 0 && this.#used + bytes > this.capacity) return false;
    this.#used = Math.max(0, this.#used + bytes);
    return true;
  }

  /** The root of a mounted host directory. */
  rootDirectory(): DirectoryInode {
    const root = new DirectoryInode(this, this.nextIno(), 0o755, this.bootTime, undefined, '', false);
    this.#remember(root, this.#rootIdentity, this.hostRoot);
    return root;
  }

  /** A single mounted host file. */
  singleFile(): RegularInode {
    const node = this.nodeFor(this.hostRoot, undefined, '');
    if (!(node instanceof RegularInode)) throw new HostFileError(toDisplay(this.hostRoot), 'open', new Error('not a regular file'));
    return node;
  }

  /** Whether `node` has a host object behind it now (false: it lives in memory only). */
  isHostBacked(node: Inode): boolean {
    return (this.#records.get(node)?.paths.length ?? 0) > 0;
  }

  /** Closes the host descriptor kept for `node`, if any. */
  release(node: Inode): void {
    this.pool.drop(node);
  }

  populate(dir: DirectoryInode): void {
    let names: Buffer[];
    try {
      names = readdirSync(hostBytes(this.#directoryPath(dir)), { encoding: 'buffer' });
    } catch (error) {
      throw new HostFileError(toDisplay(dir.hostPath ?? this.hostRoot), 'list', error);
    }
    const base = dir.hostPath!;
    // Sorted, so inode numbers do not depend on the host's directory order.
    for (const raw of names.sort(Buffer.compare)) {
      const name = raw.toString('latin1');
      const node = this.nodeFor(`${base}/${name}`, dir, name);
      if (node) dir.attach(name, node);
    }
  }

  load(file: RegularInode): Uint8Array {
    const path = file.hostPath;
    let bytes: Uint8Array;
    let tooBig: OutOfMemory | undefined;
    try {
      if (path === undefined) throw new HostAccessRefused('ENOENT', '', 'the file has no host path');
      const fd = this.pool.acquire(file, false, (writable) => this.#openFile(file, writable));
      const size = Number(fstatSync(fd, { bigint: true }).size);
      // Refused before the host allocates it: the bytes are charged to the budget once loaded.
      if (this.budget && !this.budget.fits(size)) {
        tooBig = new OutOfMemory(`the host file ${toDisplay(path)}`, size, this.budget.used, this.budget.limit);
        throw tooBig;
      }
      bytes = new Uint8Array(size);
      let filled = 0;
      while (filled < size) {
        const n = readSync(fd, bytes, filled, size - filled, filled);
        if (n === 0) break;
        filled += n;
      }
      bytes = bytes.subarray(0, filled);
    } catch (error) {
      this.pool.drop(file);
      if (error === tooBig) throw error;
      throw new HostFileError(toDisplay(path ?? file.input?.hostPath ?? this.hostRoot), 'read', error);
    }
    if (file.input) {
      file.input.sha256 = bytesToHex(sha256(bytes));
      file.input.loadedSize = bytes.length;
    }
    return bytes;
  }

  /** The inode for a host entry, or undefined for what the guest must not see. */
  nodeFor(path: string, parent: DirectoryInode | undefined, name: string): Inode | undefined {
    let stats: BigIntStats;
    try {
      stats = lstatExact(hostBytes(path));
    } catch {
      return undefined;
    }
    let node: Inode;
    if (stats.isDirectory()) {
      node = new DirectoryInode(this, this.nextIno(), 0o755, this.bootTime, parent, name, false);
    } else if (stats.isFile()) {
      const file = new RegularInode(this, this.nextIno(), stats.mode & 0o111n ? 0o755 : 0o644, this.bootTime, undefined, Number(stats.size));
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
    this.#remember(node, identityOf(stats), path);
    return node;
  }

  // --- Mirror: a read-write mount's changes, written through -------------------------

  create(dir: DirectoryInode, name: string, node: Inode): number {
    // Symlinks, FIFOs and the like stay in memory: on the host they would be traps.
    if (!(node instanceof RegularInode) && !(node instanceof DirectoryInode)) return 0;
    try {
      const path = `${this.#directoryPath(dir)}/${name}`;
      if (node instanceof RegularInode) {
        const flags = constants.O_CREAT | constants.O_EXCL | constants.O_RDWR | constants.O_NOFOLLOW | constants.O_NONBLOCK;
        const fd = openSync(hostBytes(path), flags, node.mode & HOST_MODE_BITS);
        this.#remember(node, identityOf(fstatSync(fd, { bigint: true })), path);
        this.pool.adopt(node, fd, true);
      } else {
        mkdirSync(hostBytes(path), { mode: node.mode & HOST_MODE_BITS });
        const stats = lstatExact(hostBytes(path));
        if (!stats.isDirectory()) throw new HostAccessRefused('ESTALE', path, `${path} is not the directory just made`);
        this.#remember(node, identityOf(stats), path);
      }
    } catch (error) {
      return hostErrno(error);
    }
    return 0;
  }

  remove(dir: DirectoryInode, name: string, node: Inode): number {
    if (!this.isHostBacked(node)) return 0;
    try {
      const path = `${this.#directoryPath(dir)}/${name}`;
      this.#check(path, node);
      // The last name goes: what an open descriptor may still read must be in memory first.
      if (node instanceof RegularInode && node.links <= 1) node.contents();
      if (node instanceof DirectoryInode) rmdirSync(hostBytes(path));
      else unlinkSync(hostBytes(path));
      this.#forgetPath(node, path);
    } catch (error) {
      return hostErrno(error);
    }
    return 0;
  }

  rename(from: DirectoryInode, fromName: string, to: DirectoryInode, toName: string, node: Inode): number {
    const target = to.loadedEntries().get(toName);
    const replaced = target !== undefined && target !== node && this.isHostBacked(target) ? target : undefined;
    if (!this.isHostBacked(node)) {
      // An in-memory object moves over a host one: the host's goes, as the VFS's will.
      return replaced ? this.remove(to, toName, replaced) : 0;
    }
    try {
      const source = `${this.#directoryPath(from)}/${fromName}`;
      const destination = `${this.#directoryPath(to)}/${toName}`;
      this.#check(source, node);
      if (replaced) {
        this.#check(destination, replaced);
        if (replaced instanceof RegularInode && replaced.links <= 1) replaced.contents();
      } else {
        // Never clobber a host entry the VFS does not show (a FIFO, a socket, ...).
        let exists = true;
        try {
          lstatExact(hostBytes(destination));
        } catch {
          exists = false;
        }
        if (exists) return -Errno.EEXIST;
      }
      renameSync(hostBytes(source), hostBytes(destination));
      if (replaced) this.#forgetPath(replaced, destination);
      this.#movePath(node, source, destination);
    } catch (error) {
      return hostErrno(error);
    }
    return 0;
  }

  link(node: Inode, dir: DirectoryInode, name: string): number {
    if (!this.isHostBacked(node)) return 0; // a link to an in-memory object is in memory too
    try {
      const source = node.hostPath!;
      this.#check(this.#entryPath(source), node);
      const destination = `${this.#directoryPath(dir)}/${name}`;
      linkSync(hostBytes(source), hostBytes(destination));
      this.#records.get(node)!.paths.push(destination);
    } catch (error) {
      return hostErrno(error);
    }
    return 0;
  }

  write(file: RegularInode, offset: number, data: Uint8Array): number {
    if (!this.isHostBacked(file)) return 0; // unlinked: it lives on in memory only
    return this.#withFile(file, (fd) => {
      let done = 0;
      while (done < data.length) done += writeSync(fd, data, done, data.length - done, offset + done);
    });
  }

  truncate(file: RegularInode, size: number): number {
    if (!this.isHostBacked(file)) return 0;
    return this.#withFile(file, (fd) => ftruncateSync(fd, size));
  }

  chmod(node: Inode, mode: number): number {
    if (!this.isHostBacked(node) || node instanceof SymlinkInode) return 0;
    const bits = mode & HOST_MODE_BITS;
    if (node instanceof RegularInode) return this.#withFile(node, (fd) => fchmodSync(fd, bits));
    let fd: number | undefined;
    try {
      const path = this.#directoryPath(node as DirectoryInode);
      fd = openSync(hostBytes(path), constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
      const opened = fstatSync(fd, { bigint: true });
      if (!sameIdentity(identityOf(opened), this.#records.get(node)!.identity)) {
        throw new HostAccessRefused('ESTALE', path, `${path} changed while it was opened`);
      }
      fchmodSync(fd, bits);
    } catch (error) {
      return hostErrno(error);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    return 0;
  }

  // --- paths and identities ------------------------------------------------------------

  #remember(node: Inode, identity: HostIdentity, path: string): void {
    this.#records.set(node, { identity, paths: [path] });
    node.hostPath = path;
  }

  /** The names below the root that lead to `path`. */
  #components(path: string): string[] {
    if (path === this.hostRoot) return [];
    if (!path.startsWith(`${this.hostRoot}/`)) throw new HostAccessRefused('ESTALE', path, `${path} is outside the mount`);
    return path.slice(this.hostRoot.length + 1).split('/');
  }

  /** A directory's host path, checked component by component and by identity. */
  #directoryPath(dir: DirectoryInode): string {
    const record = this.#records.get(dir);
    const path = record?.paths[0];
    if (!record || path === undefined) throw new HostAccessRefused('ENOENT', '', 'the directory has no host path');
    const walked = walkDirectories(this.hostRoot, this.#rootIdentity, this.#components(path));
    if (path !== this.hostRoot) this.#check(walked, dir);
    return walked;
  }

  /** An entry's path with its parent directories checked (the entry itself is checked by its user). */
  #entryPath(path: string): string {
    if (this.#rootIsFile) {
      if (path !== this.hostRoot) throw new HostAccessRefused('ESTALE', path, `${path} is not the mounted file`);
      return path;
    }
    const components = this.#components(path);
    if (components.length === 0) throw new HostAccessRefused('ESTALE', path, 'the mount root is not a file');
    walkDirectories(this.hostRoot, this.#rootIdentity, components.slice(0, -1));
    return path;
  }

  /** lstat `path` and refuse anything but `node`'s host object. */
  #check(path: string, node: Inode): void {
    const record = this.#records.get(node);
    if (!record) throw new HostAccessRefused('ESTALE', path, 'the object has no host identity');
    checkEntry(hostBytes(path), toDisplay(path), record.identity);
  }

  #openFile(file: RegularInode, writable: boolean): number {
    const record = this.#records.get(file);
    const path = record?.paths[0];
    if (!record || path === undefined) throw new HostAccessRefused('ENOENT', '', 'the file has no host path');
    return openChecked(hostBytes(this.#entryPath(path)), toDisplay(path), record.identity, writable);
  }

  #withFile(file: RegularInode, action: (fd: number) => void): number {
    try {
      action(this.pool.acquire(file, true, (writable) => this.#openFile(file, writable)));
      return 0;
    } catch (error) {
      this.pool.drop(file);
      return hostErrno(error);
    }
  }

  /** `node` lost the host name `path`; with no name left it lives on in memory only. */
  #forgetPath(node: Inode, path: string): void {
    const record = this.#records.get(node);
    if (!record) return;
    record.paths = record.paths.filter((p) => p !== path);
    node.hostPath = record.paths[0];
    if (record.paths.length === 0) this.pool.drop(node);
  }

  /** After a rename: `node`'s path, and the paths of everything loaded below it. */
  #movePath(node: Inode, from: string, to: string): void {
    const record = this.#records.get(node);
    if (record) record.paths = record.paths.map((p) => (p === from ? to : p));
    node.hostPath = record?.paths[0];
    if (!(node instanceof DirectoryInode)) return;
    const prefix = `${from}/`;
    const visit = (dir: DirectoryInode) => {
      for (const child of dir.loadedEntries().values()) {
        const childRecord = this.#records.get(child);
        if (childRecord) {
          childRecord.paths = childRecord.paths.map((p) => (p.startsWith(prefix) ? `${to}/${p.slice(prefix.length)}` : p));
          child.hostPath = childRecord.paths[0];
        }
        if (child instanceof DirectoryInode && child.fs === this) visit(child);
      }
    };
    visit(node);
  }
}
