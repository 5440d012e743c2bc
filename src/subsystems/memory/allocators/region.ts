import { hex } from '../../../errors.js';
import { AllocatorMisuse, formatCall } from './errors.js';

/** One block of free space as an allocator keeps it. */
export interface FreeRange {
  readonly address: number;
  readonly size: number;
}

const TWO_POW_31 = 2 ** 31;

/** Whether `n` is 2^k for some k ≥ 0 (exact for every safe integer, unlike `n & (n - 1)`). */
export function isPowerOfTwo(n: number): boolean {
  if (!Number.isSafeInteger(n) || n <= 0) return false;
  if (n < TWO_POW_31) return (n & (n - 1)) === 0;
  return 2 ** Math.round(Math.log2(n)) === n;
}

/** `value` rounded up to a multiple of `align` (a power of two); exact below 2^53. */
export function alignUp(value: number, align: number): number {
  return Math.ceil(value / align) * align;
}

/** `value` rounded down to a multiple of `align` (a power of two); exact below 2^53. */
export function alignDown(value: number, align: number): number {
  return Math.floor(value / align) * align;
}

/**
 * The range an allocator manages and the argument checks every allocator shares. Ranges
 * are compared by subtraction (`size <= end - address`), never by `address + size`, so
 * nothing loses precision near 2^53.
 */
export class AllocatorRegion {
  private constructor(
    readonly allocator: string,
    readonly start: number,
    readonly end: number,
    readonly granule: number,
  ) {}

  /** Validates `init`'s arguments. */
  static of(allocator: string, start: number, end: number, granule: number): AllocatorRegion {
    const call = formatCall('init', start, end, granule);
    const misuse = (problem: string) => new AllocatorMisuse(allocator, call, problem);
    if (!isPowerOfTwo(granule)) throw misuse(`granule ${granule} is not a power of two`);
    if (!Number.isSafeInteger(start) || start < 0) throw misuse('start is not an address (a safe integer ≥ 0)');
    if (!Number.isSafeInteger(end)) throw misuse('end is not an address (a safe integer)');
    if (start % granule !== 0 || end % granule !== 0) throw misuse(`start and end must be multiples of the granule ${granule}`);
    if (end <= start) throw misuse('the region is empty (end must be above start)');
    return new AllocatorRegion(allocator, start, end, granule);
  }

  /** `allocate`'s arguments: a whole number of granules, a power-of-two alignment ≥ the granule. */
  checkAllocation(size: number, align: number): void {
    this.#checkSize('allocate', size, align, size);
    if (!isPowerOfTwo(align) || align < this.granule) {
      throw this.misuse('allocate', [size, align], `alignment ${align} is not a power of two ≥ the granule ${this.granule}`);
    }
  }

  /** A range passed to `allocateAt`, `free` or `isFree`: granule-aligned and inside the region. */
  checkRange(method: string, address: number, size: number): void {
    this.#checkSize(method, address, size, size);
    if (!Number.isSafeInteger(address) || address % this.granule !== 0) {
      throw this.misuse(method, [address, size], `address is not a multiple of the granule ${this.granule}`);
    }
    if (address < this.start || address > this.end || size > this.end - address) {
      throw this.misuse(method, [address, size], `range is outside the region [${hex(this.start)}, ${hex(this.end)})`);
    }
  }

  /** `first` and `second` are the call's arguments, for the message. */
  #checkSize(method: string, first: number, second: number, size: number): void {
    if (!Number.isSafeInteger(size) || size <= 0 || size % this.granule !== 0) {
      throw this.misuse(method, [first, second], `size ${size} is not a positive multiple of the granule ${this.granule}`);
    }
  }

  /** The error for a refused call, e.g. `misuse('free', [address, size], 'already free')`. */
  misuse(method: string, args: readonly number[], problem: string): AllocatorMisuse {
    return new AllocatorMisuse(this.allocator, formatCall(method, ...args), problem);
  }
}

/** Called before `init`. */
export function notInitialised(allocator: string, method: string): AllocatorMisuse {
  return new AllocatorMisuse(allocator, `${method}(…)`, 'called before init');
}
