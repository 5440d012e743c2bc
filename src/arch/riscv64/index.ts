export * from './types.js';
export { RiscvHart, type RiscvHartOptions, type ExecutionEngine } from './hart.js';
export { TLB_SIZE, MemoryPort, type IoWindow, type MisalignedHook, type ReservationRule, StopRequestNotAllowed } from './memory-port.js';
export { MAX_BLOCK } from './tiers/js-blocks.js';
export type { EngineName, ExecutionTier, MachineContext } from './tiers/types.js';
export { CostMeter, type CostModel, type DecodedForm, type InstructionObserver, decodedForm } from './observer.js';
export { ABI_REGISTER_NAMES, CSR_NAMES, Disassembler, type DisassemblerOptions, disassemble } from './disasm.js';
export * from './csr/index.js';
export * from './isa/index.js';
import { isaRegistry } from './isa/index.js';

/** Decodes a 32-bit word with the standard instruction set (see IsaRegistry.decode). */
export function decode(word: number): number {
  return isaRegistry().decode(word);
}
/** Mnemonics by op id of the standard instruction set. */
export const OP_NAMES: readonly string[] = isaRegistry().names;
