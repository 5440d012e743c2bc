import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryBudget } from '../../src/kernel/memory-budget.js';
import { DEFAULT_MEMORY_LIMIT, createKernel } from '../../src/zeroos.js';

/*
 * With no options at all, a guest that maps and touches memory without end gets ENOMEM at
 * the default 2 GiB limit, and the host holds about that much: no std::bad_alloc, no
 * "JavaScript heap out of memory". (About 17 s and 2.4 GB of RSS on a 2-core machine.)
 */
describe('the default memory limit against a guest that never stops mapping', () => {
  it('should end in ENOMEM with host memory bounded by the 2 GiB default', { timeout: 120_000 }, () => {
    const elf = readFileSync(join(import.meta.dirname, '..', '..', 'guests', 'bin', 'oom'));
    const before = process.memoryUsage().arrayBuffers;
    const zeroos = createKernel();
    zeroos.load({ executable: elf, path: '/bin/oom', argv: ['oom', 'mmap'] });
    const result = zeroos.run();
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(new TextDecoder().decode(result.stdout)).toMatch(/^mmap: 203\d MiB, then ENOMEM\n$/);
    expect(result.exitCode).toBe(0);
    expect(zeroos.container.get(MemoryBudget).stats().total.peakBytes).toBeLessThanOrEqual(DEFAULT_MEMORY_LIMIT);
    expect(grown).toBeLessThan(1.5 * DEFAULT_MEMORY_LIMIT);
  });
});
