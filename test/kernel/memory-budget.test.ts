import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors.js';
import { MemoryBudget, OutOfMemory } from '../../src/kernel/memory-budget.js';
import { KERNEL_CONFIG, MEMORY_BUDGET, type KernelConfig } from '../../src/kernel/tokens.js';
import { createKernel } from '../../src/zeroos.js';

const MiB = 2 ** 20;

function budget(limit: number): MemoryBudget {
  const container = new Container();
  container.bind(KERNEL_CONFIG).toConstantValue({ memoryLimit: limit } as KernelConfig);
  container.bind(MemoryBudget).toSelf();
  return container.get(MemoryBudget);
}

describe(MemoryBudget, () => {
  describe('.tryCharge', () => {
    it('should take bytes up to the limit exactly and refuse one more without taking anything', () => {
      const b = budget(100);
      expect(b.tryCharge('files', 60)).toBe(true);
      expect(b.tryCharge('pipes', 40)).toBe(true);
      expect(b.tryCharge('entries', 1)).toBe(false);
      expect(b.used).toBe(100);
      expect(b.usedBy('entries')).toBe(0);
    });
  });

  describe('.release', () => {
    it('should give bytes back per category and keep the peaks', () => {
      const b = budget(100);
      b.tryCharge('addressSpace', 70);
      b.release('addressSpace', 50);
      b.tryCharge('files', 30);
      const stats = b.stats();
      expect(stats.total).toEqual({ bytes: 50, peakBytes: 70 });
      expect(stats.byCategory.addressSpace).toEqual({ bytes: 20, peakBytes: 70 });
      expect(stats.byCategory.files).toEqual({ bytes: 30, peakBytes: 30 });
      expect(stats.limit).toBe(100);
    });
    it('should never give back more than a category holds', () => {
      const b = budget(100);
      b.tryCharge('files', 10);
      b.release('files', 1000);
      b.tryCharge('pipes', 5);
      expect(b.used).toBe(5);
    });
  });

  describe('.charge', () => {
    it('should stop with OutOfMemory (75) naming what, how much is held and the limit', () => {
      const b = budget(4 * MiB);
      b.charge('addressSpace', 3 * MiB, 'the stack');
      const error = (() => {
        try {
          b.charge('files', 2 * MiB, 'file contents held in memory');
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(OutOfMemory);
      expect((error as OutOfMemory).exitCode).toBe(EXIT_CODES.outOfMemory);
      expect((error as OutOfMemory).message).toBe(
        'out of memory: file contents held in memory needs 2.0 MiB but the run already holds 3.0 MiB of its 4.0 MiB limit (raise --memory-limit)',
      );
      expect(b.used).toBe(3 * MiB);
    });
  });

  describe('binding', () => {
    it('should be one instance per run, shared by every service that injects the token', () => {
      const zeroos = createKernel({ memoryLimit: 64 * MiB });
      expect(zeroos.container.get(MEMORY_BUDGET)).toBe(zeroos.container.get(MemoryBudget));
      expect(zeroos.container.get(MEMORY_BUDGET).limit).toBe(64 * MiB);
    });
  });
});
