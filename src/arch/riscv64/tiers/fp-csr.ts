/**
 * Zicsr accesses to fflags, frm and fcsr that compiled code does itself (FpUnit.csr)
 * instead of ending its block for the interpreter. They sit in hot FP code: GCC brackets
 * every quiet comparison (`isless`, the errno check around sqrt) with `frflags`/`fsflags`,
 * and fenv code saves and restores frm. Only an access the CSR file would let through
 * unchanged qualifies: the CSR has the FP unit's own entry (isFpCsrEntry) and no
 * restriction refuses it; these CSRs are user-level, so no privilege refuses them. The
 * CSR file is read when the block is compiled (platforms shape it before the run).
 */
import { isFpCsrEntry } from '../fpu/csrs.js';
import type { InstructionDef } from '../isa/types.js';
import { ZICSR } from '../isa/zicsr.js';
import type { MachineServices } from '../machine-services.js';

/** What a compiled FP CSR access does. */
export interface FpCsrAccess {
  /** 0 rw, 1 rs, 2 rc. */
  readonly op: number;
  /** 1 fflags, 2 frm, 3 fcsr. */
  readonly csr: number;
  /** The uimm forms (csrrwi, csrrsi, csrrci): the operand is `field`, else register x`field`. */
  readonly immediate: boolean;
  readonly field: number;
  /** Whether it writes (rw always; rs/rc when rs1 is not x0 / uimm is not 0). */
  readonly writes: boolean;
}

const ZICSR_OPS = new Map<InstructionDef, boolean>(ZICSR.instructions.map((def) => [def, def.format === 'csri']));

/** The FP CSR access `raw` (an instruction of `def`) is, when compiled code may do it itself. */
export function fpCsrAccess(def: InstructionDef, raw: number, machine: MachineServices | undefined): FpCsrAccess | undefined {
  const immediate = ZICSR_OPS.get(def);
  if (immediate === undefined || machine === undefined) return undefined;
  const csr = raw >>> 20;
  if (csr < 1 || csr > 3) return undefined;
  const csrs = machine.mode.csrs;
  if (!csrs.has(csr) || !isFpCsrEntry(csrs.entry(csr))) return undefined;
  const op = (((raw >>> 12) & 3) - 1) | 0;
  const field = (raw >>> 15) & 31;
  return { op, csr, immediate, field, writes: op === 0 || field !== 0 };
}
