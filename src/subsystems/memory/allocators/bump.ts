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
  #region: AllocatorRegion | undefined;
  #usage = new AllocatorUsage();
  /** Everything below is used up; [#next, end) is free. */
  #next = 0;

  init(start: number, end: number, granule: number): void {
    this.#region = AllocatorRegion.of(this.name, start, end, granule);
    this.#usage = new AllocatorUsage();
    this.#next = start;
  }

  allocate(size: number, align: number): number | undefined {
    const region = this.#ready('allocate');
    region.checkAllocation(size, align);
    const address = alignUp(this.#next, align);
    if (address >= region.end || size > region.end - address) return undefined;
    this.#advance(address + size);
    return address;
  }

  allocateAt(address: number, size: number): boolean {
    this.#ready('allocateAt').checkRange('allocateAt', address, size);
    if (address < this.#next) return false;
    this.#advance(address + size);
    return true;
  }

  free(address: number, size: number): void {
    const region = this.#ready('free');
    region.checkRange('free', address, size);
    if (size > this.#next - address) {
      throw region.misuse('free', [address, size], `reaches above the bump pointer ${hex(this.#next)}, which was never allocated`);
    }
    this.#usage.freed(0);
  }

  isFree(address: number, size: number): boolean {
    this.#ready('isFree').checkRange('isFree', address, size);
    return address >= this.#next;
  }

  stats(): AllocatorStats {
    const free = this.#ready('stats').end - this.#next;
    return this.#usage.stats(free, free > 0 ? 1 : 0, free);
  }

  /** The one free block above the bump pointer, if any is left. */
  freeList(): FreeRange[] {
    const free = this.#ready('freeList').end - this.#next;
    return free > 0 ? [{ address: this.#next, size: free }] : [];
  }

  #ready(method: string): AllocatorRegion {
    if (!this.#region) throw notInitialised(this.name, method);
    return this.#region;
  }

  #advance(to: number): void {
    this.#usage.allocated(to - this.#next);
    this.#next = to;
  }
}
