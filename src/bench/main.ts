#!/usr/bin/env node
/**
 * `npm run bench`: guest instructions per second on CPU-bound guests, next to
 * qemu-riscv64 on the same binary when it is installed. Wall-clock numbers live here and
 * in the CLI only; the kernel never reads a host clock.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createKernel } from '../zeroos.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Case {
  readonly name: string;
  readonly guest: string;
  readonly args: readonly string[];
  readonly repeat: number;
}

const CASES: readonly Case[] = [
  { name: 'hello (startup + exit)', guest: 'hello', args: [], repeat: 20 },
  { name: 'cpubench (default work)', guest: 'cpubench', args: [], repeat: 3 },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function runZeroOS(elf: Uint8Array, path: string, args: readonly string[]) {
  const zeroos = createKernel();
  zeroos.load({ executable: elf, path, argv: [path, ...args] });
  const started = performance.now();
  const result = zeroos.run();
  return { ms: performance.now() - started, instructions: result.instructions, exitCode: result.exitCode };
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

function main(): void {
  const qemu = qemuPath();
  console.log(`ZeroOS benchmark — node ${process.version}, ${process.arch}`);
  console.log(qemu ? `comparing with ${qemu}` : 'qemu-riscv64 not installed: ZeroOS numbers only');
  console.log('');
  const header = ['case', 'instructions', 'zeroos ms', 'zeroos MIPS', 'qemu ms', 'qemu MIPS*'];
  const rows: string[][] = [];
  for (const c of CASES) {
    const path = join(root, 'guests', 'bin', c.guest);
    if (!existsSync(path)) {
      console.log(`skipping ${c.name}: ${path} missing`);
      continue;
    }
    const elf = readFileSync(path);
    runZeroOS(elf, `guests/bin/${c.guest}`, c.args); // warm-up: JIT and decode caches of the host
    const runs = Array.from({ length: c.repeat }, () => runZeroOS(elf, `guests/bin/${c.guest}`, c.args));
    const ms = median(runs.map((r) => r.ms));
    const instructions = runs[0]!.instructions;
    const row = [c.name, String(instructions), ms.toFixed(1), (instructions / 1e3 / ms).toFixed(1)];
    if (qemu) {
      const qms = median(Array.from({ length: c.repeat }, () => runQemu(qemu, path, c.args)));
      row.push(qms.toFixed(1), (instructions / 1e3 / qms).toFixed(1));
    } else {
      row.push('-', '-');
    }
    rows.push(row);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log('');
  console.log('MIPS = guest instructions (counted by ZeroOS) per wall-clock microsecond, median of the runs;');
  console.log('qemu MIPS* = the same instruction count over qemu-riscv64\'s wall time (process start included).');
}

main();
