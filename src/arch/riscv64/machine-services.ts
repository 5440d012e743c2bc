/**
 * What system instructions call (the `M` of the instruction templates): the CSR file,
 * machine traps and mret, fence.i, and the named errors of illegal, refused and
 * misaligned instructions. The interpreter is the only tier that calls it: compiled
 * blocks end before a system instruction.
 */
import { hex } from '../../errors.js';
import type { CodeCache } from './code-cache.js';
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
import type { IsaRegistry } from './isa/registry.js';
import type { HartState } from './state.js';
import { IllegalInstruction, MisalignedAccess, RefusedInstruction, type TrapMode } from './types.js';

const TWO32 = 4294967296;

// CSR storage slots (lo, hi pairs) in `csrs`.
const S_MSTATUS = 0;
const S_MTVEC = 2;
const S_MSCRATCH = 4;
const S_MEPC = 6;
const S_MCAUSE = 8;
const S_MTVAL = 10;
const S_CYCLE_OFFSET = 12;
const S_INSTRET_OFFSET = 14;

export class MachineServices {
  trapMode: TrapMode;
  timeSource: () => bigint;
  /** The value of the last CSR read (low and high word). */
  cl = 0;
  ch = 0;
  private readonly csrs = new Int32Array(16);
  private readonly misaLo: number;
  private readonly misaHi: number;

  constructor(
    private readonly state: HartState,
    private readonly cache: CodeCache,
    private readonly isa: IsaRegistry,
    trapMode: TrapMode,
    private readonly hartId: number,
  ) {
    this.trapMode = trapMode;
    this.timeSource = () => BigInt(this.state.retired);
    const misa = isa.misa;
    this.misaLo = Number(BigInt.asIntN(32, misa));
    this.misaHi = Number(BigInt.asIntN(32, misa >> 32n));
  }

  // ------------------------------------------------------------------ errors

  illegal(pc: number, raw: number, len: number, detail?: string): IllegalInstruction {
    return new IllegalInstruction(pc, raw >>> 0, len === 2 ? 2 : 4, detail);
  }

  refused(op: number, pc: number, raw: number, len: number): RefusedInstruction {
    const r = this.isa.instructions[op]!;
    return new RefusedInstruction(r.def.mnemonic, pc, raw >>> 0, len === 2 ? 2 : 4, r.refusal ?? 'refused');
  }

  misaligned(mnemonic: string, lo: number, hi: number, size: number, cause: number, pc: number): MisalignedAccess {
    return new MisalignedAccess((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0), mnemonic, size, cause, pc);
  }

  // ------------------------------------------------------------------ traps

  /** ecall: -1 to stop the run for the host kernel, else the trap handler's address. */
  ecall(pc: number): number {
    if (this.trapMode === 'host') return -1;
    this.trap(pc, CAUSE_ECALL_M);
    return (this.csrs[S_MTVEC + 1]! >>> 0) * TWO32 + ((this.csrs[S_MTVEC]! & ~3) >>> 0);
  }

  /** ebreak: -1 to stop the run (a debugger's breakpoint: the kernel decides). */
  ebreak(_pc: number): number {
    return -1;
  }

  /** mret: pc = mepc; MIE <- MPIE, MPIE <- 1, MPP <- U. Returns the new pc. */
  mret(): number {
    const c = this.csrs;
    const ms = c[S_MSTATUS]!;
    c[S_MSTATUS] = (ms & ~0x1888) | ((ms >> 4) & 0x8) | 0x80;
    return (c[S_MEPC + 1]! >>> 0) * TWO32 + (c[S_MEPC]! >>> 0);
  }

  /** Machine-mode trap entry: mepc, mcause, mtval = 0, mstatus. */
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

  flushCode(): void {
    this.cache.flush();
  }

  // ------------------------------------------------------------------ CSRs

  /** The CSR instructions' read: into (cl, ch); `left` = the budget before the instruction. */
  csrRead(csr: number, left: number, pc: number, raw: number, len: number): void {
    const now = this.state.runEnd - left;
    this.state.retired = now;
    if (!this.get(csr, now)) throw this.illegal(pc, raw, len, 'unknown CSR');
  }

  /** The CSR instructions' write of (lo, hi). */
  csrWrite(csr: number, lo: number, hi: number, left: number, pc: number, raw: number, len: number): void {
    if (isReadOnlyCsr(csr)) throw this.illegal(pc, raw, len, 'write to a read-only CSR');
    this.set(csr, lo, hi, this.state.runEnd - left);
  }

  /** The kernel's read of a CSR (between instructions). */
  read(csr: number): bigint {
    if (!this.get(csr, this.state.retired)) throw new RangeError(`unknown CSR 0x${csr.toString(16)}`);
    return (BigInt(this.ch >>> 0) << 32n) | BigInt(this.cl >>> 0);
  }

  /** The kernel's write of a CSR: the next instruction sees it. */
  write(csr: number, value: bigint): void {
    const v = BigInt.asUintN(64, value);
    const lo = Number(BigInt.asIntN(32, v));
    const hi = Number(BigInt.asIntN(32, v >> 32n));
    if (!this.set(csr, lo, hi, this.state.retired - 1)) {
      throw new RangeError(`CSR ${hex(csr)} is unknown or read-only`);
    }
  }

  /** Reads a CSR into (cl, ch); `now` = instructions retired before the reading one. */
  private get(csr: number, now: number): boolean {
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
        this.cl = this.misaLo;
        this.ch = this.misaHi;
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
  private set(csr: number, lo: number, hi: number, now: number): boolean {
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
      case CSR_MTVEC:
      case CSR_MSCRATCH:
      case CSR_MCAUSE:
      case CSR_MTVAL: {
        const s = { [CSR_MSTATUS]: S_MSTATUS, [CSR_MTVEC]: S_MTVEC, [CSR_MSCRATCH]: S_MSCRATCH, [CSR_MCAUSE]: S_MCAUSE, [CSR_MTVAL]: S_MTVAL }[csr]!;
        c[s] = lo;
        c[s + 1] = hi;
        return true;
      }
      case CSR_MEPC:
        c[S_MEPC] = lo & ~1;
        c[S_MEPC + 1] = hi;
        return true;
      case CSR_MISA:
        return true; // WARL: the ISA is fixed
      default:
        return false;
    }
  }
}
