import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Allocator, AllocatorStats } from '../../../src/kernel/contracts/allocator.js';
import {
  AllocatorMisuse,
  BuddyAllocator,
  BumpAllocator,
  LinkedListAllocator,
  type FreeRange,
} from '../../../src/subsystems/memory/allocators/index.js';

/**
 * Model-based tests: random sequences of allocate / allocateAt / free (whole, partial,
 * across neighbours) / wrong frees, run against each allocator and against a reference
 * model that is one flag per granule of a small region. Each policy also predicts exactly
 * where its allocations land and what its free list looks like, so the checks cover
 * placement, coalescing and the buddy's block structure, not only "no overlap".
 */

type InspectableAllocator = Allocator & { freeList(): FreeRange[] };

type Op =
  | { readonly kind: 'allocate'; readonly units: number; readonly alignLog: number }
  | { readonly kind: 'allocateAt'; readonly offset: number; readonly units: number }
  | { readonly kind: 'free'; readonly pick: number; readonly from: number; readonly length: number }
  | { readonly kind: 'freeFreeSpace'; readonly pick: number; readonly before: number; readonly after: number };

/** One flag per granule of the region: the space the allocator must consider in use. */
class GranuleModel {
  readonly used: Uint8Array;
  peak = 0;
  allocations = 0;
  frees = 0;

  constructor(
    readonly start: number,
    readonly units: number,
    readonly granule: number,
  ) {
    this.used = new Uint8Array(units);
  }

  get end(): number {
    return this.start + this.units * this.granule;
  }
  address(unit: number): number {
    return this.start + unit * this.granule;
  }
  unit(address: number): number {
    return (address - this.start) / this.granule;
  }
  usedUnits(): number {
    return this.used.reduce((sum, flag) => sum + flag, 0);
  }
  allFree(unit: number, count: number): boolean {
    for (let u = unit; u < unit + count; u++) if (this.used[u]) return false;
    return true;
  }
  mark(unit: number, count: number, flag: 0 | 1): void {
    this.used.fill(flag, unit, unit + count);
    this.peak = Math.max(this.peak, this.usedUnits() * this.granule);
  }
  /** Maximal runs of granules with the given flag, as [first, end) unit indices. */
  runs(flag: 0 | 1): Array<readonly [number, number]> {
    const runs: Array<readonly [number, number]> = [];
    for (let u = 0; u < this.units; ) {
      if (this.used[u] !== flag) {
        u++;
        continue;
      }
      const first = u;
      while (u < this.units && this.used[u] === flag) u++;
      runs.push([first, u]);
    }
    return runs;
  }
  freeRuns(): FreeRange[] {
    return this.runs(0).map(([a, b]) => ({ address: this.address(a), size: (b - a) * this.granule }));
  }
  /** The free space as maximal naturally aligned power-of-two blocks: what a buddy allocator's lists must hold. */
  buddyBlocks(): FreeRange[] {
    return this.freeRuns().flatMap(({ address, size }) => alignedBlocks(address, address + size, this.granule));
  }
}

function alignedBlocks(from: number, to: number, granule: number): FreeRange[] {
  const blocks: FreeRange[] = [];
  for (let at = from; at < to; ) {
    let size = granule;
    while (at % (size * 2) === 0 && size * 2 <= to - at) size *= 2;
    blocks.push({ address: at, size });
    at += size;
  }
  return blocks;
}

/** What a policy does, as the model sees it. */
interface Policy {
  readonly type: new () => InspectableAllocator;
  /** Where `allocate(size, align)` must land, or undefined when it must fail. */
  expectedAllocation(model: GranuleModel, size: number, align: number): number | undefined;
  /** Marks what a successful allocation of [address, address+size) uses up. */
  claim(model: GranuleModel, address: number, size: number): void;
  /** Whether a free gives space back. */
  readonly reuses: boolean;
  expectedFreeList(model: GranuleModel): FreeRange[];
}

