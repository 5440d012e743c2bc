import { describe, expect, it } from 'vitest';
import { Errno } from '../../../src/kernel/errno.js';
import { SYSCALL_NUMBERS as NR } from '../../../src/kernel/syscall/numbers.js';
import { MAX_MAP_COUNT } from '../../../src/subsystems/memory/address-space.js';
import { syscallHarness } from '../../support/syscall-harness.js';

const PAGE = 4096;
const PROT_READ = 1;
const PROT_RW = 3;
const ANON = 0x02 | 0x20;

describe('AddressSpace', () => {
  describe('when a guest splits its memory into ever more mappings', () => {
    it('should stop at vm.max_map_count with ENOMEM, for mmap and for mprotect, and recover after munmap', () => {
      const h = syscallHarness({ memoryLimit: 2 ** 31 });
      const memory = h.zeroos.kernel.arch.memory;
      // One big mapping, then every other page read-only: each mprotect adds two mappings.
      const pages = MAX_MAP_COUNT + 4; // the harness's mmap region holds 65,536 pages
      const base = Number(h.syscall(NR.mmap, 0, pages * PAGE, PROT_RW, ANON, -1, 0));
      expect(base).toBeGreaterThan(0);
      let refused: bigint | undefined;
      for (let i = 1; i < pages; i += 2) {
        const r = h.syscall(NR.mprotect, base + i * PAGE, PAGE, PROT_READ);
        if (r !== 0n) {
          refused = r;
          break;
        }
      }
      expect(refused).toBe(BigInt(-Errno.ENOMEM));
      expect(memory.mappingCount).toBeLessThanOrEqual(MAX_MAP_COUNT);
      expect(memory.mappingCount).toBeGreaterThan(MAX_MAP_COUNT - 3);
      expect(h.syscall(NR.mmap, 0, PAGE, PROT_READ, ANON, -1, 0)).toBe(BigInt(-Errno.ENOMEM));
      // Giving the split range back makes room again.
      expect(h.syscall(NR.munmap, base, pages * PAGE)).toBe(0n);
      expect(memory.mappingCount).toBeLessThan(100);
      expect(h.syscall(NR.mmap, 0, PAGE, PROT_READ, ANON, -1, 0)).toBeGreaterThan(0n);
    });
  });
});
