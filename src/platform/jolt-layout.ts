import { PERM_R, PERM_RW, PERM_RWX } from '../arch/memory/types.js';
import { hex } from '../errors.js';
import { LayoutError, MemoryLayout, type RegionSpec } from './layout.js';

/*
 * Jolt's address space (common/src/jolt_device.rs, MemoryLayout::new), with the defaults:
 *
 *   heap_end       ┌──────────────────────────────┐
 *                  │ heap          rw-  (32 MiB)  │ grows up from the top of the stack
 *   stack_start    ├──────────────────────────────┤
 *                  │ stack         rw-  (4 KiB)   │ grows down to the canary
 *                  ├──────────────────────────────┤
 *                  │ stack-canary  ---  (128 B)   │ any access faults
 *   stack_end      ├──────────────────────────────┤ = RAM_START + program size
 *                  │ image         rwx            │ text, data, bss
 *   0x8000_0000    ├──────────────────────────────┤ JOLT_RAM_START
 *                  │ io-padding    r--            │ reads as zero
 *   0x7FFF_C010    ├──────────────────────────────┤ io_end
 *                  │ termination   rw-  (8 B)     │
 *   0x7FFF_C008    ├──────────────────────────────┤
 *                  │ panic         rw-  (8 B)     │
 *   0x7FFF_C000    ├──────────────────────────────┤ output_end
 *                  │ output        rw-  (4 KiB)   │
 *   0x7FFF_B000    ├──────────────────────────────┤
 *                  │ input         r--  (4 KiB)   │
 *   0x7FFF_A000    ├──────────────────────────────┤
 *                  │ untrusted-advice r-- (4 KiB) │ (the larger advice region goes first)
 *   0x7FFF_9000    ├──────────────────────────────┤
 *                  │ trusted-advice r-- (4 KiB)   │
 *   0x7FFF_8000    └──────────────────────────────┘ RAM_START - I/O size (a power-of-two number of words)
 *
 * The I/O regions are byte ranges of 8-byte words, not pages: Jolt's devices check every
 * access, so they are declared with 8-byte alignment. RAM regions follow the program's
 * size byte for byte, as Jolt computes them.
 */
export const JOLT_RAM_START = 0x8000_0000;
export const JOLT_STACK_CANARY_SIZE = 128;
/** Jolt's word: I/O sizes are rounded up to it and its panic and termination flags each fill one. */
const WORD = 8;

export const JOLT_DEFAULTS = {
  maxInputSize: 4096,
  maxOutputSize: 4096,
  maxTrustedAdviceSize: 4096,
  maxUntrustedAdviceSize: 4096,
  stackSize: 4096,
  heapSize: 32 * 1024 * 1024,
} as const;

export interface JoltMemoryConfig {
  /** Bytes from RAM_START to the end of the program's last section (text, data, bss). */
  readonly programSize: number;
  readonly maxInputSize?: number | undefined;
  readonly maxOutputSize?: number | undefined;
  /** Must be a power of two (after rounding up to 8) or 0. */
  readonly maxTrustedAdviceSize?: number | undefined;
  /** Must be a power of two (after rounding up to 8) or 0. */
  readonly maxUntrustedAdviceSize?: number | undefined;
  readonly stackSize?: number | undefined;
  readonly heapSize?: number | undefined;
}

/** Jolt's MemoryLayout fields (sizes rounded as Jolt rounds them) and the same layout as regions. */
export interface JoltMemoryLayout {
  readonly programSize: number;
  readonly maxTrustedAdviceSize: number;
  readonly trustedAdviceStart: number;
  readonly trustedAdviceEnd: number;
  readonly maxUntrustedAdviceSize: number;
  readonly untrustedAdviceStart: number;
  readonly untrustedAdviceEnd: number;
  readonly maxInputSize: number;
  readonly inputStart: number;
  readonly inputEnd: number;
  readonly maxOutputSize: number;
  readonly outputStart: number;
  readonly outputEnd: number;
  /** The panic word (at output_end) and the termination word 8 bytes later. */
  readonly panic: number;
  readonly termination: number;
  readonly ioEnd: number;
  readonly stackSize: number;
  /** The stack's lowest address (where the canary starts): RAM_START + program size. */
  readonly stackEnd: number;
  /** The stack's highest address, where sp starts and the heap begins. */
  readonly stackStart: number;
  readonly heapSize: number;
  readonly heapEnd: number;
  readonly layout: MemoryLayout;
}

