import { inject, injectable } from 'inversify';
import { PAGE_SIZE, PERM_R, PERM_RW, PERM_W, PERM_X, type GuestMemory, type Mapping } from '../../arch/memory/types.js';
import type { Allocator } from '../../kernel/contracts/allocator.js';
import type { Arch } from '../../kernel/contracts/arch.js';
import type { BootContribution } from '../../kernel/contracts/boot.js';
import type { BootInfo, LayoutRegion, Platform, RegionKind } from '../../kernel/contracts/platform.js';
import { Errno } from '../../kernel/errno.js';
import { formatMaps, mapsOf, type MapsEntry } from '../../kernel/maps.js';
import type { MemoryBudget } from '../../kernel/memory-budget.js';
import { ALLOCATOR, ARCH, MEMORY_BUDGET, PLATFORM } from '../../kernel/tokens.js';

/** Linux's default vm.max_map_count: the most mappings a process may have. */
export const MAX_MAP_COUNT = 65_530;

export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;
const PROT_KNOWN = PROT_READ | PROT_WRITE | PROT_EXEC;

export const MAP_SHARED = 0x01;
export const MAP_PRIVATE = 0x02;
export const MAP_SHARED_VALIDATE = 0x03;
export const MAP_TYPE = 0x0f;
export const MAP_FIXED = 0x10;
export const MAP_ANONYMOUS = 0x20;
export const MAP_FIXED_NOREPLACE = 0x100000;
/** Flags Linux accepts that change nothing here: growsdown, denywrite, executable, locked, noreserve, populate, nonblock, stack, hugetlb, sync, uninitialized. */
const MAP_ACCEPTED = 0x0100 | 0x0800 | 0x1000 | 0x2000 | 0x4000 | 0x8000 | 0x10000 | 0x20000 | 0x40000 | 0x80000 | 0x4000000 | (0x3f << 26);

export const MREMAP_MAYMOVE = 1;
export const MREMAP_FIXED = 2;
export const MREMAP_DONTUNMAP = 4;

export const MADV = {
  NORMAL: 0,
  RANDOM: 1,
  SEQUENTIAL: 2,
  WILLNEED: 3,
  DONTNEED: 4,
  FREE: 8,
  REMOVE: 9,
  DONTFORK: 10,
  DOFORK: 11,
  MERGEABLE: 12,
  UNMERGEABLE: 13,
  HUGEPAGE: 14,
  NOHUGEPAGE: 15,
  DONTDUMP: 16,
  DODUMP: 17,
  WIPEONFORK: 18,
  KEEPONFORK: 19,
  COLD: 20,
  PAGEOUT: 21,
  POPULATE_READ: 22,
  POPULATE_WRITE: 23,
  DONTNEED_LOCKED: 24,
  COLLAPSE: 25,
} as const;
const MADV_KNOWN = new Set<number>(Object.values(MADV));
/** Advice that discards the contents: the next read sees zeros, as for private anonymous memory on Linux. */
const MADV_DISCARDS = new Set<number>([MADV.DONTNEED, MADV.FREE, MADV.DONTNEED_LOCKED]);

/** Linux's riscv64 PTEs cannot express write-only: PROT_WRITE implies read. */
export function permsOfProt(prot: number): number {
  return (prot & PROT_READ ? PERM_R : 0) | (prot & PROT_WRITE ? PERM_RW : 0) | (prot & PROT_EXEC ? PERM_X : 0);
}

const pageUp = (n: number) => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
const aligned = (n: number) => n % PAGE_SIZE === 0;

/**
 * What a file-backed mapping is made of: a private copy of the file's bytes from the
 * mapping's offset (fewer past the end of the file; the rest reads as zeros), named
 * after the file in /proc/self/maps.
 */
export interface FileMapping {
  readonly name: string;
  /** Up to `length` bytes of the file at the mapping's offset, or a negative errno. */
  contents(length: number): Uint8Array | number;
}

