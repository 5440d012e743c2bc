import {
  CHANGED_CODE,
  CHANGED_TRANSLATION,
  type Frame,
  type MemoryObserver,
  PAGE_LIMIT,
  type PagedMemory,
  ZERO_FRAME,
} from '../memory/paged-memory.js';
import { type AccessKind, MemoryFault, PAGE_SIZE as PAGE_BYTES, PERM_R as R_PERM, PERM_W as W_PERM, PERM_X as X_PERM } from '../memory/types.js';
import { CodePage, INTERPRET_ONE, MAX_CODE_BLOCKS, MAX_CODE_PAGES, NO_CODE, SLOTS } from './code-cache.js';
import { expandCompressed } from './compressed.js';
import {
  CAUSE_ECALL_M,
  CSR_CYCLE,
  CSR_INSTRET,
  CSR_MARCHID,
  CSR_MCAUSE,
  CSR_MCYCLE,
  CSR_MEPC,
  CSR_MHARTID,
  CSR_MIMPID,
  CSR_MINSTRET,
  CSR_MISA,
  CSR_MSCRATCH,
  CSR_MSTATUS,
  CSR_MTVAL,
  CSR_MTVEC,
  CSR_MVENDORID,
  CSR_TIME,
  MSTATUS_AFTER_TRAP,
  isReadOnlyCsr,
} from './csr.js';
import * as D from './decoder.js';
import * as I from './int64.js';
import { compileBlock } from './translator.js';
import {
  CAUSE_LOAD_ADDRESS_MISALIGNED,
  CAUSE_STORE_ADDRESS_MISALIGNED,
  type Hart,
  type HartContext,
  IllegalInstruction,
  MisalignedAccess,
  StopReason,
  type TrapMode,
} from './types.js';

// Op ids as a module-local enum. Under this project's settings the enum is emitted as an
// object, but a local object with constant members lets V8 fold the interpreter's case
// labels to constants (≈40% faster dispatch than labels read from imported bindings, which
// some test runners also turn into getter calls). The values mirror decoder.ts; a test
// checks that they agree.
export const enum Op {
  ILLEGAL = 1,
  LUI = 2,
  AUIPC = 3,
  JAL = 4,
  JALR = 5,
  HALT = 6,
  BEQ = 7,
  BNE = 8,
  BLT = 9,
  BGE = 10,
  BLTU = 11,
  BGEU = 12,
  LB = 13,
  LH = 14,
  LW = 15,
  LD = 16,
  LBU = 17,
  LHU = 18,
  LWU = 19,
  SB = 20,
  SH = 21,
  SW = 22,
  SD = 23,
  ADDI = 24,
  SLTI = 25,
  SLTIU = 26,
  XORI = 27,
  ORI = 28,
  ANDI = 29,
  SLLI = 30,
  SRLI = 31,
  SRAI = 32,
  ADD = 33,
  SUB = 34,
  SLL = 35,
  SLT = 36,
  SLTU = 37,
  XOR = 38,
  SRL = 39,
  SRA = 40,
  OR = 41,
  AND = 42,
  ADDIW = 43,
  SLLIW = 44,
  SRLIW = 45,
  SRAIW = 46,
  ADDW = 47,
  SUBW = 48,
  SLLW = 49,
  SRLW = 50,
  SRAW = 51,
  MUL = 52,
  MULH = 53,
  MULHSU = 54,
  MULHU = 55,
  DIV = 56,
  DIVU = 57,
  REM = 58,
  REMU = 59,
  MULW = 60,
  DIVW = 61,
  DIVUW = 62,
  REMW = 63,
  REMUW = 64,
  FENCE = 65,
  FENCE_I = 66,
  ECALL = 67,
  EBREAK = 68,
  MRET = 69,
  WFI = 70,
  CSRRW = 71,
  CSRRS = 72,
  CSRRC = 73,
  CSRRWI = 74,
  CSRRSI = 75,
  CSRRCI = 76,
  LR_W = 77,
  SC_W = 78,
  AMOSWAP_W = 79,
  AMOADD_W = 80,
  AMOXOR_W = 81,
  AMOAND_W = 82,
  AMOOR_W = 83,
  AMOMIN_W = 84,
  AMOMAX_W = 85,
  AMOMINU_W = 86,
  AMOMAXU_W = 87,
  LR_D = 88,
  SC_D = 89,
  AMOSWAP_D = 90,
  AMOADD_D = 91,
  AMOXOR_D = 92,
  AMOAND_D = 93,
  AMOOR_D = 94,
  AMOMIN_D = 95,
  AMOMAX_D = 96,
  AMOMINU_D = 97,
  AMOMAXU_D = 98,
}
const INFO_COMPRESSED = D.INFO_COMPRESSED;
// Module-local copies: test runners that rewrite imported bindings into getters would
// otherwise put a getter call in the interpreter's hot path.
const { divu64, divuw, divw, div64, mul64, mulh64, mulhsu64, mulhu64, rem64, remu64, remuw, remw, T } = I;

/** How the hart executes guest code. */
export type ExecutionEngine = 'interpreter' | 'translator';

export interface RiscvHartOptions {
  /** Where `ecall` goes (default 'host'). */
  trapMode?: TrapMode;
  /**
   * 'translator' (default): hot basic blocks are compiled to JS functions; the rest is
   * interpreted. 'interpreter': everything is interpreted over the pre-decoded cache (the
   * reference behaviour).
   */
  engine?: ExecutionEngine;
  /**
   * How many times a block start is reached before it is translated (0–255, default 64):
   * translating costs far more than interpreting a block a few times.
   */
  translateThreshold?: number;
  /** Value of mhartid (default 0). */
  hartId?: number;
}

/** Entries of the direct-mapped software TLBs (read and write). */
export const TLB_SIZE = 256;
const TLB_MASK = TLB_SIZE - 1;
const TWO32 = 4294967296;
const PAGE_SIZE = PAGE_BYTES;
const PERM_R = R_PERM;
const PERM_W = W_PERM;
const PERM_X = X_PERM;
const STOP_ECALL: number = StopReason.Ecall;
const STOP_EBREAK: number = StopReason.Ebreak;
const STOP_HALT: number = StopReason.Halt;
/** `run` works in chunks so budget counters stay small integers. */
const CHUNK = 1 << 30;

// CSR storage slots (lo, hi pairs) in `csrs`.
const S_MSTATUS = 0;
const S_MTVEC = 2;
const S_MSCRATCH = 4;
const S_MEPC = 6;
const S_MCAUSE = 8;
const S_MTVAL = 10;
const S_CYCLE_OFFSET = 12;
const S_INSTRET_OFFSET = 14;

