import { describe, expect, it } from 'vitest';
import { MemoryFault, PERM_R, PERM_RW } from '../../src/arch/memory/types.js';
import { Errno } from '../../src/kernel/errno.js';
import { SYSCALL_NUMBERS as NR } from '../../src/kernel/syscall/numbers.js';
import { AddressSpace, formatMaps } from '../../src/subsystems/memory/address-space.js';
import { HEAP, HEAP_END, MMAP, MMAP_END, syscallHarness, type SyscallHarness } from '../support/syscall-harness.js';

const PAGE = 4096;
const E = (n: number) => BigInt(-n);
const PROT_NONE = 0;
const PROT_READ = 1;
const PROT_RW = 3;
const MAP_PRIVATE = 0x02;
const MAP_SHARED = 0x01;
const MAP_FIXED = 0x10;
const MAP_ANON = 0x20;
const MAP_FIXED_NOREPLACE = 0x100000;
const MAP_STACK = 0x20000;
const MAP_NORESERVE = 0x4000;
const ANON = MAP_PRIVATE | MAP_ANON;

function mmap(h: SyscallHarness, addr: number, len: number, prot = PROT_RW, flags = ANON, fd = -1, off = 0): bigint {
  return h.syscall(NR.mmap, addr, len, prot, flags, fd, off);
}
const memoryOf = (h: SyscallHarness) => h.zeroos.kernel.arch.memory;
const fill = (h: SyscallHarness, addr: number, len: number, byte: number) => h.write(addr, new Uint8Array(len).fill(byte));
const spaceOf = (h: SyscallHarness) => h.zeroos.container.get(AddressSpace);

