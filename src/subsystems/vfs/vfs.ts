import { realpathSync, statSync } from 'node:fs';
import { inject, injectable, multiInject } from 'inversify';
import { VirtualClock } from '../../kernel/clock.js';
import type { BootContribution } from '../../kernel/contracts/boot.js';
import type { BootInfo } from '../../kernel/contracts/platform.js';
import type { Device, FileStatus, OpenFile } from '../../kernel/contracts/device.js';
import type { SyscallContext } from '../../kernel/contracts/syscall.js';
import { Errno } from '../../kernel/errno.js';
import { ProcessLifecycle } from '../../kernel/lifecycle.js';
import type { Process } from '../../kernel/process.js';
import type { Arch } from '../../kernel/contracts/arch.js';
import { ARCH, DEVICE, MEMORY_BUDGET, PROCESS } from '../../kernel/tokens.js';
import type { MemoryBudget } from '../../kernel/memory-budget.js';
import { formatMaps, mapsOf } from '../../kernel/maps.js';
import { AnonInodeFileSystem } from './anon-inode.js';
import {
  AT_EMPTY_PATH,
  AT_FDCWD,
  MODE_BITS,
  O_ACCMODE,
  O_CREAT,
  O_DIRECTORY,
  O_EXCL,
  O_NOFOLLOW,
  O_PATH,
  O_RDONLY,
  O_TMPFILE,
  O_TRUNC,
  PATH_MAX,
  R_OK,
  S_IFCHR,
  S_ISGID,
  S_ISUID,
  W_OK,
  X_OK,
  makedev,
} from './constants.js';
import { HostFileError, MountError } from './errors.js';
import { HostDescriptorPool } from './host-access.js';
import { HostOutputDirectory, prospectiveRealPath, type OutputTreeEntry } from './host-output.js';
import { HostFileSystem, fromHostString } from './hostfs.js';
import {
  DeviceInode,
  DirectoryInode,
  FileData,
  GeneratedFileInode,
  MagicLinkInode,
  RegularInode,
  SymlinkInode,
  type FileSystem,
  type Inode,
} from './inode.js';
import { InputLedger } from './input-ledger.js';
import { LockTable } from './locks.js';
import { MemoryFileSystem, SyntheticFileSystem } from './memfs.js';
import { MountTree, isInode, newBudget, type LookupResult, type ParentLookup } from './mount-tree.js';
import {
  DeviceFile,
  DirectoryFile,
  FileDescription,
  GeneratedFile,
  PathFile,
  RegularFile,
  truncateFile,
  type FileServices,
} from './open-file.js';
import { FILES_OPTIONS, mountMode, type FilesOptions, type HostMountMode } from './options.js';
import { PipeFileSystem } from './pipe.js';
import { buildProc, buildSys } from './procfs.js';
import { WaitQueue } from './wait-queue.js';

/** A timestamp utimensat was given: a time, "now", or "leave it". */
export type TimeSpec = bigint | 'now' | 'omit';

/** What --out copied back to the host. */
export interface OutputSummary {
  readonly guest: string;
  readonly host: string;
  readonly files: number;
  readonly bytes: number;
}

/** What fstat shows for an open file that is not a VFS file (the console): a character device. */
const ANONYMOUS_DEVICE: FileStatus = {
  dev: makedev(0, 5),
  ino: 1,
  mode: S_IFCHR | 0o620,
  nlink: 1,
  uid: 0,
  gid: 0,
  rdev: makedev(5, 1),
  size: 0,
  blksize: 1024,
  blocks: 0,
  atime: 0n,
  mtime: 0n,
  ctime: 0n,
  btime: 0n,
};

const isSpecialName = (name: string) => name === '' || name === '.' || name === '..';

/**
 * The process's view of files: the mount tree, its working directory and umask, and the
 * operations the syscalls are made of (open, mkdir, unlink, rename, ...). Results are an
 * inode, an open file or a negative errno, never an exception for anything a guest can
 * cause. The tree is built from the options when the service is created (a bad option
 * is a MountError then), and the executable is added when the program is loaded.
 */
@injectable()
export class Vfs implements BootContribution {
  readonly tree: MountTree;
  readonly services: FileServices;
  readonly pipes: PipeFileSystem;
  /** The working directory. */
  cwd: DirectoryInode;
  umask = 0o022;
  private readonly _rootFs: MemoryFileSystem;
  private readonly _bootTime: bigint;
  private _nextDev = 1;
  private _anonInodes: AnonInodeFileSystem | undefined;
  private _executable: { path: string; inode: Inode } | undefined;
  /** The auxiliary vector the platform gave the program (/proc/self/auxv); empty before boot. */
  private _auxv: BootInfo['auxv'] = [];
  private _out:
    | { fs: MemoryFileSystem; directory: HostOutputDirectory; guest: string; done?: { summary: OutputSummary } | { error: HostFileError } }
    | undefined;
  private _stdin: RegularInode | undefined;
  /** The host descriptors of every host file system of this run (release() closes them). */
  private readonly _hostDescriptors = new HostDescriptorPool();
  private _pendingOut: MemoryFileSystem | undefined;

