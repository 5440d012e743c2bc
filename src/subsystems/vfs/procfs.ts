import type { OpenFile } from '../../kernel/contracts/device.js';
import type { Process, Thread } from '../../kernel/process.js';
import { Errno } from '../../kernel/errno.js';
import { DirectoryInode, SymlinkInode, type Inode } from './inode.js';
import type { SyntheticFileSystem } from './memfs.js';
import { FileDescription } from './open-file.js';

/** What /proc shows, read from the kernel when a file is opened. */
export interface ProcSources {
  readonly process: Process;
  /** The executable's guest path and inode (undefined before a program is loaded). */
  executable(): { readonly path: string; readonly inode: Inode } | undefined;
  /** The working directory and its path. */
  cwd(): { readonly path: string; readonly dir: DirectoryInode };
  /** The root of the namespace. */
  root(): DirectoryInode;
  /** /proc/self/maps text (empty when no memory subsystem is loaded). */
  maps(): string;
  /** The auxiliary vector the program started with (key, value pairs ending in AT_NULL; empty if none). */
  auxv(): readonly (readonly [key: number, value: bigint])[];
  /** The hart's instruction set, for /proc/cpuinfo (the hart's IsaRegistry). */
  isa(): CpuIsa;
}

/** What /proc/cpuinfo shows of a hart's instruction set (an IsaRegistry has both). */
export interface CpuIsa {
  /** misa's extension letters as AT_HWCAP carries them: bit n for letter 'a' + n. */
  readonly hwcap: number;
  /** The registered extensions: the multi-letter standard ones (zicsr, zifencei, ...) are named. */
  readonly extensions: readonly { readonly name: string }[];
}

/** The canonical order of single-letter extensions (Linux's Documentation/arch/riscv/uabi.rst). */
const CANONICAL_ORDER = 'imafdqlcbkjtpvh';

/**
 * The ISA string Linux prints for a hart: "rv64", the single-letter extensions in canonical
 * order, then each multi-letter standard extension after an underscore: Z extensions
 * ordered by their category letter (the one after the z) in canonical order, then
 * alphabetically; then S extensions alphabetically. For the default RV64GC hart:
 * `rv64imafdc_zicsr_zifencei`. Extensions Linux has no name for (ZeroOS's machine-mode
 * subset, an integration's custom instructions) are not listed.
 */
export function linuxIsaString(isa: CpuIsa): string {
  let letters = '';
  for (const letter of CANONICAL_ORDER) if ((isa.hwcap >>> (letter.charCodeAt(0) - 97)) & 1) letters += letter;
  const rank = (name: string) => {
    const category = CANONICAL_ORDER.indexOf(name[1]!);
    return category < 0 ? CANONICAL_ORDER.length : category;
  };
  const named = isa.extensions.map((e) => e.name.toLowerCase());
  const z = named.filter((n) => /^z[a-z][a-z0-9]*$/.test(n)).sort((p, q) => rank(p) - rank(q) || (p < q ? -1 : p > q ? 1 : 0));
  const sExt = named.filter((n) => /^s[a-z][a-z0-9]*$/.test(n)).sort();
  return `rv64${letters}${[...z, ...sExt].map((n) => `_${n}`).join('')}`;
}

/**
 * /proc/cpuinfo for ZeroOS's one hart, in the format of riscv Linux 6.7 and later: hart 0,
 * the ISA string (linuxIsaString), sv39, mvendorid, marchid and mimpid as the hart's CSRs
 * read (0: not implemented), and the "hart isa" line (the same string: there is one hart).
 */
export function cpuinfo(isa: CpuIsa): string {
  const line = linuxIsaString(isa);
  return (
    'processor\t: 0\nhart\t\t: 0\n' +
    `isa\t\t: ${line}\nmmu\t\t: sv39\n` +
    'mvendorid\t: 0x0\nmarchid\t\t: 0x0\nmimpid\t\t: 0x0\n' +
    `hart isa\t: ${line}\n\n`
  );
}

/**
 * A thread as /proc/<pid>/task/<tid>/ shows it: what its stat, status and comm report.
 * Only what ZeroOS knows is filled in; the rest is what an idle Linux thread shows (0).
 */
export interface TaskView {
  readonly tid: number;
  readonly tgid: number;
  /** The thread's name as comm shows it (at most 15 bytes). */
  readonly comm: string;
  /** Blocked in a syscall (S, sleeping) or not (R, running: on the hart or ready for it). */
  readonly sleeping: boolean;
  /** The process's live threads. */
  readonly threads: number;
  /** The thread's blocked signals (bit n-1 for signal n). */
  readonly blocked: bigint;
  /** The process's main thread (exit_signal SIGCHLD) or another (exit_signal -1). */
  readonly leader: boolean;
}

