/**
 * Side-by-side timing of one program on ZeroOS and on qemu-riscv64, as a user runs them:
 * each a fresh process (`node dist/cli/main.js run ...` against `qemu-riscv64 ...`), in
 * turn A B A B so that a drift in the shared machine's speed hits both, with the ratio
 * taken pair by pair. Host peak memory comes from /usr/bin/time when it is installed.
 * The warm figures run the same program again inside this process, after one warm-up run:
 * what a library user who keeps a process alive sees, and labelled as such.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createKernel } from '../zeroos.js';
import type { BenchCase } from './programs.js';

/** The host tools a comparison uses; `time` is optional (no RSS column without it). */
export interface Tools {
  readonly node: string;
  readonly cli: string;
  readonly qemu: string;
  readonly time: string | undefined;
  readonly scratch: string;
}

interface ProcessRun {
  readonly ms: number;
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
  /** Peak resident set of the process in bytes, when /usr/bin/time measured it. */
  readonly maxRss: number | undefined;
}

export interface ColdComparison {
  readonly instructions: number;
  /** Medians over the rounds. */
  readonly zeroosMs: number;
  readonly qemuMs: number;
  readonly zeroosRss: number | undefined;
  readonly qemuRss: number | undefined;
  /** Median of the per-round ratios ZeroOS / qemu. */
  readonly ratio: number;
  /** Whether ZeroOS's stdout and exit status equal qemu's in every round. */
  readonly sameOutput: boolean;
  /** qemu's stdout (the reference), for a later case that reads it. */
  readonly qemuStdout: Buffer;
  readonly exitCode: number;
  readonly mismatch?: string;
}

export interface WarmRun {
  readonly ms: number;
  readonly instructions: number;
  readonly sameOutput: boolean;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function geometricMean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}

/** Runs one process with the case's stdin, timing it from spawn to exit. */
function runProcess(tools: Tools, command: string, args: readonly string[], stdin: string | undefined): ProcessRun {
  const rssFile = join(tools.scratch, 'rss.txt');
  rmSync(rssFile, { force: true });
  const [file, argv] = tools.time
    ? [tools.time, ['-f', '%M', '-o', rssFile, command, ...args]]
    : [command, [...args]];
  const input = stdin === undefined ? 'ignore' : openSync(stdin, 'r');
  try {
    const started = performance.now();
    const run = spawnSync(file, argv, { stdio: [input, 'pipe', 'pipe'], maxBuffer: 1 << 30 });
    const ms = performance.now() - started;
    if (run.error) throw run.error;
    let maxRss: number | undefined;
    if (tools.time && existsSync(rssFile)) {
      // GNU time reports kilobytes; its file may also hold "Command exited with non-zero status"
      const kb = readFileSync(rssFile, 'utf8').trim().split('\n').pop();
      maxRss = kb && /^\d+$/.test(kb) ? Number(kb) * 1024 : undefined;
    }
    return { ms, status: run.status, stdout: run.stdout, stderr: run.stderr.toString('utf8'), maxRss };
  } finally {
    if (typeof input === 'number') closeSync(input);
  }
}

function zeroosCold(tools: Tools, c: BenchCase): ProcessRun {
  const stdin = c.stdin === undefined ? [] : ['--stdin', c.stdin];
  // --stdin gives the guest the file as fd 0 (as `< FILE` does); without it, empty input
  return runProcess(tools, tools.node, [tools.cli, 'run', '--stats', ...stdin, c.elf, ...c.args], c.stdin === undefined ? undefined : c.stdin);
}

function qemuCold(tools: Tools, c: BenchCase): ProcessRun {
  return runProcess(tools, tools.qemu, [c.elf, ...c.args], c.stdin);
}

/** `instructions  N` from --stats; the stats go to stderr after the guest's own. */
function statsInstructions(stderr: string): number {
  const found = /^instructions\s+(\d+)/m.exec(stderr);
  if (!found) throw new Error(`no --stats in ZeroOS's stderr:\n${stderr.slice(-2000)}`);
  return Number(found[1]);
}

/** What the guest itself wrote to stderr: --stats' block removed. */
function guestStderr(stderr: string): string {
  const at = stderr.lastIndexOf('--- zeroos stats ---');
  return at < 0 ? stderr : stderr.slice(0, at);
}

export function compareCold(tools: Tools, c: BenchCase, rounds: number): ColdComparison {
  const ratios: number[] = [];
  const zeroos: ProcessRun[] = [];
  const qemu: ProcessRun[] = [];
  let mismatch: string | undefined;
  // one warm-up of each: the page cache and qemu's binary, not counted
  qemuCold(tools, c);
  zeroosCold(tools, c);
  for (let round = 0; round < rounds; round++) {
    const z = zeroosCold(tools, c);
    const q = qemuCold(tools, c);
    zeroos.push(z);
    qemu.push(q);
    ratios.push(z.ms / q.ms);
    if (mismatch === undefined) {
      if (z.status !== q.status) mismatch = `exit status ${z.status} on ZeroOS, ${q.status} on qemu`;
      else if (!z.stdout.equals(q.stdout)) mismatch = `stdout differs (${z.stdout.length} bytes on ZeroOS, ${q.stdout.length} on qemu)`;
      else if (guestStderr(z.stderr) !== q.stderr) mismatch = 'stderr differs';
    }
  }
  const rss = (runs: ProcessRun[]) => {
    const known = runs.map((r) => r.maxRss).filter((v): v is number => v !== undefined);
    return known.length ? median(known) : undefined;
  };
  return {
    instructions: statsInstructions(zeroos[0]!.stderr),
    zeroosMs: median(zeroos.map((r) => r.ms)),
    qemuMs: median(qemu.map((r) => r.ms)),
    zeroosRss: rss(zeroos),
    qemuRss: rss(qemu),
    ratio: median(ratios),
    sameOutput: mismatch === undefined,
    qemuStdout: qemu[0]!.stdout,
    exitCode: qemu[0]!.status ?? -1,
    ...(mismatch === undefined ? {} : { mismatch }),
  };
}

/** The same program in this process: one warm-up run, then the median of `rounds`. */
export function runWarm(c: BenchCase, rounds: number, reference: Buffer): WarmRun {
  const executable = readFileSync(c.elf);
  const stdin = c.stdin === undefined ? new Uint8Array(0) : readFileSync(c.stdin);
  const once = () => {
    const kernel = createKernel({ console: { stdin } });
    kernel.load({ executable, path: c.elf, argv: [c.elf, ...c.args] });
    const started = performance.now();
    const result = kernel.run();
    return { ms: performance.now() - started, result };
  };
  once();
  const runs = Array.from({ length: rounds }, once);
  const first = runs[0]!.result;
  return {
    ms: median(runs.map((r) => r.ms)),
    instructions: first.instructions,
    sameOutput: runs.every((r) => Buffer.from(r.result.stdout).equals(reference)),
  };
}
