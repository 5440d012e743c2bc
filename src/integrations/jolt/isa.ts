import { STANDARD_EXTENSIONS, type Extension, type IsaConfig, type Refusal } from '../../arch/riscv64/isa/index.js';

/**
 * What Jolt's decoder refuses among the instructions ZeroOS knows (tracer/src/instruction/
 * mod.rs:1301-1333, crates/jolt-program/src/image/decode.rs decode_system): of the CSR
 * instructions only CSRRW and CSRRS exist on Jolt, and of the privileged ones only ECALL,
 * EBREAK and MRET. SRET and URET are not in ZeroOS's RV64IMAC either: they are undecodable
 * words, refused the same way. The CSR whitelist itself is JOLT_MACHINE_PROFILE's.
 */
export const JOLT_REFUSALS: readonly Refusal[] = [
  ...['csrrc', 'csrrwi', 'csrrsi', 'csrrci'].map((mnemonic) => ({
    mnemonic,
    reason: 'Jolt rejects it: its decoder has only CSRRW and CSRRS ("Unsupported SYSTEM instruction")',
  })),
  { mnemonic: 'wfi', reason: 'Jolt rejects it: its decoder has no WFI ("Unsupported SYSTEM instruction")' },
];

/** The extensions Jolt never has, whatever ZeroOS's standard set holds: F and D (and Q). */
const JOLT_ABSENT_LETTERS = new Set(['f', 'd', 'q']);

/**
 * Jolt's instruction set: RV64IMAC, the extensions given (Jolt's custom instructions), minus
 * what Jolt refuses. Never F or D: Jolt proves integer programs (JoltFloatRejected).
 */
export function joltIsa(extensions: readonly Extension[] = []): IsaConfig {
  const standard = STANDARD_EXTENSIONS.filter((e) => e.letter === undefined || !JOLT_ABSENT_LETTERS.has(e.letter));
  return { extensions: [...standard, ...extensions], refuse: JOLT_REFUSALS };
}