const linkedList: Policy = {
  type: LinkedListAllocator,
  // First fit: the lowest aligned address where the whole range is free.
  expectedAllocation(model, size, align) {
    const units = size / model.granule;
    for (let u = 0; u + units <= model.units; u++) {
      if (model.address(u) % align === 0 && model.allFree(u, units)) return model.address(u);
    }
    return undefined;
  },
  claim: (model, address, size) => model.mark(model.unit(address), size / model.granule, 1),
  reuses: true,
  expectedFreeList: (model) => model.freeRuns(),
};

const buddy: Policy = {
  type: BuddyAllocator,
  // The smallest maximal aligned free block that is big and aligned enough; the lowest of that size.
  expectedAllocation(model, size, align) {
    const need = Math.max(size, align);
    const fits = model.buddyBlocks().filter((b) => b.size >= need);
    const smallest = Math.min(...fits.map((b) => b.size));
    return fits.find((b) => b.size === smallest)?.address;
  },
  claim: (model, address, size) => model.mark(model.unit(address), size / model.granule, 1),
  reuses: true,
  expectedFreeList: (model) => model.buddyBlocks(),
};

const bump: Policy = {
  type: BumpAllocator,
  expectedAllocation(model, size, align) {
    const address = Math.ceil(pointer(model) / align) * align;
    return address + size <= model.end ? address : undefined;
  },
  // Everything up to the end of the allocation is used up, the alignment gap included.
  claim: (model, address, size) => {
    const from = model.unit(pointer(model));
    model.mark(from, model.unit(address + size) - from, 1);
  },
  reuses: false,
  expectedFreeList: (model) => model.freeRuns(),
};

/** The bump pointer as the model sees it: the end of the used prefix. */
function pointer(model: GranuleModel): number {
  const last = model.used.lastIndexOf(1);
  return model.address(last + 1);
}

function expectAgreement(allocator: InspectableAllocator, model: GranuleModel, policy: Policy): void {
  const g = model.granule;
  const freeList = policy.expectedFreeList(model);
  expect(allocator.freeList()).toEqual(freeList);
  const bytesFree = (model.units - model.usedUnits()) * g;
  const largest = Math.max(0, ...freeList.map((b) => b.size));
  expect(allocator.stats()).toEqual<AllocatorStats>({
    bytesInUse: model.usedUnits() * g,
    peakBytesInUse: model.peak,
    bytesFree,
    freeBlocks: freeList.length,
    largestFreeBlock: largest,
    fragmentation: bytesFree === 0 ? 0 : 1 - largest / bytesFree,
    allocations: model.allocations,
    frees: model.frees,
  });
  for (let u = 0; u < model.units; u++) {
    if (allocator.isFree(model.address(u), g) !== !model.used[u]) {
      expect.fail(`isFree(${model.address(u)}, ${g}) should be ${!model.used[u]}`);
    }
  }
  for (const [a, b] of model.runs(0)) {
    expect(allocator.isFree(model.address(a), (b - a) * g)).toBe(true);
    if (b < model.units) expect(allocator.isFree(model.address(a), (b - a + 1) * g)).toBe(false);
    if (a > 0) expect(allocator.isFree(model.address(a - 1), (b - a + 1) * g)).toBe(false);
  }
}

