/**
 * The memory port: the only way any tier loads, stores and (via the code cache) fetches.
 * It owns the two direct-mapped software TLBs of page frames (read and write), refilled
 * from `PagedMemory` on a miss, the LR reservation, and the I/O windows.
 *
 * The fast path is in the tiers' generated code: `tag[i] === page` then a typed-array
 * access. Everything else comes here: misaligned, page-crossing, a TLB miss, and every
 * access to a page holding an I/O window (such pages never enter a TLB, so ordinary
 * memory pays nothing for windows).
 */
import { CHANGED_TRANSLATION, type Frame, type MemoryObserver, PAGE_LIMIT, type PagedMemory, ZERO_FRAME } from '../memory/paged-memory.js';
import { type AccessKind, MemoryFault, PAGE_SIZE, PERM_R, PERM_W } from '../memory/types.js';

/** Entries of each TLB. */
export const TLB_SIZE = 256;
const TLB_MASK = TLB_SIZE - 1;
const TWO32 = 4294967296;

/**
 * A byte range [start, end) whose loads and stores an integration sees: memory-mapped I/O
 * words (a zkVM's panic and termination words, HTIF's tohost, a stack canary). Any access
 * that overlaps the range by at least one byte, on every tier, calls the hooks with the
 * whole access. The bytes live in guest memory as usual (the range must be mapped; the
 * page permissions apply first, so a faulting access calls no hook). Instruction fetch and
 * the kernel's own reads and writes of guest memory (syscall buffers) do not see windows.
 */
export interface IoWindow {
  readonly start: number;
  readonly end: number;
  /** A load overlapping the window: the value it reads (the low `size` bytes), or undefined for memory's value. */
  read?(address: number, size: number): bigint | undefined;
  /** A store overlapping the window, called after the bytes are in memory. */
  write?(address: number, size: number, value: bigint): void;
}

