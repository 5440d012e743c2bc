import type { OpenFile } from '../../kernel/contracts/device.js';
import type { Process } from '../../kernel/process.js';
import { Errno } from '../../kernel/errno.js';
import type { DirectoryInode, Inode } from './inode.js';
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
}

/** /proc/cpuinfo as riscv Linux prints it for one rv64imac hart. */
export const CPUINFO = 'processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imac\nmmu\t\t: sv39\n\n';

/**
 * The small /proc that common runtimes read, with deterministic contents: /proc/self (a
 * link to /proc/1, the one process) with exe, cwd, fd/, maps, auxv, cgroup, comm; /proc/cpuinfo.
 */
export function buildProc(fs: SyntheticFileSystem, sources: ProcSources): void {
  const root = fs.root;
  const pid = String(sources.process.pid);
  const self = fs.directory(root, pid);
  fs.symlink(root, 'self', pid);
  fs.symlink(root, 'thread-self', `${pid}/task/${pid}`);
  fs.file(root, 'cpuinfo', () => CPUINFO);

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
  const task = fs.directory(self, 'task');
  fs.symlink(task, pid, '..');
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
