/**
 * The memory port: the only way any tier loads, stores and (via the code cache) fetches.
 * It owns the two direct-mapped software TLBs of page frames (read and write), refilled
 * from `PagedMemory` on a miss, the LR reservation, the I/O windows, the alignment policy
 * and the stop request of hooks.
 *
 * The fast path is in the tiers' generated code: `tag[i] === page` then a typed-array
 * access. Everything else comes here: misaligned, page-crossing, a TLB miss, and every
 * access to a page holding an I/O window (such pages never enter a TLB, so ordinary
 * memory pays nothing for windows). Unbacked windows and the alignment policy are only
 * looked at on these slow paths (unmapped, misaligned), so mapped aligned memory pays
 * nothing for them either.
 *
 * Every slow path gets the pc of the accessing instruction: faults carry it, hooks get
 * it, and `accessPc` tells a compiled block which of its instructions was accessing when
 * something threw.
 */
import { CHANGED_TRANSLATION, type Frame, type MemoryObserver, PAGE_LIMIT, type PagedMemory, ZERO_FRAME } from '../memory/paged-memory.js';
import { EXIT_CODES, ZeroOSError } from '../../errors.js';
import { type AccessKind, MemoryFault, PAGE_SIZE, PERM_R, PERM_W } from '../memory/types.js';

/** Entries of each TLB. */
export const TLB_SIZE = 256;
const TLB_MASK = TLB_SIZE - 1;
const TWO32 = 4294967296;

/**
 * A byte range [start, end) whose loads and stores an integration sees: memory-mapped I/O
 * words (a zkVM's panic and termination words, HTIF's tohost, a stack canary) or whole
 * device regions.
 *
 * Backed (the default): the bytes live in guest memory as usual (the range must be
 * mapped; the page permissions apply first, so a faulting access calls no hook). Any
 * access that overlaps the range by at least one byte, on every tier, calls the hooks
 * with the whole access.
 *
 * Unbacked (`backed: false`): the bytes are the device's, not memory's, and the range
 * need not be mapped (it may be huge: its pages are never enumerated). A load or store
 * overlapping it that would otherwise fault as unmapped calls `read` / `write` instead
 * (the whole access, even if part of it is mapped); where a page of the range is mapped,
 * memory answers as usual. `read` must return the value (or throw); undefined, or a
 * missing hook, leaves the access the unmapped fault it was. Instruction fetch from the
 * range still faults.
 *
 * Neither kind sees instruction fetch nor the kernel's own reads and writes of guest
 * memory (syscall buffers). A hook that throws ends `run` with its error: the accessing
 * instruction is not retired and pc points at it, on every tier (a backed window's
 * store has already reached memory then). `pc` is the accessing instruction's.
 */
export interface IoWindow {
  readonly start: number;
  readonly end: number;
  /** false: an unbacked (device) window (see above). Default true. */
  readonly backed?: boolean;
  /**
   * A load overlapping the window: the value it reads (the low `size` bytes), or
   * undefined for memory's value (backed) or the unmapped fault (unbacked). It may not
   * call `requestStop` (a load's result is still to be written back).
   */
  read?(address: number, size: number, pc: number): bigint | undefined;
  /**
   * A store overlapping the window: called after the bytes are in memory (backed), or
   * instead of storing them (unbacked). It may call `requestStop` to end the run right
   * after this store retires.
   */
  write?(address: number, size: number, value: bigint, pc: number): void;
}

/**
 * The alignment policy's hook: a load, store, LR, SC or AMO of `size` (2, 4 or 8) bytes at
 * an address that is not a multiple of `size`, by the instruction at `pc`. Throw the
 * platform's error to refuse it (the instruction is not retired, pc points at it);
 * returning lets the access go on as without a policy (plain loads and stores work
 * misaligned, atomics raise their address-misaligned exception).
 */
export type MisalignedHook = (address: bigint, size: number, access: 'read' | 'write', pc: number) => void;

/**
 * Which SC succeeds. 'riscv' (default): the reservation is for the LR's address (any
 * width), and a store overlapping it, or any SC, clears it. 'jolt' (Jolt's tracer): SC
 * succeeds iff a reservation is set, its address equals rs1 exactly and its width is at
 * least the SC's (LR.D reserves for both widths, LR.W only for .w); only SC clears it.
 */
export type ReservationRule = 'riscv' | 'jolt';

/** A hook asked to end the run where it cannot be honoured exactly (a read hook). */
export class StopRequestNotAllowed extends ZeroOSError {
  readonly exitCode = EXIT_CODES.internal;
  constructor(where: string) {
    super(`requestStop was called from ${where}: only a store's write hook or an instruction hook can end the run`);
  }
}