/** Counters for --stats and tests. */
export interface AddressSpaceStats {
  readonly mappedBytes: number;
  readonly peakMappedBytes: number;
  readonly brkStart: number;
  readonly brk: number;
  readonly memoryLimit: number;
}

/**
 * The process's address space above the loaded image: the program break inside the
 * heap region and anonymous mappings inside the mmap region, whose free ranges the
 * swappable Allocator keeps. Every page the guest can reach is in GuestMemory's
 * mappings; inside the mmap region, "allocated" and "mapped" are the same set.
 * Results are what the syscalls return: an address, or a negative errno.
 */
@injectable()
export class AddressSpace implements BootContribution {
  private _memory: GuestMemory;
  private _mmapRegion: LayoutRegion | undefined;
  private _heapRegion: LayoutRegion | undefined;
  private _brkStart = 0;
  private _brk = 0;
  /** Bytes of the address space the guest holds (image, stack, brk heap, mappings), charged to the budget. */
  private _mapped = 0;
  private _peak = 0;

  constructor(
    @inject(ARCH) private readonly arch: Arch,
    @inject(PLATFORM) private readonly platform: Platform,
    @inject(ALLOCATOR) private readonly allocator: Allocator,
    @inject(MEMORY_BUDGET) private readonly budget: MemoryBudget,
  ) {
    this._memory = arch.memory;
  }

  onBoot(_process: unknown, info: BootInfo): void {
    this._memory = this.arch.memory;
    this._heapRegion = this.platform.layout.find('heap');
    this._mmapRegion = this.platform.layout.find('mmap');
    if (this._mmapRegion) this.allocator.init(this._mmapRegion.start, this._mmapRegion.end, PAGE_SIZE);
    this._brkStart = this._brk = pageUp(info.imageEnd);
    // The limit caps the whole address space, like RLIMIT_AS: what the platform mapped at
    // load (image, stack, ...) counts too, and a program that does not fit does not start.
    const loaded = this._memory.mappings().reduce((n, m) => n + (m.end - m.start), 0);
    this.budget.charge('addressSpace', loaded, 'loading the program (its image and stack)');
    this._mapped = this._peak = loaded;
  }

  stats(): AddressSpaceStats {
    return {
      mappedBytes: this._mapped,
      peakMappedBytes: this._peak,
      brkStart: this._brkStart,
      brk: this._brk,
      memoryLimit: this.budget.limit,
    };
  }

  /** The address space as /proc/self/maps shows it. */
  maps(): MapsEntry[] {
    return mapsOf(this._memory);
  }

  /** The program break now. */
  get currentBreak(): number {
    return this._brk;
  }

  /** brk(2): moves the break when it can; always returns the (possibly unchanged) break. */
  brk(requested: number): number {
    const current = this._brk;
    const heapEnd = this._heapRegion?.end ?? this._brkStart;
    if (requested < this._brkStart || requested > heapEnd) return current;
    const oldTop = pageUp(current);
    const newTop = pageUp(requested);
    if (newTop > oldTop) {
      const grow = newTop - oldTop;
      if (!this.withinLimit(grow)) return current;
      if (!this.isUnmapped(oldTop, grow)) return current;
      this._memory.map(oldTop, grow, PERM_RW, '[heap]');
      this.account(grow);
    } else if (newTop < oldTop) {
      this._memory.unmap(newTop, oldTop - newTop);
      this.account(newTop - oldTop);
    }
    this._brk = requested;
    return requested;
  }

