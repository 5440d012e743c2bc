import { injectable } from 'inversify';
import { hex } from '../../../errors.js';
import type { Allocator, AllocatorStats } from '../../../kernel/contracts/allocator.js';
import { AllocatorRegion, alignDown, notInitialised, type FreeRange } from './region.js';
import { includesSorted, insertSorted, lowerBound, removeSorted } from './sorted.js';
import { AllocatorUsage } from './usage.js';

/**
 * A binary buddy allocator in units of the granule. A block of order k is 2^k granules
 * at an address that is a multiple of its own size; its buddy is the other half of the
 * block of order k+1 that holds it. The region need not be a power of two: `init` covers
 * it with the maximal aligned blocks that fit, and two free buddies always merge, so the
 * free lists are always the maximal aligned blocks of the free space.
 *
 * Sizes need not be powers of two. `allocate` takes the smallest block that is big enough
 * and aligned enough (the lowest address of that order, so runs are reproducible) and gives
 * the tail back; `free` and `allocateAt` split the range into maximal aligned blocks and
 * free or claim each. An alignment above the size costs a block of the alignment's size
 * (the tail comes straight back).
 *
 * One sorted array of block addresses per order: memory is proportional to the number of
 * free blocks, and each operation is O(orders × log blocks).
 */
@injectable()
export class BuddyAllocator implements Allocator {
  readonly name: string = 'buddy';
  private _region: AllocatorRegion | undefined;
  private _usage = new AllocatorUsage();
  /** _sizes[k]: bytes in a block of order k. */
  private _sizes: number[] = [];
  /** _free[k]: addresses of the free blocks of order k, ascending. */
  private _free: number[][] = [];
  private _maxOrder = 0;
  private _bytesFree = 0;

  init(start: number, end: number, granule: number): void {
    const region = AllocatorRegion.of(this.name, start, end, granule);
    this._region = region;
    this._usage = new AllocatorUsage();
    this._sizes = [];
    for (let size = granule; size <= end - start; size *= 2) this._sizes.push(size);
    this._maxOrder = this._sizes.length - 1;
    this._free = this._sizes.map(() => []);
    let top = 0;
    for (let at = start; at < end; ) {
      const order = this._orderAt(at, end - at);
      this._free[order]!.push(at); // ascending, since `at` only grows
      top = Math.max(top, order);
      at += this._sizes[order]!;
    }
    // No block can be bigger than the biggest that fitted in the region.
    this._maxOrder = top;
    this._sizes.length = top + 1;
    this._free.length = top + 1;
    this._bytesFree = end - start;
  }

  allocate(size: number, align: number): number | undefined {
    this._ready('allocate').checkAllocation(size, align);
    const order = Math.max(this._orderFor(size), this._orderFor(align));
    for (let k = order; k <= this._maxOrder; k++) {
      const address = this._free[k]!.shift();
      if (address === undefined) continue;
      // Keep the low half at each split; the high halves go on the lists below.
      for (let j = k - 1; j >= order; j--) insertSorted(this._free[j]!, address + this._sizes[j]!);
      const blockSize = this._sizes[order]!;
      this._bytesFree -= blockSize;
      if (size < blockSize) this._release(address + size, address + blockSize);
      this._usage.allocated(size);
      return address;
    }
    return undefined;
  }

  allocateAt(address: number, size: number): boolean {
    this._ready('allocateAt').checkRange('allocateAt', address, size);
    const end = address + size;
    if (!this._covered(address, end)) return false;
    for (let at = address; at < end; ) {
      const order = this._orderAt(at, end - at);
      this._claim(at, order);
      at += this._sizes[order]!;
    }
    this._bytesFree -= size;
    this._usage.allocated(size);
    return true;
  }