/** The view of `thread` that /proc shows; its comm is its prctl name, or the executable's name while it has none. */
export function taskView(thread: Thread, executable: string | undefined): TaskView {
  const process = thread.process;
  const comm = thread.name === 'main' ? basename(executable ?? 'init') : thread.name;
  return {
    tid: thread.tid,
    tgid: process.pid,
    comm: comm.slice(0, 15),
    sleeping: thread.state === 'blocked',
    threads: process.liveThreads().length,
    blocked: thread.signalMask,
    leader: thread.tid === process.pid,
  };
}

/**
 * /proc/<pid>/task/<tid>/stat in Linux's format (fs/proc/array.c do_task_stat, 52 fields):
 * `tid (comm) S ppid pgrp session tty_nr tpgid flags ...`. Known: tid, comm, state, the
 * process group and session (the process itself), num_threads, the blocked signals,
 * exit_signal; times, counters and addresses are 0, rsslim unlimited.
 */
export function taskStat(task: TaskView): string {
  const fields: (number | bigint | string)[] = [
    task.tid,
    `(${task.comm})`,
    task.sleeping ? 'S' : 'R',
    0, // ppid: nothing started the one process
    task.tgid, // pgrp
    task.tgid, // session
    0, // tty_nr
    -1, // tpgid
    0x400000, // flags: PF_RANDOMIZE, as an exec'd program has them
    0, 0, 0, 0, // minflt cminflt majflt cmajflt
    0, 0, 0, 0, // utime stime cutime cstime
    20, 0, // priority nice
    task.threads,
    0, // itrealvalue
    0, // starttime
    0, 0, // vsize rss
    18446744073709551615n, // rsslim: RLIM_INFINITY
    0, 0, 0, 0, 0, // startcode endcode startstack kstkesp kstkeip (0 as for a non-ptraced reader)
    0, // signal (pending: obsolete)
    task.blocked,
    0, 0, // sigignore sigcatch
    0, 0, 0, // wchan nswap cnswap
    task.leader ? 17 : -1, // exit_signal
    0, 0, 0, 0, 0, 0, // processor rt_priority policy delayacct_blkio_ticks guest_time cguest_time
    0, 0, 0, 0, 0, 0, 0, // start_data end_data start_brk arg_start arg_end env_start env_end
    0, // exit_code
  ];
  return `${fields.join(' ')}\n`;
}

/**
 * /proc/<pid>/task/<tid>/status in Linux's format (fs/proc/array.c), the lines ZeroOS can
 * fill: name, state, ids (root: uid and gid 0; one pid namespace), thread count, the
 * blocked signals, the one CPU.
 */
export function taskStatus(task: TaskView): string {
  const hex16 = (mask: bigint) => mask.toString(16).padStart(16, '0');
  return (
    `Name:\t${task.comm}\n` +
    `State:\t${task.sleeping ? 'S (sleeping)' : 'R (running)'}\n` +
    `Tgid:\t${task.tgid}\nNgid:\t0\nPid:\t${task.tid}\nPPid:\t0\nTracerPid:\t0\n` +
    'Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t\n' +
    `NStgid:\t${task.tgid}\nNSpid:\t${task.tid}\nNSpgid:\t${task.tgid}\nNSsid:\t${task.tgid}\n` +
    `Threads:\t${task.threads}\n` +
    `SigBlk:\t${hex16(task.blocked)}\n` +
    'Cpus_allowed:\t1\nCpus_allowed_list:\t0\n'
  );
}

/**
 * /proc/thread-self: a symlink whose target is the calling thread's task directory
 * (`1/task/2`), as on Linux. The caller is the thread on the hart (the kernel marks it
 * with runningSince); before the run, the main thread.
 */
class ThreadSelfLink extends SymlinkInode {
  constructor(
    fs: SyntheticFileSystem,
    time: bigint,
    private readonly process: Process,
  ) {
    super(fs, fs.nextIno(), time, '');
  }

  override get target(): string {
    const caller = this.process.liveThreads().find((t) => t.runningSince !== undefined);
    return `${this.process.pid}/task/${caller?.tid ?? this.process.pid}`;
  }
}

/**
 * The small /proc that common runtimes read, with deterministic contents: /proc/self (a
 * link to /proc/1, the one process) with exe, cwd, fd/, maps, auxv, cgroup, comm, and
 * task/<tid>/ (stat, status, comm) for every live thread; /proc/thread-self (the caller's
 * task directory); /proc/cpuinfo.
 */