  constructor(
    @inject(FILES_OPTIONS) private readonly options: FilesOptions,
    @multiInject(DEVICE) devices: Device[],
    @inject(VirtualClock) clock: VirtualClock,
    @inject(InputLedger) ledger: InputLedger,
    @inject(LockTable) locks: LockTable,
    @inject(WaitQueue) queue: WaitQueue,
    @inject(PROCESS) private readonly process: Process,
    @inject(ProcessLifecycle) private readonly lifecycle: ProcessLifecycle,
    @inject(ARCH) private readonly arch: Arch,
    @inject(MEMORY_BUDGET) private readonly budget: MemoryBudget,
  ) {
    this.services = { now: () => clock.realtime(), ledger, locks, queue };
    this._bootTime = BigInt(clock.epochSeconds) * 1_000_000_000n;
    const capacity = options.tmpfsCapacity;
    this._rootFs = new MemoryFileSystem(this.nextDev(), this._bootTime, 'tmpfs', capacity, this.budget);
    this.tree = new MountTree(this._rootFs.root);
    this.cwd = this.tree.root;
    this.pipes = new PipeFileSystem(this.nextDev(), this.budget);

    const root = this._rootFs.root;
    this.addDirectory(root, 'tmp', 0o1777);
    this.mountDevices(devices, capacity);
    if (options.proc !== false) this.mountProc();
    this.configure();
    if (options.stdin !== undefined) this._stdin = this.hostFile('--stdin', options.stdin, realHostPath('--stdin', options.stdin), 'ro');
  }

  // --- setup -------------------------------------------------------------------------

  /** Boot: the executable appears at its path (relative paths resolve from the cwd), and /proc/self/exe leads to it. */
  onBoot(_process?: Process, info?: BootInfo): void {
    this._auxv = info?.auxv ?? [];
    const context = this.lifecycle.bootContext;
    if (!context) return;
    const given = fromHostString(context.executablePath);
    const path = normalize(given.startsWith('/') ? given : `${this.getcwd() ?? '/'}/${given}`);
    const existing = this.tree.lookup(this.tree.root, path, true);
    if (isInode(existing) && existing instanceof RegularInode) {
      this._executable = { path, inode: existing };
      existing.opened(); // /proc/self/exe keeps the bytes even if the guest unlinks it
      return;
    }
    const inode = new RegularInode(this._rootFs, this._rootFs.nextIno(), 0o755, this._bootTime, new FileData(context.executable.slice()));
    this._executable = { path, inode };
    inode.opened(); // /proc/self/exe keeps the bytes even if the guest unlinks it
    const names = path.split('/').filter(Boolean);
    let dir = this.tree.root;
    for (const name of names.slice(0, -1)) {
      const child = dir.lookup(name);
      if (child instanceof DirectoryInode) dir = this.tree.enter(child);
      else if (child === undefined && dir.fs === this._rootFs) dir = this.addDirectory(dir, name, 0o755);
      else return; // the path is taken or read-only: the executable stays reachable through /proc/self/exe only
    }
    const name = names[names.length - 1]!;
    if (dir.fs === this._rootFs && !dir.lookup(name)) dir.attach(name, inode);
  }

  /** The executable as the guest sees it, once loaded. */
  get executable(): { readonly path: string; readonly inode: Inode } | undefined {
    return this._executable;
  }

  /** The --stdin file as fd 0 (a read-only regular file, as `< FILE` makes it), if one was given. */
  openStdin(): OpenFile | undefined {
    return this._stdin ? new RegularFile(this._stdin, 'stdin', O_RDONLY, this.services) : undefined;
  }

  /**
   * Copies the --out directory to the host, without following or writing through a host
   * symlink (host-output.ts). The run's owner calls it when the run ends, also after an
   * error. Idempotent: the first call copies, later ones return the same summary or throw
   * the same HostFileError; any failure is a HostFileError (exit 77).
   */
  copyOut(): OutputSummary | undefined {
    const out = this._out;
    if (!out) return undefined;
    if (out.done) {
      if ('error' in out.done) throw out.done.error;
      return out.done.summary;
    }
    try {
      const { files, bytes } = out.directory.write(outputEntries(out.fs.root));
      out.done = { summary: { guest: out.guest, host: out.directory.host, files, bytes } };
      return out.done.summary;
    } catch (error) {
      const failure = error instanceof HostFileError ? error : new HostFileError(out.directory.host, 'write', error);
      out.done = { error: failure };
      throw failure;
    }
  }

  /**
   * Closes the host descriptors the run's host files hold. The run's owner calls it when
   * the run ends (also after an error); idempotent, and a later host access reopens what
   * it needs.
   */
  release(): void {
    this._hostDescriptors.close();
  }

  /** Host descriptors open now (at most 64). */
  get openHostDescriptors(): number {
    return this._hostDescriptors.size;
  }

