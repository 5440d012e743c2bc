import { PagedMemory } from '../../src/arch/memory/paged-memory.js';
import { PERM_RW, PERM_RX } from '../../src/arch/memory/types.js';
import { RiscvHart, type RiscvHartOptions } from '../../src/arch/riscv64/hart.js';
import { LinearFramePool } from '../../src/arch/riscv64/tiers/wasm/frames.js';
import { type Item, assemble } from './asm.js';

/** Where test programs are loaded. */
export const CODE = 0x10000;
/** A read-write data area of DATA_PAGES pages. */
export const DATA = 0x40000;
export const DATA_PAGES = 16;
/** The initial stack pointer (top of an 8-page stack). */
export const STACK_TOP = 0x80000;

export interface Machine {
  memory: PagedMemory;
  hart: RiscvHart;
}

/**
 * A memory with the program at CODE (r-x), a data area and a stack (rw-), and a hart at CODE
 * with sp = STACK_TOP.
 */
export function machine(program: readonly Item[], options: RiscvHartOptions = {}): Machine {
  // The wasm tier keeps guest pages in its linear memory when the memory's frames come from there.
  const memory = new PagedMemory(options.engine === 'wasm' ? new LinearFramePool() : undefined);
  const code = assemble(program);
  memory.map(CODE, Math.max(code.length, 1), PERM_RX, 'text');
  memory.poke(CODE, code);
  memory.map(DATA, DATA_PAGES * 4096, PERM_RW, 'data');
  memory.map(STACK_TOP - 8 * 4096, 8 * 4096, PERM_RW, 'stack');
  const hart = new RiscvHart(memory, options);
  hart.pc = CODE;
  hart.setX(2, BigInt(STACK_TOP));
  return { memory, hart };
}

/** The engines every behaviour test runs under. */
export const ENGINES: readonly RiscvHartOptions[] = [
  { engine: 'interpreter' },
  { engine: 'js', translateThreshold: 0 },
  { engine: 'wasm', translateThreshold: 0 },
];
export const engineName = (o: RiscvHartOptions): string =>
  o.engine === 'interpreter'
    ? 'interpreter'
    : `${o.engine ?? 'js'}, threshold ${o.translateThreshold === undefined ? 'default' : o.translateThreshold}`;
