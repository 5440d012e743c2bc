import { inject, injectable } from 'inversify';
import { EXIT_CODES, ZeroOSError } from '../errors.js';
import { KERNEL_CONFIG, type KernelConfig } from './tokens.js';

/**
 * What the run's memory budget is spent on. Each is something a guest can grow and the
 * host must hold:
 * - `addressSpace`: mapped bytes (image, stack, brk, mmap), like RLIMIT_AS;
 * - `files`: the bytes of regular files held in memory, in 4 KiB pages as written (holes
 *   are free), until the file's last name and last open description are gone;
 * - `pipes`: pipe buffers (their capacity, from the first write until both ends close);
 * - `entries`: directory entries, ENTRY_COST bytes each plus the name and, for a
 *   symlink, its target;
 * - `devices`: data an integration's devices keep for the guest (Jolt's advice tape).
 */
export type MemoryCategory = 'addressSpace' | 'files' | 'pipes' | 'entries' | 'devices';

export const MEMORY_CATEGORIES: readonly MemoryCategory[] = ['addressSpace', 'files', 'pipes', 'entries', 'devices'];

/**
 * What one directory entry costs besides its name (and a symlink's target): the entry,
 * its inode and their bookkeeping in the JS heap (measured: ~390 bytes of heap per
 * symlink in a directory of 345,000, garbage-collector slack included).
 */
export const ENTRY_COST = 256;

/** Current and peak bytes of one category or of the whole budget. */
export interface MemoryUse {
  readonly bytes: number;
  readonly peakBytes: number;
}

/** The budget's state for --stats and RunStats. */
export interface MemoryBudgetStats {
  /** The run's memory limit (KernelConfig.memoryLimit). */
  readonly limit: number;
  /** All categories together. */
  readonly total: MemoryUse;
  readonly byCategory: Readonly<Record<MemoryCategory, MemoryUse>>;
}

/** How --stats and messages name each category. */
export const MEMORY_LABELS: Readonly<Record<MemoryCategory, string>> = {
  addressSpace: 'address space',
  files: 'file contents',
  pipes: 'pipe buffers',
  entries: 'directory entries',
  devices: 'device data',
};

/** Formats a byte count the way the messages print it: "64.0 MiB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * The run's memory budget was used up where no errno could say so: the program's image
 * and stack do not fit at load, or the kernel had to grow something on the guest's
 * behalf. Names what was being allocated, how much the run held and the limit.
 */
export class OutOfMemory extends ZeroOSError {
  readonly exitCode = EXIT_CODES.outOfMemory;
  constructor(
    /** What was being allocated. */
    readonly what: string,
    readonly requested: number,
    readonly used: number,
    readonly limit: number,
  ) {
    super(
      `out of memory: ${what} needs ${formatBytes(requested)} but the run already holds ` +
        `${formatBytes(used)} of its ${formatBytes(limit)} limit (raise --memory-limit)`,
    );
  }
}

/**
 * One memory budget for everything a guest makes the host hold (one per run, bound in
 * the core module): its address space, in-memory file contents, pipe buffers and
 * directory entries all draw from KernelConfig.memoryLimit. Callers ask `tryCharge`
 * before they grow and turn a refusal into the errno Linux would give (ENOMEM for
 * memory syscalls, ENOSPC for file writes and new names); `charge` is for growth that
 * has no errno and stops the run with OutOfMemory instead. Every charge is given back
 * with `release` when the memory goes.
 *
 * Not charged (fixed host-side caps, independent of the guest): the hart's decoded-code
 * cache (see MAX_CODE_PAGES in the arch layer), the fd table (RLIMIT_NOFILE), threads
 * (maxThreads).
 */
@injectable()
export class MemoryBudget {
  readonly limit: number;
  private _used = 0;
  private _peak = 0;
  private readonly _bytes: Record<MemoryCategory, number> = { addressSpace: 0, files: 0, pipes: 0, entries: 0, devices: 0 };
  private readonly _peaks: Record<MemoryCategory, number> = { addressSpace: 0, files: 0, pipes: 0, entries: 0, devices: 0 };

  constructor(@inject(KERNEL_CONFIG) config: KernelConfig) {
    this.limit = config.memoryLimit;
  }

  /** Bytes held now, all categories together. */
  get used(): number {
    return this._used;
  }

  /** Bytes still free under the limit. */
  get available(): number {
    return Math.max(0, this.limit - this._used);
  }

  /** Whether `bytes` more would fit. */
  fits(bytes: number): boolean {
    return this._used + bytes <= this.limit;
  }

  /** Takes `bytes` when they fit; false (and nothing taken) when they do not. */
  tryCharge(category: MemoryCategory, bytes: number): boolean {
    if (bytes <= 0) {
      this.release(category, -bytes);
      return true;
    }
    if (!this.fits(bytes)) return false;
    this.add(category, bytes);
    return true;
  }

  /** Takes `bytes`, or stops the run with OutOfMemory naming `what` when they do not fit. */
  charge(category: MemoryCategory, bytes: number, what: string): void {
    if (!this.tryCharge(category, bytes)) throw new OutOfMemory(what, bytes, this._used, this.limit);
  }

  /** Gives back `bytes` taken earlier. */
  release(category: MemoryCategory, bytes: number): void {
    if (bytes <= 0) return;
    const given = Math.min(bytes, this._bytes[category]);
    this._bytes[category] -= given;
    this._used -= given;
  }

  /** Bytes held now in one category. */
  usedBy(category: MemoryCategory): number {
    return this._bytes[category];
  }

  stats(): MemoryBudgetStats {
    const byCategory = {} as Record<MemoryCategory, MemoryUse>;
    for (const category of MEMORY_CATEGORIES) {
      byCategory[category] = { bytes: this._bytes[category], peakBytes: this._peaks[category] };
    }
    return { limit: this.limit, total: { bytes: this._used, peakBytes: this._peak }, byCategory };
  }

  /** One line per category for --stats: "address space 8.1 MiB (peak 9.0 MiB)". */
  describe(): string[] {
    return MEMORY_CATEGORIES.map(
      (c) => `${MEMORY_LABELS[c]} ${formatBytes(this._bytes[c])} (peak ${formatBytes(this._peaks[c])})`,
    );
  }

  private add(category: MemoryCategory, bytes: number): void {
    this._bytes[category] += bytes;
    this._used += bytes;
    if (this._bytes[category] > this._peaks[category]) this._peaks[category] = this._bytes[category];
    if (this._used > this._peak) this._peak = this._used;
  }
}
