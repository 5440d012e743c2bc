import { PERM_RW, PERM_RWX } from '../arch/memory/types.js';
import { hex } from '../errors.js';
import { JOLT_RAM_START, JOLT_STACK_CANARY_SIZE, type JoltMemoryLayout } from './jolt-layout.js';
import { LayoutError, MemoryLayout } from './layout.js';

/*
 * GNU ld scripts generated from a platform's layout, so that a program linked for a zkVM
 * lands exactly where that zkVM's emulator expects it. Two shapes exist upstream:
 *
 * - Jolt (jolt src/linker.ld.template): the stack and heap follow the image, since Jolt puts
 *   them at RAM_START + program_size. The script places them after .bss with symbols only
 *   (no sections), so they do not count in program_size.
 * - ZeroOS's Spike platform (platforms/spike-platform/src/linker.ld.template): the stack sits
 *   at the top of RAM, a guard page below it, the heap below that; tohost/fromhost follow .bss.
 */

export const SPIKE_RAM_START = 0x8000_0000;
export const SPIKE_GUARD_SIZE = 4096;
/** `cargo spike build`'s defaults (zeroos crates/zeroos-build/src/cmds/build.rs). */
export const SPIKE_DEFAULTS = {
  memorySize: 128 * 2 ** 20,
  stackSize: 8 * 2 ** 20,
  heapSize: 64 * 2 ** 20,
} as const;

export interface SpikeMemoryConfig {
  readonly memorySize?: number | undefined;
  readonly stackSize?: number | undefined;
  readonly heapSize?: number | undefined;
}

/** ZeroOS's Spike layout, computed as its linker template computes it. */
export interface SpikeMemoryLayout {
  readonly ramStart: number;
  readonly memorySize: number;
  readonly stackSize: number;
  readonly heapSize: number;
  readonly stackTop: number;
  readonly stackBottom: number;
  readonly heapEnd: number;
  readonly heapStart: number;
  readonly layout: MemoryLayout;
}

const alignDown = (value: number, alignment: number): number => Math.floor(value / alignment) * alignment;

export function spikeMemoryLayout(config: SpikeMemoryConfig = {}): SpikeMemoryLayout {
  const size = (name: string, value: number): number => {
    if (!Number.isSafeInteger(value) || value <= 0) throw new LayoutError(`Spike ${name} ${value} is not a positive integer`);
    return value;
  };
  const memorySize = size('memory size', config.memorySize ?? SPIKE_DEFAULTS.memorySize);
  const stackSize = size('stack size', config.stackSize ?? SPIKE_DEFAULTS.stackSize);
  const heapSize = size('heap size', config.heapSize ?? SPIKE_DEFAULTS.heapSize);
  const stackTop = alignDown(SPIKE_RAM_START + memorySize, 16);
  const stackBottom = stackTop - stackSize;
  const heapEnd = alignDown(stackBottom - SPIKE_GUARD_SIZE, 4096);
  const heapStart = alignDown(heapEnd - heapSize, 4096);
  if (heapStart <= SPIKE_RAM_START) {
    throw new LayoutError(
      `Spike: a ${hex(stackSize)}-byte stack, a guard page and a ${hex(heapSize)}-byte heap leave no room for the image in ${hex(memorySize)} bytes of RAM`,
    );
  }
  const layout = new MemoryLayout([
    { name: 'image', kind: 'image', start: SPIKE_RAM_START, end: heapStart, perms: PERM_RWX, alignment: 16 },
    { name: 'heap', kind: 'heap', start: heapStart, end: heapEnd, perms: PERM_RW, alignment: 16 },
    ...(stackBottom > heapEnd ? [{ name: 'guard', kind: 'guard' as const, start: heapEnd, end: stackBottom, perms: 0, alignment: 16 }] : []),
    { name: 'stack', kind: 'stack', start: stackBottom, end: stackTop, perms: PERM_RW, alignment: 16 },
  ]);
  return { ramStart: SPIKE_RAM_START, memorySize, stackSize, heapSize, stackTop, stackBottom, heapEnd, heapStart, layout };
}

