import type { AllocatorStats } from '../../../kernel/contracts/allocator.js';

/** The counters behind `stats()` that every allocator keeps the same way. */
export class AllocatorUsage {
  bytesInUse = 0;
  peakBytesInUse = 0;
  allocations = 0;
  frees = 0;

  allocated(bytes: number): void {
    this.allocations++;
    this.bytesInUse += bytes;
    if (this.bytesInUse > this.peakBytesInUse) this.peakBytesInUse = this.bytesInUse;
  }

  /** `bytes` is what went back to the free space (0 for an allocator that never reuses). */
  freed(bytes: number): void {
    this.frees++;
    this.bytesInUse -= bytes;
  }

  stats(bytesFree: number, freeBlocks: number, largestFreeBlock: number): AllocatorStats {
    return {
      bytesInUse: this.bytesInUse,
      peakBytesInUse: this.peakBytesInUse,
      bytesFree,
      freeBlocks,
      largestFreeBlock,
      fragmentation: bytesFree === 0 ? 0 : 1 - largestFreeBlock / bytesFree,
      allocations: this.allocations,
      frees: this.frees,
    };
  }
}