function pairToBigint(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

function pairFault(lo: number, hi: number, access: AccessKind, reason: 'unmapped' | 'permission'): MemoryFault {
  return new MemoryFault(pairToBigint(lo, hi), access, reason);
}

function numberFault(address: number, access: AccessKind, reason: 'unmapped' | 'permission'): MemoryFault {
  const a = Number.isFinite(address) && address >= 0 ? BigInt(Math.trunc(address)) : 0n;
  return new MemoryFault(a, access, reason);
}

export class MemoryPort implements MemoryObserver {
  // The TLBs (read by generated code; see the class doc). Tags are page numbers; NaN = empty.
  readonly rtag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly rmem: Int32Array[] = new Array<Int32Array>(TLB_SIZE).fill(ZERO_FRAME.i32);
  readonly rmem8: Uint8Array[] = new Array<Uint8Array>(TLB_SIZE).fill(ZERO_FRAME.u8);
  readonly wtag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly wmem: Int32Array[] = new Array<Int32Array>(TLB_SIZE).fill(ZERO_FRAME.i32);
  readonly wmem8: Uint8Array[] = new Array<Uint8Array>(TLB_SIZE).fill(ZERO_FRAME.u8);

  /** Index within a compiled block of the instruction whose access faulted. */
  faultK = 0;
  /** High word of the last 64-bit slow-path load. */
  vhi = 0;

  private resValid = false;
  private resAddr = 0;
  private resPage = -1;
  private readonly scratch = new Uint8Array(8);
  private readonly windows: IoWindow[] = [];
  /** Pages holding at least one window byte: never in a TLB. */
  private readonly windowPages = new Set<number>();

  constructor(readonly memory: PagedMemory) {
    this.resAddr = 0.5;
    this.resAddr = 0;
    memory.addObserver(this);
  }

  dispose(): void {
    this.memory.removeObserver(this);
  }

  // ------------------------------------------------------------------ I/O windows

  /** Installs a window; returns a function that removes it. */
  addWindow(window: IoWindow): () => void {
    const { start, end } = window;
    if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && end > start)) {
      throw new RangeError(`I/O window [${start}, ${end}) must be a non-empty range of addresses`);
    }
    this.windows.push(window);
    this.rebuildWindowPages();
    return () => {
      const i = this.windows.indexOf(window);
      if (i >= 0) this.windows.splice(i, 1);
      this.rebuildWindowPages();
    };
  }

  private rebuildWindowPages(): void {
    this.windowPages.clear();
    for (const w of this.windows) {
      const first = Math.floor(w.start / PAGE_SIZE);
      const last = Math.floor((w.end - 1) / PAGE_SIZE);
      for (let p = first; p <= last; p++) this.windowPages.add(p);
      this.dropTranslations(first, last - first + 1);
    }
  }

  // ------------------------------------------------------------------ LR/SC reservation

  /** LR: reserves the 8 bytes at (lo, hi); stores to its page then take the slow path, which clears it. */
  reserve(lo: number, hi: number): void {
    const addr = hi * TWO32 + (lo >>> 0);
    this.resValid = true;
    this.resAddr = addr;
    this.resPage = Math.floor(addr / PAGE_SIZE);
    const i = this.resPage & TLB_MASK;
    if (this.wtag[i] === this.resPage) this.wtag[i] = NaN;
  }

  /** SC: whether the reservation is at (lo, hi); the reservation is gone afterwards either way. */
  claimReservation(lo: number, hi: number): boolean {
    const held = this.resValid && this.resAddr === hi * TWO32 + (lo >>> 0);
    this.resValid = false;
    return held;
  }

  /** A context switch: the reservation does not survive it. */
  clearReservation(): void {
    this.resValid = false;
  }

  // ------------------------------------------------------------------ TLB upkeep

  memoryChanged(firstPage: number, pageCount: number, what: number): void {
    if ((what & CHANGED_TRANSLATION) !== 0) this.dropTranslations(firstPage, pageCount);
  }

  private dropTranslations(first: number, count: number): void {
    const rtag = this.rtag;
    const wtag = this.wtag;
    if (count <= TLB_SIZE) {
      for (let p = first; p < first + count; p++) {
        const i = p & TLB_MASK;
        if (rtag[i] === p) rtag[i] = NaN;
        if (wtag[i] === p) wtag[i] = NaN;
      }
    } else {
      const end = first + count;
      for (let i = 0; i < TLB_SIZE; i++) {
        const r = rtag[i]!;
        if (r >= first && r < end) rtag[i] = NaN;
        const w = wtag[i]!;
        if (w >= first && w < end) wtag[i] = NaN;
      }
    }
  }

  private fillRead(page: number, frame: Frame): void {
    if (this.windowPages.size !== 0 && this.windowPages.has(page)) return;
    const i = page & TLB_MASK;
    this.rtag[i] = page;
    this.rmem[i] = frame.i32;
    this.rmem8[i] = frame.u8;
  }

  private fillWrite(page: number, frame: Frame): void {
    this.fillRead(page, frame);
    if (this.memory.isCodePage(page) || (this.resValid && page === this.resPage)) return;
    if (this.windowPages.size !== 0 && this.windowPages.has(page)) return;
    const i = page & TLB_MASK;
    this.wtag[i] = page;
    this.wmem[i] = frame.i32;
    this.wmem8[i] = frame.u8;
  }

  // ------------------------------------------------------------------ slow paths

  /**
   * Checks that [addr, addr+size) may be accessed with `need`; throws the fault for the
   * first bad byte (after recording `k` for compiled code).
   */
  private checkPages(addr: number, size: number, need: number, access: AccessKind, k: number): void {
    const first = Math.floor(addr / PAGE_SIZE);
    const last = Math.floor((addr + size - 1) / PAGE_SIZE);
    for (let p = first; p <= last; p++) {
      const perms = p < PAGE_LIMIT ? this.memory.permsOf(p) : -1;
      if (perms < 0 || (perms & need) !== need) {
        this.faultK = k;
        throw numberFault(Math.max(addr, p * PAGE_SIZE), access, perms < 0 ? 'unmapped' : 'permission');
      }
    }
  }

  /**
   * Slow-path load of `size` (1, 2, 4, 8) bytes at (lo, hi); `k` = the instruction's index
   * in a compiled block (0 elsewhere). Returns the low word (zero-extended for sizes 1 and
   * 2); for size 8 the high word is left in `vhi`. Refills the read TLB.
   */
  ld(lo: number, hi: number, size: number, k: number): number {
    if (hi < 0 || hi >= 0x200000) {
      this.faultK = k;
      throw pairFault(lo, hi, 'read', 'unmapped');
    }
    const addr = hi * TWO32 + (lo >>> 0);
    const off = lo & 4095;
    let u8: Uint8Array;
    let o: number;
    if (off + size <= PAGE_SIZE) {
      const page = Math.floor(addr / PAGE_SIZE);
      const perms = this.memory.permsOf(page);
      if (perms < 0 || (perms & PERM_R) === 0) {
        this.faultK = k;
        throw pairFault(lo, hi, 'read', perms < 0 ? 'unmapped' : 'permission');
      }
      const frame = this.memory.frameForRead(page);
      this.fillRead(page, frame);
      u8 = frame.u8;
      o = off;
    } else {
      this.checkPages(addr, size, PERM_R, 'read', k);
      u8 = this.scratch;
      o = 0;
      const page = Math.floor(addr / PAGE_SIZE);
      const first = this.memory.frameForRead(page).u8;
      const second = this.memory.frameForRead(page + 1).u8;
      for (let j = 0; j < size; j++) u8[j] = off + j < PAGE_SIZE ? first[off + j]! : second[off + j - PAGE_SIZE]!;
    }
    if (this.windows.length !== 0) {
      const value = this.windowRead(addr, size, k);
      if (value !== undefined) {
        this.vhi = Number(BigInt.asIntN(32, value >> 32n));
        return size === 8 || size === 4 ? Number(BigInt.asIntN(32, value)) : Number(BigInt.asUintN(size * 8, value));
      }
    }
    switch (size) {
      case 1:
        return u8[o]!;
      case 2:
        return u8[o]! | (u8[o + 1]! << 8);
      case 4:
        return u8[o]! | (u8[o + 1]! << 8) | (u8[o + 2]! << 16) | (u8[o + 3]! << 24);
      default:
        this.vhi = u8[o + 4]! | (u8[o + 5]! << 8) | (u8[o + 6]! << 16) | (u8[o + 7]! << 24);
        return u8[o]! | (u8[o + 1]! << 8) | (u8[o + 2]! << 16) | (u8[o + 3]! << 24);
    }
  }

  /**
   * Slow-path store of `size` bytes of (vlo, vhi) at (lo, hi). Allocates the frame, drops
   * decoded code of the page, clears a matching LR reservation, refills the write TLB
   * (unless the page holds code, the reservation or a window) and tells the windows.
   */
  st(lo: number, hi: number, size: number, vlo: number, vhi: number, k: number): void {
    if (hi < 0 || hi >= 0x200000) {
      this.faultK = k;
      throw pairFault(lo, hi, 'write', 'unmapped');
    }
    const addr = hi * TWO32 + (lo >>> 0);
    const off = lo & 4095;
    const memory = this.memory;
    if (this.resValid && addr < this.resAddr + 8 && addr + size > this.resAddr) this.resValid = false;
    if (off + size <= PAGE_SIZE) {
      const page = Math.floor(addr / PAGE_SIZE);
      const perms = memory.permsOf(page);
      if (perms < 0 || (perms & PERM_W) === 0) {
        this.faultK = k;
        throw pairFault(lo, hi, 'write', perms < 0 ? 'unmapped' : 'permission');
      }
      memory.noteCodeWrite(page);
      const frame = memory.frameForWrite(page);
      const u8 = frame.u8;
      for (let j = 0; j < size; j++) u8[off + j] = j < 4 ? vlo >>> (8 * j) : vhi >>> (8 * (j - 4));
      this.fillWrite(page, frame);
    } else {
      this.checkPages(addr, size, PERM_W, 'write', k);
      const page = Math.floor(addr / PAGE_SIZE);
      memory.noteCodeWrite(page);
      memory.noteCodeWrite(page + 1);
      const first = memory.frameForWrite(page).u8;
      const second = memory.frameForWrite(page + 1).u8;
      for (let j = 0; j < size; j++) {
        const b = j < 4 ? vlo >>> (8 * j) : vhi >>> (8 * (j - 4));
        if (off + j < PAGE_SIZE) first[off + j] = b;
        else second[off + j - PAGE_SIZE] = b;
      }
    }
    if (this.windows.length !== 0) this.windowWrite(addr, size, vlo, vhi, k);
  }

  /** Load half of an AMO: the access needs write permission first (faults report 'write'). */
  amoLoad(lo: number, hi: number, size: number): number {
    if (hi < 0 || hi >= 0x200000) throw pairFault(lo, hi, 'write', 'unmapped');
    const addr = hi * TWO32 + (lo >>> 0);
    this.checkPages(addr, size, PERM_W, 'write', 0);
    this.checkPages(addr, size, PERM_R, 'read', 0);
    return this.ld(lo, hi, size, 0);
  }

  private windowRead(addr: number, size: number, k: number): bigint | undefined {
    let value: bigint | undefined;
    for (const w of this.windows) {
      if (addr < w.end && addr + size > w.start && w.read !== undefined && value === undefined) {
        this.faultK = k;
        value = w.read(addr, size);
      }
    }
    return value;
  }

  private windowWrite(addr: number, size: number, vlo: number, vhi: number, k: number): void {
    let value: bigint | undefined;
    for (const w of this.windows) {
      if (addr < w.end && addr + size > w.start && w.write !== undefined) {
        value ??= BigInt.asUintN(size * 8, pairToBigint(vlo, vhi));
        this.faultK = k;
        w.write(addr, size, value);
      }
    }
  }
}
