import type { GuestMemory } from '../../arch/memory/types.js';
import type { Hart } from '../../arch/riscv64/types.js';

/** The machine the kernel runs a guest on: one hart and its memory. */
export interface Arch {
  readonly hart: Hart;
  readonly memory: GuestMemory;
}
