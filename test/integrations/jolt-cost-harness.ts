/**
 * Runs a bare-metal Jolt guest (guests/bin/jolt) on a real hart with Jolt's custom
 * instructions and the trace-row meter (joltRunParts, as the Jolt platform wires them), without
 * the Jolt platform itself: the ELF's segments
 * loaded as Jolt loads them, the I/O region and RAM mapped plainly, pc = e_entry, until the
 * pc stalls. What the Jolt platform adds (memory rules, outcomes) is not here.
 */
import { readFileSync } from 'node:fs';
import { PagedMemory } from '../../src/arch/memory/paged-memory.js';
import { PERM_RW, PERM_RWX } from '../../src/arch/memory/types.js';
import { JOLT_MACHINE_PROFILE } from '../../src/arch/riscv64/csr/index.js';
import { RiscvHart, type RiscvHartOptions } from '../../src/arch/riscv64/hart.js';
import { CostMeter } from '../../src/arch/riscv64/observer.js';
import { StopReason } from '../../src/arch/riscv64/types.js';
import { type JoltCostModel, type JoltRunParts, joltRunParts } from '../../src/integrations/jolt/cost-model.js';
import type { JoltHostServices } from '../../src/integrations/jolt/instructions.js';
import { parseElf } from '../../src/platform/elf/index.js';

export const GUESTS = new URL('../../guests/bin/jolt/', import.meta.url);
export const EXPECTED = new URL('../../guests/expected/jolt/', import.meta.url);

/** Jolt's default I/O region (0x7FFF8000 .. io_end 0x7FFFC010) and its words. */
export const IO_START = 0x7fff8000;
export const OUTPUT_START = 0x7fffb000;
export const PANIC = 0x7fffc000;
export const TERMINATION = 0x7fffc008;
const RAM_START = 0x80000000;

export interface BareMetalRun {
  readonly hart: RiscvHart;
  readonly memory: PagedMemory;
  readonly parts: JoltRunParts;
  readonly host: JoltHostServices;
  readonly model: JoltCostModel;
  readonly rows: number;
  readonly instructions: number;
  readonly stop: StopReason;
  readonly stdout: string;
  /** The termination and panic bytes as the guest left them. */
  readonly termination: number;
  readonly panic: number;
  output(length: number): Uint8Array;
}

/** Boots `name` and runs it to its halt (or to the error it throws). */
export function runBareMetal(name: string, options: RiscvHartOptions = {}, budget = 50_000_000): BareMetalRun {
  const bytes = new Uint8Array(readFileSync(new URL(name, GUESTS)));
  const elf = parseElf(bytes);
  const memory = new PagedMemory();
  memory.map(IO_START, 0x5000, PERM_RW, 'jolt io');
  memory.map(RAM_START, 48 << 20, PERM_RWX, 'jolt ram');
  for (const segment of elf.loadSegments) memory.poke(segment.vaddr, bytes.subarray(segment.offset, segment.offset + segment.filesz));
  const chunks: Uint8Array[] = [];
  const parts = joltRunParts({ trapMode: 'machine' });
  const hart = new RiscvHart(memory, { ...options, isa: parts.isa(), machineProfile: JOLT_MACHINE_PROFILE });
  hart.reservationRule = 'jolt';
  const meter = new CostMeter(parts.costModel);
  parts.boot({ hart, cost: () => meter.total }, { write: (b) => chunks.push(b) });
  hart.observe(meter);
  hart.pc = elf.entry;
  const stop = hart.run(budget);
  return {
    hart,
    memory,
    parts,
    host: parts.host,
    model: parts.costModel,
    rows: meter.total,
    instructions: hart.instret,
    stop,
    stdout: Buffer.concat(chunks).toString('utf8'),
    termination: memory.read(TERMINATION, 1)[0]!,
    panic: memory.read(PANIC, 1)[0]!,
    output: (length) => memory.read(OUTPUT_START, length),
  };
}

/** guests/expected/jolt/<name>.<kind> as text. */
export function expected(name: string, kind: string): string {
  return readFileSync(new URL(`${name}.${kind}`, EXPECTED), 'utf8');
}

/** guests/expected/jolt/<name>.<kind> as bytes. */
export function expectedBytes(name: string, kind: string): Buffer {
  return readFileSync(new URL(`${name}.${kind}`, EXPECTED));
}