/** Applies one op to the allocator and the model; returns what the allocator answered (for the determinism check). */
function apply(allocator: InspectableAllocator, model: GranuleModel, policy: Policy, op: Op): unknown {
  const g = model.granule;
  switch (op.kind) {
    case 'allocate': {
      const size = op.units * g;
      const align = g * 2 ** op.alignLog;
      const expected = policy.expectedAllocation(model, size, align);
      const got = allocator.allocate(size, align);
      expect(got).toBe(expected);
      if (got !== undefined) {
        expect(got % align).toBe(0);
        expect(got >= model.start && got + size <= model.end).toBe(true);
        if (!policy.reuses) expect(got).toBeGreaterThanOrEqual(pointer(model));
        policy.claim(model, got, size);
        model.allocations++;
      }
      return got;
    }
    case 'allocateAt': {
      const unit = op.offset % model.units;
      const units = Math.min(op.units, model.units - unit);
      const address = model.address(unit);
      const expected = policy.reuses ? model.allFree(unit, units) : address >= pointer(model);
      const got = allocator.allocateAt(address, units * g);
      expect(got).toBe(expected);
      if (got) {
        policy.claim(model, address, units * g);
        model.allocations++;
      }
      return got;
    }
    case 'free': {
      const runs = model.runs(1);
      const run = runs[op.pick % Math.max(1, runs.length)];
      if (!run) return 'nothing allocated';
      const [first, end] = run;
      const from = first + (op.from % (end - first));
      const length = 1 + (op.length % (end - from));
      allocator.free(model.address(from), length * g);
      if (policy.reuses) model.mark(from, length, 0);
      model.frees++;
      return [from, length];
    }
    case 'freeFreeSpace': {
      const runs = model.runs(0);
      const run = runs[op.pick % Math.max(1, runs.length)];
      if (!run) return 'nothing free';
      const unit = run[0] + (op.pick % (run[1] - run[0]));
      const from = Math.max(0, unit - op.before);
      const end = Math.min(model.units, unit + 1 + op.after);
      expect(() => allocator.free(model.address(from), (end - from) * g)).toThrow(AllocatorMisuse);
      return [from, end];
    }
  }
}

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('allocate' as const),
      units: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 12 }) }, fc.integer({ min: 1, max: 200 })),
      alignLog: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.integer({ min: 0, max: 6 })),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('allocateAt' as const),
      offset: fc.nat(),
      units: fc.integer({ min: 1, max: 24 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('free' as const), pick: fc.nat(), from: fc.nat(), length: fc.nat() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('freeFreeSpace' as const),
      pick: fc.nat(),
      before: fc.nat({ max: 4 }),
      after: fc.nat({ max: 4 }),
    }),
  },
);

const scenario = fc.record({
  startUnits: fc.nat({ max: 300 }),
  units: fc.oneof(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 160 })),
  ops: fc.array(op, { maxLength: 60 }),
});

const GRANULES = [1, 16, 4096];

for (const policy of [linkedList, buddy, bump]) {
  describe(policy.type, () => {
    describe.each(GRANULES)('when the granule is %i', (granule) => {
      it('should place, free, coalesce and report exactly as the model predicts', () => {
        fc.assert(
          fc.property(scenario, ({ startUnits, units, ops }) => {
            const model = new GranuleModel(startUnits * granule, units, granule);
            const allocator = new policy.type();
            allocator.init(model.start, model.end, granule);
            const initial = allocator.freeList();
            expectAgreement(allocator, model, policy);
            for (const o of ops) {
              apply(allocator, model, policy, o);
              expectAgreement(allocator, model, policy);
            }
            // Free everything still allocated: back to where it started.
            for (const [first, end] of model.runs(1)) {
              allocator.free(model.address(first), (end - first) * granule);
              if (policy.reuses) model.mark(first, end - first, 0);
              model.frees++;
            }
            expectAgreement(allocator, model, policy);
            if (policy.reuses) {
              expect(allocator.freeList()).toEqual(initial);
              expect(allocator.stats()).toMatchObject({ bytesInUse: 0, bytesFree: units * granule });
              if (policy === linkedList) expect(allocator.stats().freeBlocks).toBe(1);
            }
          }),
          { numRuns: 150 },
        );
      });

      it('should answer the same call sequence with the same addresses', () => {
        fc.assert(
          fc.property(scenario, ({ startUnits, units, ops }) => {
            const answers = [0, 1].map(() => {
              const model = new GranuleModel(startUnits * granule, units, granule);
              const allocator = new policy.type();
              allocator.init(model.start, model.end, granule);
              return ops.map((o) => apply(allocator, model, policy, o));
            });
            expect(answers[1]).toEqual(answers[0]);
          }),
          { numRuns: 50 },
        );
      });
    });
  });
}
