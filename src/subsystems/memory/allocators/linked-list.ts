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
  private _region: AllocatorRegion | undefined;
  private _usage = new AllocatorUsage();
  /** Free block i is [_starts[i], _ends[i]); sorted, disjoint and never touching (always coalesced). */
  private _starts: number[] = [];
  private _ends: number[] = [];
  private _bytesFree = 0;

  init(start: number, end: number, granule: number): void {
    this._region = AllocatorRegion.of(this.name, start, end, granule);
    this._usage = new AllocatorUsage();
    this._starts = [start];
    this._ends = [end];
    this._bytesFree = end - start;
  }

  allocate(size: number, align: number): number | undefined {
    this._ready('allocate').checkAllocation(size, align);
    const starts = this._starts;
    const ends = this._ends;
    for (let i = 0; i < starts.length; i++) {
      const address = alignUp(starts[i]!, align);
      if (address < ends[i]! && size <= ends[i]! - address) {
        this._carve(i, address, address + size);
        this._usage.allocated(size);
        return address;
      }
    }
    return undefined;
  }

  allocateAt(address: number, size: number): boolean {
    this._ready('allocateAt').checkRange('allocateAt', address, size);
    const i = this._containing(address, size);
    if (i < 0) return false;
    this._carve(i, address, address + size);
    this._usage.allocated(size);
    return true;
  }

  free(address: number, size: number): void {
    const region = this._ready('free');
    region.checkRange('free', address, size);
    const end = address + size;
    // The block before `end`: it must end at or before `address`, or part of the range is already free.
    const before = this._lastStartingBelow(end);
    if (before >= 0 && this._ends[before]! > address) {
      const overlap = Math.max(address, this._starts[before]!);
      throw region.misuse('free', [address, size], `[${hex(overlap)}, ${hex(Math.min(end, this._ends[before]!))}) is already free`);
    }
    const after = before + 1;
    const joinsBefore = before >= 0 && this._ends[before] === address;
    const joinsAfter = after < this._starts.length && this._starts[after] === end;
    if (joinsBefore && joinsAfter) {
      this._ends[before] = this._ends[after]!;
      this._starts.splice(after, 1);
      this._ends.splice(after, 1);
    } else if (joinsBefore) {
      this._ends[before] = end;
    } else if (joinsAfter) {
      this._starts[after] = address;
    } else {
      this._starts.splice(after, 0, address);
      this._ends.splice(after, 0, end);
    }
    this._bytesFree += size;
    this._usage.freed(size);
  }

  isFree(address: number, size: number): boolean {
    this._ready('isFree').checkRange('isFree', address, size);
    return this._containing(address, size) >= 0;
  }

  stats(): AllocatorStats {
    this._ready('stats');
    let largest = 0;
    for (let i = 0; i < this._starts.length; i++) largest = Math.max(largest, this._ends[i]! - this._starts[i]!);
    return this._usage.stats(this._bytesFree, this._starts.length, largest);
  }

  /** The free blocks in address order (for tests, debugging and reports). */
  freeList(): FreeRange[] {
    return this._starts.map((address, i) => ({ address, size: this._ends[i]! - address }));
  }

  private _ready(method: string): AllocatorRegion {
    if (!this._region) throw notInitialised(this.name, method);
    return this._region;
  }

  /** Index of the last free block starting below `address`, or -1. */
  private _lastStartingBelow(address: number): number {
    const starts = this._starts;
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
  private _containing(address: number, size: number): number {
    const i = this._lastStartingBelow(address + 1);
    return i >= 0 && size <= this._ends[i]! - address ? i : -1;
  }

  /** Takes [from, to) out of free block i, leaving what is left on either side. */
  private _carve(i: number, from: number, to: number): void {
    const start = this._starts[i]!;
    const end = this._ends[i]!;
    if (start === from && end === to) {
      this._starts.splice(i, 1);
      this._ends.splice(i, 1);
    } else if (start === from) {
      this._starts[i] = to;
    } else if (end === to) {
      this._ends[i] = from;
    } else {
      this._ends[i] = from;
      this._starts.splice(i + 1, 0, to);
      this._ends.splice(i + 1, 0, end);
    }
    this._bytesFree -= to - from;
  }
}
