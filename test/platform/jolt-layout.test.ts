import { describe, expect, it } from 'vitest';
import { PERM_R, PERM_RW, PERM_RWX } from '../../src/arch/memory/types.js';
import { JOLT_RAM_START, joltMemoryLayout } from '../../src/platform/jolt-layout.js';
import { LayoutError } from '../../src/platform/layout.js';

describe(joltMemoryLayout, () => {
  describe('when given the defaults', () => {
    const jolt = joltMemoryLayout({ programSize: 0x1_0000 });

    it('should place the I/O words exactly where Jolt does', () => {
      expect(jolt).toMatchObject({
        trustedAdviceStart: 0x7fff_8000,
        trustedAdviceEnd: 0x7fff_9000,
        untrustedAdviceStart: 0x7fff_9000,
        untrustedAdviceEnd: 0x7fff_a000,
        inputStart: 0x7fff_a000,
        inputEnd: 0x7fff_b000,
        outputStart: 0x7fff_b000,
        outputEnd: 0x7fff_c000,
        panic: 0x7fff_c000,
        termination: 0x7fff_c008,
        ioEnd: 0x7fff_c010,
      });
    });

    it('should put the image at RAM_START, then the canary, the stack and the heap', () => {
      expect(jolt).toMatchObject({
        programSize: 0x1_0000,
        stackEnd: 0x8001_0000,
        stackStart: 0x8001_0000 + 128 + 4096,
        stackSize: 4096,
        heapSize: 32 * 1024 * 1024,
        heapEnd: 0x8001_0000 + 128 + 4096 + 32 * 1024 * 1024,
      });
    });

    it('should express it as layout regions', () => {
      expect(jolt.layout.regions.map(({ name, kind, start, end, perms }) => [name, kind, start, end, perms])).toEqual([
        ['trusted-advice', 'io', 0x7fff_8000, 0x7fff_9000, PERM_R],
        ['untrusted-advice', 'io', 0x7fff_9000, 0x7fff_a000, PERM_R],
        ['input', 'io', 0x7fff_a000, 0x7fff_b000, PERM_R],
        ['output', 'io', 0x7fff_b000, 0x7fff_c000, PERM_RW],
        ['panic', 'io', 0x7fff_c000, 0x7fff_c008, PERM_RW],
        ['termination', 'io', 0x7fff_c008, 0x7fff_c010, PERM_RW],
        ['io-padding', 'reserved', 0x7fff_c010, JOLT_RAM_START, PERM_R],
        ['image', 'image', JOLT_RAM_START, 0x8001_0000, PERM_RWX],
        ['stack-canary', 'guard', 0x8001_0000, 0x8001_0080, 0],
        ['stack', 'stack', 0x8001_0080, 0x8001_1080, PERM_RW],
        ['heap', 'heap', 0x8001_1080, 0x8201_1080, PERM_RW],
      ]);
    });

    it('should let the kernel find regions by kind', () => {
      expect(jolt.layout.find('image')?.start).toBe(JOLT_RAM_START);
      expect(jolt.layout.find('stack')?.end).toBe(jolt.stackStart);
      expect(jolt.layout.find('heap')?.end).toBe(jolt.heapEnd);
    });

    it('should print as a table', () => {
      expect(jolt.layout.toTable()).toBe(
        [
          'name              kind      start       end         size       perms',
          'trusted-advice    io        0x7fff8000  0x7fff9000  4 KiB      r--',
          'untrusted-advice  io        0x7fff9000  0x7fffa000  4 KiB      r--',
          'input             io        0x7fffa000  0x7fffb000  4 KiB      r--',
          'output            io        0x7fffb000  0x7fffc000  4 KiB      rw-',
          'panic             io        0x7fffc000  0x7fffc008  8 B        rw-',
          'termination       io        0x7fffc008  0x7fffc010  8 B        rw-',
          'io-padding        reserved  0x7fffc010  0x80000000  15.98 KiB  r--',
          'image             image     0x80000000  0x80010000  64 KiB     rwx',
          'stack-canary      guard     0x80010000  0x80010080  128 B      ---',
          'stack             stack     0x80010080  0x80011080  4 KiB      rw-',
          'heap              heap      0x80011080  0x82011080  32 MiB     rw-',
        ].join('\n'),
      );
    });
  });

  describe('when the untrusted advice is larger', () => {
    const jolt = joltMemoryLayout({ programSize: 0x2000, maxTrustedAdviceSize: 1024, maxUntrustedAdviceSize: 8192 });

    it('should put the untrusted advice first', () => {
      // 1024 + 8192 + 4096 + 4096 + 16 bytes = 2174 words, padded to 4096 words.
      expect(jolt).toMatchObject({
        untrustedAdviceStart: 0x7fff_8000,
        untrustedAdviceEnd: 0x7fff_a000,
        trustedAdviceStart: 0x7fff_a000,
        trustedAdviceEnd: 0x7fff_a400,
        inputStart: 0x7fff_a400,
        outputStart: 0x7fff_b400,
        panic: 0x7fff_c400,
        termination: 0x7fff_c408,
        ioEnd: 0x7fff_c410,
      });
    });
  });

  describe('when sizes are not multiples of 8', () => {
    const jolt = joltMemoryLayout({ programSize: 0x1234, maxInputSize: 10, maxOutputSize: 1, stackSize: 100, heapSize: 1 });

    it('should round them up to whole words, as Jolt does', () => {
      expect(jolt).toMatchObject({ maxInputSize: 16, maxOutputSize: 8, stackSize: 104, heapSize: 8 });
    });

    it('should follow the program size byte for byte', () => {
      expect(jolt.stackEnd).toBe(0x8000_1234);
      expect(jolt.layout.get('stack-canary')).toMatchObject({ start: 0x8000_1234, end: 0x8000_12b4 });
    });
  });

  describe('when a region has size zero', () => {
    it('should leave it out of the layout', () => {
      const jolt = joltMemoryLayout({ programSize: 0x1000, maxTrustedAdviceSize: 0 });
      expect(jolt.layout.get('trusted-advice')).toBeUndefined();
      // 0 + 4096 + 4096 + 4096 + 16 bytes = 1538 words, padded to 2048: the I/O region starts at 0x7fffc000.
      expect(jolt).toMatchObject({
        untrustedAdviceStart: 0x7fff_c000,
        untrustedAdviceEnd: 0x7fff_d000,
        trustedAdviceStart: 0x7fff_d000,
        trustedAdviceEnd: 0x7fff_d000,
        inputStart: 0x7fff_d000,
      });
    });
  });

  describe('when the configuration is invalid', () => {
    it('should reject an advice size that is not a power of two', () => {
      expect(() => joltMemoryLayout({ programSize: 0, maxTrustedAdviceSize: 3000 })).toThrow(
        expect.objectContaining({ name: 'LayoutError', message: 'Jolt trusted advice size 3000 is not a power of two' }),
      );
    });

    it('should reject an I/O region that does not fit below RAM_START', () => {
      expect(() => joltMemoryLayout({ programSize: 0, maxInputSize: 2 ** 32 })).toThrow(
        expect.objectContaining({
          name: 'LayoutError',
          message: "Jolt's I/O region (0x200000000 bytes) does not fit below RAM_START 0x80000000",
        }),
      );
    });

    it('should reject a negative or fractional size', () => {
      expect(() => joltMemoryLayout({ programSize: -1 })).toThrow(LayoutError);
      expect(() => joltMemoryLayout({ programSize: 0x1000, heapSize: 1.5 })).toThrow(
        expect.objectContaining({ message: 'Jolt heapSize 1.5 is not a non-negative integer' }),
      );
    });
  });
});
