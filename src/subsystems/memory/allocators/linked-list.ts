import { injectable } from 'inversify';
import { hex } from '../../../errors.js';
import type { Allocator, AllocatorStats } from '../../../kernel/contracts/allocator.js';
import { AllocatorRegion, alignUp, notInitialised, type FreeRange } from './region.js';
import { AllocatorUsage } from './usage.js';

/**
 * First fit over the free blocks in address order, coalescing with both neighbours on
 * free: the original ZeroOS's linked-list allocator. The "list" is a pair of sorted
 * arrays (block starts, block ends) so every lookup by address is a binary search;
 * only `allocate`'s first-fit scan walks the blocks, as first fit must.
 *
 * It tracks free space only, so freeing any allocated range (part of one allocation, or
 * several adjacent ones) just inserts and coalesces. Memory is proportional to the number
 * of free blocks, never to the region size.
 */
@injectable()
export class LinkedListAllocator implements Allocator {
  readonly name: string = 'linked-list';
  #region: AllocatorRegion | undefined;
  #usage = new AllocatorUsage();
  /** Free block i is [#starts[i], #ends[i]); sorted, disjoint and never touching (always coalesced). */
  #starts: number[] = [];
  #ends: number[] = [];
  #bytesFree = 0;

  init(start: number, end: number, granule: number): void {
    this.#region = AllocatorRegion.of(this.name, start, end, granule);
    this.#usage = new AllocatorUsage();
    this.#starts = [start];
    this.#ends = [end];
    this.#bytesFree = end - start;
  }

  allocate(size: number, align: number): number | undefined {
    this.#ready('allocate').checkAllocation(size, align);
    const starts = this.#starts;
    const ends = this.#ends;
    for (let i = 0; i < starts.length; i++) {
      const address = alignUp(starts[i]!, align);
      if (address < ends[i]! && size <= ends[i]! - address) {
        this.#carve(i, address, address + size);
        this.#usage.allocated(size);
        return address;
      }
    }
    return undefined;
  }

  allocateAt(address: number, size: number): boolean {
    this.#ready('allocateAt').checkRange('allocateAt', address, size);
    const i = this.#containing(address, size);
    if (i < 0) return false;
    this.#carve(i, address, address + size);
    this.#usage.allocated(size);
    return true;
  }

  free(address: number, size: number): void {
    const region = this.#ready('free');
    region.checkRange('free', address, size);
    const end = address + size;
    // The block before `end`: it must end at or before `address`, or part of the range is already free.
    const before = this.#lastStartingBelow(end);
    if (before >= 0 && this.#ends[before]! > address) {
      const overlap = Math.max(address, this.#starts[before]!);
      throw region.misuse('free', [address, size], `[${hex(overlap)}, ${hex(Math.min(end, this.#ends[before]!))}) is already free`);
    }
    const after = before + 1;
    const joinsBefore = before >= 0 && this.#ends[before] === address;
    const joinsAfter = after < this.#starts.length && this.#starts[after] === end;
    if (joinsBefore && joinsAfter) {
      this.#ends[before] = this.#ends[after]!;
      this.#starts.splice(after, 1);
      this.#ends.splice(after, 1);
    } else if (joinsBefore) {
      this.#ends[before] = end;
    } else if (joinsAfter) {
      this.#starts[after] = address;
    } else {
      this.#starts.splice(after, 0, address);
      this.#ends.splice(after, 0, end);
    }
    this.#bytesFree += size;
    this.#usage.freed(size);
  }

  isFree(address: number, size: number): boolean {
    this.#ready('isFree').checkRange('isFree', address, size);
    return this.#containing(address, size) >= 0;
  }

  stats(): AllocatorStats {
    this.#ready('stats');
    let largest = 0;
    for (let i = 0; i < this.#starts.length; i++) largest = Math.max(largest, this.#ends[i]! - this.#starts[i]!);
    return this.#usage.stats(this.#bytesFree, this.#starts.length, largest);
  }

  /** The free blocks in address order (for tests, debugging and reports). */
  freeList(): FreeRange[] {
    return this.#starts.map((address, i) => ({ address, size: this.#ends[i]! - address }));
  }

  #ready(method: string): AllocatorRegion {
    if (!this.#region) throw notInitialised(this.name, method);
    return this.#region;
  }

  /** Index of the last free block starting below `address`, or -1. */
  #lastStartingBelow(address: number): number {
    const starts = this.#starts;
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! < address) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** Index of the free block that holds all of [address, address+size), or -1. */
  #containing(address: number, size: number): number {
    const i = this.#lastStartingBelow(address + 1);
    return i >= 0 && size <= this.#ends[i]! - address ? i : -1;
  }

  /** Takes [from, to) out of free block i, leaving what is left on either side. */
  #carve(i: number, from: number, to: number): void {
    const start = this.#starts[i]!;
    const end = this.#ends[i]!;
    if (start === from && end === to) {
      this.#starts.splice(i, 1);
      this.#ends.splice(i, 1);
    } else if (start === from) {
      this.#starts[i] = to;
    } else if (end === to) {
      this.#ends[i] = from;
    } else {
      this.#ends[i] = from;
      this.#starts.splice(i + 1, 0, to);
      this.#ends.splice(i + 1, 0, end);
    }
    this.#bytesFree -= to - from;
  }
}