/** What a linker script is generated from: one platform's layout. */
export type LinkerLayout =
  | {
      readonly platform: 'jolt';
      readonly jolt: JoltMemoryLayout;
      /**
       * MEMORY's LENGTH: the room image + canary + stack + heap must fit in. Jolt derives its
       * emulator memory from the program (heap_end − RAM_START), so this is a budget, checked by ASSERT.
       */
      readonly memorySize: number;
    }
  | { readonly platform: 'spike'; readonly spike: SpikeMemoryLayout };

/** The GNU ld script for a layout (pure: the same layout gives the same text). */
export function linkerScript(description: LinkerLayout): string {
  return description.platform === 'jolt' ? joltScript(description.jolt, description.memorySize) : spikeScript(description.spike);
}

/** Output sections common to both platforms, from .text.boot to the end of TLS. */
function programSections(): string {
  return `  .text.boot : {
    KEEP(*(.text.boot))
  } > ram

  .text : {
    *(.text.unlikely .text.unlikely.*)
    *(.text.startup .text.startup.*)
    *(.text .text.*)
  } > ram

  .rodata : ALIGN(8) {
    *(.rodata .rodata.*)
    *(.srodata .srodata.*)
  } > ram

  .eh_frame_hdr : { *(.eh_frame_hdr) } > ram
  .eh_frame : { KEEP(*(.eh_frame)) } > ram
  .gcc_except_table : { *(.gcc_except_table .gcc_except_table.*) } > ram

  /* musl's libc_start_init and exit walk these arrays between the symbols below. */
  .preinit_array : ALIGN(8) {
    PROVIDE_HIDDEN(__preinit_array_start = .);
    KEEP(*(.preinit_array))
    PROVIDE_HIDDEN(__preinit_array_end = .);
  } > ram
  .init_array : ALIGN(8) {
    PROVIDE_HIDDEN(__init_array_start = .);
    KEEP(*(SORT_BY_INIT_PRIORITY(.init_array.*) SORT_BY_INIT_PRIORITY(.ctors.*)))
    KEEP(*(.init_array .ctors))
    PROVIDE_HIDDEN(__init_array_end = .);
  } > ram
  .fini_array : ALIGN(8) {
    PROVIDE_HIDDEN(__fini_array_start = .);
    KEEP(*(SORT_BY_INIT_PRIORITY(.fini_array.*) SORT_BY_INIT_PRIORITY(.dtors.*)))
    KEEP(*(.fini_array .dtors))
    PROVIDE_HIDDEN(__fini_array_end = .);
  } > ram

  .data : ALIGN(8) {
    __data_start = .;
    *(.data .data.*)
  } > ram

  /* Small data last before TLS and .bss, so gp (start + 2 KiB) reaches it and .sbss with 12-bit offsets. */
  .sdata : ALIGN(8) {
    __sdata_start = .;
    *(.sdata .sdata.* .sdata2 .sdata2.*)
  } > ram
  __global_pointer$ = __sdata_start + 0x800;

  .tdata : ALIGN(8) {
    __tdata_start = .;
    *(.tdata .tdata.*)
    __tdata_end = .;
  } > ram
  .tbss : ALIGN(8) {
    __tbss_start = .;
    *(.tbss .tbss.*)
    *(.tcommon)
    __tbss_end = .;
  } > ram
`;
}

function bssSection(extra = ''): string {
  return `  .bss (NOLOAD) : ALIGN(8) {
    __bss_start = .;
    *(.sbss .sbss.*)
    *(.bss .bss.*)
    *(COMMON)${extra}
    . = ALIGN(16);
    __bss_end = .;
  } > ram
`;
}

const DISCARD = `  /DISCARD/ : {
    *(.note.GNU-stack)
    *(.comment)
  }
`;

