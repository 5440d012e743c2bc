/**
 * The CSR file and machine mode of the RV64 hart.
 *
 * How the hart uses it
 * --------------------
 * Build one `MachineMode` per hart and keep it:
 *
 *   const mm = new MachineMode({
 *     instret: () => retiredBeforeTheCurrentInstruction,  // the counters' source
 *     time: () => hart.timeSource(),                       // the `time` CSR
 *     misa: misaFor('imac' + 'u'),                         // from the registered extensions
 *     hartId,
 *   });
 *
 * - Zicsr (CSRRW/RS/RC and the I forms): `old = mm.csrs.exchange(csr, op, operand, writes)`
 *   with op 'rw' | 'rs' | 'rc', operand = rs1's value (or the zero-extended uimm), and
 *   writes = true for CSRRW(I), rs1 !== 0 (uimm !== 0) for the others; then rd ← old.
 *   `instret()` must return the instructions retired before this one (today's hart sets
 *   `retired = now` before the CSR access). A CsrAccessError means illegal instruction:
 *   in trap mode 'machine' with `mm.traps.traps(CAUSE_ILLEGAL_INSTRUCTION)`, take
 *   `pc = mm.traps.enterTrap(CAUSE_ILLEGAL_INSTRUCTION, BigInt(bits), pc)`; otherwise throw
 *   `new IllegalInstruction(pc, bits, length, error.message)`. Nothing was written.
 * - Kernel access (`Hart.readCsr/writeCsr`): `mm.csrs.read(csr, 'host')`,
 *   `mm.csrs.write(csr, value, 'host')` (no privilege check; a counter reads the written
 *   value at once). They throw CsrAccessError where the hart used to throw RangeError.
 * - Trap mode 'machine' (the guest's own handler); 'host' mode never consults these:
 *   - ecall: `pc = mm.traps.ecall(pc)` (cause 8 from U, 11 from M, per the semantics);
 *   - ebreak/c.ebreak: `switch (mm.traps.ebreak)`: 'trap' → `pc = mm.traps.breakpoint(pc)`,
 *     'halt' → stop with StopReason.Halt (pc on the ebreak), 'host' → StopReason.Ebreak;
 *   - illegal instruction (2, mtval = the instruction bits), misaligned fetch (0), load (4)
 *     and store/AMO (6) (mtval = the address): if `mm.traps.traps(cause)`,
 *     `pc = mm.traps.enterTrap(cause, tval, pc)`, else throw the hart's error as today;
 *   - mret: `pc = mm.traps.mret()`; wfi: `pc = mm.traps.wfi(pc)` (a no-op, pc + 4) in both modes.
 *   A trap or mret ends a translated block (pc and the privilege change).
 *   Whether ecall/ebreak count as retired is the hart's choice (today both do: --stats and
 *   Jolt's rows count them; the spec would not).
 * - A platform: `mm.apply(JOLT_MACHINE_PROFILE)` (Jolt's ECALL/MRET/EBREAK, plain mstatus,
 *   its six CSRs), or `mm.traps.semantics = …`, `mm.csrs.restrict(allowed, reason)`,
 *   `mm.csrs.remove([...])`, `mm.csrs.define({ number, name, read, write })`.
 *
 * Differences from the hart before this module: mstatus keeps only its real fields (MIE,
 * MPIE, MPP WARL M/U, MPRV, TW; UXL reads 2, so after a trap from M it reads 0x2_0000_1800,
 * not 0x1800 — the `plain` model keeps the old register behaviour); trap entry saves MIE in
 * MPIE and the privilege in MPP instead of writing 0x1800; ebreak traps under the spec
 * (the old hart always stopped with StopReason.Ebreak: `ebreak: 'host'`); mtvec drops
 * bit 1 (reserved modes); mcounteren, mie and mip exist; the hart tracks a privilege
 * (starting in M, so every CSR stays accessible until an mret to U).
 */
export {
  CsrAccessError,
  CsrFile,
  type CsrAccessor,
  type CsrEntry,
  type CsrOp,
  type CsrRefusal,
} from './csr-file.js';
export { standardCsrEntries, type HartCounters, type StandardCsrOptions } from './entries.js';
export { MachineState, type MachineStateOptions, type MstatusModel } from './machine.js';
export {
  JOLT_CSRS,
  JOLT_MACHINE_PROFILE,
  MachineMode,
  PRIVILEGED_MACHINE_PROFILE,
  type MachineModeOptions,
  type MachineProfile,
} from './machine-mode.js';
export * from './numbers.js';
export {
  JOLT_TRAP_SEMANTICS,
  MachineTraps,
  PRIVILEGED_TRAP_SEMANTICS,
  type EbreakOutcome,
  type ExceptionOutcome,
  type TrapSemantics,
} from './trap-semantics.js';