function pairToBigint(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

function numberFault(address: number, access: AccessKind, reason: 'unmapped' | 'permission', pc: number): MemoryFault {
  const a = Number.isFinite(address) && address >= 0 ? BigInt(Math.trunc(address)) : 0n;
  return new MemoryFault(a, access, reason, pc);
}

/** The largest naturally aligned piece (8, 4, 2 or 1 bytes) at `address` within `remaining` bytes. */
function pieceSize(address: number, remaining: number): number {
  for (let size = 8; size > 1; size >>= 1) if (address % size === 0 && remaining >= size) return size;
  return 1;
}

/** A backed window and the pages it touches (kept out of the TLBs). */
interface BackedWindow {
  readonly window: IoWindow;
  readonly firstPage: number;
  readonly lastPage: number;
}

export class MemoryPort implements MemoryObserver {
  // The TLBs (read by generated code; see the class doc). Tags are page numbers; NaN = empty.
  readonly rtag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly rmem: Int32Array[] = new Array<Int32Array>(TLB_SIZE).fill(ZERO_FRAME.i32);
  readonly rmem8: Uint8Array[] = new Array<Uint8Array>(TLB_SIZE).fill(ZERO_FRAME.u8);
  readonly wtag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly wmem: Int32Array[] = new Array<Int32Array>(TLB_SIZE).fill(ZERO_FRAME.i32);
  readonly wmem8: Uint8Array[] = new Array<Uint8Array>(TLB_SIZE).fill(ZERO_FRAME.u8);
  /**
   * Linear TLBs, kept only when `linearOffset` is set (by the wasm tier, whose regions
   * test them): the entries of the TLBs above whose frames lie in the tier's linear
   * memory, with the frames' offsets there. Every fill and drop of an entry above does the
   * same here, so a hit in these is a hit above.
   */
  rlin = new Float64Array(TLB_SIZE).fill(NaN);
  roff = new Int32Array(TLB_SIZE);
  wlin = new Float64Array(TLB_SIZE).fill(NaN);
  woff = new Int32Array(TLB_SIZE);
  /** A frame's offset in the wasm tier's linear memory, or -1 (see rlin). */
  linearOffset: ((frame: Frame) => number) | undefined = undefined;

  /**
   * The pc of the instruction whose slow-path access is under way (set on entry to every
   * slow path): when anything throws inside a compiled block, the block's dispatcher finds
   * the instruction that was accessing by it.
   */
  accessPc = 0;
  /** High word of the last 64-bit slow-path load. */
  vhi = 0;
  /** The alignment policy (see MisalignedHook); undefined: misaligned plain accesses work. */
  onMisaligned: MisalignedHook | undefined = undefined;
  /** Which SC succeeds (see ReservationRule). */
  reservationRule: ReservationRule = 'riscv';
  /**
   * Set by `requestStop` (from a store's window hook or an instruction hook): the tiers
   * end the run right after the current instruction retires, with StopReason.Stop.
   */
  stopRequested = false;

  private resValid = false;
  private resAddr = 0;
  /** The width the reservation was made for (4 or 8; the 'jolt' rule compares it). */
  private resSize = 8;
  private resPage = -1;
  private readonly scratch = new Uint8Array(8);
  private readonly backed: BackedWindow[] = [];
  private readonly unbacked: IoWindow[] = [];
  /** Depth of read hooks running (they may not request a stop). */
  private readingHook = 0;

  constructor(readonly memory: PagedMemory) {
    // Fields that may hold values beyond V8's small-integer range start out as doubles.
    this.resAddr = this.accessPc = 0.5;
    this.resAddr = this.accessPc = 0;
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
    if (window.backed === false) {
      this.unbacked.push(window);
      return () => {
        const i = this.unbacked.indexOf(window);
        if (i >= 0) this.unbacked.splice(i, 1);
      };
    }
    const entry: BackedWindow = { window, firstPage: Math.floor(start / PAGE_SIZE), lastPage: Math.floor((end - 1) / PAGE_SIZE) };
    this.backed.push(entry);
    this.dropTranslations(entry.firstPage, entry.lastPage - entry.firstPage + 1);
    return () => {
      const i = this.backed.indexOf(entry);
      if (i >= 0) this.backed.splice(i, 1);
    };
  }

  /** Whether `page` holds a byte of a backed window (such pages never enter a TLB). */
  private windowPage(page: number): boolean {
    for (const w of this.backed) if (page >= w.firstPage && page <= w.lastPage) return true;
    return false;
  }

  /** The first unbacked window overlapping [addr, addr + size). */
  private unbackedAt(addr: number, size: number): IoWindow | undefined {
    for (const w of this.unbacked) if (addr < w.end && addr + size > w.start) return w;
    return undefined;
  }

  // ------------------------------------------------------------------ hooks' controls

  /**
   * Ends the run right after the current instruction retires (StopReason.Stop, pc at the
   * next instruction). For a store's window write hook and instruction hooks; a read hook
   * may not (its load has yet to write its register).
   */
  requestStop(): void {
    if (this.readingHook !== 0) throw new StopRequestNotAllowed('a window read hook');
    this.stopRequested = true;
  }

  /**
   * An LR, SC or AMO at a misaligned address: applies the alignment policy (the template
   * raises the A extension's own exception when the policy lets it pass).
   */
  misaligned(lo: number, hi: number, size: number, access: 'read' | 'write', pc: number): void {
    this.accessPc = pc;
    if (this.onMisaligned !== undefined) this.onMisaligned(pairToBigint(lo, hi), size, access, pc);
  }

  // ------------------------------------------------------------------ LR/SC reservation

  /** LR of `size` bytes: reserves the address (lo, hi); stores to its page then take the slow path. */
  reserve(lo: number, hi: number, size: number): void {
    const addr = hi * TWO32 + (lo >>> 0);
    this.resValid = true;
    this.resAddr = addr;
    this.resSize = size;
    this.resPage = Math.floor(addr / PAGE_SIZE);
    const i = this.resPage & TLB_MASK;
    if (this.wtag[i] === this.resPage) this.wtag[i] = NaN;
    if (this.wlin[i] === this.resPage) this.wlin[i] = NaN;
  }

  /** SC of `size` bytes: whether it succeeds (see ReservationRule); the reservation is gone afterwards either way. */
  claimReservation(lo: number, hi: number, size: number): boolean {
    const held =
      this.resValid && this.resAddr === hi * TWO32 + (lo >>> 0) && (this.reservationRule === 'riscv' || this.resSize >= size);
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
    this.dropTags(this.rtag, this.wtag, first, count);
    if (this.linearOffset !== undefined) this.dropTags(this.rlin, this.wlin, first, count);
  }

  private dropTags(rtag: Float64Array, wtag: Float64Array, first: number, count: number): void {
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
    if (this.backed.length !== 0 && this.windowPage(page)) return;
    const i = page & TLB_MASK;
    this.rtag[i] = page;
    this.rmem[i] = frame.i32;
    this.rmem8[i] = frame.u8;
    if (this.linearOffset !== undefined) {
      const at = this.linearOffset(frame);
      this.rlin[i] = at >= 0 ? page : NaN;
      this.roff[i] = at;
    }
  }

  private fillWrite(page: number, frame: Frame): void {
    this.fillRead(page, frame);
    if (this.memory.isCodePage(page) || (this.resValid && page === this.resPage)) return;
    if (this.backed.length !== 0 && this.windowPage(page)) return;
    const i = page & TLB_MASK;
    this.wtag[i] = page;
    this.wmem[i] = frame.i32;
    this.wmem8[i] = frame.u8;
    if (this.linearOffset !== undefined) {
      const at = this.linearOffset(frame);
      this.wlin[i] = at >= 0 ? page : NaN;
      this.woff[i] = at;
    }
  }

  // ------------------------------------------------------------------ slow paths

  /**
   * Checks that [addr, addr+size) may be accessed with `need`: throws the fault for the
   * first bad byte, or returns false when an unmapped byte lies in an unbacked window
   * that overlaps the access (the caller hands the access to the window).
   */
  private checkPages(addr: number, size: number, need: number, access: AccessKind, pc: number): boolean {
    const first = Math.floor(addr / PAGE_SIZE);
    const last = Math.floor((addr + size - 1) / PAGE_SIZE);
    for (let p = first; p <= last; p++) {
      const perms = p < PAGE_LIMIT ? this.memory.permsOf(p) : -1;
      if (perms < 0 || (perms & need) !== need) {
        if (perms < 0 && this.unbacked.length !== 0 && this.unbackedAt(addr, size) !== undefined) return false;
        throw numberFault(Math.max(addr, p * PAGE_SIZE), access, perms < 0 ? 'unmapped' : 'permission', pc);
      }
    }
    return true;
  }

  /** The first unmapped byte of [addr, addr+size) (for the fault of an access no window took). */
  private firstUnmapped(addr: number, size: number): number {
    const last = Math.floor((addr + size - 1) / PAGE_SIZE);
    for (let p = Math.floor(addr / PAGE_SIZE); p <= last; p++) {
      if (p >= PAGE_LIMIT || this.memory.permsOf(p) < 0) return Math.max(addr, p * PAGE_SIZE);
    }
    return addr;
  }

  /**
   * Slow-path load of `size` (1, 2, 4, 8) bytes at (lo, hi) by the instruction at `pc`.
   * Returns the low word (zero-extended for sizes 1 and 2); for size 8 the high word is
   * left in `vhi`. Refills the read TLB.
   */
  ld(lo: number, hi: number, size: number, pc: number): number {
    this.accessPc = pc;
    if ((lo & (size - 1)) !== 0 && this.onMisaligned !== undefined) this.onMisaligned(pairToBigint(lo, hi), size, 'read', pc);
    if (hi < 0 || hi >= 0x200000) throw new MemoryFault(pairToBigint(lo, hi), 'read', 'unmapped', pc);
    const addr = hi * TWO32 + (lo >>> 0);
    const off = lo & 4095;
    let u8: Uint8Array;
    let o: number;
    if (off + size <= PAGE_SIZE) {
      const page = Math.floor(addr / PAGE_SIZE);
      const perms = this.memory.permsOf(page);
      if (perms < 0 || (perms & PERM_R) === 0) {
        if (perms < 0 && this.unbacked.length !== 0) return this.deviceLoad(addr, size, pc);
        throw new MemoryFault(pairToBigint(lo, hi), 'read', perms < 0 ? 'unmapped' : 'permission', pc);
      }
      const frame = this.memory.frameForRead(page);
      this.fillRead(page, frame);
      u8 = frame.u8;
      o = off;
    } else {
      if (!this.checkPages(addr, size, PERM_R, 'read', pc)) return this.deviceLoad(addr, size, pc);
      u8 = this.scratch;
      o = 0;
      const page = Math.floor(addr / PAGE_SIZE);
      const first = this.memory.frameForRead(page).u8;
      const second = this.memory.frameForRead(page + 1).u8;
      for (let j = 0; j < size; j++) u8[j] = off + j < PAGE_SIZE ? first[off + j]! : second[off + j - PAGE_SIZE]!;
    }
    if (this.backed.length !== 0) {
      const value = this.windowRead(addr, size, pc);
      if (value !== undefined) return this.deliver(value, size);
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
   * Slow-path store of `size` bytes of (vlo, vhi) at (lo, hi) by the instruction at `pc`.
   * Allocates the frame, drops decoded code of the page, clears a matching LR reservation
   * (rule 'riscv'), refills the write TLB (unless the page holds code, the reservation or
   * a window) and tells the windows.
   */
  st(lo: number, hi: number, size: number, vlo: number, vhi: number, pc: number): void {
    this.accessPc = pc;
    if ((lo & (size - 1)) !== 0 && this.onMisaligned !== undefined) this.onMisaligned(pairToBigint(lo, hi), size, 'write', pc);
    if (hi < 0 || hi >= 0x200000) throw new MemoryFault(pairToBigint(lo, hi), 'write', 'unmapped', pc);
    const addr = hi * TWO32 + (lo >>> 0);
    const off = lo & 4095;
    const memory = this.memory;
    if (this.resValid && this.reservationRule === 'riscv' && addr < this.resAddr + 8 && addr + size > this.resAddr) this.resValid = false;
    if (off + size <= PAGE_SIZE) {
      const page = Math.floor(addr / PAGE_SIZE);
      const perms = memory.permsOf(page);
      if (perms < 0 || (perms & PERM_W) === 0) {
        if (perms < 0 && this.unbacked.length !== 0) return this.deviceStore(addr, size, vlo, vhi, pc);
        throw new MemoryFault(pairToBigint(lo, hi), 'write', perms < 0 ? 'unmapped' : 'permission', pc);
      }
      memory.noteCodeWrite(page);
      const frame = memory.frameForWrite(page);
      const u8 = frame.u8;
      for (let j = 0; j < size; j++) u8[off + j] = j < 4 ? vlo >>> (8 * j) : vhi >>> (8 * (j - 4));
      this.fillWrite(page, frame);
    } else {
      if (!this.checkPages(addr, size, PERM_W, 'write', pc)) return this.deviceStore(addr, size, vlo, vhi, pc);
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
    if (this.backed.length !== 0) this.windowWrite(addr, size, vlo, vhi, pc);
  }

  /** Load half of an AMO: the access needs write permission first (faults report 'write'). */
  amoLoad(lo: number, hi: number, size: number, pc: number): number {
    this.accessPc = pc;
    if (hi < 0 || hi >= 0x200000) throw new MemoryFault(pairToBigint(lo, hi), 'write', 'unmapped', pc);
    const addr = hi * TWO32 + (lo >>> 0);
    if (this.checkPages(addr, size, PERM_W, 'write', pc)) this.checkPages(addr, size, PERM_R, 'read', pc);
    return this.ld(lo, hi, size, pc);
  }

  /** The low word of `value` as `ld` returns it (high word in `vhi`). */
  private deliver(value: bigint, size: number): number {
    this.vhi = Number(BigInt.asIntN(32, value >> 32n));
    return size === 8 || size === 4 ? Number(BigInt.asIntN(32, value)) : Number(BigInt.asUintN(size * 8, value));
  }

  private callRead(w: IoWindow, addr: number, size: number, pc: number): bigint | undefined {
    this.readingHook++;
    try {
      return w.read!(addr, size, pc);
    } finally {
      this.readingHook--;
    }
  }

  /** A load that would fault as unmapped: an unbacked window's, or the fault. */
  private deviceLoad(addr: number, size: number, pc: number): number {
    const w = this.unbackedAt(addr, size);
    if (w?.read !== undefined) {
      const value = this.callRead(w, addr, size, pc);
      if (value !== undefined) return this.deliver(value, size);
    }
    throw numberFault(this.firstUnmapped(addr, size), 'read', 'unmapped', pc);
  }

  /** A store that would fault as unmapped: an unbacked window's, or the fault. */
  private deviceStore(addr: number, size: number, vlo: number, vhi: number, pc: number): void {
    const w = this.unbackedAt(addr, size);
    if (w?.write === undefined) throw numberFault(this.firstUnmapped(addr, size), 'write', 'unmapped', pc);
    w.write(addr, size, BigInt.asUintN(size * 8, pairToBigint(vlo, vhi)), pc);
  }

  private windowRead(addr: number, size: number, pc: number): bigint | undefined {
    let value: bigint | undefined;
    for (const { window: w } of this.backed) {
      if (value === undefined && addr < w.end && addr + size > w.start && w.read !== undefined) value = this.callRead(w, addr, size, pc);
    }
    return value;
  }

  private windowWrite(addr: number, size: number, vlo: number, vhi: number, pc: number): void {
    let value: bigint | undefined;
    for (const { window: w } of this.backed) {
      if (addr < w.end && addr + size > w.start && w.write !== undefined) {
        value ??= BigInt.asUintN(size * 8, pairToBigint(vlo, vhi));
        w.write(addr, size, value, pc);
      }
    }
  }

  // ------------------------------------------------------------------ byte ranges (instruction hooks)

  /**
   * Reads `length` bytes at `address` as the instruction at `pc` would: permissions,
   * windows, in naturally aligned pieces of up to 8 bytes (so the alignment policy never
   * objects). Faults are MemoryFaults with pc.
   */
  readBytes(address: number, length: number, pc: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; ) {
      const a = address + i;
      const size = pieceSize(a, length - i);
      const v = this.ld(a % TWO32 | 0, Math.floor(a / TWO32), size, pc);
      const vh = this.vhi;
      for (let j = 0; j < size; j++) out[i + j] = (j < 4 ? v >>> (8 * j) : vh >>> (8 * (j - 4))) & 255;
      i += size;
    }
    return out;
  }

  /**
   * Writes `bytes` at `address` as the instruction at `pc` would (see `readBytes`): code
   * in the range is invalidated, windows see the stores. Every page is checked before
   * anything is written, so a fault leaves memory unchanged (unless part of the range
   * is an unbacked window's).
   */
  writeBytes(address: number, bytes: Uint8Array, pc: number): void {
    this.accessPc = pc;
    if (bytes.length === 0) return;
    if (address + bytes.length > 2 ** 53) throw numberFault(address, 'write', 'unmapped', pc);
    this.checkPages(address, bytes.length, PERM_W, 'write', pc);
    for (let i = 0; i < bytes.length; ) {
      const a = address + i;
      const size = pieceSize(a, bytes.length - i);
      let lo = 0;
      let hi = 0;
      for (let j = 0; j < size; j++) {
        if (j < 4) lo |= bytes[i + j]! << (8 * j);
        else hi |= bytes[i + j]! << (8 * (j - 4));
      }
      this.st(a % TWO32 | 0, Math.floor(a / TWO32), size, lo, hi, pc);
      i += size;
    }
  }
}
