/**
 * What system instructions call (the `M` of the instruction templates): the CSR file and
 * machine mode (csr/: a table of CSRs an integration can restrict, traps per the
 * privileged spec or a platform's TrapSemantics), fence.i, and the named errors of
 * illegal, refused and misaligned instructions. Only the interpreter calls it, but for the
 * FP unit (`f`: F/D and fflags/frm/fcsr accesses), which compiled blocks and regions call
 * too; they end before any other system instruction.
 *
 * Exceptions in trap mode 'machine': when the trap semantics say the cause traps, the
 * exception is taken (mepc, mcause, mtval, mstatus, pc = mtvec) by throwing the `taken`
 * sentinel, which the interpreter catches to continue at `taken.pc`; the excepting
 * instruction is not retired. In 'host' mode (and for causes that do not trap) the
 * hart's named error is thrown as before.
 */
import { CsrAccessError, type CsrOp, MachineMode } from './csr/index.js';
import { CAUSE_ILLEGAL_INSTRUCTION, PRIV_M, type Privilege } from './csr/numbers.js';
import type { CodeCache } from './code-cache.js';
import { InstructionHookContext } from './hook-context.js';
import { FpUnit, fpCsrEntries } from './fpu/index.js';
import type { IsaRegistry } from './isa/registry.js';
import type { MemoryPort } from './memory-port.js';
import type { HartState } from './state.js';
import { IllegalInstruction, MisalignedAccess, RefusedInstruction, StopReason, type TrapMode } from './types.js';

const CSR_OPS: readonly CsrOp[] = ['rw', 'rs', 'rc'];

/** Thrown (one object, reused) when an exception is taken in machine mode; `pc` is the handler. */
export class TrapTaken {
  pc = 0;
}

export class MachineServices {
  trapMode: TrapMode;
  timeSource: () => bigint;
  /** The hart's machine mode: CSR file, machine state, trap semantics. Integrations reshape it. */
  readonly mode: MachineMode;
  readonly taken = new TrapTaken();
  /** The F/D unit the FP instruction templates call (`M.f`); present whatever the ISA (idle without F). */
  readonly f: FpUnit;
  /** The value of the last CSR instruction's read (low and high word). */
  cl = 0;
  ch = 0;
  private readonly hookContext: InstructionHookContext;

  constructor(
    private readonly state: HartState,
    private readonly cache: CodeCache,
    private readonly isa: IsaRegistry,
    port: MemoryPort,
    trapMode: TrapMode,
    hartId: number,
    privilege: Privilege = PRIV_M,
  ) {
    this.hookContext = new InstructionHookContext(state, port);
    this.trapMode = trapMode;
    this.timeSource = () => BigInt(this.state.retired);
    this.mode = new MachineMode({
      instret: () => this.state.retired,
      time: () => this.timeSource(),
      misa: isa.misa,
      hartId,
      privilege,
    });
    const letters = new Set(isa.extensions.map((e) => e.letter));
    this.f = new FpUnit(state, letters.has('d'), (pc, raw, len, detail) => this.illegal(pc, raw, len, detail));
    if (letters.has('f')) for (const entry of fpCsrEntries(state)) this.mode.csrs.define(entry);
  }

  // ------------------------------------------------------------------ exceptions

  /**
   * An exception of `cause` at pc: the TrapTaken sentinel (to throw) when machine mode
   * takes it, else `error()`.
   */
  private exception(cause: number, tval: bigint, pc: number, error: () => Error): Error | TrapTaken {
    if (this.trapMode === 'machine' && this.mode.traps.traps(cause)) {
      this.taken.pc = this.mode.traps.enterTrap(cause, tval, pc);
      return this.taken;
    }
    return error();
  }

  illegal(pc: number, raw: number, len: number, detail?: string): Error | TrapTaken {
    return this.exception(CAUSE_ILLEGAL_INSTRUCTION, BigInt(raw >>> 0), pc, () => new IllegalInstruction(pc, raw >>> 0, len === 2 ? 2 : 4, detail));
  }

