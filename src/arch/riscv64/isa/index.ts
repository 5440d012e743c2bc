/**
 * The instruction set, one module per extension. Adding an extension is writing a module
 * like these and passing it in `IsaConfig.extensions`.
 */
import { RV64A } from './a.js';
import { RV64C } from './c.js';
import { RV64D, RV64F } from './fd.js';
import { RV64M } from './m.js';
import { MACHINE } from './machine.js';
import { IsaRegistry } from './registry.js';
import { RV64I } from './rv64i.js';
import type { Extension, IsaConfig } from './types.js';
import { ZICSR } from './zicsr.js';
import { ZIFENCEI } from './zifencei.js';

export * from './types.js';
export { INFO_COMPRESSED, IsaRegistry, OP_ILLEGAL, type RegisteredInstruction, SINK, unpackInfo } from './registry.js';
export { RV64A, RV64C, RV64D, RV64F, RV64I, RV64M, MACHINE, ZICSR, ZIFENCEI };
export { disassembleFp, expandCompressedFp, fpMnemonic } from './fd.js';

/** RV64IMAFDC (RV64GC) with the machine-mode subset: what ZeroOS runs by default. */
export const STANDARD_EXTENSIONS: readonly Extension[] = [RV64I, RV64M, RV64A, RV64F, RV64D, RV64C, ZICSR, ZIFENCEI, MACHINE];

let standard: IsaRegistry | undefined;

/** The registry for `config` (the shared standard one when nothing is restricted). */
export function isaRegistry(config: IsaConfig = {}): IsaRegistry {
  if (config.extensions === undefined && (config.refuse === undefined || config.refuse.length === 0)) {
    standard ??= new IsaRegistry({ extensions: STANDARD_EXTENSIONS });
    return standard;
  }
  return new IsaRegistry({ ...config, extensions: config.extensions ?? STANDARD_EXTENSIONS });
}