  /** anon_inodefs (eventfd, epoll), made when first needed so the other file systems keep their st_dev. */
  get anonInodes(): AnonInodeFileSystem {
    return (this._anonInodes ??= new AnonInodeFileSystem(this.nextDev(), this._bootTime));
  }

  private nextDev(): number {
    return makedev(0, this._nextDev++);
  }

  private addDirectory(parent: DirectoryInode, name: string, mode: number): DirectoryInode {
    const dir = new DirectoryInode(parent.fs, parent.fs.nextIno(), mode, this._bootTime, parent, name);
    parent.attach(name, dir);
    return dir;
  }

  private mountDevices(devices: readonly Device[], capacity: number | undefined): void {
    const devfs = new MemoryFileSystem(this.nextDev(), this._bootTime, 'devtmpfs', capacity, this.budget);
    for (const device of devices) {
      if (!device.node || devfs.root.lookup(device.name)) continue;
      devfs.root.attach(device.name, new DeviceInode(devfs, devfs.nextIno(), 0o666, this._bootTime, device));
    }
    if (this.options.proc !== false) {
      const link = (name: string, target: string) =>
        devfs.root.attach(name, new SymlinkInode(devfs, devfs.nextIno(), this._bootTime, target));
      link('fd', '/proc/self/fd');
      link('stdin', '/proc/self/fd/0');
      link('stdout', '/proc/self/fd/1');
      link('stderr', '/proc/self/fd/2');
    }
    this.addDirectory(devfs.root, 'shm', 0o1777);
    this.tree.mount(devfs.root, this.addDirectory(this._rootFs.root, 'dev', 0o755));
  }

  private mountProc(): void {
    const proc = new SyntheticFileSystem(this.nextDev(), 'proc', this._bootTime);
    buildProc(proc, {
      process: this.process,
      executable: () => this._executable,
      cwd: () => ({ path: this.getcwd() ?? '/', dir: this.cwd }),
      root: () => this.tree.root,
      maps: () => formatMaps(mapsOf(this.arch.memory)) + '\n',
      auxv: () => this._auxv ?? [],
      isa: () => this.arch.hart.isa,
    });
    this.tree.mount(proc.root, this.addDirectory(this._rootFs.root, 'proc', 0o555));
    const sys = new SyntheticFileSystem(this.nextDev(), 'sysfs', this._bootTime);
    buildSys(sys);
    this.tree.mount(sys.root, this.addDirectory(this._rootFs.root, 'sys', 0o555));
  }

  /**
   * The user's mounts, files and output directory, parents before children, then the cwd;
   * the --out host directory is checked (made, when new) last, once nothing else can fail.
   */
  private configure(): void {
    const options = this.options;
    type Step = { depth: number; apply: () => void };
    const steps: Step[] = [];
    const uses: HostUse[] = [];
    const depth = (guest: string) => guest.split('/').filter(Boolean).length;
    const suffix = (mode: HostMountMode) => (mode === 'ro' ? '' : `:${mode}`);
    for (const mount of options.mounts ?? []) {
      const mode = mountMode(mount);
      const option = `--mount ${mount.host}:${mount.guest}${suffix(mode)}`;
      const guest = guestPath(option, mount.guest);
      const real = realHostPath(option, mount.host);
      uses.push({ option, real, changesHost: mode === 'rw' });
      steps.push({ depth: depth(guest), apply: () => this.mountHost(option, mount.host, real, guest, mode) });
    }
    for (const file of options.files ?? []) {
      const mode = mountMode(file);
      const option = `--file ${file.host}:${file.guest}${suffix(mode)}`;
      const guest = guestPath(option, file.guest);
      const real = realHostPath(option, file.host);
      uses.push({ option, real, changesHost: mode === 'rw' });
      steps.push({ depth: depth(guest), apply: () => this.addHostFile(option, file.host, real, guest, mode) });
    }
    let output: { option: string; host: string; guest: string } | undefined;
    if (options.out) {
      const option = `--out ${options.out.host}`;
      const guest = guestPath(option, options.out.guest ?? '/out');
      output = { option, host: options.out.host, guest };
      uses.push({ option, real: prospectiveRealPath(options.out.host), changesHost: true });
      steps.push({ depth: depth(guest), apply: () => this.mountOut(option, guest) });
    }
    refuseOverlaps(uses);
    steps.sort((a, b) => a.depth - b.depth);
    for (const step of steps) step.apply();
    if (options.cwd !== undefined) {
      const option = `--cwd ${options.cwd}`;
      const path = options.cwd === '/' ? '/' : guestPath(option, options.cwd);
      this.cwd = path === '/' ? this.tree.root : this.ensureDirectory(option, path);
    }
    if (output && this._pendingOut) {
      this._out = { fs: this._pendingOut, directory: HostOutputDirectory.prepare(output.option, output.host), guest: output.guest };
    }
  }