  /** A refused instruction never traps: the platform cannot run the program at all. */
  refused(op: number, pc: number, raw: number, len: number): RefusedInstruction {
    const r = this.isa.instructions[op]!;
    return new RefusedInstruction(r.def.mnemonic, pc, raw >>> 0, len === 2 ? 2 : 4, r.refusal ?? 'refused');
  }

  misaligned(mnemonic: string, lo: number, hi: number, size: number, cause: number, pc: number): Error | TrapTaken {
    const address = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    return this.exception(cause, address, pc, () => new MisalignedAccess(address, mnemonic, size, cause, pc));
  }

  // ------------------------------------------------------------------ traps

  /** ecall: -1 to stop the run for the host kernel, else the trap handler's address. */
  ecall(pc: number): number {
    return this.trapMode === 'host' ? -1 : this.mode.traps.ecall(pc);
  }

  /** ebreak: the next pc (a breakpoint trap), or minus the StopReason to stop with. */
  ebreak(pc: number): number {
    if (this.trapMode === 'host') return -StopReason.Ebreak;
    switch (this.mode.traps.ebreak) {
      case 'trap':
        return this.mode.traps.breakpoint(pc);
      case 'halt':
        return -StopReason.Halt;
      default:
        return -StopReason.Ebreak;
    }
  }

  /** mret: the pc to resume at. */
  mret(): number {
    return this.mode.traps.mret();
  }

  flushCode(): void {
    this.cache.flush();
  }

  // ------------------------------------------------------------------ instruction hooks

  /**
   * A hooked instruction (InstructionDef.hook): op id, pc, bits, length, the budget
   * before it (for instret) and its decoded form. The interpreter retires it when this
   * returns, and ends the run after it when the hook asked to stop.
   */
  hook(op: number, pc: number, raw: number, len: number, left: number, info: number, imm: number): void {
    this.state.retired = this.state.runEnd - left;
    const r = this.isa.instructions[op]!;
    this.hookContext.enter(r, pc, raw, len, info, imm);
    r.def.hook!(this.hookContext);
  }

  // ------------------------------------------------------------------ CSRs

  /**
   * A Zicsr instruction: op 0/1/2 = rw/rs/rc with operand (lo, hi); `writes` as the spec
   * says (rs1 != x0 or uimm != 0 for rs/rc); `left` = the budget before the instruction.
   * Leaves the old value in (cl, ch).
   */
  csr(op: number, csr: number, lo: number, hi: number, writes: boolean, left: number, pc: number, raw: number, len: number): void {
    // The counters read the instructions retired before this one.
    this.state.retired = this.state.runEnd - left;
    let old: bigint;
    try {
      old = this.mode.csrs.exchange(csr, CSR_OPS[op]!, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0), writes);
    } catch (e) {
      // A CSR the platform restricts (Jolt's six) on a machine that takes no illegal-
      // instruction trap is no exception the guest could handle: the platform cannot run
      // the program at all.
      if (e instanceof CsrAccessError && e.refusal === 'restricted' && !(this.trapMode === 'machine' && this.mode.traps.traps(CAUSE_ILLEGAL_INSTRUCTION))) {
        throw new RefusedInstruction(`csr${CSR_OPS[op]!}`, pc, raw >>> 0, len === 2 ? 2 : 4, e.message);
      }
      if (e instanceof CsrAccessError) throw this.illegal(pc, raw, len, e.message);
      throw e;
    }
    this.cl = Number(BigInt.asIntN(32, old));
    this.ch = Number(BigInt.asIntN(32, old >> 32n));
  }

  /** The kernel's read of a CSR (between instructions). */
  read(csr: number): bigint {
    return this.mode.csrs.read(csr, 'host');
  }

  /** The kernel's write of a CSR: the next instruction sees it. */
  write(csr: number, value: bigint): void {
    this.mode.csrs.write(csr, value, 'host');
  }
}
