#!/usr/bin/env node
/**
 * `npm run bench`: how fast guests run on ZeroOS, next to qemu-riscv64 on the same
 * binary when it is installed, plus the allocators on their own. Wall-clock numbers live
 * here and in the CLI only; the kernel never reads a host clock.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { AllocatorName } from '../subsystems/memory/index.js';
import { createKernel, type KernelOptions } from '../zeroos.js';
import { benchmarkAllocators, formatAllocatorBenchmark } from './allocators.js';
import { benchmarkFiles } from './vfs.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface GuestCase {
  readonly name: string;
  readonly guest: string;
  readonly args?: readonly string[];
  readonly options?: KernelOptions;
  readonly repeat: number;
  /** Extra figure from the run: label and value per second of wall time. */
  readonly rate?: { readonly label: string; readonly count: (run: GuestRun) => number };
}

interface GuestRun {
  readonly ms: number;
  readonly instructions: number;
  readonly switches: number;
  readonly syscalls: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function runZeroOS(elf: Uint8Array, guest: string, c: GuestCase): GuestRun {
  const path = `guests/bin/${guest}`;
  const zeroos = createKernel(c.options ?? {});
  let switches = 0;
  zeroos.events.threadSwitch$.subscribe(() => switches++);
  zeroos.load({ executable: elf, path, argv: [path, ...(c.args ?? [])] });
  const started = performance.now();
  const result = zeroos.run();
  const ms = performance.now() - started;
  if (result.exitCode !== 0) throw new Error(`${guest} exited with ${result.exitCode}`);
  return { ms, instructions: result.instructions, switches, syscalls: result.syscalls };
}

function qemuPath(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v qemu-riscv64'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

function runQemu(qemu: string, path: string, args: readonly string[]): number {
  const started = performance.now();
  const run = spawnSync(qemu, [path, ...args], { stdio: ['ignore', 'ignore', 'ignore'] });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`qemu-riscv64 ${path} exited with ${run.status}`);
  return ms;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

const allocatorCases = (['linked-list', 'buddy', 'bump'] as AllocatorName[]).map(
  (allocator): GuestCase => ({ name: `malloc_stress (${allocator})`, guest: 'malloc_stress', options: { allocator }, repeat: 3 }),
);

const CASES: readonly GuestCase[] = [
  { name: 'hello (startup + exit)', guest: 'hello', repeat: 20 },
  { name: 'cpubench (default work)', guest: 'cpubench', repeat: 3 },
  ...allocatorCases,
  {
    name: 'futex_pingpong',
    guest: 'futex_pingpong',
    repeat: 5,
    rate: { label: 'round trips/s', count: () => 1000 },
  },
  {
    name: 'pthread_pc (context switches)',
    guest: 'pthread_pc',
    repeat: 3,
    rate: { label: 'switches/s', count: (run) => run.switches },
  },
];

function main(): void {
  const qemu = qemuPath();
  console.log(`ZeroOS benchmark — node ${process.version}, ${process.arch}`);
  console.log(qemu ? `comparing with ${qemu}` : 'qemu-riscv64 not installed: ZeroOS numbers only');
  console.log('');
  const rows: string[][] = [];
  for (const c of CASES) {
    const path = join(root, 'guests', 'bin', c.guest);
    if (!existsSync(path)) {
      console.log(`skipping ${c.name}: guests/bin/${c.guest} missing`);
      continue;
    }
    const elf = readFileSync(path);
    runZeroOS(elf, c.guest, c); // warm-up: the host's JIT and the translated blocks
    const runs = Array.from({ length: c.repeat }, () => runZeroOS(elf, c.guest, c));
    const ms = median(runs.map((r) => r.ms));
    const first = runs[0]!;
    const row = [c.name, String(first.instructions), ms.toFixed(1), (first.instructions / 1e3 / ms).toFixed(1)];
    row.push(c.rate ? `${Math.round(c.rate.count(first) / (ms / 1000)).toLocaleString('en-US')} ${c.rate.label}` : '');
    if (qemu) {
      const qms = median(Array.from({ length: c.repeat }, () => runQemu(qemu, path, c.args ?? [])));
      row.push(qms.toFixed(1), (first.instructions / 1e3 / qms).toFixed(1));
      row.push(c.rate ? `${Math.round(c.rate.count(first) / (qms / 1000)).toLocaleString('en-US')}` : '');
    }
    rows.push(row);
  }
  const header = ['guest', 'instructions', 'zeroos ms', 'MIPS', 'rate'];
  if (qemu) header.push('qemu ms', 'qemu MIPS*', 'qemu rate*');
  console.log(table(header, rows));
  console.log('');
  console.log('MIPS = guest instructions (counted by ZeroOS) per wall-clock microsecond, median of the runs.');
  console.log("qemu figures use ZeroOS's instruction and event counts over qemu-riscv64's wall time (process start included).");
  console.log('');
  console.log('Allocators alone (mixed-size workload over a 1 GiB region, 4 KiB granule):');
  console.log(formatAllocatorBenchmark(benchmarkAllocators()));
  console.log('');
  console.log('Files and the syscall path:');
  console.log(benchmarkFiles(root, qemu));
}

main();
