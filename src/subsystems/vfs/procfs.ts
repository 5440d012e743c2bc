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
 * The small /proc that common runtimes read, with deterministic contents: /proc/self (a
 * link to /proc/1, the one process) with exe, cwd, fd/, maps, auxv, cgroup, comm; /proc/cpuinfo.
 */
export function buildProc(fs: SyntheticFileSystem, sources: ProcSources): void {
  const root = fs.root;
  const pid = String(sources.process.pid);
  const self = fs.directory(root, pid);
  fs.symlink(root, 'self', pid);
  fs.symlink(root, 'thread-self', `${pid}/task/${pid}`);
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
