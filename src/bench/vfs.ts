/**
 * The file-system part of `npm run bench`: file throughput through the guest (the
 * filecopy guest writes a 16 MiB file with 4 KiB writes, copies it with 4 KiB
 * reads/writes and reads the copy back, all in the in-memory file system) and the
 * syscall path (write_loop: 200 000 one-byte writes to /dev/null), next to
 * qemu-riscv64 running the same binaries in a scratch directory on the host.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createKernel } from '../zeroos.js';

interface FileCase {
  readonly name: string;
  readonly guest: string;
  readonly args: readonly string[];
  readonly repeat: number;
  /** What one run does, for the rate column. */
  readonly work: (syscalls: number) => number;
  readonly unit: string;
}

const MIB = 1024 * 1024;
/** filecopy moves its file four times: write, read + write (the copy), read back. */
const FILECOPY_MIB = 16;

const CASES: readonly FileCase[] = [
  {
    name: `filecopy ${FILECOPY_MIB} MiB (4 KiB read/write)`,
    guest: 'filecopy',
    args: [String(FILECOPY_MIB)],
    repeat: 3,
    work: () => 4 * FILECOPY_MIB * MIB,
    unit: 'MB/s',
  },
  {
    name: 'write_loop (1-byte writes to /dev/null)',
    guest: 'write_loop',
    args: ['200000'],
    repeat: 3,
    work: (syscalls) => syscalls,
    unit: 'syscalls/s',
  },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function runZeroOS(elf: Uint8Array, c: FileCase): { ms: number; syscalls: number; instructions: number } {
  const path = `guests/bin/${c.guest}`;
  const zeroos = createKernel({ files: { cwd: '/job' } });
  zeroos.load({ executable: elf, path, argv: [path, ...c.args] });
  const started = performance.now();
  const result = zeroos.run();
  const ms = performance.now() - started;
  if (result.exitCode !== 0) throw new Error(`${c.guest} exited with ${result.exitCode}`);
  return { ms, syscalls: result.syscalls, instructions: result.instructions };
}

function runQemu(qemu: string, binary: string, c: FileCase): number {
  const scratch = mkdtempSync(join(tmpdir(), 'zeroos-bench-'));
  try {
    const started = performance.now();
    const run = spawnSync(qemu, [binary, ...c.args], { cwd: scratch, stdio: ['ignore', 'ignore', 'ignore'] });
    const ms = performance.now() - started;
    if (run.status !== 0) throw new Error(`qemu-riscv64 ${c.guest} exited with ${run.status}`);
    return ms;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function rate(work: number, ms: number, unit: string): string {
  const perSecond = work / (ms / 1000);
  return unit === 'MB/s' ? `${(perSecond / 1e6).toFixed(1)} ${unit}` : `${Math.round(perSecond).toLocaleString('en-US')} ${unit}`;
}

/** The table of file benchmarks, as `npm run bench` prints it. */
export function benchmarkFiles(root: string, qemu: string | undefined): string {
  const header = ['guest', 'instructions', 'syscalls', 'zeroos ms', 'zeroos rate', ...(qemu ? ['qemu ms', 'qemu rate'] : [])];
  const rows: string[][] = [];
  for (const c of CASES) {
    const binary = join(root, 'guests', 'bin', c.guest);
    if (!existsSync(binary)) {
      rows.push([c.name, 'missing']);
      continue;
    }
    const elf = readFileSync(binary);
    runZeroOS(elf, c); // warm-up
    const runs = Array.from({ length: c.repeat }, () => runZeroOS(elf, c));
    const ms = median(runs.map((r) => r.ms));
    const first = runs[0]!;
    const work = c.work(first.syscalls);
    const row = [c.name, String(first.instructions), String(first.syscalls), ms.toFixed(1), rate(work, ms, c.unit)];
    if (qemu) {
      const qms = median(Array.from({ length: c.repeat }, () => runQemu(qemu, binary, c)));
      row.push(qms.toFixed(1), rate(work, qms, c.unit));
    }
    rows.push(row);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [
    line(header),
    ...rows.map(line),
    '',
    `filecopy's rate counts the ${4 * FILECOPY_MIB} MiB its file moves through read/write (written, read and written as the copy, read back);`,
    'write_loop\'s counts every syscall of the run. qemu rates use the same work over qemu-riscv64\'s wall time (process start included).',
  ].join('\n');
}
