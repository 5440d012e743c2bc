import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, ZeroOSError } from '../../../src/errors.js';
import type { Allocator } from '../../../src/kernel/contracts/allocator.js';
import { ALLOCATOR } from '../../../src/kernel/tokens.js';
import {
  ALLOCATOR_NAMES,
  AllocatorMisuse,
  BuddyAllocator,
  BumpAllocator,
  DEFAULT_ALLOCATOR,
  LinkedListAllocator,
  createAllocator,
  isAllocatorName,
  type FreeRange,
} from '../../../src/subsystems/memory/allocators/index.js';

const PAGE = 4096;
const pages = (n: number) => n * PAGE;
/** A free list written in pages: [[first page, page count], ...]. */
const inPages = (list: FreeRange[]) => list.map((b) => [b.address / PAGE, b.size / PAGE]);

function linkedList(startPage: number, endPage: number): LinkedListAllocator {
  const allocator = new LinkedListAllocator();
  allocator.init(pages(startPage), pages(endPage), PAGE);
  return allocator;
}

function buddy(startPage: number, endPage: number): BuddyAllocator {
  const allocator = new BuddyAllocator();
  allocator.init(pages(startPage), pages(endPage), PAGE);
  return allocator;
}

function bump(startPage: number, endPage: number): BumpAllocator {
  const allocator = new BumpAllocator();
  allocator.init(pages(startPage), pages(endPage), PAGE);
  return allocator;
}

