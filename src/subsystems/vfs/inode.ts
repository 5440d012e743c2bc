import type { Device, FileStatus, OpenFile } from '../../kernel/contracts/device.js';
import { Errno } from '../../kernel/errno.js';
import { ENTRY_COST, type MemoryBudget } from '../../kernel/memory-budget.js';
import {
  DT_CHR,
  DT_DIR,
  DT_FIFO,
  DT_LNK,
  DT_REG,
  S_IFCHR,
  S_IFDIR,
  S_IFIFO,
  S_IFLNK,
  S_IFREG,
  makedev,
} from './constants.js';

/*
 * The VFS's in-memory picture of files. Every file system hands out these inodes; names
 * are JavaScript strings holding one byte per character (latin1), so any byte sequence a
 * guest uses as a name survives unchanged and sorting by string is sorting by bytes.
 */

export type InodeKind = 'file' | 'directory' | 'symlink' | 'device' | 'fifo';

/**
 * Write-through to a backing store (a host directory mounted read-write). Each call is
 * made before the in-memory change and returns 0 or a negative errno; a refusal leaves
 * both sides as they were.
 */
export interface Mirror {
  create(dir: DirectoryInode, name: string, node: Inode): number;
  remove(dir: DirectoryInode, name: string, node: Inode): number;
  rename(from: DirectoryInode, fromName: string, to: DirectoryInode, toName: string, node: Inode): number;
  link(node: Inode, dir: DirectoryInode, name: string): number;
  write(file: RegularInode, offset: number, data: Uint8Array): number;
  truncate(file: RegularInode, size: number): number;
  chmod(node: Inode, mode: number): number;
}

/** A file system under the mount tree: what it adds to the inodes it hands out. */
export interface FileSystem {
  /** "tmpfs", "hostfs", "proc", ... for statfs and messages. */
  readonly type: string;
  /** statfs f_type. */
  readonly magic: number;
  /** st_dev of its inodes. */
  readonly dev: number;
  /** Writes are refused with EROFS. */
  readonly readOnly: boolean;
  nextIno(): number;
  /** Lazily listed directories (host directories): fills `dir` the first time it is needed. */
  populate?(dir: DirectoryInode): void;
  /** Lazily read files (host files): the bytes, the first time they are needed. */
  load?(file: RegularInode): Uint8Array;
  readonly mirror?: Mirror | undefined;
  /** Takes (positive) or gives back (negative) bytes of capacity; false: no space (ENOSPC). */
  charge(bytes: number): boolean;
  /**
   * The run's memory budget, for file systems whose contents the host holds in memory
   * (tmpfs): file pages, directory entries and symlink targets are charged to it.
   */
  readonly budget?: MemoryBudget | undefined;
}

/** What a directory entry costs the budget: a fixed ENTRY_COST, its name and a symlink's target. */
export function entryCost(name: string, node: Inode): number {
  return ENTRY_COST + name.length + (node instanceof SymlinkInode ? node.target.length : 0);
}

/** Bytes per piece of a file's contents: one page, the unit tmpfs charges too. */
const PIECE = 4096;

/**
 * A regular file's contents, in 4 KiB pieces allocated as they are written: a file
 * extended by truncate or by a write far past its end holds no memory for the hole
 * (it reads as zeros), and growing a file never copies what it already holds.
 *
 * Once adopted by an inode of a file system with a budget, every piece is charged to it
 * ('files'): `reserve` before a write takes the pieces it will need (false: ENOSPC),
 * shrinking gives them back, and `discard` gives back everything when the file's last
 * name and last open description are gone.
 */
export class FileData {
  readonly #pieces: (Uint8Array | undefined)[] = [];
  #size: number;
  #budget: MemoryBudget | undefined;
  /** Pieces allocated (and charged once adopted). */
  #count = 0;

  /** `initial` is taken over, not copied. */
  constructor(initial: Uint8Array = new Uint8Array(0)) {
    for (let at = 0; at < initial.length; at += PIECE) {
      const piece = initial.subarray(at, at + PIECE);
      this.#pieces.push(piece.length === PIECE ? piece : grow(piece));
      this.#count++;
    }
    this.#size = initial.length;
  }

  /** Bytes of host memory the pieces hold. */
  get allocated(): number {
    return this.#count * PIECE;
  }