/** Computes Jolt's memory layout for a program, exactly as Jolt does. */
export function joltMemoryLayout(config: JoltMemoryConfig): JoltMemoryLayout {
  const size = (name: keyof JoltMemoryConfig, value: number): number => {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new LayoutError(`Jolt ${name} ${value} is not a non-negative integer`);
    }
    return value;
  };
  const programSize = size('programSize', config.programSize);
  const maxTrustedAdviceSize = roundToWord(size('maxTrustedAdviceSize', config.maxTrustedAdviceSize ?? JOLT_DEFAULTS.maxTrustedAdviceSize));
  const maxUntrustedAdviceSize = roundToWord(
    size('maxUntrustedAdviceSize', config.maxUntrustedAdviceSize ?? JOLT_DEFAULTS.maxUntrustedAdviceSize),
  );
  const maxInputSize = roundToWord(size('maxInputSize', config.maxInputSize ?? JOLT_DEFAULTS.maxInputSize));
  const maxOutputSize = roundToWord(size('maxOutputSize', config.maxOutputSize ?? JOLT_DEFAULTS.maxOutputSize));
  const stackSize = roundToWord(size('stackSize', config.stackSize ?? JOLT_DEFAULTS.stackSize));
  const heapSize = roundToWord(size('heapSize', config.heapSize ?? JOLT_DEFAULTS.heapSize));

  // Jolt's RAM checking needs power-of-two advice regions.
  for (const [name, value] of [
    ['trusted advice', maxTrustedAdviceSize],
    ['untrusted advice', maxUntrustedAdviceSize],
  ] as const) {
    if (value !== 0 && !isPowerOfTwo(value)) throw new LayoutError(`Jolt ${name} size ${value} is not a power of two`);
  }

  // +16 for the panic and termination words; padded to a power-of-two number of words so
  // input_start maps to a witness index of the form 0b11..100..0.
  const ioBytes = maxInputSize + maxTrustedAdviceSize + maxUntrustedAdviceSize + maxOutputSize + 2 * WORD;
  const ioRegionSize = nextPowerOfTwo(ioBytes / WORD) * WORD;
  if (ioRegionSize > JOLT_RAM_START) {
    throw new LayoutError(`Jolt's I/O region (${hex(ioRegionSize)} bytes) does not fit below RAM_START ${hex(JOLT_RAM_START)}`);
  }
  const ioStart = JOLT_RAM_START - ioRegionSize;
  const trustedFirst = maxTrustedAdviceSize >= maxUntrustedAdviceSize;
  const firstAdviceEnd = ioStart + (trustedFirst ? maxTrustedAdviceSize : maxUntrustedAdviceSize);
  const secondAdviceEnd = firstAdviceEnd + (trustedFirst ? maxUntrustedAdviceSize : maxTrustedAdviceSize);
  const trustedAdviceStart = trustedFirst ? ioStart : firstAdviceEnd;
  const untrustedAdviceStart = trustedFirst ? firstAdviceEnd : ioStart;
  const trustedAdviceEnd = trustedAdviceStart + maxTrustedAdviceSize;
  const untrustedAdviceEnd = untrustedAdviceStart + maxUntrustedAdviceSize;
  const inputStart = secondAdviceEnd;
  const inputEnd = inputStart + maxInputSize;
  const outputStart = inputEnd;
  const outputEnd = outputStart + maxOutputSize;
  const panic = outputEnd;
  const termination = panic + WORD;
  const ioEnd = termination + WORD;

  const stackEnd = JOLT_RAM_START + programSize;
  const stackStart = stackEnd + JOLT_STACK_CANARY_SIZE + stackSize;
  const heapEnd = stackStart + heapSize;

  const io = (name: string, start: number, end: number, perms: number, kind: RegionSpec['kind'] = 'io'): RegionSpec[] =>
    end > start ? [{ name, kind, start, end, perms, alignment: WORD }] : [];
  const ram = (name: string, start: number, end: number, perms: number, kind: RegionSpec['kind']): RegionSpec[] =>
    end > start ? [{ name, kind, start, end, perms, alignment: 1 }] : [];
  const layout = new MemoryLayout([
    ...io('trusted-advice', trustedAdviceStart, trustedAdviceEnd, PERM_R),
    ...io('untrusted-advice', untrustedAdviceStart, untrustedAdviceEnd, PERM_R),
    ...io('input', inputStart, inputEnd, PERM_R),
    ...io('output', outputStart, outputEnd, PERM_RW),
    ...io('panic', panic, termination, PERM_RW),
    ...io('termination', termination, ioEnd, PERM_RW),
    ...io('io-padding', ioEnd, JOLT_RAM_START, PERM_R, 'reserved'),
    ...ram('image', JOLT_RAM_START, stackEnd, PERM_RWX, 'image'),
    ...ram('stack-canary', stackEnd, stackEnd + JOLT_STACK_CANARY_SIZE, 0, 'guard'),
    ...ram('stack', stackEnd + JOLT_STACK_CANARY_SIZE, stackStart, PERM_RW, 'stack'),
    ...ram('heap', stackStart, heapEnd, PERM_RW, 'heap'),
  ]);

  return {
    programSize,
    maxTrustedAdviceSize,
    trustedAdviceStart,
    trustedAdviceEnd,
    maxUntrustedAdviceSize,
    untrustedAdviceStart,
    untrustedAdviceEnd,
    maxInputSize,
    inputStart,
    inputEnd,
    maxOutputSize,
    outputStart,
    outputEnd,
    panic,
    termination,
    ioEnd,
    stackSize,
    stackEnd,
    stackStart,
    heapSize,
    heapEnd,
    layout,
  };
}