describe(LinkedListAllocator, () => {
  describe('.init', () => {
    it('should take the whole region as one free block', () => {
      const allocator = linkedList(16, 48);
      expect(inPages(allocator.freeList())).toEqual([[16, 32]]);
      expect(allocator.stats()).toEqual({
        bytesInUse: 0,
        peakBytesInUse: 0,
        bytesFree: pages(32),
        freeBlocks: 1,
        largestFreeBlock: pages(32),
        fragmentation: 0,
        allocations: 0,
        frees: 0,
      });
    });
  });

  describe('.allocate', () => {
    it('should take the lowest block that fits (first fit)', () => {
      const allocator = linkedList(0, 32);
      expect(allocator.allocate(pages(4), PAGE)).toBe(pages(0));
      expect(allocator.allocate(pages(4), PAGE)).toBe(pages(4));
      allocator.free(pages(0), pages(2));
      expect(allocator.allocate(pages(3), PAGE)).toBe(pages(8));
      expect(allocator.allocate(pages(2), PAGE)).toBe(pages(0));
    });
    describe('when the alignment is above the granule', () => {
      it('should skip to an aligned address and keep the gap free', () => {
        const allocator = linkedList(1, 32);
        expect(allocator.allocate(pages(2), pages(8))).toBe(pages(8));
        expect(inPages(allocator.freeList())).toEqual([
          [1, 7],
          [10, 22],
        ]);
      });
    });
    describe('when nothing free is big enough', () => {
      it('should return undefined and change nothing', () => {
        const allocator = linkedList(1, 17);
        allocator.allocate(pages(4), PAGE);
        allocator.allocate(pages(4), PAGE);
        allocator.free(pages(1), pages(4));
        const before = allocator.stats();
        expect(allocator.allocate(pages(9), PAGE)).toBeUndefined();
        expect(allocator.allocate(pages(2), pages(16))).toBeUndefined();
        expect(allocator.stats()).toEqual(before);
        expect(inPages(allocator.freeList())).toEqual([
          [1, 4],
          [9, 8],
        ]);
      });
    });
  });

  describe('.free', () => {
    describe('when freeing the middle of an allocation (a partial munmap)', () => {
      it('should free just that part and leave both ends allocated', () => {
        const allocator = linkedList(0, 16);
        allocator.allocate(pages(10), PAGE);
        allocator.free(pages(3), pages(4));
        expect(inPages(allocator.freeList())).toEqual([
          [3, 4],
          [10, 6],
        ]);
        expect(allocator.isFree(pages(2), PAGE)).toBe(false);
        expect(allocator.isFree(pages(7), PAGE)).toBe(false);
        expect(allocator.stats()).toMatchObject({ bytesInUse: pages(6), freeBlocks: 2, frees: 1 });
      });
    });
    describe('when both neighbours are free', () => {
      it('should coalesce all three into one block', () => {
        const allocator = linkedList(0, 12);
        allocator.allocate(pages(4), PAGE);
        allocator.allocate(pages(4), PAGE);
        allocator.allocate(pages(4), PAGE);
        allocator.free(pages(0), pages(4));
        allocator.free(pages(8), pages(4));
        expect(allocator.stats().freeBlocks).toBe(2);
        allocator.free(pages(4), pages(4));
        expect(inPages(allocator.freeList())).toEqual([[0, 12]]);
      });
    });
    describe('when the range covers several adjacent allocations', () => {
      it('should free them in one call', () => {
        const allocator = linkedList(0, 12);
        allocator.allocate(pages(3), PAGE);
        allocator.allocate(pages(3), PAGE);
        allocator.free(pages(1), pages(4));
        expect(inPages(allocator.freeList())).toEqual([
          [1, 4],
          [6, 6],
        ]);
      });
    });
    describe('when part of the range is already free', () => {
      it('should throw AllocatorMisuse naming the free part and change nothing', () => {
        const allocator = linkedList(0, 16);
        allocator.allocate(pages(8), PAGE);
        allocator.free(pages(2), pages(2));
        const before = allocator.stats();
        expect(() => allocator.free(pages(0), pages(4))).toThrow(
          new AllocatorMisuse('linked-list', 'free(0x0, 0x4000)', '[0x2000, 0x4000) is already free'),
        );
        expect(() => allocator.free(pages(8), pages(1))).toThrow(AllocatorMisuse);
        expect(allocator.stats()).toEqual(before);
      });
    });
  });

  describe('.allocateAt', () => {
    it('should carve exactly that range out of its free block, splitting it in three', () => {
      const allocator = linkedList(0, 16);
      expect(allocator.allocateAt(pages(5), pages(3))).toBe(true);
      expect(inPages(allocator.freeList())).toEqual([
        [0, 5],
        [8, 8],
      ]);
      expect(allocator.allocateAt(pages(0), pages(5))).toBe(true);
      expect(allocator.allocateAt(pages(12), pages(4))).toBe(true);
      expect(inPages(allocator.freeList())).toEqual([[8, 4]]);
    });
    describe('when any of the range is allocated', () => {
      it('should return false and change nothing', () => {
        const allocator = linkedList(0, 16);
        allocator.allocateAt(pages(6), pages(2));
        const before = allocator.stats();
        expect(allocator.allocateAt(pages(4), pages(3))).toBe(false);
        expect(allocator.allocateAt(pages(7), pages(4))).toBe(false);
        expect(allocator.allocateAt(pages(0), pages(16))).toBe(false);
        expect(allocator.stats()).toEqual(before);
        expect(inPages(allocator.freeList())).toEqual([
          [0, 6],
          [8, 8],
        ]);
      });
    });
  });

  describe('.stats', () => {
    it('should report fragmentation as the share of free space outside the largest block', () => {
      const allocator = linkedList(0, 16);
      allocator.allocateAt(pages(4), pages(4));
      const stats = allocator.stats();
      expect(stats).toMatchObject({ bytesFree: pages(12), largestFreeBlock: pages(8), freeBlocks: 2, allocations: 1 });
      expect(stats.fragmentation).toBeCloseTo(1 / 3);
    });
    it('should keep the peak after frees', () => {
      const allocator = linkedList(0, 16);
      allocator.allocate(pages(10), PAGE);
      allocator.free(pages(0), pages(10));
      expect(allocator.stats()).toMatchObject({ bytesInUse: 0, peakBytesInUse: pages(10) });
    });
  });
});

