import { describe, expect, it } from 'vitest';
import { CHANGED_CODE, CHANGED_TRANSLATION, type MemoryObserver, PagedMemory } from '../../src/arch/memory/paged-memory.js';
import {
  MappingError,
  MemoryFault,
  PERM_R,
  PERM_RW,
  PERM_RWX,
  PERM_RX,
  PERM_W,
  PERM_X,
} from '../../src/arch/memory/types.js';

const GiB = 1024 * 1024 * 1024;
const P = 4096;

function fault(f: () => unknown): MemoryFault {
  try {
    f();
  } catch (e) {
    if (e instanceof MemoryFault) return e;
    throw e;
  }
  throw new Error('expected a MemoryFault');
}

describe('PagedMemory', () => {
  describe('when a large range is mapped', () => {
    it('should allocate host pages only for the pages written', () => {
      const memory = new PagedMemory();
      memory.map(0x10000000, GiB, PERM_RW, 'heap');
      expect(memory.residentPages).toBe(0);
      memory.writeU8(0x10000000, 1);
      memory.writeU64(0x10000000 + 512 * 1024 * 1024, 2n);
      memory.writeU32(0x10000000 + GiB - 4, 3);
      expect(memory.residentPages).toBe(3);
      expect(memory.readU8(0x10000000)).toBe(1);
      expect(memory.readU64(0x10000000 + 512 * 1024 * 1024)).toBe(2n);
      expect(memory.readU32(0x10000000 + GiB - 4)).toBe(3);
    });

    it('should read zeros from untouched pages without allocating them', () => {
      const memory = new PagedMemory();
      memory.map(0x10000000, GiB, PERM_RW, 'heap');
      expect(memory.read(0x10000000 + 12345, 100)).toEqual(new Uint8Array(100));
      expect(memory.readU64(0x20000000)).toBe(0n);
      expect(memory.residentPages).toBe(0);
    });

    it('should map addresses above 4 GiB and below 2^53', () => {
      const memory = new PagedMemory();
      const high = 2 ** 52;
      memory.map(high, P, PERM_RW, 'high');
      memory.writeU64(high + 8, 0x1122334455667788n);
      expect(memory.readU64(high + 8)).toBe(0x1122334455667788n);
      expect(memory.mappingAt(high + 100)?.name).toBe('high');
    });
  });

  describe('.map', () => {
    it('should round the length up to whole pages', () => {
      const memory = new PagedMemory();
      memory.map(0x1000, 1, PERM_R, 'a');
      expect(memory.mappings()).toEqual([{ start: 0x1000, end: 0x2000, perms: PERM_R, name: 'a' }]);
    });

    it('should reject overlaps, unaligned starts and ranges beyond 2^53', () => {
      const memory = new PagedMemory();
      memory.map(0x10000, 4 * P, PERM_RW, 'a');
      expect(() => memory.map(0x13000, P * 2, PERM_RW, 'b')).toThrow(MappingError);
      expect(() => memory.map(0xf000, P * 2, PERM_RW, 'b')).toThrow(MappingError);
      expect(() => memory.map(0x20001, P, PERM_RW, 'b')).toThrow(MappingError);
      expect(() => memory.map(2 ** 53 - P, 2 * P, PERM_RW, 'b')).toThrow(MappingError);
      expect(() => memory.map(0x30000, P, 8, 'b')).toThrow(MappingError);
      memory.map(0xf000, P, PERM_RW, 'below');
      memory.map(0x14000, P, PERM_RW, 'above');
      expect(memory.mappings().map((m) => m.name)).toEqual(['below', 'a', 'above']);
    });
  });

  describe('.mappings', () => {
    it('should merge adjacent ranges with the same permissions and name', () => {
      const memory = new PagedMemory();
      memory.map(0x10000, P, PERM_RW, 'heap');
      memory.map(0x11000, P, PERM_RW, 'heap');
      memory.map(0x12000, P, PERM_RW, 'other');
      memory.map(0x13000, P, PERM_R, 'other');
      memory.map(0x15000, P, PERM_R, 'other');
      expect(memory.mappings()).toEqual([
        { start: 0x10000, end: 0x12000, perms: PERM_RW, name: 'heap' },
        { start: 0x12000, end: 0x13000, perms: PERM_RW, name: 'other' },
        { start: 0x13000, end: 0x14000, perms: PERM_R, name: 'other' },
        { start: 0x15000, end: 0x16000, perms: PERM_R, name: 'other' },
      ]);
    });
  });

  describe('.protect', () => {
    it('should split a mapping and merge it back', () => {
      const memory = new PagedMemory();
      memory.map(0x10000, 8 * P, PERM_RW, 'heap');
      memory.protect(0x12000, 2 * P, PERM_R);
      expect(memory.mappings()).toEqual([
        { start: 0x10000, end: 0x12000, perms: PERM_RW, name: 'heap' },
        { start: 0x12000, end: 0x14000, perms: PERM_R, name: 'heap' },
        { start: 0x14000, end: 0x18000, perms: PERM_RW, name: 'heap' },
      ]);
      expect(() => memory.writeU8(0x12000, 1)).toThrow(MemoryFault);
      memory.writeU8(0x11fff, 1);
      memory.protect(0x12000, 2 * P, PERM_RW);
      expect(memory.mappings()).toEqual([{ start: 0x10000, end: 0x18000, perms: PERM_RW, name: 'heap' }]);
    });

    it('should keep the data of protected pages', () => {
      const memory = new PagedMemory();
      memory.map(0x10000, P, PERM_RW, 'data');
      memory.writeU32(0x10010, 0xdeadbeef);
      memory.protect(0x10000, P, PERM_R);
      expect(memory.readU32(0x10010)).toBe(0xdeadbeef);
    });

    it('should span several mappings and reject unmapped holes', () => {
      const memory = new PagedMemory();
      memory.map(0x10000, P, PERM_RW, 'a');
      memory.map(0x11000, P, PERM_RX, 'b');
      memory.protect(0x10000, 2 * P, PERM_R);
      expect(memory.mappings().map((m) => m.perms)).toEqual([PERM_R, PERM_R]);
      memory.map(0x13000, P, PERM_RW, 'c');
      expect(() => memory.protect(0x11000, 3 * P, PERM_R)).toThrow(MappingError);
      expect(memory.mappingAt(0x13000)?.perms).toBe(PERM_RW); // unchanged after the refusal
    });
  });

  describe('.unmap', () => {
    it('should split mappings at the edges and free the pages', () => {
      const memory = new PagedMemory();
      memory.map(0x10000, 4 * P, PERM_RW, 'heap');
      for (let i = 0; i < 4; i++) memory.writeU8(0x10000 + i * P, i + 1);
      expect(memory.residentPages).toBe(4);
      memory.unmap(0x11000, 2 * P);
      expect(memory.residentPages).toBe(2);
      expect(memory.mappings()).toEqual([
        { start: 0x10000, end: 0x11000, perms: PERM_RW, name: 'heap' },
        { start: 0x13000, end: 0x14000, perms: PERM_RW, name: 'heap' },
      ]);
      expect(fault(() => memory.readU8(0x11000)).reason).toBe('unmapped');
      expect(memory.readU8(0x13000)).toBe(4);
    });

    it('should give zeros when a range is unmapped and mapped again', () => {
      const memory = new PagedMemory();
      memory.map(0x10000, P, PERM_RW, 'a');
      memory.writeU64(0x10000, 7n);
      memory.unmap(0x10000, P);
      memory.map(0x10000, P, PERM_RW, 'a');
      expect(memory.readU64(0x10000)).toBe(0n);
    });

    it('should accept ranges that are not mapped at all', () => {
      const memory = new PagedMemory();
      memory.map(0x10000, P, PERM_RW, 'a');
      memory.unmap(0x40000, GiB);
      memory.unmap(0, 0x10000);
      expect(memory.mappings()).toHaveLength(1);
    });
  });

  describe('.isAccessible', () => {
    it('should require every byte mapped with all the requested permissions', () => {
      const memory = new PagedMemory();
      memory.map(0x10000, P, PERM_RW, 'a');
      memory.map(0x11000, P, PERM_R, 'b');
      expect(memory.isAccessible(0x10000, 2 * P, PERM_R)).toBe(true);
      expect(memory.isAccessible(0x10000, 2 * P, PERM_W)).toBe(false);
      expect(memory.isAccessible(0x10ff0, 0x10, PERM_RW)).toBe(true);
      expect(memory.isAccessible(0x11ff0, 0x20, PERM_R)).toBe(false);
      expect(memory.isAccessible(0x10000, 8, PERM_X)).toBe(false);
      expect(memory.isAccessible(0x50000, 0, PERM_R)).toBe(true);
      expect(memory.isAccessible(-8, 8, 0)).toBe(false);
    });
  });

  describe('when accessing memory through the checked API', () => {
    it('should read and write little-endian values, also misaligned and across pages', () => {
      const memory = new PagedMemory();
      memory.map(0x10000, 2 * P, PERM_RW, 'a');
      memory.writeU64(0x10ffd, 0x0102030405060708n);
      expect(memory.readU64(0x10ffd)).toBe(0x0102030405060708n);
      expect(memory.readU8(0x10ffd)).toBe(8);
      expect(memory.readU8(0x11004)).toBe(1);
      memory.writeU32(0x10fff, 0xa1b2c3d4);
      expect(memory.readU32(0x10fff)).toBe(0xa1b2c3d4);
      expect(memory.readU16(0x10fff)).toBe(0xc3d4);
      memory.writeU16(0x10001, 0xbeef);
      expect(memory.read(0x10001, 2)).toEqual(Uint8Array.of(0xef, 0xbe));
      memory.writeU64(0x10100, -1n);
      expect(memory.readU64(0x10100)).toBe(0xffffffffffffffffn);
    });

    it('should fault with the first bad address, the access kind and the reason', () => {
      const memory = new PagedMemory();
      memory.map(0x10000, P, PERM_RW, 'a');
      memory.map(0x11000, P, PERM_R, 'b');
      memory.map(0x12000, P, PERM_X, 'c');
      const unmapped = fault(() => memory.read(0x13ffe, 4));
      expect([unmapped.address, unmapped.access, unmapped.reason, unmapped.pc]).toEqual([0x13ffen, 'read', 'unmapped', undefined]);
      const crossing = fault(() => memory.write(0x10ffc, new Uint8Array(8)));
      expect([crossing.address, crossing.access, crossing.reason]).toEqual([0x11000n, 'write', 'permission']);
      expect(memory.readU32(0x10ffc)).toBe(0); // nothing was written
      expect(fault(() => memory.readU8(0x12000)).reason).toBe('permission');
      expect(fault(() => memory.readU8(2 ** 53 + 2)).reason).toBe('unmapped');
      expect(fault(() => memory.readU8(-1)).reason).toBe('unmapped');
      expect(fault(() => memory.read(2 ** 53 - 2, 4)).address).toBe(2n ** 53n - 2n);
    });

    it('should let poke write to read-only pages but not to unmapped ones', () => {
      const memory = new PagedMemory();
      memory.map(0x10000, P, PERM_RX, 'text');
      memory.poke(0x10000, Uint8Array.of(1, 2, 3));
      expect(memory.read(0x10000, 3)).toEqual(Uint8Array.of(1, 2, 3));
      expect(fault(() => memory.poke(0x11000, Uint8Array.of(1))).reason).toBe('unmapped');
    });

    it('should copy on read so callers cannot alias guest memory', () => {
      const memory = new PagedMemory();
      memory.map(0x10000, P, PERM_RW, 'a');
      memory.writeU8(0x10000, 5);
      const bytes = memory.read(0x10000, 4);
      bytes[0] = 9;
      expect(memory.readU8(0x10000)).toBe(5);
    });
  });

  describe('.readCString', () => {
    it('should stop at the NUL, across pages and at untouched zero pages', () => {
      const memory = new PagedMemory();
      memory.map(0x10000, 3 * P, PERM_RW, 'a');
      const text = new TextEncoder().encode('hello, world');
      memory.write(0x10ffa, text);
      expect(new TextDecoder().decode(memory.readCString(0x10ffa, 100))).toBe('hello, world');
      expect(new TextDecoder().decode(memory.readCString(0x10ffa, 5))).toBe('hello');
      expect(memory.readCString(0x12000, 100)).toEqual(new Uint8Array(0));
    });

    it('should fault when the string runs into unmapped memory', () => {
      const memory = new PagedMemory();
      memory.map(0x10000, P, PERM_RW, 'a');
      memory.write(0x10ffe, Uint8Array.of(65, 66));
      expect(fault(() => memory.readCString(0x10ffe, 100)).address).toBe(0x11000n);
    });
  });

  describe('.zero', () => {
    it('should zero partial pages and release whole ones, ignoring permissions', () => {
      const memory = new PagedMemory();
      memory.map(0x10000, 4 * P, PERM_R, 'a');
      memory.poke(0x10000, new Uint8Array(4 * P).fill(0xff));
      expect(memory.residentPages).toBe(4);
      memory.zero(0x10800, 2 * P);
      expect(memory.residentPages).toBe(3);
      expect(memory.readU8(0x107ff)).toBe(0xff);
      expect(memory.readU8(0x10800)).toBe(0);
      expect(memory.readU8(0x127ff)).toBe(0);
      expect(memory.readU8(0x12800)).toBe(0xff);
      expect(fault(() => memory.zero(0x13000, 2 * P)).reason).toBe('unmapped');
    });
  });

  describe('.copyPages', () => {
    it('should copy touched pages, leave untouched ones as zeros and ignore permissions', () => {
      const memory = new PagedMemory();
      memory.map(0x10000, 4 * P, PERM_R, 'old');
      memory.map(0x40000, 4 * P, PERM_RW, 'new');
      memory.poke(0x10000, Uint8Array.of(1, 2, 3));
      memory.poke(0x12ff8, Uint8Array.of(9));
      memory.writeU32(0x41000, 0xffffffff); // the target page whose source is untouched
      expect(memory.residentPages).toBe(3);
      memory.copyPages(0x10000, 0x40000, 4 * P);
      expect(memory.read(0x40000, 3)).toEqual(Uint8Array.of(1, 2, 3));
      expect(memory.readU8(0x42ff8)).toBe(9);
      expect(memory.readU32(0x41000)).toBe(0);
      expect(memory.residentPages).toBe(4); // two source pages + their two copies
      memory.writeU8(0x40000, 7);
      expect(memory.readU8(0x10000)).toBe(1); // copies, not shared frames
    });

    it('should reject overlapping or unmapped ranges', () => {
      const memory = new PagedMemory();
      memory.map(0x10000, 4 * P, PERM_RW, 'a');
      expect(() => memory.copyPages(0x10000, 0x11000, 2 * P)).toThrow(MappingError);
      expect(fault(() => memory.copyPages(0x10000, 0x20000, P)).reason).toBe('unmapped');
      expect(fault(() => memory.copyPages(0x20000, 0x10000, P)).reason).toBe('unmapped');
    });
  });

  describe('.addObserver', () => {
    it('should report translation and code changes with the affected pages', () => {
      const memory = new PagedMemory();
      const events: [number, number, number][] = [];
      const observer: MemoryObserver = { memoryChanged: (p, n, what) => events.push([p, n, what]) };
      memory.map(0x10000, 4 * P, PERM_RWX, 'a');
      memory.addObserver(observer);
      memory.writeU8(0x10000, 1); // first frame of page 0x10
      memory.writeU8(0x10001, 1); // already allocated: silent
      memory.markCode(0x11);
      memory.writeU8(0x11000, 1); // frame allocation, then code write
      memory.protect(0x12000, P, PERM_R);
      memory.unmap(0x13000, P);
      memory.removeObserver(observer);
      memory.unmap(0x10000, P);
      expect(events).toEqual([
        [0x10, 1, CHANGED_TRANSLATION],
        [0x11, 1, CHANGED_TRANSLATION],
        [0x11, 1, CHANGED_CODE],
        [0x11, 1, CHANGED_TRANSLATION],
        [0x12, 1, CHANGED_TRANSLATION | CHANGED_CODE],
        [0x13, 1, CHANGED_TRANSLATION | CHANGED_CODE],
      ]);
      expect(memory.isCodePage(0x11)).toBe(false);
    });

    it('should bump the generation on every change', () => {
      const memory = new PagedMemory();
      const before = memory.generation;
      memory.map(0x10000, P, PERM_RW, 'a');
      memory.protect(0x10000, P, PERM_R);
      expect(memory.generation).toBeGreaterThan(before + 1);
    });
  });
});
