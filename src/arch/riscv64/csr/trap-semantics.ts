import type { MachineState } from './machine.js';
import {
  CAUSE_BREAKPOINT,
  CAUSE_ECALL_M,
  CAUSE_ECALL_U,
  MSTATUS_AFTER_TRAP,
  MSTATUS_MIE,
  MSTATUS_MPIE,
  MSTATUS_MPP,
  MSTATUS_MPP_SHIFT,
  MSTATUS_MPRV,
  PRIV_M,
  PRIV_U,
} from './numbers.js';

/**
 * What an exception other than ecall/ebreak does in machine trap mode: `trap` to the
 * guest's handler (enterTrap), or `fault`: the hart throws its named error (IllegalInstruction,
 * MisalignedAccess) and the run ends, as on a zkVM whose tracer panics.
 */
export type ExceptionOutcome = 'trap' | 'fault';

/**
 * What ebreak/c.ebreak does in machine trap mode: `trap` (breakpoint exception, cause 3,
 * mtval = pc), `halt` (the run ends as a pc stall: StopReason.Halt, pc on the ebreak), or
 * `host` (return to the kernel with StopReason.Ebreak, as in host trap mode).
 */
export type EbreakOutcome = 'trap' | 'halt' | 'host';

/**
 * The trap semantics of machine trap mode, replaceable per platform. Each function changes
 * `state` and returns the next pc. The hart consults them only in trap mode 'machine'; in
 * 'host' mode ecall and ebreak stop `run` and faults throw, as before.
 */
export interface TrapSemantics {
  readonly name: string;
  /** ecall at `pc`: returns the handler's pc. */
  ecall(state: MachineState, pc: number): number;
  /** Trap entry for `cause` (an exception code) with mtval = `tval` at `pc`: returns the handler's pc. */
  enterTrap(state: MachineState, cause: number, tval: bigint, pc: number): number;
  /** mret: returns the pc to resume at. */
  mret(state: MachineState): number;
  readonly ebreak: EbreakOutcome;
  /** Illegal instruction (2), misaligned fetch (0), load (4), store/AMO (6). */
  exception(cause: number): ExceptionOutcome;
}

/**
 * The privileged spec (1.12) for an M/U machine without interrupts:
 * - trap entry: mepc ← pc, mcause ← cause, mtval ← tval, MPIE ← MIE, MIE ← 0,
 *   MPP ← the current privilege, privilege ← M, pc ← mtvec.BASE;
 * - ecall: cause 8 from U-mode, 11 from M-mode, mtval 0;
 * - mret: privilege ← MPP, MIE ← MPIE, MPIE ← 1, MPP ← U (the least privileged mode;
 *   M without U-mode), MPRV ← 0 when leaving M, pc ← mepc;
 * - ebreak traps (cause 3, mtval = pc); every exception traps.
 */
export const PRIVILEGED_TRAP_SEMANTICS: TrapSemantics = {
  name: 'privileged spec',
  ecall(state, pc) {
    return this.enterTrap(state, state.privilege === PRIV_U ? CAUSE_ECALL_U : CAUSE_ECALL_M, 0n, pc);
  },
  enterTrap(state, cause, tval, pc) {
    state.writeMepc(BigInt(pc));
    state.mcause = BigInt.asUintN(64, BigInt(cause));
    state.mtval = BigInt.asUintN(64, tval);
    const s = state.status;
    const mpie = (s & MSTATUS_MIE) !== 0 ? MSTATUS_MPIE : 0;
    state.setStatusFields((s & ~(MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP)) | mpie | (state.privilege << MSTATUS_MPP_SHIFT));
    state.privilege = PRIV_M;
    return state.trapVector();
  },
  mret(state) {
    const target = state.mpp;
    const s = state.status;
    const mie = (s & MSTATUS_MPIE) !== 0 ? MSTATUS_MIE : 0;
    const least = state.legalPrivilege(PRIV_U);
    let next = (s & ~(MSTATUS_MIE | MSTATUS_MPP)) | mie | MSTATUS_MPIE | (least << MSTATUS_MPP_SHIFT);
    if (target !== PRIV_M) next &= ~MSTATUS_MPRV;
    state.setStatusFields(next);
    state.privilege = target;
    return Number(state.mepc);
  },
  ebreak: 'trap',
  exception: () => 'trap',
};

/**
 * Jolt's (jolt@ff9f8c13, tracer and bytecode expansion; see the Jolt sheet §4):
 * - ECALL: mepc ← pc, mcause ← 11, mtval ← 0, mstatus ← 0x1800 (a plain write), pc ← mtvec;
 *   the privilege stays M (Jolt has no other);
 * - MRET: pc ← mepc, mstatus unchanged;
 * - EBREAK is `JAL tmp, +0`: the program ends by a pc stall (halt), not a trap;
 * - illegal instructions and misaligned accesses panic the tracer (fault), no trap.
 * Jolt keeps mstatus as a plain virtual register: use it with the `plain` mstatus model
 * (JOLT_MACHINE_PROFILE does both).
 */
export const JOLT_TRAP_SEMANTICS: TrapSemantics = {
  name: 'Jolt',
  ecall(state, pc) {
    return this.enterTrap(state, CAUSE_ECALL_M, 0n, pc);
  },
  enterTrap(state, cause, tval, pc) {
    state.writeMepc(BigInt(pc));
    state.mcause = BigInt.asUintN(64, BigInt(cause));
    state.mtval = BigInt.asUintN(64, tval);
    state.mstatus = BigInt(MSTATUS_AFTER_TRAP);
    return state.trapVector();
  },
  mret(state) {
    return Number(state.mepc);
  },
  ebreak: 'halt',
  exception: () => 'fault',
};

/**
 * The hart's machine-mode trap path: the state plus the semantics in force (replaceable
 * at any time, e.g. by an integration at boot).
 */
export class MachineTraps {
  constructor(
    readonly state: MachineState,
    public semantics: TrapSemantics = PRIVILEGED_TRAP_SEMANTICS,
  ) {}

  /** ecall at pc (trap mode 'machine'): the handler's pc. */
  ecall(pc: number): number {
    return this.semantics.ecall(this.state, pc);
  }

  /** A trap for `cause` with mtval = `tval`: the handler's pc. */
  enterTrap(cause: number, tval: bigint, pc: number): number {
    return this.semantics.enterTrap(this.state, cause, tval, pc);
  }

  /** Whether an exception with this cause traps (true) or must be thrown as the hart's error (false). */
  traps(cause: number): boolean {
    return this.semantics.exception(cause) === 'trap';
  }

  /** What ebreak at pc does; for `trap`, call `breakpoint(pc)`. */
  get ebreak(): EbreakOutcome {
    return this.semantics.ebreak;
  }

  /** The breakpoint trap of an ebreak at pc (mtval = pc): the handler's pc. */
  breakpoint(pc: number): number {
    return this.enterTrap(CAUSE_BREAKPOINT, BigInt(pc), pc);
  }

  /** mret: the pc to resume at. */
  mret(): number {
    return this.semantics.mret(this.state);
  }

  /**
   * wfi at pc: the next pc (pc + 4). A hint that may complete at once; with no interrupt
   * sources there is nothing to wait for, so it is a no-op in every mode (and mstatus.TW
   * never makes it trap: it completes within any time limit). Platforms that refuse wfi
   * (Jolt) do so by refusing the instruction, not here.
   */
  wfi(pc: number): number {
    return pc + 4;
  }
}