describe(BuddyAllocator, () => {
  describe('.init', () => {
    describe('when the region is not a power of two nor aligned to one', () => {
      it('should cover it with the maximal aligned blocks', () => {
        expect(inPages(buddy(3, 14).freeList())).toEqual([
          [3, 1],
          [4, 4],
          [8, 4],
          [12, 2],
        ]);
        expect(inPages(buddy(0, 64).freeList())).toEqual([[0, 64]]);
      });
    });
  });

  describe('.allocate', () => {
    it('should split the smallest block that fits, keeping the lowest half', () => {
      const allocator = buddy(0, 16);
      expect(allocator.allocate(pages(2), PAGE)).toBe(0);
      expect(inPages(allocator.freeList())).toEqual([
        [2, 2],
        [4, 4],
        [8, 8],
      ]);
      expect(allocator.allocate(pages(1), PAGE)).toBe(pages(2));
      expect(allocator.allocate(pages(4), PAGE)).toBe(pages(4));
    });
    describe('when the size is not a power of two', () => {
      it('should give the tail of the block back as aligned blocks', () => {
        const allocator = buddy(0, 16);
        expect(allocator.allocate(pages(5), PAGE)).toBe(0);
        expect(inPages(allocator.freeList())).toEqual([
          [5, 1],
          [6, 2],
          [8, 8],
        ]);
        expect(allocator.stats()).toMatchObject({ bytesInUse: pages(5), bytesFree: pages(11) });
      });
    });
    describe('when the alignment is above the size', () => {
      it('should return an aligned block and give the rest straight back', () => {
        const allocator = buddy(1, 32);
        expect(allocator.allocate(pages(1), pages(8))).toBe(pages(8));
        expect(inPages(allocator.freeList())).toEqual([
          [1, 1],
          [2, 2],
          [4, 4],
          [9, 1],
          [10, 2],
          [12, 4],
          [16, 16],
        ]);
      });
    });
    describe('when no block is big enough', () => {
      it('should return undefined and change nothing', () => {
        const allocator = buddy(0, 12);
        const before = allocator.freeList();
        expect(allocator.allocate(pages(9), PAGE)).toBeUndefined();
        expect(allocator.allocate(pages(1), pages(16))).toBeUndefined();
        expect(allocator.freeList()).toEqual(before);
      });
    });
  });

  describe('.free', () => {
    describe('when freeing part of an allocation', () => {
      it('should free just that part as aligned blocks', () => {
        const allocator = buddy(0, 16);
        allocator.allocate(pages(16), PAGE);
        allocator.free(pages(3), pages(6));
        expect(inPages(allocator.freeList())).toEqual([
          [3, 1],
          [4, 4],
          [8, 1],
        ]);
      });
    });
    describe('when everything is freed again', () => {
      it('should merge the buddies back into the initial blocks', () => {
        const allocator = buddy(3, 14);
        const initial = allocator.freeList();
        const a = allocator.allocate(pages(3), PAGE)!;
        const b = allocator.allocate(pages(1), PAGE)!;
        expect(allocator.allocateAt(pages(12), pages(2))).toBe(true);
        allocator.free(pages(12), pages(1));
        allocator.free(b, pages(1));
        allocator.free(a, pages(3));
        allocator.free(pages(13), pages(1));
        expect(allocator.freeList()).toEqual(initial);
        expect(allocator.stats()).toMatchObject({ bytesInUse: 0, freeBlocks: 4, allocations: 3, frees: 4 });
      });
    });
    describe('when part of the range is already free', () => {
      it('should throw AllocatorMisuse and change nothing', () => {
        const allocator = buddy(0, 16);
        allocator.allocate(pages(4), PAGE);
        const before = allocator.freeList();
        expect(() => allocator.free(pages(2), pages(4))).toThrow(/buddy allocator: free\(0x2000, 0x4000\): \[0x4000, 0x6000\) is already free/);
        expect(() => allocator.free(pages(8), pages(8))).toThrow(AllocatorMisuse);
        expect(allocator.freeList()).toEqual(before);
      });
    });
  });

  describe('.allocateAt', () => {
    it('should split the free blocks holding the range and claim exactly it', () => {
      const allocator = buddy(0, 16);
      expect(allocator.allocateAt(pages(5), pages(6))).toBe(true);
      expect(inPages(allocator.freeList())).toEqual([
        [0, 4],
        [4, 1],
        [11, 1],
        [12, 4],
      ]);
      expect(allocator.isFree(pages(5), pages(6))).toBe(false);
    });
    describe('when any of the range is allocated', () => {
      it('should return false and change nothing', () => {
        const allocator = buddy(0, 16);
        allocator.allocateAt(pages(7), pages(1));
        const before = allocator.freeList();
        expect(allocator.allocateAt(pages(4), pages(4))).toBe(false);
        expect(allocator.allocateAt(pages(0), pages(16))).toBe(false);
        expect(allocator.freeList()).toEqual(before);
      });
    });
  });
});