export function buildProc(fs: SyntheticFileSystem, sources: ProcSources): void {
  const root = fs.root;
  const pid = String(sources.process.pid);
  const self = fs.directory(root, pid);
  fs.symlink(root, 'self', pid);
  root.attach('thread-self', new ThreadSelfLink(fs, root.mtime, sources.process));
  fs.file(root, 'cpuinfo', () => cpuinfo(sources.isa()));

  fs.magicLink(
    self,
    'exe',
    () => sources.executable()?.path ?? '',
    () => sources.executable()?.inode ?? -Errno.ENOENT,
  );
  fs.magicLink(
    self,
    'cwd',
    () => sources.cwd().path,
    () => sources.cwd().dir,
  );
  fs.magicLink(self, 'root', () => '/', () => sources.root());
  fs.file(self, 'maps', () => sources.maps());
  fs.file(self, 'auxv', () => auxvBytes(sources.auxv()));
  fs.file(self, 'cgroup', () => '0::/\n');
  fs.file(self, 'comm', () => `${basename(sources.executable()?.path ?? 'init').slice(0, 15)}\n`);
  fs.generatedDirectory(self, 'fd', () => descriptorLinks(fs, sources.process));
  // task/: a directory per live thread, made when first listed or looked up and kept (stable inode numbers)
  const tasks = new Map<Thread, DirectoryInode>();
  fs.generatedDirectory(self, 'task', (dir) => {
    const entries = new Map<string, Inode>();
    for (const thread of sources.process.liveThreads()) {
      let entry = tasks.get(thread);
      if (entry === undefined) {
        // not attached: the generated listing is the task directory's only entries
        entry = new DirectoryInode(fs, fs.nextIno(), 0o555, dir.mtime, dir, String(thread.tid));
        const view = () => taskView(thread, sources.executable()?.path);
        fs.file(entry, 'stat', () => taskStat(view()));
        fs.file(entry, 'status', () => taskStatus(view()));
        fs.file(entry, 'comm', () => `${view().comm}\n`);
        tasks.set(thread, entry);
      }
      entries.set(String(thread.tid), entry);
    }
    return entries;
  });
}

/**
 * The PMD (huge page) size Linux on riscv64 reports in
 * /sys/kernel/mm/transparent_hugepage/hpage_pmd_size: 2 MiB (sv39/sv48 level-1 leaves).
 */
export const HPAGE_PMD_SIZE = 2 * 1024 * 1024;

/**
 * /sys: what runtimes read to count CPUs, and the transparent huge page settings Go's
 * runtime reads at start-up (it sizes its heap's huge-page handling from hpage_pmd_size).
 * "never" is the mode: the kernel backs nothing with huge pages.
 */
export function buildSys(fs: SyntheticFileSystem): void {
  const cpu = fs.directories('devices/system/cpu');
  for (const name of ['online', 'possible', 'present']) fs.file(cpu, name, () => '0\n');
  fs.directory(fs.directory(cpu, 'cpu0'), 'topology');
  const thp = fs.directories('kernel/mm/transparent_hugepage');
  fs.file(thp, 'hpage_pmd_size', () => `${HPAGE_PMD_SIZE}\n`);
  fs.file(thp, 'enabled', () => 'always madvise [never]\n');
  fs.file(thp, 'defrag', () => 'always defer defer+madvise madvise [never]\n');
}

/**
 * /proc/self/auxv: the auxiliary vector as Linux stores it (mm->saved_auxv), each pair as
 * two little-endian u64 words, up to and including AT_NULL.
 */
export function auxvBytes(auxv: readonly (readonly [key: number, value: bigint])[]): Uint8Array {
  const out = new Uint8Array(auxv.length * 16);
  const view = new DataView(out.buffer);
  auxv.forEach(([key, value], i) => {
    view.setBigUint64(i * 16, BigInt(key), true);
    view.setBigUint64(i * 16 + 8, BigInt.asUintN(64, value), true);
  });
  return out;
}

/** /proc/self/fd: one magic link per open descriptor, leading to the open file's inode (or the open file). */
function descriptorLinks(fs: SyntheticFileSystem, process: Process): Map<string, Inode> {
  const links = new Map<string, Inode>();
  for (const fd of process.files.openDescriptors()) {
    const file = process.files.get(fd)!;
    links.set(
      String(fd),
      fs.detachedMagicLink(
        0x10000 + fd,
        () => file.path,
        (): Inode | OpenFile => (file instanceof FileDescription ? file.inode : file),
      ),
    );
  }
  return links;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