  private mountHost(option: string, host: string, real: string, guest: string, mode: HostMountMode): void {
    if (!statSync(real).isDirectory()) throw new MountError(option, `${host} is not a directory (use --file for a single file)`);
    const at = this.ensureDirectory(option, guest);
    if (at.mountpoint) throw new MountError(option, `${guest} is already a mount point`);
    const fs = new HostFileSystem(this.nextDev(), fromHostString(real), mode, this._bootTime, this._hostDescriptors, this.budget, this.options.tmpfsCapacity);
    this.tree.mount(fs.rootDirectory(), at);
  }

  private addHostFile(option: string, host: string, real: string, guest: string, mode: HostMountMode): void {
    const node = this.hostFile(option, host, real, mode);
    const slash = guest.lastIndexOf('/');
    const parent = slash === 0 ? this.tree.root : this.ensureDirectory(option, guest.slice(0, slash));
    const name = guest.slice(slash + 1);
    if (parent.lookup(name)) throw new MountError(option, `${guest} already exists`);
    if (parent.fs.readOnly || parent.fs instanceof HostFileSystem) throw new MountError(option, `${guest} would be inside a host mount`);
    parent.attach(name, node);
  }

  private hostFile(option: string, host: string, real: string, mode: HostMountMode): RegularInode {
    if (!statSync(real).isFile()) {
      if (option === '--stdin') throw new HostFileError(host, 'read', new Error('not a regular file'));
      throw new MountError(option, `${host} is not a regular file`);
    }
    const fs = new HostFileSystem(this.nextDev(), fromHostString(real), mode, this._bootTime, this._hostDescriptors, this.budget, this.options.tmpfsCapacity);
    return fs.singleFile();
  }

  /** The in-memory --out directory; its host side is checked once the rest is set up. */
  private mountOut(option: string, guest: string): void {
    const fs = new MemoryFileSystem(this.nextDev(), this._bootTime, 'tmpfs', this.options.tmpfsCapacity, this.budget);
    const at = this.ensureDirectory(option, guest);
    if (at.mountpoint) throw new MountError(option, `${guest} is already a mount point`);
    this.tree.mount(fs.root, at);
    this._pendingOut = fs;
  }

  /** The directory at an absolute guest path, made in the in-memory root where missing. */
  private ensureDirectory(option: string, path: string): DirectoryInode {
    let dir = this.tree.root;
    let walked = '';
    for (const name of path.split('/').filter(Boolean)) {
      walked += `/${name}`;
      const child = dir.lookup(name);
      if (child instanceof DirectoryInode) dir = this.tree.enter(child);
      else if (child !== undefined) throw new MountError(option, `${walked} exists and is not a directory`);
      else if (dir.fs instanceof MemoryFileSystem && dir.fs.type === 'tmpfs') dir = this.addDirectory(dir, name, 0o755);
      else throw new MountError(option, `${walked} does not exist and cannot be made inside the ${dir.fs.type} mount`);
    }
    return dir;
  }

  // --- resolution ----------------------------------------------------------------------

  /** The directory a relative path starts from: the cwd for AT_FDCWD, else the directory open on `dirfd`. */
  startDir(context: SyscallContext, dirfd: number, path: string): DirectoryInode | number {
    if (path.startsWith('/')) return this.tree.root;
    if (dirfd === AT_FDCWD) return this.cwd;
    const file = context.process.files.get(dirfd);
    if (!file) return -Errno.EBADF;
    if (!(file instanceof DirectoryFile) && !(file instanceof PathFile && file.inode instanceof DirectoryInode)) return -Errno.ENOTDIR;
    return this.tree.enter(file.inode as DirectoryInode);
  }

  /**
   * What `path` names from `dirfd` (fstatat, readlinkat, utimensat, ...). With
   * AT_EMPTY_PATH and an empty path, the file open on `dirfd` itself.
   */
  lookupAt(context: SyscallContext, dirfd: number, path: string, follow: boolean, flags = 0): LookupResult | number {
    if (path === '') return flags & AT_EMPTY_PATH ? this.fileAt(context, dirfd) : -Errno.ENOENT;
    const start = this.startDir(context, dirfd, path);
    if (typeof start === 'number') return start;
    return this.tree.lookup(start, path, follow);
  }

  /** The inode (or, for a console, the open file) behind `fd`; AT_FDCWD is the cwd. */
  fileAt(context: SyscallContext, fd: number): LookupResult | number {
    if (fd === AT_FDCWD) return this.cwd;
    const file = context.process.files.get(fd);
    if (!file) return -Errno.EBADF;
    return inodeOf(file) ?? file;
  }

  /** The last component of `path` and the directory it is in. */
  parentAt(context: SyscallContext, dirfd: number, path: string): ParentLookup | number {
    if (path === '') return -Errno.ENOENT;
    const start = this.startDir(context, dirfd, path);
    if (typeof start === 'number') return start;
    return this.tree.walk(start, path, newBudget());
  }

  /** struct stat of whatever a lookup found. */
  statusOf(target: LookupResult): FileStatus {
    if (isInode(target)) return target.status();
    return target.stat?.() ?? ANONYMOUS_DEVICE;
  }