  /**
   * mmap(2). `file` makes a file-backed mapping (a private copy of its bytes); `true`
   * stands for a file that cannot be mapped (ENODEV).
   */
  mmap(address: number, length: number, prot: number, flags: number, offset: bigint, file: boolean | FileMapping = false): number {
    if (length === 0) return -Errno.EINVAL;
    const type = flags & MAP_TYPE;
    if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE) return -Errno.EINVAL;
    if (type === MAP_SHARED_VALIDATE && (flags & ~(MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_ACCEPTED)) !== 0) {
      return -Errno.EOPNOTSUPP;
    }
    if ((prot & ~PROT_KNOWN) !== 0) return -Errno.EINVAL;
    if (offset % BigInt(PAGE_SIZE) !== 0n) return -Errno.EINVAL;
    const size = pageUp(length);
    if (!(size < 2 ** 53)) return -Errno.ENOMEM;
    if (file === true) return -Errno.ENODEV;
    if (!this.roomForMappings()) return -Errno.ENOMEM;
    // Before the file's bytes are copied: a mapping that cannot fit anyway costs nothing.
    if (!(flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && !this.withinLimit(size)) return -Errno.ENOMEM;
    let contents: Uint8Array | undefined;
    if (file) {
      const bytes = file.contents(size);
      if (typeof bytes === 'number') return bytes;
      contents = bytes;
    }
    const name = file ? file.name : '[anon]';
    const perms = permsOfProt(prot);
    const fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) !== 0;

    if (fixed) {
      if (!aligned(address)) return -Errno.EINVAL;
      if (!this.mappable(address, size)) return -Errno.ENOMEM;
      const replaced = this.mappedBytesIn(address, size);
      if (replaced > 0 && flags & MAP_FIXED_NOREPLACE) return -Errno.EEXIST;
      if (!this.withinLimit(size - replaced)) return -Errno.ENOMEM;
      if (!this.replace(address, size)) return -Errno.ENOMEM;
      this._memory.map(address, size, perms, name);
      if (contents?.length) this._memory.poke(address, contents);
      this.account(size);
      return address;
    }

