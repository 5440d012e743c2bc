/**
 * Allocator throughput: the same seeded mmap-like workload (mixed sizes of 1–64 pages,
 * a bounded set of live mappings, frees of random ones, some partial munmaps) over a
 * 1 GiB region at page granularity, for each allocator. Counts allocate and free calls
 * per wall-clock second. Each run also hashes the addresses it got, and the repeats must
 * agree: the allocators are deterministic.
 */
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { Allocator } from '../kernel/contracts/allocator.js';
import { ALLOCATOR_NAMES, createAllocator, type AllocatorName } from '../subsystems/memory/allocators/index.js';

const PAGE = 4096;
const REGION_START = 0x40_0000_0000;
const REGION_BYTES = 2 ** 30;

export interface AllocatorBenchmarkOptions {
  /** allocate + free calls per run (default 200 000). */
  readonly operations?: number;
  /** Live allocations kept at most (default 2048). */
  readonly maxLive?: number;
  readonly seed?: number;
  /** Timed runs per allocator, after one warm-up run; the median is reported (default 3). */
  readonly repeat?: number;
  readonly allocators?: readonly AllocatorName[];
}

export interface AllocatorBenchmarkResult {
  readonly name: AllocatorName;
  /** allocate + free calls (failed allocations included). */
  readonly operations: number;
  readonly allocations: number;
  /** Allocations that found no space (the bump allocator runs out; the others should not). */
  readonly failedAllocations: number;
  /** free calls, partial ones included. */
  readonly frees: number;
  readonly partialFrees: number;
  /** Median wall time of the timed runs. */
  readonly ms: number;
  readonly opsPerSecond: number;
  readonly peakBytesInUse: number;
  /** Free blocks and fragmentation when the workload ends (live allocations still held). */
  readonly freeBlocks: number;
  readonly fragmentation: number;
  /** A hash of every address handed out; equal across runs. */
  readonly checksum: number;
}

/** The workload's random choices, drawn once from a seeded LCG so every allocator gets the same ones. */
interface Workload {
  readonly choice: Float64Array;
  readonly pages: Uint8Array;
  readonly pick: Uint32Array;
  readonly shape: Float64Array;
}

function workload(operations: number, seed: number): Workload {
  let state = seed >>> 0;
  // Numerical Recipes' 32-bit LCG: plenty for picking sizes, and the same everywhere.
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const w: Workload = {
    choice: new Float64Array(operations),
    pages: new Uint8Array(operations),
    pick: new Uint32Array(operations),
    shape: new Float64Array(operations),
  };
  for (let i = 0; i < operations; i++) {
    w.choice[i] = next();
    // Skewed towards small mappings, as malloc arenas and thread stacks are: mean ≈ 16 pages.
    w.pages[i] = 1 + Math.floor(64 * next() ** 3);
    w.pick[i] = Math.floor(next() * 2 ** 32);
    w.shape[i] = next();
  }
  return w;
}

interface RunResult {
  readonly ms: number;
  readonly allocations: number;
  readonly failedAllocations: number;
  readonly frees: number;
  readonly partialFrees: number;
  readonly checksum: number;
  readonly allocator: Allocator;
}