describe(BumpAllocator, () => {
  describe('.allocate', () => {
    it('should hand out addresses upwards and never reuse freed space', () => {
      const allocator = bump(0, 16);
      expect(allocator.allocate(pages(4), PAGE)).toBe(0);
      allocator.free(0, pages(4));
      expect(allocator.allocate(pages(1), PAGE)).toBe(pages(4));
      expect(allocator.allocate(pages(1), pages(4))).toBe(pages(8));
      expect(allocator.isFree(0, PAGE)).toBe(false);
      expect(allocator.stats()).toMatchObject({ bytesInUse: pages(9), bytesFree: pages(7), allocations: 3, frees: 1 });
    });
    describe('when the region is used up', () => {
      it('should return undefined and keep working for what still fits', () => {
        const allocator = bump(0, 8);
        allocator.allocate(pages(6), PAGE);
        expect(allocator.allocate(pages(3), PAGE)).toBeUndefined();
        expect(allocator.allocate(pages(1), pages(8))).toBeUndefined();
        expect(allocator.allocate(pages(2), PAGE)).toBe(pages(6));
        expect(allocator.allocate(pages(1), PAGE)).toBeUndefined();
        expect(allocator.stats()).toMatchObject({ bytesFree: 0, freeBlocks: 0, largestFreeBlock: 0, fragmentation: 0 });
      });
    });
  });

  describe('.allocateAt', () => {
    it('should succeed at or above the bump pointer and move it past the range', () => {
      const allocator = bump(0, 16);
      allocator.allocate(pages(2), PAGE);
      expect(allocator.allocateAt(pages(1), pages(1))).toBe(false);
      expect(allocator.allocateAt(pages(2), pages(1))).toBe(true);
      expect(allocator.allocateAt(pages(10), pages(2))).toBe(true);
      expect(allocator.allocate(pages(1), PAGE)).toBe(pages(12));
      expect(allocator.isFree(pages(5), PAGE)).toBe(false);
    });
  });

  describe('.free', () => {
    describe('when the range reaches above the bump pointer', () => {
      it('should throw AllocatorMisuse', () => {
        const allocator = bump(0, 16);
        allocator.allocate(pages(2), PAGE);
        expect(() => allocator.free(pages(1), pages(2))).toThrow(AllocatorMisuse);
        expect(allocator.stats().frees).toBe(0);
      });
    });
  });
});