function roundToWord(value: number): number {
  return Math.ceil(value / WORD) * WORD;
}

function isPowerOfTwo(value: number): boolean {
  return Number.isInteger(Math.log2(value)) && 2 ** Math.log2(value) === value;
}

/** Rust's u64::next_power_of_two: the smallest power of two ≥ value (1 for 0). */
function nextPowerOfTwo(value: number): number {
  let power = 1;
  while (power < value) power *= 2;
  return power;
}

/** Jolt's default trace length bound (DEFAULT_MAX_TRACE_LENGTH, 2^24 rows). */
export const JOLT_DEFAULT_MAX_TRACE_LENGTH = 2 ** 24;

/**
 * Jolt's program_size for an ELF: the highest end address of any section at or above RAM_START,
 * minus RAM_START, .bss included (jolt-program's image/elf.rs reads section headers, not
 * segments). A file without section headers falls back to its PT_LOAD segments, which cover
 * the same bytes for a linked executable.
 */
export function joltProgramSize(elf: Uint8Array): number {
  const view = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const u64 = (offset: number): number => Number(view.getBigUint64(offset, true));
  const ram = BigInt(JOLT_RAM_START);
  let end = ram;
  const extend = (start: bigint, size: bigint): void => {
    if (start >= ram && start + size > end) end = start + size;
  };
  const shoff = u64(40);
  const shentsize = view.getUint16(58, true);
  const shnum = view.getUint16(60, true);
  if (shoff !== 0 && shnum !== 0 && shentsize >= 64 && shoff + shnum * shentsize <= elf.length) {
    for (let i = 0; i < shnum; i++) {
      const header = shoff + i * shentsize;
      extend(view.getBigUint64(header + 16, true), view.getBigUint64(header + 32, true));
    }
  } else {
    const phoff = u64(32);
    const phentsize = view.getUint16(54, true);
    const phnum = view.getUint16(56, true);
    for (let i = 0; i < phnum && phoff + (i + 1) * phentsize <= elf.length; i++) {
      const header = phoff + i * phentsize;
      if (view.getUint32(header, true) === 1 /* PT_LOAD */) {
        extend(view.getBigUint64(header + 16, true), view.getBigUint64(header + 40, true));
      }
    }
  }
  return Number(end - ram);
}
