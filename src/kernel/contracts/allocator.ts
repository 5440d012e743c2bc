/** Statistics every allocator reports. */
export interface AllocatorStats {
  readonly bytesInUse: number;
  readonly peakBytesInUse: number;
  readonly freeBlocks: number;
  readonly largestFreeBlock: number;
}

/**
 * Manages a range of guest addresses (the heap or mapping region) for the memory
 * subsystem: allocations are ranges of addresses, not host memory.
 */
export interface Allocator {
  readonly name: string;
  /** Takes over [start, end) as free space. */
  init(start: number, end: number): void;
  /** A free range of `size` bytes aligned to `align` (a power of two), or undefined when exhausted. */
  allocate(size: number, align: number): number | undefined;
  /** Returns a range previously allocated. */
  free(address: number, size: number): void;
  stats(): AllocatorStats;
}