  // --- open ----------------------------------------------------------------------------

  /** openat(2). */
  open(context: SyscallContext, dirfd: number, path: string, flags: number, mode: number): OpenFile | number {
    if (flags & O_TMPFILE) return -Errno.EOPNOTSUPP;
    if (flags & O_CREAT && flags & O_DIRECTORY) return -Errno.EINVAL;
    if (path === '') return -Errno.ENOENT;
    const start = this.startDir(context, dirfd, path);
    if (typeof start === 'number') return start;
    const budget = newBudget();
    const follow = (flags & O_NOFOLLOW) === 0;
    let lookup = this.tree.walk(start, path, budget);
    if (typeof lookup === 'number') return lookup;
    let target: LookupResult | undefined | number;
    if (flags & O_CREAT) {
      for (;;) {
        target = this.tree.final(lookup, false, budget);
        if (typeof target === 'number') return target;
        if (target === undefined) {
          if (lookup.trailingSlash) return -Errno.EISDIR;
          const created = this.createFile(lookup.dir, lookup.name, mode);
          if (typeof created === 'number') return created;
          return new RegularFile(created, this.describe(lookup.dir, lookup.name), flags, this.services);
        }
        if (flags & O_EXCL) return -Errno.EEXIST;
        if (!(target instanceof SymlinkInode) || !follow) break;
        if (target instanceof MagicLinkInode) {
          target = this.tree.follow(lookup.dir, target, budget);
          if (typeof target === 'number') return target;
          break;
        }
        // A dangling symlink is created through: its target is the file to make.
        if (--budget.left < 0) return -Errno.ELOOP;
        if (target.target === '') return -Errno.ENOENT;
        lookup = this.tree.walk(lookup.dir, target.target, budget);
        if (typeof lookup === 'number') return lookup;
      }
      if (target instanceof DirectoryInode) return -Errno.EISDIR;
    } else {
      target = this.tree.final(lookup, follow, budget);
      if (typeof target === 'number') return target;
      if (target === undefined) return -Errno.ENOENT;
    }
    return this.openNode(target, flags, this.describe(lookup.dir, lookup.name, target));
  }

