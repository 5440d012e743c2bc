/** Statistics every allocator reports. */
export interface AllocatorStats {
  /** Bytes currently allocated (for a bump allocator: everything below the bump pointer). */
  readonly bytesInUse: number;
  readonly peakBytesInUse: number;
  /** Bytes that can still be allocated. */
  readonly bytesFree: number;
  /** Entries on the free list(s): how fragmented the free space is. */
  readonly freeBlocks: number;
  readonly largestFreeBlock: number;
  /** 1 - largestFreeBlock / bytesFree (0 when all free space is one block or there is none). */
  readonly fragmentation: number;
  readonly allocations: number;
  readonly frees: number;
}

/**
 * Manages a range of guest addresses: the heap or the mmap region at page granularity
 * for the memory subsystem, or any range at byte granularity for the kernel's own needs.
 * It hands out address ranges; it never touches guest memory.
 *
 * Ranges are in whole granules: `init`'s granule (e.g. 4096 for pages) divides every
 * size, alignment and address passed in. A `free` may cover part of an allocation or
 * several adjacent ones (a partial munmap), but only allocated space.
 */
export interface Allocator {
  readonly name: string;
  /** Takes over [start, end) as free space, in units of `granule` bytes (a power of two). */
  init(start: number, end: number, granule: number): void;
  /** A free range of `size` bytes aligned to `align` (a power of two ≥ granule), lowest suitable first where the policy allows; undefined when none is free. */
  allocate(size: number, align: number): number | undefined;
  /** Claims exactly [address, address+size) if all of it is free; false (and no change) otherwise. */
  allocateAt(address: number, size: number): boolean;
  /** Returns [address, address+size) to the free space. */
  free(address: number, size: number): void;
  /** Whether all of [address, address+size) is free. */
  isFree(address: number, size: number): boolean;
  stats(): AllocatorStats;
}
