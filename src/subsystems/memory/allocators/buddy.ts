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
  #region: AllocatorRegion | undefined;
  #usage = new AllocatorUsage();
  /** #sizes[k]: bytes in a block of order k. */
  #sizes: number[] = [];
  /** #free[k]: addresses of the free blocks of order k, ascending. */
  #free: number[][] = [];
  #maxOrder = 0;
  #bytesFree = 0;

  init(start: number, end: number, granule: number): void {
    const region = AllocatorRegion.of(this.name, start, end, granule);
    this.#region = region;
    this.#usage = new AllocatorUsage();
    this.#sizes = [];
    for (let size = granule; size <= end - start; size *= 2) this.#sizes.push(size);
    this.#maxOrder = this.#sizes.length - 1;
    this.#free = this.#sizes.map(() => []);
    let top = 0;
    for (let at = start; at < end; ) {
      const order = this.#orderAt(at, end - at);
      this.#free[order]!.push(at); // ascending, since `at` only grows
      top = Math.max(top, order);
      at += this.#sizes[order]!;
    }
    // No block can be bigger than the biggest that fitted in the region.
    this.#maxOrder = top;
    this.#sizes.length = top + 1;
    this.#free.length = top + 1;
    this.#bytesFree = end - start;
  }

  allocate(size: number, align: number): number | undefined {
    this.#ready('allocate').checkAllocation(size, align);
    const order = Math.max(this.#orderFor(size), this.#orderFor(align));
    for (let k = order; k <= this.#maxOrder; k++) {
      const address = this.#free[k]!.shift();
      if (address === undefined) continue;
      // Keep the low half at each split; the high halves go on the lists below.
      for (let j = k - 1; j >= order; j--) insertSorted(this.#free[j]!, address + this.#sizes[j]!);
      const blockSize = this.#sizes[order]!;
      this.#bytesFree -= blockSize;
      if (size < blockSize) this.#release(address + size, address + blockSize);
      this.#usage.allocated(size);
      return address;
    }
    return undefined;
  }

  allocateAt(address: number, size: number): boolean {
    this.#ready('allocateAt').checkRange('allocateAt', address, size);
    const end = address + size;
    if (!this.#covered(address, end)) return false;
    for (let at = address; at < end; ) {
      const order = this.#orderAt(at, end - at);
      this.#claim(at, order);
      at += this.#sizes[order]!;
    }
    this.#bytesFree -= size;
    this.#usage.allocated(size);
    return true;
  }

  free(address: number, size: number): void {
    const region = this.#ready('free');
    region.checkRange('free', address, size);
    const end = address + size;
    // Per order, the last free block starting below `end` must end at or before `address`.
    for (let k = 0; k <= this.#maxOrder; k++) {
      const list = this.#free[k]!;
      if (list.length === 0 || list[0]! >= end) continue;
      const below = list[lowerBound(list, end) - 1];
      if (below !== undefined && below + this.#sizes[k]! > address) {
        const from = Math.max(address, below);
        const to = Math.min(end, below + this.#sizes[k]!);
        throw region.misuse('free', [address, size], `[${hex(from)}, ${hex(to)}) is already free`);
      }
    }
    this.#release(address, end);
    this.#usage.freed(size);
  }

  isFree(address: number, size: number): boolean {
    this.#ready('isFree').checkRange('isFree', address, size);
    return this.#covered(address, address + size);
  }

  stats(): AllocatorStats {
    this.#ready('stats');
    let blocks = 0;
    let largest = 0;
    for (let k = 0; k <= this.#maxOrder; k++) {
      const count = this.#free[k]!.length;
      blocks += count;
      if (count > 0) largest = this.#sizes[k]!;
    }
    return this.#usage.stats(this.#bytesFree, blocks, largest);
  }

  /** The free blocks in address order (for tests, debugging and reports). */
  freeList(): FreeRange[] {
    return this.#free
      .flatMap((list, k) => list.map((address) => ({ address, size: this.#sizes[k]! })))
      .sort((a, b) => a.address - b.address);
  }

  #ready(method: string): AllocatorRegion {
    if (!this.#region) throw notInitialised(this.name, method);
    return this.#region;
  }

  /** The order of the biggest block at `address` (aligned there) that fits in `bytes`. */
  #orderAt(address: number, bytes: number): number {
    const sizes = this.#sizes;
    let k = 0;
    while (k < this.#maxOrder && address % sizes[k + 1]! === 0 && sizes[k + 1]! <= bytes) k++;
    return k;
  }

  /** The smallest order whose blocks hold `bytes` (#maxOrder + 1 when none does). */
  #orderFor(bytes: number): number {
    let k = 0;
    while (k <= this.#maxOrder && this.#sizes[k]! < bytes) k++;
    return k;
  }

  /** Frees [from, to) as maximal aligned blocks, each merging with its free buddies. */
  #release(from: number, to: number): void {
    for (let at = from; at < to; ) {
      const order = this.#orderAt(at, to - at);
      this.#insertMerging(at, order);
      at += this.#sizes[order]!;
    }
    this.#bytesFree += to - from;
  }

  #insertMerging(address: number, order: number): void {
    let block = address;
    let k = order;
    while (k < this.#maxOrder) {
      const size = this.#sizes[k]!;
      const buddy = (block / size) % 2 === 0 ? block + size : block - size;
      if (!removeSorted(this.#free[k]!, buddy)) break;
      block = Math.min(block, buddy);
      k++;
    }
    insertSorted(this.#free[k]!, block);
  }

  /** Takes the block of `order` at `address` off the free lists, splitting the free block that holds it. */
  #claim(address: number, order: number): void {
    for (let k = order; k <= this.#maxOrder; k++) {
      let block = alignDown(address, this.#sizes[k]!);
      if (!removeSorted(this.#free[k]!, block)) continue;
      while (k > order) {
        k--;
        const upper = block + this.#sizes[k]!;
        if (address >= upper) {
          insertSorted(this.#free[k]!, block);
          block = upper;
        } else {
          insertSorted(this.#free[k]!, upper);
        }
      }
      return;
    }
    // Unreachable: allocateAt checks that the whole range is free first.
    throw this.#region!.misuse('allocateAt', [address, this.#sizes[order]!], 'block is not free (free lists are inconsistent)');
  }

  /** Whether free blocks cover all of [from, to). */
  #covered(from: number, to: number): boolean {
    let at = from;
    search: while (at < to) {
      for (let k = 0; k <= this.#maxOrder; k++) {
        const block = alignDown(at, this.#sizes[k]!);
        if (includesSorted(this.#free[k]!, block)) {
          at = block + this.#sizes[k]!;
          continue search;
        }
      }
      return false;
    }
    return true;
  }
}