  /** Opens what a lookup found, checking the access mode against its kind and file system. */
  openNode(target: LookupResult, flags: number, path: string): OpenFile | number {
    if (!isInode(target)) return target; // /proc/self/fd/N of a console stream: the stream itself
    if (flags & O_PATH) {
      if (flags & O_DIRECTORY && !(target instanceof DirectoryInode)) return -Errno.ENOTDIR;
      return new PathFile(target, path, flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW), this.services);
    }
    const access = flags & O_ACCMODE;
    const writes = access !== O_RDONLY || (flags & O_TRUNC) !== 0;
    if (target instanceof DirectoryInode) {
      if (writes) return -Errno.EISDIR;
      return new DirectoryFile(target, path, flags, this.services, () => this.tree.parent(target));
    }
    if (flags & O_DIRECTORY) return -Errno.ENOTDIR;
    if (target instanceof SymlinkInode) return -Errno.ELOOP;
    if (target instanceof DeviceInode) return new DeviceFile(target, path, flags, this.services, target.device.open());
    if (writes && target.fs.readOnly) return -Errno.EROFS;
    if (target instanceof RegularInode) {
      if (flags & O_TRUNC) {
        const truncated = truncateFile(target, 0, this.services.now());
        if (truncated < 0) return truncated;
      }
      return new RegularFile(target, path, flags, this.services);
    }
    if (target instanceof GeneratedFileInode) return new GeneratedFile(target, path, flags, this.services);
    return -Errno.ENXIO; // a pipe reopened through /proc/self/fd
  }

  /** The absolute path an open file is known by (for /proc/self/fd and messages). */
  private describe(dir: DirectoryInode, name: string, target?: LookupResult): string {
    if (target instanceof DirectoryInode) return this.tree.pathOf(target) ?? name;
    const base = this.tree.pathOf(dir) ?? '';
    if (name === '' || name === '.') return base;
    return base === '/' ? `/${name}` : `${base}/${name}`;
  }

  // --- namespace changes ---------------------------------------------------------------

  private createFile(dir: DirectoryInode, name: string, mode: number): RegularInode | number {
    if (dir.removed) return -Errno.ENOENT;
    if (dir.fs.readOnly) return -Errno.EROFS;
    const now = this.services.now();
    const file = new RegularInode(dir.fs, dir.fs.nextIno(), mode & ~this.umask & MODE_BITS, now, new FileData());
    return this.link(dir, name, file, now, true);
  }

  /** Adds `node` to `dir` as `name`, through the host for a read-write host mount. */
  private link<T extends Inode>(dir: DirectoryInode, name: string, node: T, now: bigint, created: boolean): T | number {
    if (!dir.canAttach(name, node)) return -Errno.ENOSPC; // the run's memory budget
    const refused = created ? (dir.fs.mirror?.create(dir, name, node) ?? 0) : (dir.fs.mirror?.link(node, dir, name) ?? 0);
    if (refused < 0) return refused;
    dir.attach(name, node);
    dir.modified(now);
    if (!created) node.ctime = now;
    return node;
  }

  /** mkdirat(2). */
  mkdir(context: SyscallContext, dirfd: number, path: string, mode: number): number {
    const lookup = this.parentAt(context, dirfd, path);
    if (typeof lookup === 'number') return lookup;
    const { dir, name } = lookup;
    if (isSpecialName(name) || dir.lookup(name)) return -Errno.EEXIST;
    if (dir.removed) return -Errno.ENOENT;
    if (dir.fs.readOnly) return -Errno.EROFS;
    const now = this.services.now();
    const created = new DirectoryInode(dir.fs, dir.fs.nextIno(), mode & ~this.umask & MODE_BITS, now, dir, name);
    const result = this.link(dir, name, created, now, true);
    return typeof result === 'number' ? result : 0;
  }

  /** symlinkat(2). */
  symlink(context: SyscallContext, target: string, dirfd: number, path: string): number {
    if (target === '') return -Errno.ENOENT;
    const lookup = this.parentAt(context, dirfd, path);
    if (typeof lookup === 'number') return lookup;
    const { dir, name } = lookup;
    if (isSpecialName(name) || dir.lookup(name)) return -Errno.EEXIST;
    if (dir.removed) return -Errno.ENOENT;
    if (dir.fs.readOnly) return -Errno.EROFS;
    const now = this.services.now();
    const result = this.link(dir, name, new SymlinkInode(dir.fs, dir.fs.nextIno(), now, target), now, true);
    return typeof result === 'number' ? result : 0;
  }

  /** linkat(2): a new name for an existing non-directory. */
  hardLink(context: SyscallContext, olddirfd: number, oldpath: string, newdirfd: number, newpath: string, follow: boolean, flags: number): number {
    const source = this.lookupAt(context, olddirfd, oldpath, follow, flags);
    if (typeof source === 'number') return source;
    if (!isInode(source)) return -Errno.EXDEV;
    if (source instanceof DirectoryInode) return -Errno.EPERM;
    const lookup = this.parentAt(context, newdirfd, newpath);
    if (typeof lookup === 'number') return lookup;
    const { dir, name } = lookup;
    if (isSpecialName(name) || dir.lookup(name)) return -Errno.EEXIST;
    if (dir.removed) return -Errno.ENOENT;
    if (source.fs !== dir.fs) return -Errno.EXDEV;
    if (dir.fs.readOnly) return -Errno.EROFS;
    if (source.links === 0) return -Errno.ENOENT;
    const result = this.link(dir, name, source, this.services.now(), false);
    return typeof result === 'number' ? result : 0;
  }

  /** unlinkat(2): a name (or, with `directory`, an empty directory) goes. */
  unlink(context: SyscallContext, dirfd: number, path: string, directory: boolean): number {
    const lookup = this.parentAt(context, dirfd, path);
    if (typeof lookup === 'number') return lookup;
    const { dir, name, trailingSlash } = lookup;
    if (directory) {
      if (name === '.') return -Errno.EINVAL;
      if (name === '..') return -Errno.ENOTEMPTY;
      if (name === '') return -Errno.EBUSY;
    } else if (isSpecialName(name)) {
      return -Errno.EISDIR;
    }
    if (dir.removed) return -Errno.ENOENT;
    const node = dir.lookup(name);
    if (!node) return -Errno.ENOENT;
    if (directory) {
      if (!(node instanceof DirectoryInode)) return -Errno.ENOTDIR;
      if (node.mountedHere) return -Errno.EBUSY;
      if (!node.isEmpty()) return -Errno.ENOTEMPTY;
    } else if (node instanceof DirectoryInode) {
      return -Errno.EISDIR;
    } else if (trailingSlash) {
      return -Errno.ENOTDIR;
    }
    if (dir.fs.readOnly) return -Errno.EROFS;
    const refused = dir.fs.mirror?.remove(dir, name, node) ?? 0;
    if (refused < 0) return refused;
    dir.detach(name);
    const now = this.services.now();
    dir.modified(now);
    node.ctime = now;
    if (node instanceof DirectoryInode) node.removed = true;
    else this.forget(node);
    return 0;
  }

  /** A file lost its last name: give its bytes back to its file system (its open descriptions keep them). */
  private forget(node: Inode): void {
    if (node.links === 0 && node instanceof RegularInode && node.loaded) node.fs.charge(-node.size);
    node.unreferenced(); // the memory budget's bytes stay charged while a description is open
  }

  /** renameat2(2), with RENAME_NOREPLACE and RENAME_EXCHANGE. */
  rename(
    context: SyscallContext,
    olddirfd: number,
    oldpath: string,
    newdirfd: number,
    newpath: string,
    noReplace: boolean,
    exchange: boolean,
  ): number {
    const from = this.parentAt(context, olddirfd, oldpath);
    if (typeof from === 'number') return from;
    const to = this.parentAt(context, newdirfd, newpath);
    if (typeof to === 'number') return to;
    if (isSpecialName(from.name) || isSpecialName(to.name)) return -Errno.EBUSY;
    if (from.dir.removed || to.dir.removed) return -Errno.ENOENT;
    const node = from.dir.lookup(from.name);
    if (!node) return -Errno.ENOENT;
    const target = to.dir.lookup(to.name);
    if (!(node instanceof DirectoryInode) && (from.trailingSlash || to.trailingSlash)) return -Errno.ENOTDIR;
    if (from.dir.fs !== to.dir.fs) return -Errno.EXDEV;
    if (node instanceof DirectoryInode && node.mountedHere) return -Errno.EBUSY;
    if (target instanceof DirectoryInode && target.mountedHere) return -Errno.EBUSY;
    if (from.dir.fs.readOnly) return -Errno.EROFS;
    const now = this.services.now();

    if (exchange) {
      if (!target) return -Errno.ENOENT;
      if (node === target) return 0;
      if (isAncestor(node, to.dir) || isAncestor(target, from.dir)) return -Errno.EINVAL;
      if (from.dir.fs.mirror) return -Errno.EINVAL; // the host offers no atomic exchange
      from.dir.detach(from.name);
      to.dir.detach(to.name);
      from.dir.attach(from.name, target);
      to.dir.attach(to.name, node);
      from.dir.modified(now);
      to.dir.modified(now);
      node.ctime = target.ctime = now;
      return 0;
    }
    if (target) {
      if (noReplace) return -Errno.EEXIST;
      if (target === node) return 0;
      if (node instanceof DirectoryInode) {
        if (!(target instanceof DirectoryInode)) return -Errno.ENOTDIR;
        if (!target.isEmpty()) return -Errno.ENOTEMPTY;
      } else if (target instanceof DirectoryInode) {
        return -Errno.EISDIR;
      }
    }
    if (isAncestor(node, to.dir)) return -Errno.EINVAL;
    if (!to.dir.canAttach(to.name, node)) return -Errno.ENOSPC; // the run's memory budget
    const refused = from.dir.fs.mirror?.rename(from.dir, from.name, to.dir, to.name, node) ?? 0;
    if (refused < 0) return refused;
    from.dir.detach(from.name);
    if (target) {
      to.dir.detach(to.name);
      target.ctime = now;
      if (target instanceof DirectoryInode) target.removed = true;
      else this.forget(target);
    }
    to.dir.attach(to.name, node);
    from.dir.modified(now);
    to.dir.modified(now);
    node.ctime = now;
    return 0;
  }

  /** readlinkat(2): the link's contents. */
  readlink(context: SyscallContext, dirfd: number, path: string): string | number {
    const node = this.lookupAt(context, dirfd, path, false, path === '' ? AT_EMPTY_PATH : 0);
    if (typeof node === 'number') return node;
    if (!(node instanceof SymlinkInode)) return -Errno.EINVAL;
    return node.target;
  }

  // --- attributes ----------------------------------------------------------------------

  /** chmod: the permission bits. */
  chmod(target: LookupResult, mode: number): number {
    if (!isInode(target)) return 0;
    if (target.fs.readOnly) return -Errno.EROFS;
    const refused = target.fs.mirror?.chmod(target, mode & MODE_BITS) ?? 0;
    if (refused < 0) return refused;
    target.mode = mode & MODE_BITS;
    target.ctime = this.services.now();
    return 0;
  }

  /** chown: owner and group (-1 leaves one alone); set-id bits of a non-directory are cleared, as Linux does. */
  chown(target: LookupResult, uid: number, gid: number): number {
    if (!isInode(target)) return 0;
    if (target.fs.readOnly) return -Errno.EROFS;
    const keep = 0xffff_ffff;
    if (uid !== keep) target.uid = uid;
    if (gid !== keep) target.gid = gid;
    if ((uid !== keep || gid !== keep) && !(target instanceof DirectoryInode) && !(target instanceof SymlinkInode)) {
      target.mode &= ~S_ISUID;
      if (target.mode & 0o010) target.mode &= ~S_ISGID;
    }
    target.ctime = this.services.now();
    return 0;
  }

  /** utimensat: access and modification times. */
  utimes(target: LookupResult, atime: TimeSpec, mtime: TimeSpec): number {
    if (!isInode(target)) return 0;
    if (atime === 'omit' && mtime === 'omit') return 0;
    if (target.fs.readOnly) return -Errno.EROFS;
    const now = this.services.now();
    if (atime !== 'omit') target.atime = atime === 'now' ? now : atime;
    if (mtime !== 'omit') target.mtime = mtime === 'now' ? now : mtime;
    target.ctime = now;
    return 0;
  }

  /** truncate(2) by path, or ftruncate on an inode. */
  truncate(target: LookupResult, size: number): number {
    if (!isInode(target)) return -Errno.EINVAL;
    if (target instanceof DirectoryInode) return -Errno.EISDIR;
    if (!(target instanceof RegularInode)) return target.fs.readOnly ? -Errno.EROFS : -Errno.EINVAL;
    if (target.fs.readOnly) return -Errno.EROFS;
    return truncateFile(target, size, this.services.now());
  }

  /** faccessat: as root, reading and writing are allowed (EROFS aside); executing needs an x bit on a non-directory. */
  access(target: LookupResult, mode: number): number {
    if (mode & ~(R_OK | W_OK | X_OK)) return -Errno.EINVAL;
    if (!isInode(target)) return 0;
    if (mode & W_OK && target.fs.readOnly && !(target instanceof DeviceInode)) return -Errno.EROFS;
    if (mode & X_OK && !(target instanceof DirectoryInode) && (target.mode & 0o111) === 0) return -Errno.EACCES;
    return 0;
  }

  // --- working directory ---------------------------------------------------------------

  chdir(target: LookupResult): number {
    if (!(target instanceof DirectoryInode)) return -Errno.ENOTDIR;
    this.cwd = this.tree.enter(target);
    return 0;
  }

  /** The cwd's absolute path, or undefined when it was removed. */
  getcwd(): string | undefined {
    return this.tree.pathOf(this.cwd);
  }

  /** Where the --out directory is and where it goes, if configured. */
  get outputDirectory(): { readonly guest: string; readonly host: string } | undefined {
    return this._out ? { guest: this._out.guest, host: this._out.directory.host } : undefined;
  }

  /** The root in-memory file system (for tests and statfs). */
  get rootFileSystem(): FileSystem {
    return this._rootFs;
  }
}

