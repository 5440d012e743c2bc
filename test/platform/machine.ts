import { PagedMemory, RiscvHart } from '../../src/arch/index.js';

/** A fresh guest address space and hart, as the kernel creates them for a run. */
export function newMachine(): { memory: PagedMemory; hart: RiscvHart } {
  const memory = new PagedMemory();
  return { memory, hart: new RiscvHart(memory) };
}
