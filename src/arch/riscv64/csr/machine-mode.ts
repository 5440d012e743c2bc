import { CsrFile } from './csr-file.js';
import { standardCsrEntries, type StandardCsrOptions } from './entries.js';
import { MachineState, type MstatusModel } from './machine.js';
import { CSR_MCAUSE, CSR_MEPC, CSR_MSCRATCH, CSR_MSTATUS, CSR_MTVAL, CSR_MTVEC, type Privilege } from './numbers.js';
import { JOLT_TRAP_SEMANTICS, MachineTraps, PRIVILEGED_TRAP_SEMANTICS, type TrapSemantics } from './trap-semantics.js';

/**
 * How a platform's machine mode differs from the privileged spec: its trap semantics, how
 * mstatus stores values, and which CSRs it accepts (with the reason shown when one is used).
 */
export interface MachineProfile {
  readonly name: string;
  readonly trapSemantics: TrapSemantics;
  readonly mstatus: MstatusModel;
  readonly csrs?: { readonly allowed: readonly number[]; readonly reason: string };
}

/** The privileged spec, every CSR of the standard table. */
export const PRIVILEGED_MACHINE_PROFILE: MachineProfile = {
  name: 'privileged spec',
  trapSemantics: PRIVILEGED_TRAP_SEMANTICS,
  mstatus: 'fields',
};

/** The six CSRs Jolt maps to virtual registers (vr34–vr39); any other fails its decode. */
export const JOLT_CSRS: readonly number[] = [CSR_MSTATUS, CSR_MTVEC, CSR_MSCRATCH, CSR_MEPC, CSR_MCAUSE, CSR_MTVAL];

/** Jolt: its ECALL/MRET/EBREAK, mstatus as a plain register, and only its six CSRs. */
export const JOLT_MACHINE_PROFILE: MachineProfile = {
  name: 'Jolt',
  trapSemantics: JOLT_TRAP_SEMANTICS,
  mstatus: 'plain',
  csrs: {
    allowed: JOLT_CSRS,
    reason: 'Jolt supports only mstatus, mtvec, mscratch, mepc, mcause, mtval',
  },
};

export interface MachineModeOptions extends StandardCsrOptions {
  /** The privilege the hart starts in (default M: every CSR is accessible, as before). */
  privilege?: Privilege;
  /** Default PRIVILEGED_MACHINE_PROFILE. */
  profile?: MachineProfile;
}

/**
 * A hart's machine mode in one object: the state (privilege and trap CSRs), the CSR file
 * over it, and the trap path. The hart builds one and keeps it; an integration applies its
 * profile or reshapes `csrs` directly.
 */
export class MachineMode {
  readonly state: MachineState;
  readonly csrs: CsrFile;
  readonly traps: MachineTraps;

  constructor(options: MachineModeOptions) {
    this.state = new MachineState({
      misa: options.misa,
      ...(options.privilege === undefined ? {} : { privilege: options.privilege }),
    });
    this.csrs = new CsrFile(() => this.state.privilege, standardCsrEntries(this.state, options));
    this.traps = new MachineTraps(this.state);
    this.apply(options.profile ?? PRIVILEGED_MACHINE_PROFILE);
  }

  /**
   * Switches to a platform's profile: its trap semantics and mstatus model, and its CSR
   * restriction (restrictions add up; they are not undone by a later profile).
   */
  apply(profile: MachineProfile): void {
    this.traps.semantics = profile.trapSemantics;
    this.state.mstatusModel = profile.mstatus;
    if (profile.csrs !== undefined) this.csrs.restrict(profile.csrs.allowed, profile.csrs.reason);
  }
}
