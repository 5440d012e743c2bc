import { describe, expect, it } from 'vitest';
import { EXIT_CODES, ZeroOSError } from '../../src/errors.js';
import { PERM_R, PERM_RW, PERM_RWX, PERM_RX } from '../../src/arch/memory/types.js';
import { LayoutError, MemoryLayout, formatSize, type RegionSpec } from '../../src/platform/layout.js';

const text: RegionSpec = { name: 'text', kind: 'image', start: 0x1_0000, size: 0x1_0000, perms: PERM_RX };
const heap: RegionSpec = { name: 'heap', kind: 'heap', start: 0x4_0000, end: 0x8_0000, perms: PERM_RW };
const stack: RegionSpec = { name: 'stack', kind: 'stack', start: 0xf_0000, size: 0x1_0000, perms: PERM_RW };

function layoutError(specs: readonly RegionSpec[]): LayoutError {
  try {
    new MemoryLayout(specs);
  } catch (error) {
    if (error instanceof LayoutError) return error;
    throw error;
  }
  throw new Error('expected a LayoutError');
}

describe(MemoryLayout, () => {
  describe('when constructed from valid regions', () => {
    const layout = new MemoryLayout([stack, text, heap]);

    it('should keep the regions in address order', () => {
      expect(layout.regions.map((region) => region.name)).toEqual(['text', 'heap', 'stack']);
    });

    it('should give every region its start, end, size, perms and alignment', () => {
      expect(layout.regions[0]).toEqual({
        name: 'text',
        kind: 'image',
        start: 0x1_0000,
        end: 0x2_0000,
        size: 0x1_0000,
        perms: PERM_RX,
        alignment: 0x1000,
      });
      expect(layout.regions[1]).toMatchObject({ start: 0x4_0000, end: 0x8_0000, size: 0x4_0000 });
    });

    it('should allow regions that touch', () => {
      expect(
        () => new MemoryLayout([text, { name: 'data', kind: 'image', start: 0x2_0000, size: 0x1000, perms: PERM_RW }]),
      ).not.toThrow();
    });

    it('should freeze the regions', () => {
      expect(Object.isFrozen(layout.regions)).toBe(true);
      expect(Object.isFrozen(layout.regions[0])).toBe(true);
    });
  });

  describe('when regions overlap', () => {
    it('should throw a LayoutError naming both regions and their addresses', () => {
      const error = layoutError([text, { name: 'data', kind: 'image', start: 0x1_f000, size: 0x2000, perms: PERM_RW }]);
      expect(error.message).toBe('region "text" [0x10000, 0x20000) overlaps region "data" [0x1f000, 0x21000)');
      expect(error.region).toBe('data');
    });

    it('should detect a region nested inside another', () => {
      const error = layoutError([{ ...heap, name: 'inner', start: 0x5_0000, end: 0x6_0000 }, heap]);
      expect(error.message).toBe('region "heap" [0x40000, 0x80000) overlaps region "inner" [0x50000, 0x60000)');
    });
  });

  describe('when a region is misaligned', () => {
    it('should reject a start that is not page-aligned by default', () => {
      expect(layoutError([{ ...text, start: 0x1_0008 }]).message).toBe(
        'region "text": start 0x10008 is not aligned to 0x1000',
      );
    });

    it('should reject a size that is not a multiple of the page size', () => {
      expect(layoutError([{ ...text, size: 0x1800 }]).message).toBe(
        'region "text": size 0x1800 is not a multiple of 0x1000',
      );
    });

    it('should accept byte-granular regions that declare a smaller alignment', () => {
      const layout = new MemoryLayout([{ name: 'panic', kind: 'io', start: 0x7fff_c000, size: 8, perms: PERM_RW, alignment: 8 }]);
      expect(layout.regions[0]).toMatchObject({ start: 0x7fff_c000, end: 0x7fff_c008, alignment: 8 });
    });

    it('should check the declared alignment', () => {
      expect(layoutError([{ name: 'word', kind: 'io', start: 0x1004, size: 8, perms: PERM_R, alignment: 8 }]).message).toBe(
        'region "word": start 0x1004 is not aligned to 0x8',
      );
    });

    it('should reject an alignment that is not a power of two', () => {
      expect(layoutError([{ ...text, alignment: 24 }]).message).toBe('region "text": alignment 24 is not a power of two');
    });
  });

  describe('when a region is malformed', () => {
    it('should reject an empty region', () => {
      expect(layoutError([{ ...text, size: 0 }]).message).toBe('region "text" at 0x10000 is empty');
    });

    it('should reject a region that ends before it starts', () => {
      expect(layoutError([{ ...heap, end: 0x3_0000 }]).message).toBe('region "heap" ends at 0x30000, before its start 0x40000');
    });

    it('should reject a region beyond 2^53', () => {
      expect(layoutError([{ ...text, start: 2 ** 53 - 0x1000, size: 0x2000 }]).message).toBe(
        'region "text" [0x1ffffffffff000, 0x20000000001000) runs past 0x20000000000000, the end of the address space ZeroOS can address',
      );
    });

    it('should accept a region ending exactly at 2^53', () => {
      expect(() => new MemoryLayout([{ ...text, start: 2 ** 53 - 0x1000, size: 0x1000 }])).not.toThrow();
    });

    it('should reject a negative or fractional start', () => {
      expect(layoutError([{ ...text, start: -0x1000 }]).message).toBe(
        'region "text": start -4096 is not an address (a non-negative integer)',
      );
      expect(layoutError([{ ...text, start: 0.5 }]).message).toBe(
        'region "text": start 0.5 is not an address (a non-negative integer)',
      );
    });

    it('should reject perms outside rwx', () => {
      expect(layoutError([{ ...text, perms: 8 }]).message).toBe(
        'region "text": perms 8 are not a combination of PERM_R, PERM_W and PERM_X',
      );
    });

    it('should reject duplicate names', () => {
      expect(layoutError([text, { ...stack, name: 'text' }]).message).toBe(
        'two regions are named "text": region names must be unique',
      );
    });

    it('should reject an empty name', () => {
      expect(layoutError([{ ...text, name: '' }]).message).toBe('a region has an empty name');
    });

    it('should reject a layout without regions', () => {
      expect(layoutError([]).message).toBe('a memory layout needs at least one region');
    });

    it('should raise an error that exits with the layout code', () => {
      const error = layoutError([]);
      expect(error).toBeInstanceOf(ZeroOSError);
      expect(error.name).toBe('LayoutError');
      expect(error.exitCode).toBe(EXIT_CODES.layout);
    });
  });

  describe('.find', () => {
    const layout = new MemoryLayout([
      stack,
      { name: 'data', kind: 'image', start: 0x3_0000, size: 0x1000, perms: PERM_RW },
      text,
    ]);

    it('should return the lowest region of a kind', () => {
      expect(layout.find('image')?.name).toBe('text');
    });

    it('should return undefined for a kind the layout lacks', () => {
      expect(layout.find('mmap')).toBeUndefined();
    });

    it('should list every region of a kind with findAll', () => {
      expect(layout.findAll('image').map((region) => region.name)).toEqual(['text', 'data']);
    });
  });

  describe('.get', () => {
    it('should find a region by name', () => {
      expect(new MemoryLayout([text, heap]).get('heap')?.start).toBe(0x4_0000);
      expect(new MemoryLayout([text, heap]).get('nope')).toBeUndefined();
    });
  });

  describe('.regionAt', () => {
    const layout = new MemoryLayout([text, heap]);

    it('should return the region containing an address', () => {
      expect(layout.regionAt(0x1_0000)?.name).toBe('text');
      expect(layout.regionAt(0x1_ffff)?.name).toBe('text');
    });

    it('should return undefined at an exclusive end or in a gap', () => {
      expect(layout.regionAt(0x2_0000)).toBeUndefined();
      expect(layout.regionAt(0x8_0000)).toBeUndefined();
    });
  });

  describe('.toTable', () => {
    it('should print name, kind, start, end, human size and rwx perms in aligned columns', () => {
      const layout = new MemoryLayout([
        { name: 'null-guard', kind: 'guard', start: 0, size: 0x1_0000, perms: 0 },
        text,
        { name: 'stack', kind: 'stack', start: 0x3f_fc00_0000, end: 0x3f_ffff_f000, perms: PERM_RWX },
      ]);
      expect(layout.toTable()).toBe(
        [
          'name        kind   start         end           size       perms',
          'null-guard  guard  0x0000000000  0x0000010000  64 KiB     ---',
          'text        image  0x0000010000  0x0000020000  64 KiB     r-x',
          'stack       stack  0x3ffc000000  0x3ffffff000  65532 KiB  rwx',
        ].join('\n'),
      );
    });
  });
});

describe(formatSize, () => {
  it('should print whole units without decimals', () => {
    expect(formatSize(8)).toBe('8 B');
    expect(formatSize(4096)).toBe('4 KiB');
    expect(formatSize(8 * 1024 * 1024)).toBe('8 MiB');
    expect(formatSize(256 * 2 ** 30)).toBe('256 GiB');
  });

  it('should print fractions with at most two decimals', () => {
    expect(formatSize(1536)).toBe('1.5 KiB');
    expect(formatSize(2 ** 30 - 0x1_0000)).toBe('1023.94 MiB');
  });

  it('should fall back to a smaller unit when rounding would hide a fraction', () => {
    expect(formatSize(64 * 2 ** 20 - 4096)).toBe('65532 KiB');
    expect(formatSize(1025)).toBe('1025 B');
  });
});