/** The inode behind an open file, if it is a VFS file. */
export function inodeOf(file: OpenFile): Inode | undefined {
  return file instanceof FileDescription ? file.inode : undefined;
}

/** Whether `ancestor` is `dir` or one of its parents (within one file system). */
function isAncestor(ancestor: Inode, dir: DirectoryInode): boolean {
  let at = dir;
  for (;;) {
    if (at === ancestor) return true;
    if (at.parent === at) return false;
    at = at.parent;
  }
}

/** An absolute guest path from an option: "/a/b" with no "." or ".." and not the root. */
function guestPath(option: string, path: string): string {
  if (!path.startsWith('/')) throw new MountError(option, `the guest path "${path}" must be absolute`);
  const names = path.split('/').filter((name) => name !== '' && name !== '.');
  if (names.includes('..')) throw new MountError(option, `the guest path "${path}" may not contain ".."`);
  if (names.length === 0) throw new MountError(option, 'cannot mount over the root directory; mount under a directory such as /data');
  const normalized = '/' + names.map(fromHostString).join('/');
  if (normalized.length >= PATH_MAX) throw new MountError(option, 'the guest path is too long');
  return normalized;
}

function realHostPath(option: string, host: string): string {
  try {
    return realpathSync(host);
  } catch (error) {
    if (option === '--stdin') throw new HostFileError(host, 'read', error);
    throw new MountError(option, `host path ${host} does not exist`);
  }
}