function pairToBigint(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

function pairFault(lo: number, hi: number, access: AccessKind, reason: 'unmapped' | 'permission'): MemoryFault {
  return new MemoryFault(pairToBigint(lo, hi), access, reason);
}

const ATOMIC_NAMES = [
  'lr.w', 'sc.w', 'amoswap.w', 'amoadd.w', 'amoxor.w', 'amoand.w', 'amoor.w', 'amomin.w', 'amomax.w', 'amominu.w', 'amomaxu.w',
  'lr.d', 'sc.d', 'amoswap.d', 'amoadd.d', 'amoxor.d', 'amoand.d', 'amoor.d', 'amomin.d', 'amomax.d', 'amominu.d', 'amomaxu.d',
];

/** The address-misaligned exception of an LR (a load) or an SC/AMO (a store). */
function misalignedAtomic(op: number, lo: number, hi: number, pc: number): MisalignedAccess {
  const wide = op >= Op.LR_D;
  const cause = op === Op.LR_W || op === Op.LR_D ? CAUSE_LOAD_ADDRESS_MISALIGNED : CAUSE_STORE_ADDRESS_MISALIGNED;
  return new MisalignedAccess(pairToBigint(lo, hi), ATOMIC_NAMES[op - Op.LR_W]!, wide ? 8 : 4, cause, pc);
}

function numberFault(address: number, access: AccessKind, reason: 'unmapped' | 'permission', pc?: number): MemoryFault {
  const a = Number.isFinite(address) && address >= 0 ? BigInt(Math.trunc(address)) : 0n;
  return new MemoryFault(a, access, reason, pc);
}

/**
 * One RV64IMAC hart with Zicsr and the machine-mode CSRs a zkVM platform uses.
 *
 * Registers live in an Int32Array of (lo, hi) pairs: x[2i] is the low word of register i,
 * x[2i+1] the high word; x[64..65] is a sink for writes to x0. Guest memory is reached
 * through two direct-mapped software TLBs (read and write) of page frames, refilled from
 * `PagedMemory` on a miss; the hart observes the memory so unmap/protect/first allocation
 * drop stale entries, and stores into pages that hold decoded code invalidate that code.
 *
 * Execution: instructions are decoded once per code page into typed arrays (see
 * decoder.ts). The interpreter walks that cache; the translator compiles hot basic blocks
 * into JS functions (translator.ts) and falls back to the interpreter for system
 * instructions, budget tails and cold code.
 */
export class RiscvHart implements Hart, MemoryObserver {
  pc = 0;
  trapMode: TrapMode;
  readonly engine: ExecutionEngine;
  timeSource: () => bigint;

  /** Register pairs (see class doc). Internal: the translated code reads and writes it. */
  readonly x = new Int32Array(66);
  private readonly x64 = new BigUint64Array(this.x.buffer, 0, 32);
  private readonly x64s = new BigInt64Array(this.x.buffer, 0, 32);

  // Software TLBs (internal; the translated code uses them). Tags are page numbers; NaN = empty.
  readonly rtag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly rmem: Int32Array[] = new Array<Int32Array>(TLB_SIZE).fill(ZERO_FRAME.i32);
  readonly rmem8: Uint8Array[] = new Array<Uint8Array>(TLB_SIZE).fill(ZERO_FRAME.u8);
  readonly wtag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly wmem: Int32Array[] = new Array<Int32Array>(TLB_SIZE).fill(ZERO_FRAME.i32);
  readonly wmem8: Uint8Array[] = new Array<Uint8Array>(TLB_SIZE).fill(ZERO_FRAME.u8);

  /** Budget left in the current chunk of `run` (internal, shared with translated code). */
  left = 0;
  /** Next pc, set by translated blocks (internal). */
  npc = 0;
  /** Index within the block of the instruction whose memory access faulted (internal). */
  faultK = 0;
  /** High word of the last 64-bit slow-path load (internal). */
  vhi = 0;

  private retired = 0;
  private runEnd = 0;
  /** Decoded pages in the order they were decoded (Map order), so the oldest is evicted first. */
  private readonly codePages = new Map<number, CodePage>();
  /** Translated blocks held by all of `codePages`. */
  private codeBlocks = 0;
  private cp: CodePage = NO_CODE;
  private readonly threshold: number;
  private readonly hartId: number;
  private readonly csrs = new Int32Array(16);
  private cl = 0;
  private ch = 0;
  private resValid = false;
  private resAddr = 0;
  private resPage = -1;
  private readonly scratch = new Uint8Array(8);

  constructor(
    readonly memory: PagedMemory,
    options: RiscvHartOptions = {},
  ) {
    this.trapMode = options.trapMode ?? 'host';
    this.engine = options.engine ?? 'translator';
    const threshold = options.translateThreshold ?? 64;
    if (!Number.isInteger(threshold) || threshold < 0 || threshold > 255) {
      throw new RangeError(`translateThreshold must be an integer in 0..255, got ${threshold}`);
    }
    this.threshold = threshold;
    this.hartId = options.hartId ?? 0;
    this.timeSource = () => BigInt(this.retired);
    // Fields that may hold values beyond V8's small-integer range start out as doubles, so
    // the hart's object shape does not change (discarding optimized code) the first time
    // they do (e.g. a pc at 0x80000000).
    this.pc = this.npc = this.resAddr = this.retired = this.runEnd = 0.5;
    this.pc = this.npc = this.resAddr = this.retired = this.runEnd = 0;
    memory.addObserver(this);
  }

  get instret(): number {
    return this.retired;
  }

  // ------------------------------------------------------------------ registers & context

  getX(index: number): bigint {
    return this.x64[index & 31]!;
  }

  setX(index: number, value: bigint): void {
    if (index === 0) return;
    this.x64[index & 31] = BigInt.asUintN(64, value);
  }

  getXSigned(index: number): bigint {
    return this.x64s[index & 31]!;
  }

  saveContext(): HartContext {
    return { x: new BigUint64Array(this.x64), pc: this.pc };
  }

  restoreContext(context: HartContext): void {
    this.x64.set(context.x.subarray(0, 32));
    this.x64[0] = 0n;
    this.pc = context.pc;
    this.resValid = false;
  }

  /** Detaches the hart from its memory's observers (the hart must not run afterwards). */
  dispose(): void {
    this.memory.removeObserver(this);
  }

  // ------------------------------------------------------------------ CSRs

  readCsr(csr: number): bigint {
    if (!this.csrGet(csr, this.retired)) throw new RangeError(`unknown CSR 0x${csr.toString(16)}`);
    return pairToBigint(this.cl, this.ch);
  }

  writeCsr(csr: number, value: bigint): void {
    const v = BigInt.asUintN(64, value);
    const lo = Number(BigInt.asIntN(32, v));
    const hi = Number(BigInt.asIntN(32, v >> 32n));
    // A write from the kernel happens between instructions: the next instruction sees it.
    if (!this.csrSet(csr, lo, hi, this.retired - 1)) {
      throw new RangeError(`CSR 0x${csr.toString(16)} is unknown or read-only`);
    }
  }

  /** Reads a CSR into (cl, ch); `now` = instructions retired before the reading one. */
  private csrGet(csr: number, now: number): boolean {
    const c = this.csrs;
    switch (csr) {
      case CSR_CYCLE:
      case CSR_MCYCLE:
        return this.counter(now, S_CYCLE_OFFSET);
      case CSR_INSTRET:
      case CSR_MINSTRET:
        return this.counter(now, S_INSTRET_OFFSET);
      case CSR_TIME: {
        const t = BigInt.asUintN(64, this.timeSource());
        this.cl = Number(BigInt.asIntN(32, t));
        this.ch = Number(BigInt.asIntN(32, t >> 32n));
        return true;
      }
      case CSR_MSTATUS:
        return this.slot(c, S_MSTATUS);
      case CSR_MTVEC:
        return this.slot(c, S_MTVEC);
      case CSR_MSCRATCH:
        return this.slot(c, S_MSCRATCH);
      case CSR_MEPC:
        return this.slot(c, S_MEPC);
      case CSR_MCAUSE:
        return this.slot(c, S_MCAUSE);
      case CSR_MTVAL:
        return this.slot(c, S_MTVAL);
      case CSR_MISA:
        this.cl = 0x101105;
        this.ch = 0x80000000 | 0;
        return true;
      case CSR_MHARTID:
        this.cl = this.hartId;
        this.ch = 0;
        return true;
      case CSR_MVENDORID:
      case CSR_MARCHID:
      case CSR_MIMPID:
        this.cl = 0;
        this.ch = 0;
        return true;
      default:
        return false;
    }
  }

  private slot(c: Int32Array, s: number): boolean {
    this.cl = c[s]!;
    this.ch = c[s + 1]!;
    return true;
  }

  private counter(now: number, offsetSlot: number): boolean {
    const c = this.csrs;
    const nl = now | 0;
    const nh = Math.floor(now / TWO32) | 0;
    const ol = c[offsetSlot]!;
    const lo = (nl + ol) | 0;
    this.ch = (nh + c[offsetSlot + 1]! + ((lo >>> 0) < (nl >>> 0) ? 1 : 0)) | 0;
    this.cl = lo;
    return true;
  }

  /**
   * Writes a CSR; `now` = instructions retired before the writing one (the counters then
   * read `value` at the next instruction). False for unknown or read-only CSRs.
   */
  private csrSet(csr: number, lo: number, hi: number, now: number): boolean {
    const c = this.csrs;
    switch (csr) {
      case CSR_MCYCLE:
      case CSR_MINSTRET: {
        const s = csr === CSR_MCYCLE ? S_CYCLE_OFFSET : S_INSTRET_OFFSET;
        const next = now + 1;
        const nl = next | 0;
        const nh = Math.floor(next / TWO32) | 0;
        c[s] = (lo - nl) | 0;
        c[s + 1] = (hi - nh - ((lo >>> 0) < (nl >>> 0) ? 1 : 0)) | 0;
        return true;
      }
      case CSR_MSTATUS:
        c[S_MSTATUS] = lo;
        c[S_MSTATUS + 1] = hi;
        return true;
      case CSR_MTVEC:
        c[S_MTVEC] = lo;
        c[S_MTVEC + 1] = hi;
        return true;
      case CSR_MSCRATCH:
        c[S_MSCRATCH] = lo;
        c[S_MSCRATCH + 1] = hi;
        return true;
      case CSR_MEPC:
        c[S_MEPC] = lo & ~1;
        c[S_MEPC + 1] = hi;
        return true;
      case CSR_MCAUSE:
        c[S_MCAUSE] = lo;
        c[S_MCAUSE + 1] = hi;
        return true;
      case CSR_MTVAL:
        c[S_MTVAL] = lo;
        c[S_MTVAL + 1] = hi;
        return true;
      case CSR_MISA:
        return true; // WARL: the ISA is fixed
      default:
        return false;
    }
  }

  // ------------------------------------------------------------------ memory observer

  memoryChanged(firstPage: number, pageCount: number, what: number): void {
    if ((what & CHANGED_TRANSLATION) !== 0) this.dropTranslations(firstPage, pageCount);
    if ((what & CHANGED_CODE) !== 0) this.dropCode(firstPage, firstPage + pageCount);
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

  private dropCode(first: number, end: number): void {
    const pages = this.codePages;
    if (pages.size === 0) return;
    if (end - first <= pages.size) {
      for (let p = first; p < end; p++) this.dropCodePage(p);
    } else {
      for (const p of [...pages.keys()]) if (p >= first && p < end) this.dropCodePage(p);
    }
    // An instruction straddling into `first` was cached at the end of the page before it.
    const before = pages.get(first - 1);
    if (before !== undefined) {
      before.info[SLOTS - 1] = 0;
      if (before.blocks[SLOTS - 1] !== undefined) {
        before.blocks[SLOTS - 1] = undefined;
        before.blockCount--;
        this.codeBlocks--;
      }
    }
  }

  private dropCodePage(page: number): void {
    const cp = this.codePages.get(page);
    if (cp !== undefined) {
      cp.base = -Infinity;
      this.codePages.delete(page);
      this.codeBlocks -= cp.blockCount;
    }
  }

  /**
   * Drops the page decoded longest ago, as a store into it would (the cap on decoded code,
   * see MAX_CODE_PAGES): its CodePage misses from now on (base -Infinity, so `cp` fields and
   * locals holding it re-look-up), an instruction of the page before that straddles into
   * it is forgotten too, and the memory stops reporting stores to it. Only speed changes.
   */
  private evictOldestCode(): void {
    const oldest = this.codePages.keys().next();
    if (oldest.done) return;
    this.dropCode(oldest.value, oldest.value + 1);
    this.memory.noteCodeWrite(oldest.value);
  }

  flushCode(start?: number, end?: number): void {
    if (start === undefined) {
      for (const cp of this.codePages.values()) cp.base = -Infinity;
      this.codePages.clear();
      this.codeBlocks = 0;
      return;
    }
    const first = Math.floor(start / PAGE_SIZE);
    const last = end === undefined ? first + 1 : Math.ceil(end / PAGE_SIZE);
    this.dropCode(first, last);
  }

  // ------------------------------------------------------------------ TLB refill & slow paths

  private fillRead(page: number, frame: Frame): void {
    const i = page & TLB_MASK;
    this.rtag[i] = page;
    this.rmem[i] = frame.i32;
    this.rmem8[i] = frame.u8;
  }

  private fillWrite(page: number, frame: Frame): void {
    this.fillRead(page, frame);
    if (this.memory.isCodePage(page) || (this.resValid && page === this.resPage)) return;
    const i = page & TLB_MASK;
    this.wtag[i] = page;
    this.wmem[i] = frame.i32;
    this.wmem8[i] = frame.u8;
  }

  /**
   * Checks that [addr, addr+size) may be accessed with `need`; throws the fault for the
   * first bad byte (after recording `k` for translated code).
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
   * Slow-path load of `size` (1, 2, 4, 8) bytes at (lo, hi): misaligned, page-crossing or a
   * TLB miss. Returns the low word (zero-extended for sizes 1 and 2); for size 8 the high
   * word is left in `vhi`. Refills the read TLB.
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
   * decoded code of the page, clears a matching LR reservation and refills the write TLB
   * (unless the page holds code or the reservation).
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
      return;
    }
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

  /** Load half of an AMO: the access needs write permission first (faults report 'write'). */
  private amoLoad(lo: number, hi: number, size: number): number {
    if (hi < 0 || hi >= 0x200000) throw pairFault(lo, hi, 'write', 'unmapped');
    const addr = hi * TWO32 + (lo >>> 0);
    this.checkPages(addr, size, PERM_W, 'write', 0);
    this.checkPages(addr, size, PERM_R, 'read', 0);
    return this.ld(lo, hi, size, 0);
  }

  // ------------------------------------------------------------------ code cache

  /** The decoded page holding `pc`, created on first use (checks execute permission). */
  private codePage(pc: number): CodePage {
    if (!(pc >= 0 && pc < 2 ** 53)) throw numberFault(pc, 'execute', 'unmapped', pc);
    const page = Math.floor(pc / PAGE_SIZE);
    let cp = this.codePages.get(page);
    if (cp === undefined) {
      const perms = this.memory.permsOf(page);
      if (perms < 0) throw numberFault(pc, 'execute', 'unmapped', pc);
      if ((perms & PERM_X) === 0) throw numberFault(pc, 'execute', 'permission', pc);
      while (this.codePages.size >= MAX_CODE_PAGES) this.evictOldestCode();
      this.memory.markCode(page);
      cp = new CodePage(page);
      this.codePages.set(page, cp);
    }
    return cp;
  }

  /** Decodes the instruction at `slot` of `cp` into the cache; returns its info word. */
  decodeAt(cp: CodePage, slot: number): number {
    const memory = this.memory;
    const off = slot * 2;
    const u8 = memory.frameForRead(cp.page).u8;
    const half = u8[off]! | (u8[off + 1]! << 8);
    let info: number;
    let raw: number;
    if ((half & 3) !== 3) {
      raw = half;
      const word = expandCompressed(half);
      if (word < 0) {
        info = Op.ILLEGAL | INFO_COMPRESSED;
        D.decode(0); // resets the immediate
      } else {
        info = D.decode(word) | INFO_COMPRESSED;
      }
    } else {
      let upper: number;
      if (off + 2 < PAGE_SIZE) {
        upper = u8[off + 2]! | (u8[off + 3]! << 8);
      } else {
        const next = cp.page + 1;
        const perms = next < PAGE_LIMIT ? memory.permsOf(next) : -1;
        const pc = cp.base + off;
        if (perms < 0) throw numberFault(next * PAGE_SIZE, 'execute', 'unmapped', pc);
        if ((perms & PERM_X) === 0) throw numberFault(next * PAGE_SIZE, 'execute', 'permission', pc);
        memory.markCode(next);
        const u8n = memory.frameForRead(next).u8;
        upper = u8n[0]! | (u8n[1]! << 8);
      }
      raw = half | (upper << 16);
      info = D.decode(raw >>> 0);
    }
    cp.info[slot] = info;
    cp.imm[slot] = D.decodedImm;
    cp.raw[slot] = raw;
    return info;
  }

  /** The decoded instruction at `slot` (decoding it if needed), without executing. */
  peek(cp: CodePage, slot: number): number {
    const info = cp.info[slot]!;
    return info !== 0 ? info : this.decodeAt(cp, slot);
  }

  private illegal(cp: CodePage, slot: number, pc: number, detail?: string): IllegalInstruction {
    const compressed = (cp.info[slot]! & INFO_COMPRESSED) !== 0;
    return new IllegalInstruction(pc, cp.raw[slot]! >>> 0, compressed ? 2 : 4, detail);
  }

  // ------------------------------------------------------------------ run

  /** See `Hart.run`; `Infinity` runs until a stop or a fault. */
  run(maxInstructions: number): StopReason {
    if (!(Number.isSafeInteger(maxInstructions) || maxInstructions === Infinity) || maxInstructions < 0) {
      throw new RangeError(`run: the budget must be a non-negative integer or Infinity, got ${maxInstructions}`);
    }
    let remaining = maxInstructions;
    while (remaining > 0) {
      const chunk = remaining > CHUNK ? CHUNK : remaining;
      this.left = chunk;
      this.runEnd = this.retired + chunk;
      let reason: number;
      try {
        reason = this.engine === 'interpreter' ? this.interpret(chunk, false) : this.dispatch();
      } finally {
        this.retired = this.runEnd - this.left;
      }
      remaining -= chunk - this.left;
      if (reason !== 0) return reason as StopReason;
    }
    return StopReason.Budget;
  }

  /** The translator's dispatch loop: runs compiled blocks, interprets the rest. */
  private dispatch(): number {
    const x = this.x;
    const threshold = this.threshold;
    let pc = this.pc;
    let cp = this.cp;
    let left = this.left;
    while (left > 0) {
      let off = pc - cp.base;
      if (!(off >= 0 && off < PAGE_SIZE)) {
        this.pc = pc;
        this.left = left;
        cp = this.codePage(pc);
        this.cp = cp;
        off = pc - cp.base;
      }
      const slot = off >> 1;
      let block = cp.blocks[slot];
      if (block === undefined) {
        const heat = cp.heat[slot]!;
        if (heat >= threshold) {
          block = compileBlock(this, cp, slot);
          cp.blocks[slot] = block;
          cp.blockCount++;
          // May evict `cp` itself: the block still runs (the memory is unchanged), then the
          // next lookup misses and decodes the page again.
          if (++this.codeBlocks > MAX_CODE_BLOCKS) while (this.codeBlocks > MAX_CODE_BLOCKS && this.codePages.size > 0) this.evictOldestCode();
        } else {
          cp.heat[slot] = heat + 1;
        }
      }
      if (block !== undefined && block.n !== 0 && block.n <= left) {
        try {
          (block.fn as unknown as (h: RiscvHart, r: Int32Array, left: number) => void)(this, x, left);
        } catch (e) {
          if (e instanceof MemoryFault) {
            const k = this.faultK;
            const at = block.start + block.offsets[k]!;
            this.pc = at;
            this.left -= k;
            throw e.withPc(at);
          }
          throw e;
        }
        pc = this.npc;
        left = this.left;
        continue;
      }
      this.pc = pc;
      this.left = left;
      this.cp = cp;
      const reason = this.interpret(block === INTERPRET_ONE ? 1 : left, true);
      if (reason !== 0) return reason;
      pc = this.pc;
      left = this.left;
      cp = this.cp;
    }
    this.pc = pc;
    this.left = left;
    this.cp = cp;
    return 0;
  }

  /**
   * The reference interpreter: executes up to `limit` instructions (budget permitting) over
   * the decoded cache. With `yieldOnJump`, returns after the first control transfer so the
   * dispatcher can switch to translated code. Returns a StopReason or 0.
   */
  private interpret(limit: number, yieldOnJump: boolean): number {
    const x = this.x;
    const rtag = this.rtag;
    const rmem = this.rmem;
    const rmem8 = this.rmem8;
    const wtag = this.wtag;
    const wmem = this.wmem;
    const wmem8 = this.wmem8;
    let pc = this.pc;
    let cp = this.cp;
    let left = this.left;
    const stopAt = left - limit > 0 ? left - limit : 0;
    let reason = 0;
    try {
      loop: while (left > stopAt) {
        let off = pc - cp.base;
        if (!(off >= 0 && off < PAGE_SIZE)) {
          cp = this.codePage(pc);
          off = pc - cp.base;
        }
        const slot = off >> 1;
        let info = cp.info[slot]!;
        if (info === 0) info = this.decodeAt(cp, slot);
        const imm = cp.imm[slot]!;
        const rd = (info >> 8) & 0xff;
        const rs1 = (info >> 16) & 0xff;
        const rs2 = info >>> 24;
        const len = 4 - ((info >> 6) & 2);
        switch (info & 0x7f) {
          case Op.LUI:
            x[rd] = imm;
            x[rd + 1] = imm >> 31;
            pc += len;
            break;
          case Op.AUIPC: {
            const v = pc + imm;
            x[rd] = v;
            x[rd + 1] = Math.floor(v / TWO32);
            pc += len;
            break;
          }
          case Op.JAL: {
            const link = pc + len;
            x[rd] = link;
            x[rd + 1] = Math.floor(link / TWO32);
            pc += imm;
            if (yieldOnJump) {
              left--;
              break loop;
            }
            break;
          }
          case Op.JALR: {
            const b = x[rs1]!;
            const lo = (b + imm) | 0;
            const hi = (x[rs1 + 1]! + (imm >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
            const link = pc + len;
            x[rd] = link;
            x[rd + 1] = Math.floor(link / TWO32);
            pc = (hi >>> 0) * TWO32 + ((lo & ~1) >>> 0);
            if (yieldOnJump) {
              left--;
              break loop;
            }
            break;
          }
          case Op.HALT:
            left--;
            reason = STOP_HALT;
            break loop;
          case Op.BEQ:
          case Op.BNE:
          case Op.BLT:
          case Op.BGE:
          case Op.BLTU:
          case Op.BGEU: {
            const al = x[rs1]!;
            const ah = x[rs1 + 1]!;
            const bl = x[rs2]!;
            const bh = x[rs2 + 1]!;
            let taken: boolean;
            switch (info & 0x7f) {
              case Op.BEQ:
                taken = al === bl && ah === bh;
                break;
              case Op.BNE:
                taken = al !== bl || ah !== bh;
                break;
              case Op.BLT:
                taken = ah < bh || (ah === bh && al >>> 0 < bl >>> 0);
                break;
              case Op.BGE:
                taken = !(ah < bh || (ah === bh && al >>> 0 < bl >>> 0));
                break;
              case Op.BLTU:
                taken = ah >>> 0 < bh >>> 0 || (ah === bh && al >>> 0 < bl >>> 0);
                break;
              default:
                taken = !(ah >>> 0 < bh >>> 0 || (ah === bh && al >>> 0 < bl >>> 0));
                break;
            }
            pc += taken ? imm : len;
            if (yieldOnJump) {
              left--;
              break loop;
            }
            break;
          }
          case Op.LB:
          case Op.LH:
          case Op.LW:
          case Op.LD:
          case Op.LBU:
          case Op.LHU:
          case Op.LWU: {
            const b = x[rs1]!;
            const a = (b + imm) | 0;
            const ah = (x[rs1 + 1]! + (imm >> 31) + ((a >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
            const i = (a >>> 12) & TLB_MASK;
            const hit = rtag[i] === ah * 1048576 + (a >>> 12);
            const op = info & 0x7f;
            if (op === Op.LW) {
              const v = hit && (a & 3) === 0 ? rmem[i]![(a & 4095) >> 2]! : this.ld(a, ah, 4, 0);
              x[rd] = v;
              x[rd + 1] = v >> 31;
            } else if (op === Op.LD) {
              if (hit && (a & 7) === 0) {
                const m = rmem[i]!;
                const o = (a & 4095) >> 2;
                x[rd] = m[o]!;
                x[rd + 1] = m[o + 1]!;
              } else {
                x[rd] = this.ld(a, ah, 8, 0);
                x[rd + 1] = this.vhi;
              }
            } else if (op === Op.LBU || op === Op.LB) {
              const v = hit ? rmem8[i]![a & 4095]! : this.ld(a, ah, 1, 0);
              x[rd] = op === Op.LB ? (v << 24) >> 24 : v;
              x[rd + 1] = op === Op.LB ? (v << 24) >> 31 : 0;
            } else if (op === Op.LWU) {
              const v = hit && (a & 3) === 0 ? rmem[i]![(a & 4095) >> 2]! : this.ld(a, ah, 4, 0);
              x[rd] = v;
              x[rd + 1] = 0;
            } else {
              let v: number;
              if (hit && (a & 1) === 0) {
                const m = rmem8[i]!;
                const o = a & 4095;
                v = m[o]! | (m[o + 1]! << 8);
              } else {
                v = this.ld(a, ah, 2, 0);
              }
              x[rd] = op === Op.LH ? (v << 16) >> 16 : v;
              x[rd + 1] = op === Op.LH ? (v << 16) >> 31 : 0;
            }
            pc += len;
            break;
          }
          case Op.SB:
          case Op.SH:
          case Op.SW:
          case Op.SD: {
            const b = x[rs1]!;
            const a = (b + imm) | 0;
            const ah = (x[rs1 + 1]! + (imm >> 31) + ((a >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
            const i = (a >>> 12) & TLB_MASK;
            const hit = wtag[i] === ah * 1048576 + (a >>> 12);
            const vl = x[rs2]!;
            const op = info & 0x7f;
            if (op === Op.SW) {
              if (hit && (a & 3) === 0) wmem[i]![(a & 4095) >> 2] = vl;
              else this.st(a, ah, 4, vl, 0, 0);
            } else if (op === Op.SD) {
              if (hit && (a & 7) === 0) {
                const m = wmem[i]!;
                const o = (a & 4095) >> 2;
                m[o] = vl;
                m[o + 1] = x[rs2 + 1]!;
              } else {
                this.st(a, ah, 8, vl, x[rs2 + 1]!, 0);
              }
            } else if (op === Op.SB) {
              if (hit) wmem8[i]![a & 4095] = vl;
              else this.st(a, ah, 1, vl, 0, 0);
            } else {
              if (hit && (a & 1) === 0) {
                const m = wmem8[i]!;
                const o = a & 4095;
                m[o] = vl;
                m[o + 1] = vl >> 8;
              } else {
                this.st(a, ah, 2, vl, 0, 0);
              }
            }
            pc += len;
            break;
          }
          case Op.ADDI: {
            const b = x[rs1]!;
            const lo = (b + imm) | 0;
            x[rd + 1] = (x[rs1 + 1]! + (imm >> 31) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
            x[rd] = lo;
            pc += len;
            break;
          }
          case Op.SLTI: {
            const lo = x[rs1]!;
            const hi = x[rs1 + 1]!;
            const bh = imm >> 31;
            x[rd] = hi < bh || (hi === bh && lo >>> 0 < imm >>> 0) ? 1 : 0;
            x[rd + 1] = 0;
            pc += len;
            break;
          }
          case Op.SLTIU: {
            const lo = x[rs1]!;
            const hi = x[rs1 + 1]!;
            const bh = imm >> 31;
            x[rd] = hi >>> 0 < bh >>> 0 || (hi === bh && lo >>> 0 < imm >>> 0) ? 1 : 0;
            x[rd + 1] = 0;
            pc += len;
            break;
          }
          case Op.XORI:
            x[rd + 1] = x[rs1 + 1]! ^ (imm >> 31);
            x[rd] = x[rs1]! ^ imm;
            pc += len;
            break;
          case Op.ORI:
            x[rd + 1] = x[rs1 + 1]! | (imm >> 31);
            x[rd] = x[rs1]! | imm;
            pc += len;
            break;
          case Op.ANDI:
            x[rd + 1] = x[rs1 + 1]! & (imm >> 31);
            x[rd] = x[rs1]! & imm;
            pc += len;
            break;
          case Op.SLLI:
          case Op.SLL: {
            const s = (info & 0x7f) === Op.SLLI ? imm : x[rs2]! & 63;
            const lo = x[rs1]!;
            const hi = x[rs1 + 1]!;
            if (s === 0) {
              x[rd] = lo;
              x[rd + 1] = hi;
            } else if (s < 32) {
              x[rd + 1] = (hi << s) | (lo >>> (32 - s));
              x[rd] = lo << s;
            } else {
              x[rd + 1] = lo << (s - 32);
              x[rd] = 0;
            }
            pc += len;
            break;
          }
          case Op.SRLI:
          case Op.SRL: {
            const s = (info & 0x7f) === Op.SRLI ? imm : x[rs2]! & 63;
            const lo = x[rs1]!;
            const hi = x[rs1 + 1]!;
            if (s === 0) {
              x[rd] = lo;
              x[rd + 1] = hi;
            } else if (s < 32) {
              x[rd] = (lo >>> s) | (hi << (32 - s));
              x[rd + 1] = hi >>> s;
            } else {
              x[rd] = hi >>> (s - 32);
              x[rd + 1] = 0;
            }
            pc += len;
            break;
          }
          case Op.SRAI:
          case Op.SRA: {
            const s = (info & 0x7f) === Op.SRAI ? imm : x[rs2]! & 63;
            const lo = x[rs1]!;
            const hi = x[rs1 + 1]!;
            if (s === 0) {
              x[rd] = lo;
              x[rd + 1] = hi;
            } else if (s < 32) {
              x[rd] = (lo >>> s) | (hi << (32 - s));
              x[rd + 1] = hi >> s;
            } else {
              x[rd] = hi >> (s - 32);
              x[rd + 1] = hi >> 31;
            }
            pc += len;
            break;
          }
          case Op.ADD: {
            const al = x[rs1]!;
            const lo = (al + x[rs2]!) | 0;
            x[rd + 1] = (x[rs1 + 1]! + x[rs2 + 1]! + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
            x[rd] = lo;
            pc += len;
            break;
          }
          case Op.SUB: {
            const al = x[rs1]!;
            const bl = x[rs2]!;
            x[rd + 1] = (x[rs1 + 1]! - x[rs2 + 1]! - ((al >>> 0) < (bl >>> 0) ? 1 : 0)) | 0;
            x[rd] = (al - bl) | 0;
            pc += len;
            break;
          }
          case Op.SLT: {
            const ah = x[rs1 + 1]!;
            const bh = x[rs2 + 1]!;
            x[rd] = ah < bh || (ah === bh && x[rs1]! >>> 0 < x[rs2]! >>> 0) ? 1 : 0;
            x[rd + 1] = 0;
            pc += len;
            break;
          }
          case Op.SLTU: {
            const ah = x[rs1 + 1]!;
            const bh = x[rs2 + 1]!;
            x[rd] = ah >>> 0 < bh >>> 0 || (ah === bh && x[rs1]! >>> 0 < x[rs2]! >>> 0) ? 1 : 0;
            x[rd + 1] = 0;
            pc += len;
            break;
          }
          case Op.XOR:
            x[rd] = x[rs1]! ^ x[rs2]!;
            x[rd + 1] = x[rs1 + 1]! ^ x[rs2 + 1]!;
            pc += len;
            break;
          case Op.OR:
            x[rd] = x[rs1]! | x[rs2]!;
            x[rd + 1] = x[rs1 + 1]! | x[rs2 + 1]!;
            pc += len;
            break;
          case Op.AND:
            x[rd] = x[rs1]! & x[rs2]!;
            x[rd + 1] = x[rs1 + 1]! & x[rs2 + 1]!;
            pc += len;
            break;
          case Op.ADDIW: {
            const v = (x[rs1]! + imm) | 0;
            x[rd] = v;
            x[rd + 1] = v >> 31;
            pc += len;
            break;
          }
          case Op.SLLIW: {
            const v = x[rs1]! << imm;
            x[rd] = v;
            x[rd + 1] = v >> 31;
            pc += len;
            break;
          }
          case Op.SRLIW: {
            const v = (x[rs1]! >>> imm) | 0;
            x[rd] = v;
            x[rd + 1] = v >> 31;
            pc += len;
            break;
          }
          case Op.SRAIW: {
            const v = x[rs1]! >> imm;
            x[rd] = v;
            x[rd + 1] = v >> 31;
            pc += len;
            break;
          }
          case Op.ADDW: {
            const v = (x[rs1]! + x[rs2]!) | 0;
            x[rd] = v;
            x[rd + 1] = v >> 31;
            pc += len;
            break;
          }
          case Op.SUBW: {
            const v = (x[rs1]! - x[rs2]!) | 0;
            x[rd] = v;
            x[rd + 1] = v >> 31;
            pc += len;
            break;
          }
          case Op.SLLW: {
            const v = x[rs1]! << (x[rs2]! & 31);
            x[rd] = v;
            x[rd + 1] = v >> 31;
            pc += len;
            break;
          }
          case Op.SRLW: {
            const v = (x[rs1]! >>> (x[rs2]! & 31)) | 0;
            x[rd] = v;
            x[rd + 1] = v >> 31;
            pc += len;
            break;
          }
          case Op.SRAW: {
            const v = x[rs1]! >> (x[rs2]! & 31);
            x[rd] = v;
            x[rd + 1] = v >> 31;
            pc += len;
            break;
          }
          case Op.MUL:
            mul64(x[rs1]!, x[rs1 + 1]!, x[rs2]!, x[rs2 + 1]!);
            x[rd] = T[0]!;
            x[rd + 1] = T[1]!;
            pc += len;
            break;
          case Op.MULH:
            mulh64(x[rs1]!, x[rs1 + 1]!, x[rs2]!, x[rs2 + 1]!);
            x[rd] = T[0]!;
            x[rd + 1] = T[1]!;
            pc += len;
            break;
          case Op.MULHSU:
            mulhsu64(x[rs1]!, x[rs1 + 1]!, x[rs2]!, x[rs2 + 1]!);
            x[rd] = T[0]!;
            x[rd + 1] = T[1]!;
            pc += len;
            break;
          case Op.MULHU:
            mulhu64(x[rs1]!, x[rs1 + 1]!, x[rs2]!, x[rs2 + 1]!);
            x[rd] = T[0]!;
            x[rd + 1] = T[1]!;
            pc += len;
            break;
          case Op.DIV:
            div64(x[rs1]!, x[rs1 + 1]!, x[rs2]!, x[rs2 + 1]!);
            x[rd] = T[0]!;
            x[rd + 1] = T[1]!;
            pc += len;
            break;
          case Op.DIVU:
            divu64(x[rs1]!, x[rs1 + 1]!, x[rs2]!, x[rs2 + 1]!);
            x[rd] = T[0]!;
            x[rd + 1] = T[1]!;
            pc += len;
            break;
          case Op.REM:
            rem64(x[rs1]!, x[rs1 + 1]!, x[rs2]!, x[rs2 + 1]!);
            x[rd] = T[0]!;
            x[rd + 1] = T[1]!;
            pc += len;
            break;
          case Op.REMU:
            remu64(x[rs1]!, x[rs1 + 1]!, x[rs2]!, x[rs2 + 1]!);
            x[rd] = T[0]!;
            x[rd + 1] = T[1]!;
            pc += len;
            break;
          case Op.MULW: {
            const v = Math.imul(x[rs1]!, x[rs2]!);
            x[rd] = v;
            x[rd + 1] = v >> 31;
            pc += len;
            break;
          }
          case Op.DIVW: {
            const v = divw(x[rs1]!, x[rs2]!);
            x[rd] = v;
            x[rd + 1] = v >> 31;
            pc += len;
            break;
          }
          case Op.DIVUW: {
            const v = divuw(x[rs1]!, x[rs2]!);
            x[rd] = v;
            x[rd + 1] = v >> 31;
            pc += len;
            break;
          }
          case Op.REMW: {
            const v = remw(x[rs1]!, x[rs2]!);
            x[rd] = v;
            x[rd + 1] = v >> 31;
            pc += len;
            break;
          }
          case Op.REMUW: {
            const v = remuw(x[rs1]!, x[rs2]!);
            x[rd] = v;
            x[rd + 1] = v >> 31;
            pc += len;
            break;
          }
          case Op.FENCE:
          case Op.WFI:
            pc += len;
            break;
          case Op.ECALL:
            left--;
            if (this.trapMode === 'host') {
              reason = STOP_ECALL;
              break loop;
            }
            pc = this.machineTrap(pc, CAUSE_ECALL_M);
            if (yieldOnJump) break loop;
            continue loop;
          case Op.EBREAK:
            left--;
            reason = STOP_EBREAK;
            break loop;
          case Op.MRET:
            pc = this.mret();
            left--;
            if (yieldOnJump) break loop;
            continue loop;
          case Op.FENCE_I:
            this.flushCode();
            pc += len;
            break;
          case Op.CSRRW:
          case Op.CSRRS:
          case Op.CSRRC:
          case Op.CSRRWI:
          case Op.CSRRSI:
          case Op.CSRRCI:
            this.csrInstruction(info, imm, cp, slot, pc, left);
            pc += len;
            break;
          case Op.ILLEGAL:
            throw this.illegal(cp, slot, pc);
          default:
            // LR/SC and the AMOs.
            this.atomic(info, pc);
            pc += len;
            break;
        }
        left--;
      }
    } catch (e) {
      this.pc = pc;
      this.left = left;
      this.cp = cp;
      if (e instanceof MemoryFault && e.pc === undefined) throw e.withPc(pc);
      throw e;
    }
    this.pc = pc;
    this.left = left;
    this.cp = cp;
    return reason;
  }

  /** A Zicsr instruction (out of the interpreter's hot switch). `left` = budget before it. */
  private csrInstruction(info: number, csr: number, cp: CodePage, slot: number, pc: number, left: number): void {
    const x = this.x;
    const rd = (info >> 8) & 0xff;
    const rs1 = (info >> 16) & 0xff;
    const uimm = info >>> 24;
    const now = this.runEnd - left;
    this.retired = now;
    if (!this.csrGet(csr, now)) throw this.illegal(cp, slot, pc, 'unknown CSR');
    const oldLo = this.cl;
    const oldHi = this.ch;
    const op = info & 0x7f;
    let vl: number;
    let vh: number;
    let write = true;
    if (op === Op.CSRRW) {
      vl = x[rs1]!;
      vh = x[rs1 + 1]!;
    } else if (op === Op.CSRRS) {
      vl = oldLo | x[rs1]!;
      vh = oldHi | x[rs1 + 1]!;
      write = rs1 !== 0;
    } else if (op === Op.CSRRC) {
      vl = oldLo & ~x[rs1]!;
      vh = oldHi & ~x[rs1 + 1]!;
      write = rs1 !== 0;
    } else if (op === Op.CSRRWI) {
      vl = uimm;
      vh = 0;
    } else if (op === Op.CSRRSI) {
      vl = oldLo | uimm;
      vh = oldHi;
      write = uimm !== 0;
    } else {
      vl = oldLo & ~uimm;
      vh = oldHi;
      write = uimm !== 0;
    }
    if (write) {
      if (isReadOnlyCsr(csr)) throw this.illegal(cp, slot, pc, 'write to a read-only CSR');
      this.csrSet(csr, vl, vh, now);
    }
    x[rd] = oldLo;
    x[rd + 1] = oldHi;
  }

  /**
   * LR, SC and the AMOs (.w and .d); aq/rl need nothing on a single hart. A misaligned
   * address faults before anything is read, written or reserved (SC too, whatever the
   * reservation: the spec's rule, as Spike checks it; qemu-user lets such an SC fail).
   */
  private atomic(info: number, pc: number): void {
    const x = this.x;
    const op = info & 0x7f;
    const rd = (info >> 8) & 0xff;
    const rs1 = (info >> 16) & 0xff;
    const rs2 = info >>> 24;
    const a = x[rs1]!;
    const ah = x[rs1 + 1]!;
    // LR_W..AMOMAXU_W are the .w forms, LR_D..AMOMAXU_D the .d forms.
    if ((a & (op <= Op.AMOMAXU_W ? 3 : 7)) !== 0) throw misalignedAtomic(op, a, ah, pc);
    if (op === Op.LR_W || op === Op.LR_D) {
      const size = op === Op.LR_W ? 4 : 8;
      const v = this.ld(a, ah, size, 0);
      x[rd] = v;
      x[rd + 1] = size === 4 ? v >> 31 : this.vhi;
      const addr = ah * TWO32 + (a >>> 0);
      this.resValid = true;
      this.resAddr = addr;
      this.resPage = Math.floor(addr / PAGE_SIZE);
      const i = this.resPage & TLB_MASK;
      if (this.wtag[i] === this.resPage) this.wtag[i] = NaN;
      return;
    }
    if (op === Op.SC_W || op === Op.SC_D) {
      const addr = ah * TWO32 + (a >>> 0);
      let result = 1;
      if (this.resValid && this.resAddr === addr) {
        this.st(a, ah, op === Op.SC_W ? 4 : 8, x[rs2]!, x[rs2 + 1]!, 0);
        result = 0;
      }
      this.resValid = false;
      x[rd] = result;
      x[rd + 1] = 0;
      return;
    }
    // AMO*_W in [Op.AMOSWAP_W, Op.AMOMAXU_W], AMO*_D in [Op.AMOSWAP_D, Op.AMOMAXU_D].
    const wide = op >= Op.AMOSWAP_D;
    const kind = op - (wide ? Op.AMOSWAP_D : Op.AMOSWAP_W);
    const bl = x[rs2]!;
    const bh = wide ? x[rs2 + 1]! : bl >> 31;
    const ol = this.amoLoad(a, ah, wide ? 8 : 4);
    const oh = wide ? this.vhi : ol >> 31;
    let nl: number;
    let nh: number;
    switch (kind) {
      case 0: // swap
        nl = bl;
        nh = bh;
        break;
      case 1: // add
        nl = (ol + bl) | 0;
        nh = (oh + bh + ((nl >>> 0) < (ol >>> 0) ? 1 : 0)) | 0;
        break;
      case 2:
        nl = ol ^ bl;
        nh = oh ^ bh;
        break;
      case 3:
        nl = ol & bl;
        nh = oh & bh;
        break;
      case 4:
        nl = ol | bl;
        nh = oh | bh;
        break;
      default: {
        // min, max, minu, maxu
        const less =
          kind <= 6
            ? oh < bh || (oh === bh && ol >>> 0 < bl >>> 0)
            : oh >>> 0 < bh >>> 0 || (oh === bh && ol >>> 0 < bl >>> 0);
        const pickOld = kind === 5 || kind === 7 ? less : !less;
        nl = pickOld ? ol : bl;
        nh = pickOld ? oh : bh;
        break;
      }
    }
    this.st(a, ah, wide ? 8 : 4, nl, nh, 0);
    x[rd] = ol;
    x[rd + 1] = oh;
  }

  /** mret: pc = mepc; MIE <- MPIE, MPIE <- 1, MPP <- U. Returns the new pc. */
  private mret(): number {
    const c = this.csrs;
    const ms = c[S_MSTATUS]!;
    c[S_MSTATUS] = (ms & ~0x1888) | ((ms >> 4) & 0x8) | 0x80;
    return (c[S_MEPC + 1]! >>> 0) * TWO32 + (c[S_MEPC]! >>> 0);
  }

  /** Machine-mode trap entry (mepc, mcause, mtval = 0, mstatus); returns the handler address. */
  private machineTrap(pc: number, cause: number): number {
    this.trap(pc, cause);
    return this.trapTarget();
  }

  /** Machine-mode trap entry: mepc, mcause, mtval, mstatus. */
  private trap(pc: number, cause: number): void {
    const c = this.csrs;
    c[S_MEPC] = pc;
    c[S_MEPC + 1] = Math.floor(pc / TWO32);
    c[S_MCAUSE] = cause;
    c[S_MCAUSE + 1] = 0;
    c[S_MTVAL] = 0;
    c[S_MTVAL + 1] = 0;
    c[S_MSTATUS] = MSTATUS_AFTER_TRAP;
    c[S_MSTATUS + 1] = 0;
  }

  private trapTarget(): number {
    const c = this.csrs;
    return (c[S_MTVEC + 1]! >>> 0) * TWO32 + ((c[S_MTVEC]! & ~3) >>> 0);
  }

  /** How many guest pages currently have decoded code (for tests and statistics). */
  get codePageCount(): number {
    return this.codePages.size;
  }
}

