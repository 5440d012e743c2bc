import {
  MSTATUS_MIE,
  MSTATUS_MPIE,
  MSTATUS_MPP,
  MSTATUS_MPP_SHIFT,
  MSTATUS_MPRV,
  MSTATUS_TW,
  MSTATUS_UXL_64,
  PRIV_M,
  PRIV_U,
  misaHas,
  type Privilege,
} from './numbers.js';

/**
 * How mstatus stores what is written to it.
 * - `fields` (the privileged spec): only MIE, MPIE, MPP (WARL: M or U), MPRV and TW are
 *   writable; UXL reads 2 (64-bit) when U-mode exists; every other field is read-only 0.
 * - `plain`: a 64-bit register that reads back what was written (Jolt keeps mstatus in a
 *   virtual register; ZeroOS's hart did the same before machine mode was complete).
 */
export type MstatusModel = 'fields' | 'plain';

export interface MachineStateOptions {
  /** misa: decides whether U-mode exists ('U') and the instruction alignment ('C'). */
  misa: bigint;
  /** The privilege the hart starts in (default M: everything is accessible, as before). */
  privilege?: Privilege;
  /** Default `fields`. */
  mstatus?: MstatusModel;
}

/**
 * The machine-mode state of one hart: the current privilege and the trap CSRs (mstatus,
 * mtvec, mscratch, mepc, mcause, mtval, mcounteren). The CSR file reads and writes it
 * through the WARL rules below; trap semantics (trap-semantics.ts) change it directly.
 *
 * Values are unsigned 64-bit bigints: these registers change on CSR instructions and
 * traps, never on the instruction hot path. mstatus's fields live in `status` (a number),
 * since all writable fields are in its low 32 bits.
 */
export class MachineState {
  privilege: Privilege;
  #model: MstatusModel = 'fields';
  /** mstatus bits 31..0 (unsigned). */
  status = 0;
  /** mstatus bits 63..32 in the `plain` model (unsigned); the `fields` model derives them. */
  statusHigh = 0;
  mtvec = 0n;
  mscratch = 0n;
  mepc = 0n;
  mcause = 0n;
  mtval = 0n;
  /** CY, TM, IR (bits 0..2): U-mode may read cycle, time, instret. All enabled at reset. */
  mcounteren = 7;

  /** Whether U-mode exists (misa.U); without it MPP is read-only M. */
  readonly userMode: boolean;
  /** mepc's writable bits: IALIGN = 16 with C clears bit 0, IALIGN = 32 clears bits 1..0. */
  readonly mepcMask: bigint;

  constructor(options: MachineStateOptions) {
    const { misa } = options;
    this.userMode = misaHas(misa, 'u');
    this.mepcMask = misaHas(misa, 'c') ? ~1n : ~3n;
    this.privilege = this.legalPrivilege(options.privilege ?? PRIV_M);
    if (!this.userMode) this.status = MSTATUS_MPP; // MPP is read-only M
    this.mstatusModel = options.mstatus ?? 'fields';
  }

  get mstatusModel(): MstatusModel {
    return this.#model;
  }

  /**
   * Changing the model keeps mstatus's low 32 bits (legalised for `fields`); the high half
   * starts at 0 in `plain` (UXL is a field of the `fields` model only).
   */
  set mstatusModel(model: MstatusModel) {
    const low = this.status;
    this.#model = model;
    this.statusHigh = 0;
    this.setStatusFields(low);
  }

  /**
   * The WARL legalisation of a privilege written to MPP, as Spike does it: S (1) and the
   * reserved 2 become U; without U-mode everything is M. Software probes a mode by writing
   * it to MPP and reading it back, so an unsupported value must not read back.
   */
  legalPrivilege(p: number): Privilege {
    if (!this.userMode) return PRIV_M;
    return p === PRIV_M ? PRIV_M : PRIV_U;
  }

  /** mstatus.MPP as a legal privilege. */
  get mpp(): Privilege {
    return this.legalPrivilege((this.status & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT);
  }

  // ---------------------------------------------------------------- CSR views

  get mstatus(): bigint {
    if (this.mstatusModel === 'plain') return (BigInt(this.statusHigh) << 32n) | BigInt(this.status);
    return (this.userMode ? MSTATUS_UXL_64 : 0n) | BigInt(this.status);
  }

  set mstatus(value: bigint) {
    const v = BigInt.asUintN(64, value);
    const low = Number(v & 0xffffffffn);
    if (this.mstatusModel === 'plain') {
      this.status = low;
      this.statusHigh = Number(v >> 32n);
      return;
    }
    this.setStatusFields(low);
  }

  /** Writes the low 32 bits of mstatus through the `fields` model's WARL rules (or verbatim in `plain`). */
  setStatusFields(low: number): void {
    if (this.mstatusModel === 'plain') {
      this.status = low >>> 0;
      return;
    }
    const writable = MSTATUS_MIE | MSTATUS_MPIE | (this.userMode ? MSTATUS_MPRV | MSTATUS_TW : 0);
    const mpp = this.legalPrivilege((low & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT);
    this.status = ((low & writable) | (mpp << MSTATUS_MPP_SHIFT)) >>> 0;
  }

  /**
   * mtvec is WARL: MODE 0 (direct) and 1 (vectored) are kept; the reserved MODEs 2 and 3
   * lose bit 1 (Spike's rule). Vectored mode only moves interrupts, and there are none, so
   * every trap goes to BASE.
   */
  writeMtvec(value: bigint): void {
    this.mtvec = BigInt.asUintN(64, value) & ~2n;
  }

  /** mepc is WARL: its low bit (two bits without C) always reads 0. */
  writeMepc(value: bigint): void {
    this.mepc = BigInt.asUintN(64, value) & this.mepcMask;
  }

  /** mcounteren: CY, TM and IR are writable, the hpm bits are read-only 0 (no hpm counters). */
  writeMcounteren(value: bigint): void {
    this.mcounteren = Number(value & 7n);
  }

  /** Where a trap goes: mtvec.BASE (MODE masked off). */
  trapVector(): number {
    return Number(this.mtvec & ~3n);
  }
}