  free(address: number, size: number): void {
    const region = this._ready('free');
    region.checkRange('free', address, size);
    const end = address + size;
    // Per order, the last free block starting below `end` must end at or before `address`.
    for (let k = 0; k <= this._maxOrder; k++) {
      const list = this._free[k]!;
      if (list.length === 0 || list[0]! >= end) continue;
      const below = list[lowerBound(list, end) - 1];
      if (below !== undefined && below + this._sizes[k]! > address) {
        const from = Math.max(address, below);
        const to = Math.min(end, below + this._sizes[k]!);
        throw region.misuse('free', [address, size], `[${hex(from)}, ${hex(to)}) is already free`);
      }
    }
    this._release(address, end);
    this._usage.freed(size);
  }

  isFree(address: number, size: number): boolean {
    this._ready('isFree').checkRange('isFree', address, size);
    return this._covered(address, address + size);
  }

  stats(): AllocatorStats {
    this._ready('stats');
    let blocks = 0;
    let largest = 0;
    for (let k = 0; k <= this._maxOrder; k++) {
      const count = this._free[k]!.length;
      blocks += count;
      if (count > 0) largest = this._sizes[k]!;
    }
    return this._usage.stats(this._bytesFree, blocks, largest);
  }

  /** The free blocks in address order (for tests, debugging and reports). */
  freeList(): FreeRange[] {
    return this._free
      .flatMap((list, k) => list.map((address) => ({ address, size: this._sizes[k]! })))
      .sort((a, b) => a.address - b.address);
  }

  private _ready(method: string): AllocatorRegion {
    if (!this._region) throw notInitialised(this.name, method);
    return this._region;
  }

  /** The order of the biggest block at `address` (aligned there) that fits in `bytes`. */
  private _orderAt(address: number, bytes: number): number {
    const sizes = this._sizes;
    let k = 0;
    while (k < this._maxOrder && address % sizes[k + 1]! === 0 && sizes[k + 1]! <= bytes) k++;
    return k;
  }

  /** The smallest order whose blocks hold `bytes` (_maxOrder + 1 when none does). */
  private _orderFor(bytes: number): number {
    let k = 0;
    while (k <= this._maxOrder && this._sizes[k]! < bytes) k++;
    return k;
  }

  /** Frees [from, to) as maximal aligned blocks, each merging with its free buddies. */
  private _release(from: number, to: number): void {
    for (let at = from; at < to; ) {
      const order = this._orderAt(at, to - at);
      this._insertMerging(at, order);
      at += this._sizes[order]!;
    }
    this._bytesFree += to - from;
  }

  private _insertMerging(address: number, order: number): void {
    let block = address;
    let k = order;
    while (k < this._maxOrder) {
      const size = this._sizes[k]!;
      const buddy = (block / size) % 2 === 0 ? block + size : block - size;
      if (!removeSorted(this._free[k]!, buddy)) break;
      block = Math.min(block, buddy);
      k++;
    }
    insertSorted(this._free[k]!, block);
  }

  /** Takes the block of `order` at `address` off the free lists, splitting the free block that holds it. */
  private _claim(address: number, order: number): void {
    for (let k = order; k <= this._maxOrder; k++) {
      let block = alignDown(address, this._sizes[k]!);
      if (!removeSorted(this._free[k]!, block)) continue;
      while (k > order) {
        k--;
        const upper = block + this._sizes[k]!;
        if (address >= upper) {
          insertSorted(this._free[k]!, block);
          block = upper;
        } else {
          insertSorted(this._free[k]!, upper);
        }
      }
      return;
    }
    // Unreachable: allocateAt checks that the whole range is free first.
    throw this._region!.misuse('allocateAt', [address, this._sizes[order]!], 'block is not free (free lists are inconsistent)');
  }

  /** Whether free blocks cover all of [from, to). */
  private _covered(from: number, to: number): boolean {
    let at = from;
    search: while (at < to) {
      for (let k = 0; k <= this._maxOrder; k++) {
        const block = alignDown(at, this._sizes[k]!);
        if (includesSorted(this._free[k]!, block)) {
          at = block + this._sizes[k]!;
          continue search;
        }
      }
      return false;
    }
    return true;
  }
}
