#!/usr/bin/env node
/**
 * `npm run bench` (`-- --quick` for a short version): how fast programs run on ZeroOS
 * next to qemu-riscv64 on the same binary. First real programs nobody on the project
 * wrote (guests/bench/build.sh builds them from Debian's source packages) and the
 * project's own guests, each as a cold CLI run alternating with qemu, with warm
 * in-process figures beside them; then the warm micro-benchmarks, the allocators on
 * their own and the file path. Wall-clock numbers live here and in the CLI only; the
 * kernel never reads a host clock.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { AllocatorName } from '../subsystems/memory/index.js';
import { createKernel, type KernelOptions } from '../zeroos.js';
import { benchmarkAllocators, formatAllocatorBenchmark } from './allocators.js';
import { compareCold, geometricMean, runWarm, type ColdComparison, type Tools, type WarmRun } from './compare.js';
import { decompressCase, microPrograms, realPrograms, type BenchCase, type BenchInputs } from './programs.js';
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

interface Row {
  readonly c: BenchCase;
  readonly cold: ColdComparison;
  readonly warm?: WarmRun;
}

function mb(bytes: number | undefined): string {
  return bytes === undefined ? '-' : (bytes / 1e6).toFixed(0);
}

/** guests/bench/build.sh's output directory, or why the real programs are skipped. */
function buildRealPrograms(): { bin?: string; skipped?: string } {
  const script = join(root, 'guests', 'bench', 'build.sh');
  console.log('building the real programs (guests/bench/build.sh; cached after the first build)...');
  const built = spawnSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (built.status === 3) return { skipped: 'the guest toolchain is missing (run bash guests/build.sh first)' };
  if (built.status !== 0) return { skipped: `guests/bench/build.sh failed (exit ${built.status})` };
  return { bin: built.stdout.trim().split('\n').pop()! };
}