    if (!this._mmapRegion || !this.withinLimit(size)) return -Errno.ENOMEM;
    let placed: number | undefined;
    if (address !== 0 && aligned(address) && this.inMmapRegion(address, size) && this.allocator.allocateAt(address, size)) {
      placed = address;
    } else {
      placed = this.allocator.allocate(size, PAGE_SIZE);
    }
    if (placed === undefined) return -Errno.ENOMEM;
    this._memory.map(placed, size, perms, name);
    if (contents?.length) this._memory.poke(placed, contents);
    this.account(size);
    return placed;
  }

  munmap(address: number, length: number): number {
    if (!aligned(address) || length === 0) return -Errno.EINVAL;
    const size = pageUp(length);
    if (!(address + size <= this.taskSize())) return -Errno.EINVAL;
    // Only unmapping the middle of a mapping adds one (it splits in two).
    const around = this._memory.mappingAt(address);
    if (around && around.start < address && around.end > address + size && this._memory.mappingCount >= MAX_MAP_COUNT) {
      return -Errno.ENOMEM;
    }
    this.release(address, size);
    return 0;
  }

  mprotect(address: number, length: number, prot: number): number {
    if (!aligned(address)) return -Errno.EINVAL;
    if ((prot & ~PROT_KNOWN) !== 0) return -Errno.EINVAL;
    if (length === 0) return 0;
    const size = pageUp(length);
    if (!(address + size <= this.taskSize())) return -Errno.ENOMEM;
    if (this.mappedBytesIn(address, size) !== size) return -Errno.ENOMEM;
    if (!this.roomForMappings()) return -Errno.ENOMEM;
    this._memory.protect(address, size, permsOfProt(prot));
    return 0;
  }

  /**
   * madvise(2) by Linux's rules (mm/madvise.c): EINVAL for unknown advice, a misaligned
   * start or a length that wraps; 0 for length 0; then each mapping in the range in turn
   * (the first one that refuses ends the call with its errno), and ENOMEM at the end when
   * the range had unmapped pages, the advice still applied to the mapped ones.
   * Per mapping: DONTNEED, DONTNEED_LOCKED and FREE make private anonymous pages read as
   * zeros (FREE: EINVAL on a file mapping; ZeroOS frees at once, as Linux may under memory
   * pressure); REMOVE needs a shared writable file (EINVAL on anonymous memory, EACCES on a
   * file mapping here, which is never shared-writable); WIPEONFORK EINVAL on a file mapping;
   * POPULATE_READ/WRITE EINVAL where the mapping is not readable/writable; the advisory
   * kinds (NORMAL, RANDOM, SEQUENTIAL, WILLNEED, HUGEPAGE, NOHUGEPAGE, COLLAPSE, DONTFORK,
   * DOFORK, COLD, PAGEOUT, MERGEABLE, UNMERGEABLE, DONTDUMP, DODUMP, KEEPONFORK) change
   * nothing a guest can see: 0. Not modelled: DONTNEED on a private file mapping zeroes
   * (Linux reads the file again), and shared anonymous memory is treated as private.
   */
  madvise(address: number, length: number, advice: number): number {
    if (!MADV_KNOWN.has(advice) || !aligned(address)) return -Errno.EINVAL;
    const size = pageUp(length);
    if (length > 0 && !(size > 0 && address + size <= 2 ** 64)) return -Errno.EINVAL;
    if (length === 0) return 0;
    const end = Math.min(address + size, 2 ** 53);
    let covered = 0;
    for (const mapping of this._memory.mappingsIn(address, end)) {
      const start = Math.max(mapping.start, address);
      const stop = Math.min(mapping.end, end);
      const file = mapping.name.startsWith('/');
      switch (advice) {
        case MADV.REMOVE:
          return file ? -Errno.EACCES : -Errno.EINVAL;
        case MADV.FREE:
        case MADV.WIPEONFORK:
          if (file) return -Errno.EINVAL;
          break;
        case MADV.POPULATE_READ:
          if (!(mapping.perms & PERM_R)) return -Errno.EINVAL;
          break;
        case MADV.POPULATE_WRITE:
          if (!(mapping.perms & PERM_W)) return -Errno.EINVAL;
          break;
      }
      if (MADV_DISCARDS.has(advice)) this._memory.zero(start, stop - start);
      covered += stop - start;
    }
    return covered === size ? 0 : -Errno.ENOMEM;
  }

  /**
   * mincore(2) by Linux's rules (mm/mincore.c): EINVAL for a misaligned start, ENOMEM for a
   * range past the address space; then one byte per page into `vec`, mapping by mapping,
   * ENOMEM at the first unmapped page (the bytes of the pages before it written), EFAULT
   * when `vec` cannot take them. Every mapped page is resident (1): ZeroOS never pages
   * guest memory out, and a page not yet written reads as zeros as if it were there.
   */
  mincore(memory: GuestMemory, address: number, length: number, vec: number): number {
    if (!aligned(address)) return -Errno.EINVAL;
    if (!(address + length <= this.taskSize())) return -Errno.ENOMEM;
    const count = Math.ceil(length / PAGE_SIZE);
    if (count === 0) return 0;
    let page = 0;
    for (const mapping of this._memory.mappingsIn(address, address + count * PAGE_SIZE)) {
      if (mapping.start > address + page * PAGE_SIZE) break;
      page = Math.max(page, Math.min(count, (mapping.end - address) / PAGE_SIZE));
    }
    if (page === 0) return -Errno.ENOMEM;
    if (!memory.isAccessible(vec, page, PERM_W)) return -Errno.EFAULT;
    memory.write(vec, new Uint8Array(page).fill(1));
    return page === count ? 0 : -Errno.ENOMEM;
  }

  mremap(oldAddress: number, oldLength: number, newLength: number, flags: number, newAddress: number): number {
    if (!aligned(oldAddress)) return -Errno.EINVAL;
    if ((flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) !== 0) return -Errno.EINVAL;
    if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP) && !(flags & MREMAP_MAYMOVE)) return -Errno.EINVAL;
    if (newLength === 0 || oldLength === 0) return -Errno.EINVAL;
    const oldSize = pageUp(oldLength);
    const newSize = pageUp(newLength);
    if (!(newSize < 2 ** 53)) return -Errno.ENOMEM;
    const source = this._memory.mappingAt(oldAddress);
    if (!source || source.end < oldAddress + oldSize) return -Errno.EFAULT;
    if (!this.roomForMappings()) return -Errno.ENOMEM;

    if (flags & MREMAP_FIXED) {
      if (!aligned(newAddress)) return -Errno.EINVAL;
      if (rangesOverlap(oldAddress, oldSize, newAddress, newSize)) return -Errno.EINVAL;
      if (!this.mappable(newAddress, newSize)) return -Errno.ENOMEM;
      const replaced = this.mappedBytesIn(newAddress, newSize);
      if (!this.withinLimit(newSize - replaced)) return -Errno.ENOMEM;
      if (!this.replace(newAddress, newSize)) return -Errno.ENOMEM;
      return this.move(source, oldAddress, oldSize, newAddress, newSize, flags);
    }
    if (newSize <= oldSize) {
      if (newSize < oldSize) this.release(oldAddress + newSize, oldSize - newSize);
      return oldAddress;
    }
    const extra = newSize - oldSize;
    if (!this.withinLimit(extra) && !(flags & MREMAP_MAYMOVE && this.withinLimit(newSize))) return -Errno.ENOMEM;
    const tail = oldAddress + oldSize;
    if (this.withinLimit(extra) && this.canGrowInPlace(tail, extra) && this.replace(tail, extra)) {
      this._memory.map(tail, extra, source.perms, source.name);
      this.account(extra);
      return oldAddress;
    }
    if (!(flags & MREMAP_MAYMOVE)) return -Errno.ENOMEM;
    if (!this._mmapRegion || !this.withinLimit(newSize)) return -Errno.ENOMEM;
    const target = this.allocator.allocate(newSize, PAGE_SIZE);
    if (target === undefined) return -Errno.ENOMEM;
    return this.move(source, oldAddress, oldSize, target, newSize, flags);
  }

  /** Moves [old, old+oldSize) to `target` (already claimed, unmapped), extending to newSize with zeros. */
  private move(source: Mapping, old: number, oldSize: number, target: number, newSize: number, flags: number): number {
    const kept = Math.min(oldSize, newSize);
    this._memory.map(target, newSize, source.perms, source.name);
    this.account(newSize);
    this._memory.copyPages(old, target, kept);
    if (flags & MREMAP_DONTUNMAP) this._memory.zero(old, oldSize);
    else this.release(old, oldSize);
    return target;
  }

  private canGrowInPlace(address: number, size: number): boolean {
    if (!this.isUnmapped(address, size)) return false;
    if (this.inMmapRegion(address, size)) return this.allocator.isFree(address, size);
    return this.mappable(address, size) && !this.overlapsMmapRegion(address, size);
  }

  /** Unmaps whatever is mapped in the range, returning mmap-region space to the allocator. */
  private release(address: number, size: number): void {
    for (const piece of this.mappedPieces(address, size)) {
      const length = piece.end - piece.start;
      if (this._mmapRegion) {
        const start = Math.max(piece.start, this._mmapRegion.start);
        const end = Math.min(piece.end, this._mmapRegion.end);
        if (end > start) this.allocator.free(start, end - start);
      }
      this.account(-length);
    }
    this._memory.unmap(address, size);
  }

  /**
   * Makes [address, address+size) an unmapped range the caller may map (MAP_FIXED): the
   * mapped parts are unmapped but stay allocated (they are reused at once), the unmapped
   * parts inside the mmap region are claimed from the allocator first, so when it cannot
   * give them (a bump allocator below its pointer) nothing has changed: false.
   */
  private replace(address: number, size: number): boolean {
    const claimed: { start: number; end: number }[] = [];
    for (const hole of this.unmappedPieces(address, size)) {
      const start = Math.max(hole.start, this._mmapRegion?.start ?? hole.end);
      const end = Math.min(hole.end, this._mmapRegion?.end ?? hole.start);
      if (end <= start) continue;
      if (!this.allocator.allocateAt(start, end - start)) {
        for (const piece of claimed) this.allocator.free(piece.start, piece.end - piece.start);
        return false;
      }
      claimed.push({ start, end });
    }
    for (const piece of this.mappedPieces(address, size)) this.account(-(piece.end - piece.start));
    this._memory.unmap(address, size);
    return true;
  }

  /** The unmapped parts of [address, address+size). */
  private unmappedPieces(address: number, size: number): { start: number; end: number }[] {
    const holes: { start: number; end: number }[] = [];
    let cursor = address;
    for (const piece of this.mappedPieces(address, size)) {
      if (piece.start > cursor) holes.push({ start: cursor, end: piece.start });
      cursor = piece.end;
    }
    if (cursor < address + size) holes.push({ start: cursor, end: address + size });
    return holes;
  }

  /** The mapped parts of [address, address+size), clipped to it. */
  private mappedPieces(address: number, size: number): { start: number; end: number }[] {
    const end = address + size;
    return this._memory
      .mappingsIn(address, end)
      .map((m) => ({ start: Math.max(m.start, address), end: Math.min(m.end, end) }));
  }

  private mappedBytesIn(address: number, size: number): number {
    return this.mappedPieces(address, size).reduce((n, p) => n + (p.end - p.start), 0);
  }

  /**
   * Whether one more change can split mappings: each mmap, munmap, mprotect or mremap adds
   * at most two. Linux caps a process at vm.max_map_count mappings (ENOMEM past it); so do
   * we, which also bounds the host work each of these calls does.
   */
  private roomForMappings(): boolean {
    return this._memory.mappingCount + 2 <= MAX_MAP_COUNT;
  }

  private isUnmapped(address: number, size: number): boolean {
    return this.mappedBytesIn(address, size) === 0;
  }

  /** Whether MAP_FIXED may place pages here: inside the regions a process may map into. */
  private mappable(address: number, size: number): boolean {
    const kinds: RegionKind[] = ['image', 'heap', 'mmap', 'stack'];
    const end = address + size;
    let covered = address;
    for (const region of this.platform.layout.regions) {
      if (!kinds.includes(region.kind) || region.end <= covered || region.start > covered) continue;
      covered = region.end;
      if (covered >= end) return true;
    }
    // Regions are in address order, so one pass finds a contiguous cover.
    return covered >= end;
  }

  private inMmapRegion(address: number, size: number): boolean {
    const r = this._mmapRegion;
    return r !== undefined && address >= r.start && address + size <= r.end;
  }

  private overlapsMmapRegion(address: number, size: number): boolean {
    const r = this._mmapRegion;
    return r !== undefined && address < r.end && address + size > r.start;
  }

  private taskSize(): number {
    return Math.max(...this.platform.layout.regions.map((r) => r.end));
  }

  /** Whether `extra` more mapped bytes fit in the run's budget (shared with files, pipes, ...). */
  private withinLimit(extra: number): boolean {
    return this.budget.fits(extra);
  }

  /**
   * Records a change of mapped bytes. Growth was checked with withinLimit just before (nothing
   * else runs in between), so the charge cannot fail; if it did, that is a bug: OutOfMemory.
   */
  private account(delta: number): void {
    if (delta > 0) this.budget.charge('addressSpace', delta, 'a mapping');
    else this.budget.release('addressSpace', -delta);
    this._mapped += delta;
    if (this._mapped > this._peak) this._peak = this._mapped;
  }
}

function rangesOverlap(a: number, aSize: number, b: number, bSize: number): boolean {
  return a < b + bSize && b < a + aSize;
}

export { formatMaps, type MapsEntry };