function run(name: AllocatorName, w: Workload, maxLive: number): RunResult {
  const allocator = createAllocator(name);
  allocator.init(REGION_START, REGION_START + REGION_BYTES, PAGE);
  const liveAddress = new Float64Array(maxLive + 1);
  const liveSize = new Float64Array(maxLive + 1);
  let live = 0;
  let allocations = 0;
  let failed = 0;
  let frees = 0;
  let partial = 0;
  let checksum = 0;
  const operations = w.choice.length;
  const started = performance.now();
  for (let i = 0; i < operations; i++) {
    if (live === 0 || (live < maxLive && w.choice[i]! < 0.55)) {
      const size = w.pages[i]! * PAGE;
      // One in twenty wants 64 KiB alignment (like a hugepage-friendly or aligned_alloc mapping).
      const align = w.shape[i]! < 0.05 ? 16 * PAGE : PAGE;
      const address = allocator.allocate(size, align);
      if (address === undefined) {
        failed++;
        continue;
      }
      allocations++;
      checksum = (Math.imul(checksum, 31) + (address - REGION_START) / PAGE) | 0;
      liveAddress[live] = address;
      liveSize[live] = size;
      live++;
      continue;
    }
    const j = w.pick[i]! % live;
    const address = liveAddress[j]!;
    const size = liveSize[j]!;
    const shape = w.shape[i]!;
    frees++;
    if (size >= 3 * PAGE && shape < 0.1 && live < maxLive) {
      // munmap of one page in the middle: the mapping becomes two.
      partial++;
      const head = Math.floor(size / PAGE / 2) * PAGE;
      allocator.free(address + head, PAGE);
      liveSize[j] = head;
      liveAddress[live] = address + head + PAGE;
      liveSize[live] = size - head - PAGE;
      live++;
    } else if (size >= 2 * PAGE && shape < 0.2) {
      // munmap of the head half: the rest stays mapped.
      partial++;
      const head = Math.floor(size / PAGE / 2) * PAGE;
      allocator.free(address, head);
      liveAddress[j] = address + head;
      liveSize[j] = size - head;
    } else {
      allocator.free(address, size);
      live--;
      liveAddress[j] = liveAddress[live]!;
      liveSize[j] = liveSize[live]!;
    }
  }
  const ms = performance.now() - started;
  return { ms, allocations, failedAllocations: failed, frees, partialFrees: partial, checksum, allocator };
}

/** Runs the workload for each allocator; one warm-up run each, then the median of `repeat` timed runs. */
export function benchmarkAllocators(options: AllocatorBenchmarkOptions = {}): AllocatorBenchmarkResult[] {
  const operations = options.operations ?? 200_000;
  const maxLive = options.maxLive ?? 2048;
  const repeat = options.repeat ?? 3;
  const w = workload(operations, options.seed ?? 0x5eed);
  return (options.allocators ?? ALLOCATOR_NAMES).map((name) => {
    const first = run(name, w, maxLive);
    const runs = Array.from({ length: repeat }, () => run(name, w, maxLive));
    for (const r of runs) {
      if (r.checksum !== first.checksum) throw new Error(`${name} allocator: two runs of the same workload handed out different addresses`);
    }
    const ms = runs.map((r) => r.ms).sort((a, b) => a - b)[Math.floor(runs.length / 2)] ?? first.ms;
    const calls = first.allocations + first.failedAllocations + first.frees;
    const stats = first.allocator.stats();
    return {
      name,
      operations: calls,
      allocations: first.allocations,
      failedAllocations: first.failedAllocations,
      frees: first.frees,
      partialFrees: first.partialFrees,
      ms,
      opsPerSecond: calls / (ms / 1000),
      peakBytesInUse: stats.peakBytesInUse,
      freeBlocks: stats.freeBlocks,
      fragmentation: stats.fragmentation,
      checksum: first.checksum >>> 0,
    };
  });
}

/** The results as a table, one line per allocator, columns aligned like the main benchmark's. */
export function formatAllocatorBenchmark(results: readonly AllocatorBenchmarkResult[]): string {
  const header = ['allocator', 'calls', 'allocs', 'failed', 'frees', 'partial', 'ms', 'Mops/s', 'peak MiB', 'free blocks', 'frag'];
  const rows = results.map((r) => [
    r.name,
    String(r.operations),
    String(r.allocations),
    String(r.failedAllocations),
    String(r.frees),
    String(r.partialFrees),
    r.ms.toFixed(1),
    (r.opsPerSecond / 1e6).toFixed(2),
    (r.peakBytesInUse / 2 ** 20).toFixed(1),
    String(r.freeBlocks),
    r.fragmentation.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

// `node dist/bench/allocators.js` runs it on its own.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log('allocators: 200k allocate/free calls, 1–64 pages, ≤ 2048 live, 1 GiB region, 4 KiB granule');
  console.log(formatAllocatorBenchmark(benchmarkAllocators()));
}