function joltScript(jolt: JoltMemoryLayout, memorySize: number): string {
  if (!Number.isSafeInteger(memorySize) || memorySize <= 0) throw new LayoutError(`Jolt memory size ${memorySize} is not a positive integer`);
  const region = (name: string, start: number, end: number) =>
    `__${name}_start = ${hex(start)};\n__${name}_end = ${hex(end)};\n`;
  return `/* GNU ld script for Jolt (generated by zeroos linker-script --platform jolt). */
OUTPUT_ARCH(riscv)
ENTRY(_start)

MEMORY {
  ram (rwx) : ORIGIN = ${hex(JOLT_RAM_START)}, LENGTH = ${hex(memorySize)}
}

/* Jolt's I/O regions below RAM (common/src/jolt_device.rs, MemoryLayout::new). */
${region('trusted_advice', jolt.trustedAdviceStart, jolt.trustedAdviceEnd)}${region('untrusted_advice', jolt.untrustedAdviceStart, jolt.untrustedAdviceEnd)}${region('input', jolt.inputStart, jolt.inputEnd)}${region('output', jolt.outputStart, jolt.outputEnd)}__panic = ${hex(jolt.panic)};
__termination = ${hex(jolt.termination)};
__io_end = ${hex(jolt.ioEnd)};

/* Absolute symbols, not sections: they must not grow program_size. A run reads them back. */
__stack_size = ABSOLUTE(${hex(jolt.stackSize)});
__heap_size = ABSOLUTE(${hex(jolt.heapSize)});
__stack_canary_size = ABSOLUTE(${hex(JOLT_STACK_CANARY_SIZE)});

SECTIONS {
${programSections()}
${bssSection()}
  /*
   * Jolt puts the stack at RAM_START + program_size, program_size being the end of the last
   * section: .bss ends 16-aligned and nothing allocated follows it, so __stack_bottom is
   * exactly Jolt's stack_end. Then the 128-byte canary, the stack, and the heap above it.
   */
  __stack_bottom = __bss_end;
  __stack_top = __stack_bottom + __stack_canary_size + __stack_size;
  __heap_start = __stack_top;
  __heap_end = __heap_start + __heap_size;

${DISCARD}}

ASSERT(__stack_bottom == ALIGN(__bss_end, 16), "Jolt: the stack must start where the image ends")
ASSERT(__heap_end <= ORIGIN(ram) + LENGTH(ram), "Jolt: image + stack canary + stack + heap overflow the memory size")
ASSERT(__io_end <= ORIGIN(ram), "Jolt: the I/O regions overlap RAM")
`;
}

function spikeScript(spike: SpikeMemoryLayout): string {
  return `/* GNU ld script for ZeroOS on Spike/HTIF (generated by zeroos linker-script --platform spike). */
OUTPUT_ARCH(riscv)
ENTRY(_start)

MEMORY {
  ram (rwx) : ORIGIN = ${hex(spike.ramStart)}, LENGTH = ${hex(spike.memorySize)}
}

/* Absolute symbols, not sections. */
__stack_size = ABSOLUTE(${hex(spike.stackSize)});
__heap_size = ABSOLUTE(${hex(spike.heapSize)});
__guard_size = ABSOLUTE(${hex(SPIKE_GUARD_SIZE)});

SECTIONS {
${programSections()}
${bssSection()}
  /* HTIF's mailbox: Spike finds tohost/fromhost by symbol; each is an aligned 64-bit word. */
  .htif (NOLOAD) : ALIGN(64) {
    tohost = .;
    . += 8;
    fromhost = .;
    . += 8;
  } > ram
  __image_end = .;

  /* ZeroOS's Spike template: the stack at the top of RAM, a guard page, the heap below. */
  __stack_top = ${hex(spike.stackTop)};
  __stack_bottom = ${hex(spike.stackBottom)};
  __heap_end = ${hex(spike.heapEnd)};
  __heap_start = ${hex(spike.heapStart)};

${DISCARD}}

ASSERT(__stack_top == ALIGN(ORIGIN(ram) + LENGTH(ram) - 15, 16), "Spike: the stack must end at the top of RAM")
ASSERT(__image_end <= __heap_start, "Spike: the image overlaps the heap")
ASSERT(__heap_end + __guard_size <= __stack_bottom, "Spike: the heap overlaps the stack guard")
`;
}
