import { injectable } from 'inversify';
import { hex } from '../../../errors.js';
import type { Allocator, AllocatorStats } from '../../../kernel/contracts/allocator.js';
import { AllocatorRegion, alignUp, notInitialised, type FreeRange } from './region.js';
import { AllocatorUsage } from './usage.js';

/**
 * Hands out the region from the bottom up and never reuses anything: the cheapest
 * policy, for guests that map and never unmap, or runs short enough not to care. `free`
 * is accepted and counted but gives nothing back; `allocateAt` works only at or above
 * the bump pointer and moves it past the range. Everything below the pointer counts as
 * in use, alignment gaps included.
 */
@injectable()
export class BumpAllocator implements Allocator {
  readonly name: string = 'bump';
  private _region: AllocatorRegion | undefined;
  private _usage = new AllocatorUsage();
  /** Everything below is used up; [_next, end) is free. */
  private _next = 0;

  init(start: number, end: number, granule: number): void {
    this._region = AllocatorRegion.of(this.name, start, end, granule);
    this._usage = new AllocatorUsage();
    this._next = start;
  }

  allocate(size: number, align: number): number | undefined {
    const region = this._ready('allocate');
    region.checkAllocation(size, align);
    const address = alignUp(this._next, align);
    if (address >= region.end || size > region.end - address) return undefined;
    this._advance(address + size);
    return address;
  }

  allocateAt(address: number, size: number): boolean {
    this._ready('allocateAt').checkRange('allocateAt', address, size);
    if (address < this._next) return false;
    this._advance(address + size);
    return true;
  }

  free(address: number, size: number): void {
    const region = this._ready('free');
    region.checkRange('free', address, size);
    if (size > this._next - address) {
      throw region.misuse('free', [address, size], `reaches above the bump pointer ${hex(this._next)}, which was never allocated`);
    }
    this._usage.freed(0);
  }

  isFree(address: number, size: number): boolean {
    this._ready('isFree').checkRange('isFree', address, size);
    return address >= this._next;
  }

  stats(): AllocatorStats {
    const free = this._ready('stats').end - this._next;
    return this._usage.stats(free, free > 0 ? 1 : 0, free);
  }

  /** The one free block above the bump pointer, if any is left. */
  freeList(): FreeRange[] {
    const free = this._ready('freeList').end - this._next;
    return free > 0 ? [{ address: this._next, size: free }] : [];
  }

  private _ready(method: string): AllocatorRegion {
    if (!this._region) throw notInitialised(this.name, method);
    return this._region;
  }

  private _advance(to: number): void {
    this._usage.allocated(to - this._next);
    this._next = to;
  }
}