  /**
   * Charges what the contents hold to `budget` from now on. Contents the kernel loads on
   * the guest's behalf (a file read from the host, the executable) have no errno to fail
   * with: past the limit that is OutOfMemory.
   */
  adopt(budget: MemoryBudget | undefined): void {
    if (this.#budget || !budget) return;
    budget.charge('files', this.allocated, 'file contents held in memory');
    this.#budget = budget;
  }

  /** Gives back everything this holds (the file is gone); later reads see an empty file. */
  discard(): void {
    this.#budget?.release('files', this.allocated);
    this.#pieces.length = 0;
    this.#count = 0;
    this.#size = 0;
  }

  /**
   * Allocates (and charges) the pieces a write of `length` bytes at `offset` will fill;
   * false, with nothing taken, when the budget cannot hold them (the write is ENOSPC).
   */
  reserve(offset: number, length: number): boolean {
    if (length <= 0) return true;
    const first = Math.floor(offset / PIECE);
    const end = Math.ceil((offset + length) / PIECE);
    let missing = 0;
    for (let index = first; index < end; index++) if (this.#pieces[index] === undefined) missing++;
    if (missing === 0) return true;
    if (this.#budget && !this.#budget.tryCharge('files', missing * PIECE)) return false;
    for (let index = first; index < end; index++) {
      if (this.#pieces[index] === undefined) this.#pieces[index] = new Uint8Array(PIECE);
    }
    this.#count += missing;
    return true;
  }

  get size(): number {
    return this.#size;
  }

  /**
   * Up to `length` bytes at `offset` (empty past the end): a view when they lie in one
   * piece (valid until the next change), a copy otherwise.
   */
  read(offset: number, length: number): Uint8Array {
    const end = Math.min(this.#size, offset + length);
    if (offset >= end) return new Uint8Array(0);
    const first = Math.floor(offset / PIECE);
    if (first === Math.floor((end - 1) / PIECE)) {
      const piece = this.#pieces[first];
      const at = offset - first * PIECE;
      return piece ? piece.subarray(at, at + end - offset) : new Uint8Array(end - offset);
    }
    const out = new Uint8Array(end - offset);
    for (let position = offset; position < end; ) {
      const index = Math.floor(position / PIECE);
      const at = position - index * PIECE;
      const n = Math.min(PIECE - at, end - position);
      const piece = this.#pieces[index];
      if (piece) out.set(piece.subarray(at, at + n), position - offset);
      position += n;
    }
    return out;
  }

  /** The whole contents in one array (a copy). */
  view(): Uint8Array {
    return this.read(0, this.#size);
  }

  /** Writes `data` at `offset`; pieces not reserved first are charged here (past the limit: OutOfMemory). */
  write(offset: number, data: Uint8Array): void {
    const end = offset + data.length;
    for (let position = offset; position < end; ) {
      const index = Math.floor(position / PIECE);
      const at = position - index * PIECE;
      const n = Math.min(PIECE - at, end - position);
      let piece = this.#pieces[index];
      if (piece === undefined) {
        this.#budget?.charge('files', PIECE, 'file contents held in memory');
        piece = this.#pieces[index] = new Uint8Array(PIECE);
        this.#count++;
      }
      piece.set(data.subarray(position - offset, position - offset + n), at);
      position += n;
    }
    if (end > this.#size) this.#size = end;
  }

  /** Truncates or extends with zeros. */
  resize(size: number): void {
    if (size < this.#size) {
      const keep = Math.ceil(size / PIECE);
      let freed = 0;
      for (let index = keep; index < this.#pieces.length; index++) if (this.#pieces[index] !== undefined) freed++;
      this.#pieces.length = Math.min(this.#pieces.length, keep);
      this.#count -= freed;
      this.#budget?.release('files', freed * PIECE);
      const last = this.#pieces[keep - 1];
      if (last && size % PIECE !== 0) last.fill(0, size % PIECE);
    }
    this.#size = size;
  }
}

/** A short last piece, copied into a whole one so later writes can fill it. */
function grow(piece: Uint8Array): Uint8Array {
  const whole = new Uint8Array(PIECE);
  whole.set(piece);
  return whole;
}

/** What the guest sees of one file, whatever file system holds it. */
export abstract class Inode {
  abstract readonly kind: InodeKind;
  /** Permission bits (0o7777). */
  mode: number;
  uid = 0;
  gid = 0;
  /** Hard links to a non-directory (directories count theirs from their entries). */
  links = 0;
  atime: bigint;
  mtime: bigint;
  ctime: bigint;
  btime: bigint;
  /** Host-backed inodes: the host path (one byte per character), kept up to date across renames. */
  hostPath: string | undefined;
  /** Open file descriptions on this inode (plus pins such as the executable): it lives while any is open. */
  opens = 0;

  constructor(
    readonly fs: FileSystem,
    readonly ino: number,
    mode: number,
    time: bigint,
  ) {
    this.mode = mode;
    this.atime = this.mtime = this.ctime = this.btime = time;
  }

  /** S_IF* of this kind. */
  abstract get typeBits(): number;
  /** d_type for getdents64. */
  abstract get direntType(): number;

  get size(): number {
    return 0;
  }

  get nlink(): number {
    return this.links;
  }

  get rdev(): number {
    return 0;
  }

  /** mtime and ctime: the contents changed. */
  modified(now: bigint): void {
    this.mtime = this.ctime = now;
  }

  /** An open file description (or a pin) now refers to this inode. */
  opened(): void {
    this.opens++;
  }

  /** One went: when it was the last and no name is left either, the inode's memory is given back. */
  closed(): void {
    this.opens--;
    this.unreferenced();
  }

  /** Called when a name or an open description goes: frees what the inode holds once both are gone. */
  unreferenced(): void {
    if (this.links <= 0 && this.opens <= 0) this.discard();
  }

  /** Gives back what the inode holds in memory (nothing by default). */
  protected discard(): void {}

  status(): FileStatus {
    const size = this.size;
    return {
      dev: this.fs.dev,
      ino: this.ino,
      mode: this.typeBits | this.mode,
      nlink: this.nlink,
      uid: this.uid,
      gid: this.gid,
      rdev: this.rdev,
      size,
      blksize: 4096,
      blocks: Math.ceil(size / 4096) * 8,
      atime: this.atime,
      mtime: this.mtime,
      ctime: this.ctime,
      btime: this.btime,
    };
  }
}

/** Where a committed input came from, and what it was when loaded. */
export interface InputOrigin {
  readonly hostPath: string;
  /** Set when the bytes are loaded: SHA-256 of the whole file, hex. */
  sha256?: string;
  loadedSize?: number;
}

export class RegularInode extends Inode {
  readonly kind = 'file';
  /** Undefined until a lazily read file is first needed. */
  #data: FileData | undefined;
  /** The size a lazily read file has before it is loaded. */
  #unloadedSize = 0;
  /** Host-backed files are committed inputs: hashed when loaded, reported on first read. */
  input: InputOrigin | undefined;

  constructor(fs: FileSystem, ino: number, mode: number, time: bigint, data?: FileData, unloadedSize = 0) {
    super(fs, ino, mode, time);
    data?.adopt(fs.budget);
    this.#data = data;
    this.#unloadedSize = unloadedSize;
  }

  override get typeBits(): number {
    return S_IFREG;
  }

  override get direntType(): number {
    return DT_REG;
  }

  override get size(): number {
    return this.#data ? this.#data.size : this.#unloadedSize;
  }

  get loaded(): boolean {
    return this.#data !== undefined;
  }

  /** The contents, loading them from the backing store the first time. */
  contents(): FileData {
    if (!this.#data) {
      const data = new FileData(this.fs.load ? this.fs.load(this) : new Uint8Array(0));
      data.adopt(this.fs.budget);
      this.#data = data;
    }
    return this.#data;
  }

  /** Replaces the contents without loading them (O_TRUNC of a file never read). */
  replaceContents(data: FileData): void {
    this.#data?.discard();
    data.adopt(this.fs.budget);
    this.#data = data;
  }

  /** The last name and the last open description are gone: the bytes go too (not before: an unlinked open file still holds them). */
  protected override discard(): void {
    this.#data?.discard();
  }
}

/** A directory: its entries, its parent, and the mount stacked on it if any. */
export class DirectoryInode extends Inode {
  readonly kind = 'directory';
  readonly #entries = new Map<string, Inode>();
  /** The parent directory (itself for a file system's root). */
  parent: DirectoryInode;
  /** Its name in the parent, for getcwd. */
  name: string;
  /** Host directories are listed the first time they are needed. */
  populated: boolean;
  /** The root of the file system mounted on this directory, if any. */
  mountedHere: DirectoryInode | undefined;
  /** For a mounted file system's root: the directory it covers. */
  mountpoint: DirectoryInode | undefined;
  /** rmdir'ed: lookups and creations in it fail with ENOENT (a process may still sit in it). */
  removed = false;

  constructor(fs: FileSystem, ino: number, mode: number, time: bigint, parent?: DirectoryInode, name = '', populated = true) {
    super(fs, ino, mode, time);
    this.parent = parent ?? this;
    this.name = name;
    this.populated = populated;
  }

  override get typeBits(): number {
    return S_IFDIR;
  }

  override get direntType(): number {
    return DT_DIR;
  }

  override get size(): number {
    return 4096;
  }

  override get nlink(): number {
    if (this.removed) return 0;
    let subdirectories = 0;
    for (const child of this.entries().values()) if (child.kind === 'directory') subdirectories++;
    return 2 + subdirectories;
  }

  /** The entries by name (without "." and ".."). */
  entries(): ReadonlyMap<string, Inode> {
    if (!this.populated) {
      this.populated = true;
      this.fs.populate?.(this);
    }
    return this.#entries;
  }

  lookup(name: string): Inode | undefined {
    return this.entries().get(name);
  }

  /** The entries loaded so far, without listing a lazily listed directory. */
  loadedEntries(): ReadonlyMap<string, Inode> {
    return this.#entries;
  }

  /**
   * Whether a new entry `name` for `node` fits in the run's memory budget (false: ENOSPC).
   * The syscalls that add names ask first; `attach` then cannot fail.
   */
  canAttach(name: string, node: Inode): boolean {
    return this.fs.budget?.fits(entryCost(name, node)) ?? true;
  }

  /**
   * Adds or replaces an entry; keeps link counts and a moved directory's parent in step.
   * Its cost (entryCost) is charged to the file system's budget, if it has one: callers
   * that add names for the guest check canAttach first; setup past the limit is OutOfMemory.
   */
  attach(name: string, node: Inode): void {
    this.entries();
    const previous = this.#entries.get(name);
    if (previous) this.detach(name);
    this.fs.budget?.charge('entries', entryCost(name, node), 'a directory entry');
    this.#entries.set(name, node);
    if (node instanceof DirectoryInode) {
      node.parent = this;
      node.name = name;
    } else {
      node.links++;
    }
  }

  detach(name: string): Inode | undefined {
    this.entries();
    const node = this.#entries.get(name);
    if (!node) return undefined;
    this.#entries.delete(name);
    this.fs.budget?.release('entries', entryCost(name, node));
    if (!(node instanceof DirectoryInode)) node.links--;
    return node;
  }

  isEmpty(): boolean {
    return this.entries().size === 0;
  }
}

/** A directory whose entries are computed each time they are read (/proc/self/fd). */
export class GeneratedDirectory extends DirectoryInode {
  constructor(
    fs: FileSystem,
    ino: number,
    time: bigint,
    parent: DirectoryInode,
    name: string,
    private readonly generate: () => Map<string, Inode>,
  ) {
    super(fs, ino, 0o500, time, parent, name);
  }

  override entries(): ReadonlyMap<string, Inode> {
    return this.generate();
  }
}

export class SymlinkInode extends Inode {
  readonly kind = 'symlink';
  #target: string;

  constructor(fs: FileSystem, ino: number, time: bigint, target: string) {
    super(fs, ino, 0o777, time);
    this.#target = target;
  }

  /** The link's contents, one byte per character. */
  get target(): string {
    return this.#target;
  }

  override get typeBits(): number {
    return S_IFLNK;
  }

  override get direntType(): number {
    return DT_LNK;
  }

  override get size(): number {
    return this.target.length;
  }
}

/**
 * A /proc "magic link" (/proc/self/exe, /proc/self/fd/N): readlink shows a path, but
 * following it lands on the object itself, not on whatever the path names now.
 */
export class MagicLinkInode extends SymlinkInode {
  constructor(
    fs: FileSystem,
    ino: number,
    time: bigint,
    private readonly describe: () => string,
    /** The inode the link leads to, an open file without one (a console stream), or an errno. */
    readonly resolve: () => Inode | OpenFile | number,
  ) {
    super(fs, ino, time, '');
  }

  override get target(): string {
    return this.describe();
  }
}

/** A character device node (/dev/null, ...): opening it opens the Device. */
export class DeviceInode extends Inode {
  readonly kind = 'device';

  constructor(
    fs: FileSystem,
    ino: number,
    mode: number,
    time: bigint,
    readonly device: Device,
  ) {
    super(fs, ino, mode, time);
  }

  override get typeBits(): number {
    return S_IFCHR;
  }

  override get direntType(): number {
    return DT_CHR;
  }

  override get rdev(): number {
    const node = this.device.node;
    return node ? makedev(node.major, node.minor) : 0;
  }
}

/** A file whose contents are produced when it is opened (/proc/cpuinfo, /proc/self/maps). Its size reads as 0, as in procfs. */
export class GeneratedFileInode extends Inode {
  readonly kind = 'file';

  constructor(
    fs: FileSystem,
    ino: number,
    time: bigint,
    readonly generate: () => Uint8Array,
  ) {
    super(fs, ino, 0o444, time);
  }

  override get typeBits(): number {
    return S_IFREG;
  }

  override get direntType(): number {
    return DT_REG;
  }
}

/** The inode behind a pipe (fstat shows S_IFIFO, size 0 as on Linux). */
export class PipeInode extends Inode {
  readonly kind = 'fifo';

  constructor(fs: FileSystem, ino: number, time: bigint) {
    super(fs, ino, 0o600, time);
    this.links = 1;
  }

  override get typeBits(): number {
    return S_IFIFO;
  }

  override get direntType(): number {
    return DT_FIFO;
  }
}

/** Kind checks shared by the VFS. */
export function isDirectory(node: Inode | undefined): node is DirectoryInode {
  return node instanceof DirectoryInode;
}

/** EROFS when the inode's file system refuses writes. */
export function writableFs(node: Inode): number {
  return node.fs.readOnly ? -Errno.EROFS : 0;
}
