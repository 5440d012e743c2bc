import { describe, expect, it } from 'vitest';
import { benchmarkAllocators, formatAllocatorBenchmark } from '../../../src/bench/allocators.js';

describe(benchmarkAllocators, () => {
  it('should run the same workload on every allocator and report each', () => {
    const results = benchmarkAllocators({ operations: 5000, repeat: 1 });
    expect(results.map((r) => r.name)).toEqual(['linked-list', 'buddy', 'bump']);
    for (const r of results) {
      expect(r.operations).toBe(5000);
      expect(r.allocations + r.failedAllocations + r.frees).toBe(5000);
      expect(r.opsPerSecond).toBeGreaterThan(0);
    }
    const [linkedList, buddy] = results;
    // Both reuse space, so neither runs out of a 1 GiB region and both see the same calls.
    expect(linkedList).toMatchObject({ failedAllocations: 0, allocations: buddy!.allocations, frees: buddy!.frees });
  });
  it('should hand out the same addresses every time', () => {
    const checksums = () => benchmarkAllocators({ operations: 3000, repeat: 1 }).map((r) => r.checksum);
    expect(checksums()).toEqual(checksums());
  });
});

describe(formatAllocatorBenchmark, () => {
  it('should print a header and one aligned line per allocator', () => {
    const lines = formatAllocatorBenchmark(benchmarkAllocators({ operations: 1000, repeat: 1, allocators: ['buddy'] })).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^allocator\s+calls\s+allocs\s+failed\s+frees\s+partial\s+ms\s+Mops\/s\s+peak MiB\s+free blocks\s+frag$/);
    expect(lines[1]).toMatch(/^buddy\s+1000\s/);
    expect(lines[1]!.length).toBe(lines[0]!.length);
  });
});
