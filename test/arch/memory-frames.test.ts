import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FramePool, SLAB_PAGES } from '../../src/arch/memory/frame-pool.js';
import { PagedMemory } from '../../src/arch/memory/paged-memory.js';
import { PERM_RW } from '../../src/arch/memory/types.js';
import { createKernel } from '../../src/zeroos.js';

const P = 4096;
const GUESTS = join(import.meta.dirname, '..', '..', 'guests');

describe(FramePool, () => {
  describe('.take', () => {
    it('should hand a released frame out again, zero-filled', () => {
      const pool = new FramePool();
      const frame = pool.take();
      frame.u8.fill(0xaa);
      pool.give(frame);
      const again = pool.take();
      expect(again).toBe(frame);
      expect(again.u8.every((b) => b === 0)).toBe(true);
      expect([pool.allocated, pool.reused, pool.size]).toEqual([1, 1, 0]);
    });
  });

  describe('when more frames are taken than one slab holds', () => {
    it('should give distinct zero frames that do not overlap', () => {
      const pool = new FramePool();
      const frames = Array.from({ length: SLAB_PAGES + 3 }, () => pool.take());
      frames.forEach((f, i) => f.i32.fill(i + 1));
      frames.forEach((f, i) => {
        expect(f.u8.length).toBe(P);
        expect(f.i32.every((w) => w === i + 1)).toBe(true);
      });
      expect(new Set(frames).size).toBe(frames.length);
      expect([pool.allocated, pool.reused]).toEqual([SLAB_PAGES + 3, 0]);
    });
  });

  describe('.give', () => {
    it('should keep at most its capacity and leave the rest to the collector', () => {
      const pool = new FramePool(2);
      const frames = [pool.take(), pool.take(), pool.take()];
      for (const f of frames) pool.give(f);
      expect(pool.size).toBe(2);
      pool.take();
      pool.take();
      pool.take();
      expect([pool.allocated, pool.reused]).toEqual([4, 2]);
    });
  });
});

describe(PagedMemory, () => {
  describe('when pages are unmapped and others mapped', () => {
    it('should back the new pages with the released frames, reading zeros', () => {
      const memory = new PagedMemory();
      memory.map(0x10000, 4 * P, PERM_RW, 'a');
      for (let i = 0; i < 4; i++) memory.writeU32(0x10000 + i * P + 100, 0xdeadbeef);
      memory.unmap(0x10000, 4 * P);
      memory.map(0x80000, 4 * P, PERM_RW, 'b');
      expect(memory.read(0x80000, 4 * P).every((b) => b === 0)).toBe(true);
      for (let i = 0; i < 4; i++) memory.writeU8(0x80000 + i * P, 1);
      expect(memory.readU32(0x80000 + 100)).toBe(0);
      expect(memory.framePool.allocated).toBe(4);
      expect(memory.residentPages).toBe(4);
      expect(memory.peakResidentPages).toBe(4);
    });
  });

  describe('.zero', () => {
    it('should recycle the frames of whole pages it releases', () => {
      const memory = new PagedMemory();
      memory.map(0x10000, 2 * P, PERM_RW, 'a');
      memory.write(0x10000, new Uint8Array(2 * P).fill(7));
      memory.zero(0x10000, 2 * P);
      expect(memory.framePool.size).toBe(2);
      memory.writeU8(0x11000, 1);
      expect(memory.read(0x11000, P)).toEqual(Uint8Array.from({ length: P }, (_, i) => (i === 0 ? 1 : 0)));
      expect(memory.framePool.allocated).toBe(2);
    });
  });

  describe('.copyPages', () => {
    it('should build the copies from the target range released frames', () => {
      const memory = new PagedMemory();
      memory.map(0x10000, 2 * P, PERM_RW, 'from');
      memory.map(0x40000, 2 * P, PERM_RW, 'to');
      memory.write(0x10000, new Uint8Array(2 * P).fill(3));
      memory.write(0x40000, new Uint8Array(2 * P).fill(9));
      memory.copyPages(0x10000, 0x40000, 2 * P);
      expect(memory.read(0x40000, 2 * P).every((b) => b === 3)).toBe(true);
      expect(memory.framePool.allocated).toBe(4);
      expect(memory.peakResidentPages).toBe(4);
      memory.writeU8(0x40000, 1);
      expect(memory.readU8(0x10000)).toBe(3);
    });
  });
});

describe('page_churn on the kernel', () => {
  // 128 MiB pass through the guest (32 x 4 MiB mapped, touched, released), at most ~5 MiB at once.
  const elf = readFileSync(join(GUESTS, 'bin', 'page_churn'));
  const expected = readFileSync(join(GUESTS, 'expected', 'page_churn.stdout'), 'utf8');

  it.each(['js', 'interpreter'] as const)('should reuse released frames: host frames stay near the peak touched (%s tier)', (engine) => {
    const zeroos = createKernel({ engine });
    zeroos.load({ executable: elf, path: 'guests/bin/page_churn', argv: ['page_churn'], env: [] });
    const result = zeroos.run();
    expect(new TextDecoder().decode(result.stdout)).toBe(expected);
    const memory = zeroos.kernel.arch.memory;
    expect(memory).toBeInstanceOf(PagedMemory);
    const pool = (memory as PagedMemory).framePool;
    // 4 MiB + the image, stack and brk: about 1100 pages; without reuse it would be over 32768.
    expect(pool.allocated).toBeLessThan(1600);
    expect(pool.reused).toBeGreaterThan(30000);
    // Below the pool's capacity nothing is dropped, so the host allocated exactly the peak.
    expect(pool.allocated).toBe((memory as PagedMemory).peakResidentPages);
  });
});