/** The real programs and the project's guests, cold from the CLI against qemu, plus warm figures. */
function comparisonSuite(qemu: string, quick: boolean): void {
  const cli = process.env['ZEROOS_BENCH_CLI'] ?? join(root, 'dist', 'cli', 'main.js');
  if (!existsSync(cli)) {
    console.log(`skipping the comparison suite: no CLI at ${cli} (npm run build)`);
    return;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'zeroos-bench-'));
  try {
    const real = buildRealPrograms();
    if (real.skipped) console.log(`skipping the real programs: ${real.skipped}`);
    const time = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
    if (!time) console.log('/usr/bin/time not installed: no host max RSS column');
    const tools: Tools = { node: process.execPath, cli, qemu, time, scratch };
    const inputs: BenchInputs = { realBin: real.bin, guests: join(root, 'guests'), scratch, quick };
    const rounds = quick ? 1 : 3;
    const cases = [...realPrograms(inputs), ...microPrograms(inputs)];
    const rows: Row[] = [];
    const measure = (c: BenchCase): Row | undefined => {
      if (!existsSync(c.elf)) {
        console.log(`skipping ${c.name}: ${c.elf} missing`);
        return undefined;
      }
      process.stdout.write(`  ${c.name} ...`);
      const cold = compareCold(tools, c, rounds);
      const warm = c.group === 'real' ? runWarm(c, rounds, cold.qemuStdout) : undefined;
      process.stdout.write(` ${cold.ratio.toFixed(1)}x qemu${cold.sameOutput ? '' : ` (OUTPUT DIFFERS: ${cold.mismatch})`}\n`);
      const row: Row = warm ? { c, cold, warm } : { c, cold };
      rows.push(row);
      return row;
    };
    console.log(`cold runs, ${rounds} round${rounds > 1 ? 's' : ''} each, ZeroOS and qemu in turn:`);
    for (const c of cases) {
      const row = measure(c);
      if (row && c.args[0] === '-9') measure(decompressCase(c, row.cold.qemuStdout, inputs));
    }
    console.log('');
    console.log(formatComparison(rows, time !== undefined));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function formatComparison(rows: readonly Row[], withRss: boolean): string {
  const header = ['program', 'instructions', 'cold ms', 'cold M/s', 'qemu ms', 'ratio', 'warm ms', 'warm M/s', 'output'];
  if (withRss) header.splice(5, 0, 'RSS MB', 'qemu RSS MB');
  const body = rows.map(({ c, cold, warm }) => {
    const cells = [
      c.name,
      String(cold.instructions),
      cold.zeroosMs.toFixed(0),
      (cold.instructions / 1e3 / cold.zeroosMs).toFixed(1),
      cold.qemuMs.toFixed(0),
      `${cold.ratio.toFixed(1)}x`,
      warm ? warm.ms.toFixed(0) : '-',
      warm ? (warm.instructions / 1e3 / warm.ms).toFixed(1) : '-',
      cold.sameOutput && (warm?.sameOutput ?? true) ? 'same' : 'DIFFERS',
    ];
    if (withRss) cells.splice(5, 0, mb(cold.zeroosRss), mb(cold.qemuRss));
    return cells;
  });
  const lines = [table(header, body), ''];
  for (const group of ['real', 'micro'] as const) {
    const ratios = rows.filter((r) => r.c.group === group && r.cold.sameOutput).map((r) => r.cold.ratio);
    if (ratios.length === 0) continue;
    const label = group === 'real' ? "real programs (nobody on the project wrote them)" : "the project's own guests";
    lines.push(`geometric mean ratio to qemu, cold, ${label}: ${geometricMean(ratios).toFixed(2)}x (worst ${Math.max(...ratios).toFixed(1)}x)`);
  }
  lines.push('');
  lines.push('cold = `zeroos run` as a new process (node start-up, loading, the run) against `qemu-riscv64` as a new process;');
  lines.push('  medians, ratio = median of the per-round ratios; RSS = the process\'s peak resident memory (GNU time).');
  lines.push('warm = the same program again inside this process after one warm-up run (kernel created, ELF loaded, run timed).');
  lines.push('M/s = guest instructions (counted by ZeroOS) per wall-clock second, in millions; output = stdout and exit status equal qemu\'s.');
  const differs = rows.filter((r) => !r.cold.sameOutput || r.warm?.sameOutput === false);
  for (const r of differs) lines.push(`OUTPUT DIFFERS for ${r.c.name}: ${r.cold.mismatch ?? 'the warm run\'s stdout'} — its numbers mean nothing`);
  return lines.join('\n');
}

function main(): void {
  const quick = process.argv.includes('--quick');
  const qemu = qemuPath();
  console.log(`ZeroOS benchmark${quick ? ' (--quick)' : ''} — node ${process.version}, ${process.arch}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}, ${new Date().toISOString().slice(0, 10)}`);
  console.log('');
  if (qemu) comparisonSuite(qemu, quick);
  else console.log('skipping the comparison suite: qemu-riscv64 is not installed (apt-get install qemu-user)');
  console.log('');
  console.log('Micro-benchmarks, warm (in-process, after a warm-up run):');
  const rows: string[][] = [];
  for (const c of CASES) {
    const path = join(root, 'guests', 'bin', c.guest);
    if (!existsSync(path)) {
      console.log(`skipping ${c.name}: guests/bin/${c.guest} missing`);
      continue;
    }
    const elf = readFileSync(path);
    const repeat = quick ? 1 : c.repeat;
    runZeroOS(elf, c.guest, c); // warm-up: the host's JIT and the translated blocks
    const runs = Array.from({ length: repeat }, () => runZeroOS(elf, c.guest, c));
    const ms = median(runs.map((r) => r.ms));
    const first = runs[0]!;
    const row = [c.name, String(first.instructions), ms.toFixed(1), (first.instructions / 1e3 / ms).toFixed(1)];
    row.push(c.rate ? `${Math.round(c.rate.count(first) / (ms / 1000)).toLocaleString('en-US')} ${c.rate.label}` : '');
    if (qemu) {
      const qms = median(Array.from({ length: repeat }, () => runQemu(qemu, path, c.args ?? [])));
      row.push(qms.toFixed(1), (first.instructions / 1e3 / qms).toFixed(1));
      row.push(c.rate ? `${Math.round(c.rate.count(first) / (qms / 1000)).toLocaleString('en-US')}` : '');
    }
    rows.push(row);
  }
  const header = ['guest', 'instructions', 'warm ms', 'warm MIPS', 'rate'];
  if (qemu) header.push('qemu ms', 'qemu MIPS*', 'qemu rate*');
  console.log(table(header, rows));
  console.log('');
  console.log('warm MIPS = guest instructions (counted by ZeroOS) per wall-clock microsecond, median of the runs, in-process.');
  console.log("qemu figures use ZeroOS's instruction and event counts over qemu-riscv64's wall time (process start included).");
  if (quick) return;
  console.log('');
  console.log('Allocators alone (mixed-size workload over a 1 GiB region, 4 KiB granule):');
  console.log(formatAllocatorBenchmark(benchmarkAllocators()));
  console.log('');
  console.log('Files and the syscall path:');
  console.log(benchmarkFiles(root, qemu));
}

main();