/** One option's host path (real), and whether the guest may change what is there. */
interface HostUse {
  readonly option: string;
  readonly real: string;
  readonly changesHost: boolean;
}

/**
 * One host directory reachable through two options, one of which changes it (`rw`, --out),
 * would give the guest two views that disagree (one read lazily while the other changes
 * it): refused. Views that leave the host alone (`ro`, `cow`) may overlap.
 */
function refuseOverlaps(uses: readonly HostUse[]): void {
  const within = (dir: string, path: string) => path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
  for (let i = 0; i < uses.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = uses[j]!;
      const b = uses[i]!;
      if (!a.changesHost && !b.changesHost) continue;
      if (within(a.real, b.real) || within(b.real, a.real)) {
        throw new MountError(
          b.option,
          `overlaps ${a.option} on the host (${b.real} and ${a.real}); a host path the guest may change must be reachable through one option only`,
        );
      }
    }
  }
}

/** The --out directory as a tree for host-output.ts: files and directories, sorted; other mounts, symlinks and devices left out. */
function outputEntries(dir: DirectoryInode): OutputTreeEntry[] {
  const entries: OutputTreeEntry[] = [];
  for (const [name, node] of [...dir.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    // Another file system mounted inside the output directory is not the guest's output.
    if (node instanceof DirectoryInode && !node.mountedHere) entries.push({ kind: 'directory', name, entries: () => outputEntries(node) });
    else if (node instanceof RegularInode) entries.push({ kind: 'file', name, contents: () => node.contents().view() });
    // Symlinks and devices are not copied: a link made by the guest has no meaning on the host.
  }
  return entries;
}

/** "/a/./b//c/../d" → "/a/b/d" (lexically; for the executable's path). */
function normalize(path: string): string {
  const names: string[] = [];
  for (const name of path.split('/')) {
    if (name === '' || name === '.') continue;
    if (name === '..') names.pop();
    else names.push(name);
  }
  return '/' + names.join('/');
}
