import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_CODE_PAGES } from '../../src/arch/riscv64/code-cache.js';
import type { RiscvHart } from '../../src/arch/riscv64/hart.js';
import { EXIT_CODES } from '../../src/errors.js';
import { MemoryBudget, OutOfMemory } from '../../src/kernel/memory-budget.js';
import { AddressSpace } from '../../src/subsystems/memory/index.js';
import { createKernel } from '../../src/zeroos.js';

/*
 * The guest `oom` keeps asking for memory one way per mode (guests/src/oom.c) and prints
 * how far it got and the errno that stopped it. Each run must end in that named outcome
 * with the host holding about the limit, never more.
 */
const MiB = 2 ** 20;
const OOM = readFileSync(join(import.meta.dirname, '..', '..', 'guests', 'bin', 'oom'));
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function runOom(limit: number, ...args: string[]) {
  const before = process.memoryUsage().arrayBuffers;
  const zeroos = createKernel({ memoryLimit: limit, maxInstructions: 2e9 });
  zeroos.load({ executable: OOM, path: '/bin/oom', argv: ['oom', ...args] });
  const result = zeroos.run();
  const grown = process.memoryUsage().arrayBuffers - before;
  const budget = zeroos.container.get(MemoryBudget).stats();
  return { zeroos, result, stdout: decode(result.stdout), grown, budget };
}

/** The whole MiB the guest got before the error, from "...: N MiB, then ...". */
const mib = (stdout: string) => Number(/: (\d+) MiB/.exec(stdout)?.[1]);

describe('the memory budget against a guest that never stops allocating', () => {
  describe.each([
    ['mmap', /^mmap: \d+ MiB, then ENOMEM\n$/],
    ['brk', /^brk: \d+ MiB, then the break stayed\n$/],
    ['tmpfs', /^\/tmp\/fill: \d+ MiB, then ENOSPC\n$/],
    ['shm', /^\/dev\/shm\/fill: \d+ MiB, then ENOSPC\n$/],
  ] as const)('oom %s under a 64 MiB limit', (mode, expected) => {
    it('should get the errno Linux gives near the limit, with host memory bounded by it', () => {
      const { result, stdout, grown, budget } = runOom(64 * MiB, mode);
      expect(result.exitCode).toBe(0);
      expect(stdout).toMatch(expected);
      // 64 MiB minus the 8 MiB stack, the image and whatever the last 1 MiB step did not fit in.
      expect(mib(stdout)).toBeGreaterThanOrEqual(52);
      expect(mib(stdout)).toBeLessThanOrEqual(55);
      expect(budget.total.peakBytes).toBeLessThanOrEqual(64 * MiB);
      expect(grown).toBeLessThan(1.5 * 64 * MiB);
    });
  });

  it('should count the bytes of unlinked files until their last descriptor closes', () => {
    const { result, stdout, budget } = runOom(64 * MiB, 'unlinked');
    expect(result.exitCode).toBe(0);
    expect(stdout).toBe('unlinked: 7 open files, then ENOSPC\nwhile open: ENOSPC\nafter closing: wrote 8 MiB\n');
    expect(budget.byCategory.files.peakBytes).toBeGreaterThan(50 * MiB);
    expect(budget.byCategory.files.bytes).toBeLessThan(9 * MiB);
  });

  it('should refuse symlinks with ENOSPC once their entries and targets fill the limit', () => {
    const { result, stdout, budget } = runOom(16 * MiB, 'symlinks');
    expect(result.exitCode).toBe(0);
    const count = Number(/^symlinks: (\d+), then ENOSPC\n$/.exec(stdout)?.[1]);
    // About 7 MiB left after the stack and image, ~300 bytes an entry.
    expect(count).toBeGreaterThan(20_000);
    expect(count).toBeLessThan(30_000);
    expect(budget.byCategory.entries.bytes).toBeGreaterThan(6 * MiB);
    expect(budget.total.peakBytes).toBeLessThanOrEqual(16 * MiB);
  });

  it('should charge pipe buffers and fail the write or resize that does not fit with ENOMEM', () => {
    const { result, stdout, budget } = runOom(64 * MiB, 'pipes');
    expect(result.exitCode).toBe(0);
    expect(stdout).toMatch(/^pipes: 5\d with 1 MiB buffers, then ENOMEM\n$/);
    expect(budget.byCategory.pipes.peakBytes).toBeGreaterThan(50 * MiB);
    expect(budget.total.peakBytes).toBeLessThanOrEqual(64 * MiB);
  });
});

describe('the memory limit at load', () => {
  it('should stop with OutOfMemory when the image and the 8 MiB stack do not fit, before anything runs', () => {
    const zeroos = createKernel({ memoryLimit: 4 * MiB });
    let error: unknown;
    try {
      zeroos.load({ executable: OOM, path: '/bin/oom', argv: ['oom'] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutOfMemory);
    expect((error as OutOfMemory).exitCode).toBe(EXIT_CODES.outOfMemory);
    expect((error as OutOfMemory).message).toMatch(/^out of memory: loading the program \(its image and stack\) needs 9\.\d MiB but the run already holds [\d.]+ KiB of its 4\.0 MiB limit \(raise --memory-limit\)$/);
    expect(zeroos.container.get(AddressSpace).stats().mappedBytes).toBe(0);
  });

  it('should never let the mapped bytes pass the limit', () => {
    const { zeroos } = runOom(24 * MiB, 'mmap');
    const stats = zeroos.container.get(AddressSpace).stats();
    expect(stats.peakMappedBytes).toBeLessThanOrEqual(24 * MiB);
    expect(stats.memoryLimit).toBe(24 * MiB);
    const budget = zeroos.stats().budget;
    expect(budget.limit).toBe(24 * MiB);
    expect(budget.total.peakBytes).toBeLessThanOrEqual(24 * MiB);
    expect(budget.byCategory.addressSpace.peakBytes).toBe(stats.peakMappedBytes);
  });
});

describe('the decoded-code cache', () => {
  it('should hold at most MAX_CODE_PAGES pages however many the guest runs, with the same outcome', () => {
    const pages = MAX_CODE_PAGES + 1000;
    const { zeroos, result, stdout } = runOom(64 * MiB, 'code', String(pages));
    expect(stdout).toBe(`code: called ${pages} pages twice\n`);
    expect(result.exitCode).toBe(0);
    expect((zeroos.kernel.arch.hart as RiscvHart).codePageCount).toBeLessThanOrEqual(MAX_CODE_PAGES);
    // The same program under a cache that never evicts (fewer pages than the cap) retires
    // the same instructions per page: eviction changes speed only.
    const small = runOom(64 * MiB, 'code', '1000');
    const perPage = (n: number, count: number) => (n - small.result.instructions) / (count - 1000);
    expect(perPage(result.instructions, pages)).toBe(perPage(runOom(64 * MiB, 'code', '1500').result.instructions, 1500));
  });
});

describe('riscv_hwprobe', () => {
  it('should answer keys, refuse a huge pair count with EINVAL at once and fault past a mapping', () => {
    const { zeroos, result, stdout } = runOom(64 * MiB, 'hwprobe');
    expect(result.exitCode).toBe(0);
    expect(stdout).toBe(
      'hwprobe 4 pairs: 0, base 1, ima 3, unknown key -1\nhwprobe 2^40 pairs: EINVAL\nhwprobe past a mapping: EFAULT\n',
    );
    expect(zeroos.kernel.instructions).toBeLessThan(20_000);
  });
});