describe('MemorySyscalls', () => {
  describe('brk', () => {
    it('should start at the end of the image and report it for brk(0)', () => {
      expect(syscallHarness().syscall(NR.brk, 0)).toBe(BigInt(HEAP));
    });
    it('should grow, map the new pages read-write, and shrink again', () => {
      const h = syscallHarness();
      expect(h.syscall(NR.brk, HEAP + 3 * PAGE + 10)).toBe(BigInt(HEAP + 3 * PAGE + 10));
      fill(h, HEAP + 4 * PAGE - 1, 1, 0xaa); // the partial page is mapped whole
      expect(h.syscall(NR.brk, HEAP + PAGE)).toBe(BigInt(HEAP + PAGE));
      expect(() => h.write(HEAP + PAGE, 'x')).toThrow(MemoryFault);
      h.syscall(NR.brk, HEAP + 2 * PAGE);
      expect([...h.read(HEAP + PAGE, 4)]).toEqual([0, 0, 0, 0]); // regrown pages are fresh
    });
    it('should return the current break when asked to move below its start or past the heap', () => {
      const h = syscallHarness();
      h.syscall(NR.brk, HEAP + PAGE);
      expect(h.syscall(NR.brk, HEAP - PAGE)).toBe(BigInt(HEAP + PAGE));
      expect(h.syscall(NR.brk, HEAP_END + PAGE)).toBe(BigInt(HEAP + PAGE));
    });
    it('should not grow into a mapping placed with MAP_FIXED', () => {
      const h = syscallHarness();
      expect(mmap(h, HEAP + 2 * PAGE, PAGE, PROT_RW, ANON | MAP_FIXED)).toBe(BigInt(HEAP + 2 * PAGE));
      expect(h.syscall(NR.brk, HEAP + 4 * PAGE)).toBe(BigInt(HEAP));
    });
    it('should fail to grow past the memory limit', () => {
      // code + data + two heap pages, and less than a page for the file system's entries (/tmp, /dev, ...)
      const h = syscallHarness({ memoryLimit: 0x1000 + 0x10000 + 2 * PAGE + PAGE - 1 });
      expect(h.syscall(NR.brk, HEAP + 2 * PAGE)).toBe(BigInt(HEAP + 2 * PAGE));
      expect(h.syscall(NR.brk, HEAP + 3 * PAGE)).toBe(BigInt(HEAP + 2 * PAGE));
    });
  });

  describe('mmap', () => {
    it('should map zeroed anonymous memory in the mmap region', () => {
      const h = syscallHarness();
      const addr = Number(mmap(h, 0, 3 * PAGE));
      expect(addr).toBeGreaterThanOrEqual(MMAP);
      expect(addr + 3 * PAGE).toBeLessThanOrEqual(MMAP_END);
      expect(addr % PAGE).toBe(0);
      expect([...h.read(addr, 8)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
      fill(h, addr + 3 * PAGE - 1, 1, 7);
    });
    it('should round the length up to whole pages', () => {
      const h = syscallHarness();
      const a = Number(mmap(h, 0, 1));
      const b = Number(mmap(h, 0, 1));
      expect(Math.abs(b - a)).toBeGreaterThanOrEqual(PAGE);
      fill(h, a + PAGE - 1, 1, 1);
    });
    it('should give non-overlapping ranges', () => {
      const h = syscallHarness();
      const ranges = [1, 5, 2, 9, 3].map((n) => [Number(mmap(h, 0, n * PAGE)), n * PAGE] as const);
      for (const [a, al] of ranges) for (const [b, bl] of ranges) if (a !== b) expect(a + al <= b || b + bl <= a).toBe(true);
    });
    it('should use a free, aligned hint', () => {
      const h = syscallHarness();
      expect(mmap(h, MMAP + 0x40_0000, PAGE)).toBe(BigInt(MMAP + 0x40_0000));
    });
    it('should ignore a hint that is taken or misaligned', () => {
      const h = syscallHarness();
      mmap(h, MMAP + 0x40_0000, PAGE);
      expect(mmap(h, MMAP + 0x40_0000, PAGE)).not.toBe(BigInt(MMAP + 0x40_0000));
      expect(Number(mmap(h, MMAP + 0x40_0001, PAGE)) % PAGE).toBe(0);
    });
    it('should accept MAP_SHARED, MAP_STACK and MAP_NORESERVE', () => {
      const h = syscallHarness();
      expect(mmap(h, 0, PAGE, PROT_RW, MAP_SHARED | MAP_ANON)).toBeGreaterThan(0n);
      expect(mmap(h, 0, PAGE, PROT_RW, ANON | MAP_STACK | MAP_NORESERVE)).toBeGreaterThan(0n);
    });
    it('should return -EINVAL for a zero length, no mapping type, unknown prot bits or a misaligned offset', () => {
      const h = syscallHarness();
      expect(mmap(h, 0, 0)).toBe(E(Errno.EINVAL));
      expect(mmap(h, 0, PAGE, PROT_RW, MAP_ANON)).toBe(E(Errno.EINVAL));
      expect(mmap(h, 0, PAGE, 0x10, ANON)).toBe(E(Errno.EINVAL));
      expect(mmap(h, 0, PAGE, PROT_RW, ANON, -1, 100)).toBe(E(Errno.EINVAL));
    });
    it('should return -EBADF for a file mapping of a closed fd and -ENODEV for an unmappable one', () => {
      const h = syscallHarness();
      expect(mmap(h, 0, PAGE, PROT_READ, MAP_PRIVATE, 9)).toBe(E(Errno.EBADF));
      expect(mmap(h, 0, PAGE, PROT_READ, MAP_PRIVATE, 1)).toBe(E(Errno.ENODEV));
    });
    it('should return -ENOMEM when the region is exhausted, without disturbing other mappings', () => {
      const h = syscallHarness();
      const keep = Number(mmap(h, 0, PAGE));
      fill(h, keep, 4, 9);
      expect(mmap(h, 0, MMAP_END - MMAP)).toBe(E(Errno.ENOMEM));
      expect([...h.read(keep, 4)]).toEqual([9, 9, 9, 9]);
    });
    it('should return -ENOMEM past the memory limit', () => {
      const h = syscallHarness({ memoryLimit: 1 << 20 });
      expect(mmap(h, 0, 512 * 1024)).toBeGreaterThan(0n);
      expect(mmap(h, 0, 1 << 20)).toBe(E(Errno.ENOMEM));
    });
    it('should reserve with PROT_NONE: any access faults until mprotect', () => {
      const h = syscallHarness();
      const addr = Number(mmap(h, 0, 2 * PAGE, PROT_NONE));
      expect(() => h.read(addr, 1)).toThrow(MemoryFault);
      expect(h.syscall(NR.mprotect, addr + PAGE, PAGE, PROT_RW)).toBe(0n);
      fill(h, addr + PAGE, 8, 1);
      expect(() => h.write(addr, 'x')).toThrow(MemoryFault);
    });

    describe('with MAP_FIXED', () => {
      it('should replace what was mapped there with fresh zero pages', () => {
        const h = syscallHarness();
        const addr = Number(mmap(h, 0, 4 * PAGE));
        fill(h, addr, 4 * PAGE, 0x55);
        expect(mmap(h, addr + PAGE, 2 * PAGE, PROT_READ, ANON | MAP_FIXED)).toBe(BigInt(addr + PAGE));
        expect(h.read(addr + PAGE, 2 * PAGE).every((b) => b === 0)).toBe(true);
        expect(h.read(addr, 1)[0]).toBe(0x55);
        expect(h.read(addr + 3 * PAGE, 1)[0]).toBe(0x55);
        expect(() => h.write(addr + PAGE, 'x')).toThrow(MemoryFault); // now read-only
      });
      it('should keep the allocator in step: the replaced space is not handed out twice', () => {
        const h = syscallHarness();
        const addr = Number(mmap(h, 0, 4 * PAGE));
        mmap(h, addr + PAGE, PAGE, PROT_RW, ANON | MAP_FIXED);
        const others = Array.from({ length: 8 }, () => Number(mmap(h, 0, PAGE)));
        for (const o of others) expect(o < addr || o >= addr + 4 * PAGE).toBe(true);
      });
      it('should return -EINVAL for a misaligned address', () => {
        expect(mmap(syscallHarness(), MMAP + 1, PAGE, PROT_RW, ANON | MAP_FIXED)).toBe(E(Errno.EINVAL));
      });
      it('should return -ENOMEM outside the regions a process may map', () => {
        expect(mmap(syscallHarness(), 0x7000_0000, PAGE, PROT_RW, ANON | MAP_FIXED)).toBe(E(Errno.ENOMEM));
      });
    });

    describe('with MAP_FIXED_NOREPLACE', () => {
      it('should return -EEXIST over an existing mapping and map a free range', () => {
        const h = syscallHarness();
        const addr = Number(mmap(h, 0, 2 * PAGE));
        fill(h, addr, 4, 3);
        expect(mmap(h, addr + PAGE, PAGE, PROT_RW, ANON | MAP_FIXED_NOREPLACE)).toBe(E(Errno.EEXIST));
        expect(h.read(addr, 1)[0]).toBe(3);
        expect(mmap(h, MMAP + 0x80_0000, PAGE, PROT_RW, ANON | MAP_FIXED_NOREPLACE)).toBe(BigInt(MMAP + 0x80_0000));
      });
    });
  });

  describe('munmap', () => {
    it('should split a mapping when the middle is unmapped', () => {
      const h = syscallHarness();
      const addr = Number(mmap(h, 0, 3 * PAGE));
      fill(h, addr, 3 * PAGE, 1);
      expect(h.syscall(NR.munmap, addr + PAGE, PAGE)).toBe(0n);
      expect(() => h.read(addr + PAGE, 1)).toThrow(MemoryFault);
      expect(h.read(addr, 1)[0]).toBe(1);
      expect(h.read(addr + 2 * PAGE, 1)[0]).toBe(1);
      expect(memoryOf(h).mappingAt(addr)?.end).toBe(addr + PAGE);
      expect(memoryOf(h).mappingAt(addr + 2 * PAGE)?.start).toBe(addr + 2 * PAGE);
    });
    it('should give the space back for reuse', () => {
      const h = syscallHarness();
      const addr = Number(mmap(h, 0, PAGE));
      h.syscall(NR.munmap, addr, PAGE);
      expect(mmap(h, 0, PAGE)).toBe(BigInt(addr));
    });
    it('should succeed on an unmapped range and reject misaligned or empty ones', () => {
      const h = syscallHarness();
      expect(h.syscall(NR.munmap, MMAP + 0x10_0000, PAGE)).toBe(0n);
      expect(h.syscall(NR.munmap, MMAP + 1, PAGE)).toBe(E(Errno.EINVAL));
      expect(h.syscall(NR.munmap, MMAP, 0)).toBe(E(Errno.EINVAL));
    });
  });

  describe('mprotect', () => {
    it('should make a write to a read-only page fault and keep reads working', () => {
      const h = syscallHarness();
      const addr = Number(mmap(h, 0, 2 * PAGE));
      fill(h, addr, 4, 5);
      expect(h.syscall(NR.mprotect, addr, PAGE, PROT_READ)).toBe(0n);
      expect(h.read(addr, 1)[0]).toBe(5);
      expect(() => h.write(addr, 'x')).toThrow(MemoryFault);
      fill(h, addr + PAGE, 1, 1);
      expect(memoryOf(h).mappingAt(addr)?.perms).toBe(PERM_R);
      expect(memoryOf(h).mappingAt(addr + PAGE)?.perms).toBe(PERM_RW);
    });
    it('should return -ENOMEM when part of the range is unmapped, -EINVAL when misaligned', () => {
      const h = syscallHarness();
      const addr = Number(mmap(h, 0, PAGE));
      expect(h.syscall(NR.mprotect, addr, 2 * PAGE, PROT_READ)).toBe(E(Errno.ENOMEM));
      expect(h.syscall(NR.mprotect, addr + 1, PAGE, PROT_READ)).toBe(E(Errno.EINVAL));
      expect(memoryOf(h).mappingAt(addr)?.perms).toBe(PERM_RW);
    });
  });

  describe('madvise', () => {
    it('should zero the range for MADV_DONTNEED and accept advisory kinds', () => {
      const h = syscallHarness();
      const addr = Number(mmap(h, 0, 2 * PAGE));
      fill(h, addr, 2 * PAGE, 0x77);
      expect(h.syscall(NR.madvise, addr, PAGE, 4)).toBe(0n);
      expect(h.read(addr, PAGE).every((b) => b === 0)).toBe(true);
      expect(h.read(addr + PAGE, 1)[0]).toBe(0x77);
      expect(h.syscall(NR.madvise, addr, 2 * PAGE, 3)).toBe(0n); // WILLNEED
      expect(h.read(addr + PAGE, 1)[0]).toBe(0x77);
    });
    it('should reject unknown advice and misaligned addresses, and report holes with -ENOMEM', () => {
      const h = syscallHarness();
      const addr = Number(mmap(h, 0, PAGE));
      expect(h.syscall(NR.madvise, addr, PAGE, 99)).toBe(E(Errno.EINVAL));
      expect(h.syscall(NR.madvise, addr + 8, PAGE, 4)).toBe(E(Errno.EINVAL));
      expect(h.syscall(NR.madvise, addr, 2 * PAGE, 4)).toBe(E(Errno.ENOMEM));
    });
  });

  describe('mremap', () => {
    it('should shrink in place', () => {
      const h = syscallHarness();
      const addr = Number(mmap(h, 0, 4 * PAGE));
      expect(h.syscall(NR.mremap, addr, 4 * PAGE, PAGE, 0)).toBe(BigInt(addr));
      expect(() => h.read(addr + PAGE, 1)).toThrow(MemoryFault);
    });
    it('should grow in place when the next pages are free', () => {
      const h = syscallHarness();
      const addr = Number(mmap(h, MMAP + 0x10_0000, PAGE));
      fill(h, addr, 4, 6);
      expect(h.syscall(NR.mremap, addr, PAGE, 3 * PAGE, 0)).toBe(BigInt(addr));
      fill(h, addr + 3 * PAGE - 1, 1, 1);
      expect(h.read(addr, 1)[0]).toBe(6);
    });
    it('should move with MREMAP_MAYMOVE when it cannot grow in place, preserving contents', () => {
      const h = syscallHarness();
      const addr = Number(mmap(h, MMAP + 0x10_0000, 2 * PAGE));
      mmap(h, addr + 2 * PAGE, PAGE, PROT_RW, ANON | MAP_FIXED); // blocks growth
      fill(h, addr, PAGE, 0x11);
      fill(h, addr + PAGE, PAGE, 0x22);
      expect(h.syscall(NR.mremap, addr, 2 * PAGE, 4 * PAGE, 0)).toBe(E(Errno.ENOMEM));
      const moved = Number(h.syscall(NR.mremap, addr, 2 * PAGE, 4 * PAGE, 1));
      expect(moved).not.toBe(addr);
      expect(h.read(moved, 1)[0]).toBe(0x11);
      expect(h.read(moved + PAGE, 1)[0]).toBe(0x22);
      expect(h.read(moved + 3 * PAGE, PAGE).every((b) => b === 0)).toBe(true);
      expect(() => h.read(addr, 1)).toThrow(MemoryFault);
    });
    it('should move to a fixed address with MREMAP_FIXED', () => {
      const h = syscallHarness();
      const addr = Number(mmap(h, 0, PAGE));
      fill(h, addr, 4, 4);
      const target = MMAP + 0x200_0000;
      expect(h.syscall(NR.mremap, addr, PAGE, PAGE, 3, target)).toBe(BigInt(target));
      expect(h.read(target, 1)[0]).toBe(4);
    });
    it('should move a PROT_NONE mapping and keep its protection', () => {
      const h = syscallHarness();
      const addr = Number(mmap(h, MMAP + 0x10_0000, PAGE, PROT_NONE));
      mmap(h, addr + PAGE, PAGE, PROT_RW, ANON | MAP_FIXED);
      const moved = Number(h.syscall(NR.mremap, addr, PAGE, 2 * PAGE, 1));
      expect(memoryOf(h).mappingAt(moved)?.perms).toBe(0);
    });
    it('should return -EFAULT for an unmapped source and -EINVAL for bad flags', () => {
      const h = syscallHarness();
      expect(h.syscall(NR.mremap, MMAP + 0x30_0000, PAGE, 2 * PAGE, 1)).toBe(E(Errno.EFAULT));
      const addr = Number(mmap(h, 0, PAGE));
      expect(h.syscall(NR.mremap, addr, PAGE, 2 * PAGE, 2)).toBe(E(Errno.EINVAL)); // FIXED without MAYMOVE
      expect(h.syscall(NR.mremap, addr, PAGE, 0, 1)).toBe(E(Errno.EINVAL));
      expect(h.syscall(NR.mremap, addr + 1, PAGE, 2 * PAGE, 1)).toBe(E(Errno.EINVAL));
    });
  });

  describe('AddressSpace.maps', () => {
    it('should list the mappings as /proc/self/maps does', () => {
      const h = syscallHarness();
      const addr = Number(mmap(h, 0, PAGE, PROT_READ));
      h.syscall(NR.brk, HEAP + PAGE);
      const maps = spaceOf(h).maps();
      expect(maps).toContainEqual({ start: addr, end: addr + PAGE, perms: 'r--p', name: '[anon]' });
      expect(maps).toContainEqual({ start: HEAP, end: HEAP + PAGE, perms: 'rw-p', name: '[heap]' });
      expect(formatMaps(maps)).toMatch(/^00100000-00101000 rw-p 00000000 00:00 0\s+\[heap\]$/m);
    });
  });
});

describe.each(['linked-list', 'buddy', 'bump'] as const)('with the %s allocator', (allocator) => {
  it('should serve mmap and munmap', () => {
    const h = syscallHarness({ allocator });
    const a = Number(mmap(h, 0, 3 * PAGE));
    const b = Number(mmap(h, 0, PAGE));
    expect(a + 3 * PAGE <= b || b + PAGE <= a).toBe(true);
    expect(h.syscall(NR.munmap, a, 3 * PAGE)).toBe(0n);
    expect(Number(mmap(h, 0, 2 * PAGE))).toBeGreaterThanOrEqual(MMAP);
    expect(h.zeroos.stats().allocator.name).toBe(allocator);
  });
});