describe('every allocator', () => {
  describe.each(ALLOCATOR_NAMES)('%s', (name) => {
    describe('when the region is huge (2^40 bytes of pages)', () => {
      it('should allocate, free and report in time proportional to the allocations', () => {
        const allocator = createAllocator(name);
        const start = 2 ** 40 + pages(3);
        const end = 2 ** 41 - pages(5);
        allocator.init(start, end, PAGE);
        const live: Array<[number, number]> = [];
        for (let i = 0; i < 20_000; i++) {
          const size = pages(1 + (i % 37));
          const address = allocator.allocate(size, PAGE);
          expect(address).toBeDefined();
          live.push([address!, size]);
        }
        // Far above what the allocations used (the buddy takes small blocks from both ends of the region first).
        const fixed = name === 'bump' ? end - pages(64) : 2 ** 40 + 2 ** 39;
        expect(allocator.allocateAt(fixed, pages(64))).toBe(true);
        for (const [address, size] of live) allocator.free(address, size);
        allocator.free(fixed, pages(64));
        const stats = allocator.stats();
        expect(stats.allocations).toBe(20_001);
        expect(stats.frees).toBe(20_001);
        if (name !== 'bump') expect(stats).toMatchObject({ bytesInUse: 0, bytesFree: end - start });
      });
    });

    describe('when addresses approach 2^53', () => {
      it('should stay exact', () => {
        const allocator = createAllocator(name);
        const end = 2 ** 53 - PAGE;
        allocator.init(end - pages(1024), end, PAGE);
        expect(allocator.allocateAt(end - pages(3), pages(3))).toBe(true);
        expect(allocator.isFree(end - pages(4), PAGE)).toBe(name !== 'bump');
        expect(allocator.isFree(end - pages(1), PAGE)).toBe(false);
        expect(allocator.stats().bytesFree).toBe(name === 'bump' ? 0 : pages(1021));
      });
    });

    describe('when misused', () => {
      const ready = () => {
        const allocator = createAllocator(name);
        allocator.init(pages(16), pages(32), PAGE);
        return allocator;
      };
      it.each<[string, (a: Allocator) => unknown]>([
        ['a granule that is not a power of two', (a) => a.init(0, 4096 * 3, 3 * 1024)],
        ['a start off the granule', (a) => a.init(100, pages(4), PAGE)],
        ['an empty region', (a) => a.init(pages(4), pages(4), PAGE)],
        ['an end beyond 2^53', (a) => a.init(0, 2 ** 53, PAGE)],
        ['a size of zero', (a) => a.allocate(0, PAGE)],
        ['a size off the granule', (a) => a.allocate(100, PAGE)],
        ['an alignment that is not a power of two', (a) => a.allocate(PAGE, 3 * PAGE)],
        ['an alignment below the granule', (a) => a.allocate(PAGE, 16)],
        ['an address off the granule', (a) => a.allocateAt(pages(16) + 8, PAGE)],
        ['a range below the region', (a) => a.allocateAt(pages(15), pages(2))],
        ['a range past the region', (a) => a.isFree(pages(31), pages(2))],
        ['a NaN size', (a) => a.free(pages(16), Number.NaN)],
        ['freeing space that was never allocated', (a) => a.free(pages(20), PAGE)],
      ])('should throw AllocatorMisuse for %s', (_, call) => {
        expect(() => call(ready())).toThrow(AllocatorMisuse);
      });
      it('should throw AllocatorMisuse when used before init', () => {
        const allocator = createAllocator(name);
        expect(() => allocator.allocate(PAGE, PAGE)).toThrow(/called before init/);
        expect(() => allocator.stats()).toThrow(AllocatorMisuse);
      });
    });
  });
});

describe(AllocatorMisuse, () => {
  it('should be a ZeroOSError that exits as an internal error', () => {
    const error = new AllocatorMisuse('buddy', 'free(0x0, 0x1000)', 'already free');
    expect(error).toBeInstanceOf(ZeroOSError);
    expect(error.name).toBe('AllocatorMisuse');
    expect(error.exitCode).toBe(EXIT_CODES.internal);
    expect(error.message).toBe('buddy allocator: free(0x0, 0x1000): already free (a bug in the kernel code that called it)');
  });
});

describe(createAllocator, () => {
  it('should build a fresh allocator of each named policy', () => {
    expect(ALLOCATOR_NAMES).toEqual(['linked-list', 'buddy', 'bump']);
    expect(DEFAULT_ALLOCATOR).toBe('linked-list');
    expect(createAllocator('linked-list')).toBeInstanceOf(LinkedListAllocator);
    expect(createAllocator('buddy')).toBeInstanceOf(BuddyAllocator);
    expect(createAllocator('bump')).toBeInstanceOf(BumpAllocator);
    expect(createAllocator('buddy')).not.toBe(createAllocator('buddy'));
    for (const name of ALLOCATOR_NAMES) expect(createAllocator(name).name).toBe(name);
  });
  it('should refuse a name it does not know', () => {
    expect(isAllocatorName('buddy')).toBe(true);
    expect(isAllocatorName('slab')).toBe(false);
    expect(() => createAllocator('slab' as never)).toThrow(/no such allocator/);
  });
});

describe('dependency injection', () => {
  it.each([LinkedListAllocator, BuddyAllocator, BumpAllocator])('should let the container build %o', (type) => {
    const container = new Container();
    container.bind(ALLOCATOR).to(type).inSingletonScope();
    const allocator = container.get(ALLOCATOR);
    expect(allocator).toBeInstanceOf(type);
    expect(container.get(ALLOCATOR)).toBe(allocator);
  });
});
