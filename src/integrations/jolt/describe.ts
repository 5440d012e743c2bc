import { parseElf } from '../../platform/elf/index.js';
import { JOLT_DEFAULTS, JOLT_DEFAULT_MAX_TRACE_LENGTH, JOLT_RAM_START, joltMemoryLayout, joltProgramSize, type JoltMemoryLayout } from '../../platform/jolt-layout.js';
import { LayoutError, formatSize } from '../../platform/layout.js';
import { SPIKE_DEFAULTS, linkerScript } from '../../platform/linker-script.js';
import { IntegrationOptionError } from '../options.js';
import { JoltSizeMismatch } from './errors.js';
import { JOLT_HEAP_SIZE_SYMBOL, JOLT_STACK_SIZE_SYMBOL } from './platform.js';
import { readJoltProgram } from './program.js';
import type { IntegrationOption, IntegrationOptionValues } from '../types.js';

/** Jolt's MemoryConfig options, with Jolt's defaults (common/src/constants.rs). */
export const JOLT_MEMORY_OPTIONS: readonly IntegrationOption[] = [
  { name: 'max-input-size', kind: 'size', description: 'input region, bytes', defaultText: String(JOLT_DEFAULTS.maxInputSize) },
  { name: 'max-output-size', kind: 'size', description: 'output region, bytes', defaultText: String(JOLT_DEFAULTS.maxOutputSize) },
  { name: 'max-trusted-advice-size', kind: 'size', description: 'trusted advice region: a power of two or 0', defaultText: String(JOLT_DEFAULTS.maxTrustedAdviceSize) },
  { name: 'max-untrusted-advice-size', kind: 'size', description: 'untrusted advice region: a power of two or 0', defaultText: String(JOLT_DEFAULTS.maxUntrustedAdviceSize) },
  { name: 'stack-size', kind: 'size', positive: true, description: 'stack, bytes (a program linked by `zeroos linker-script` carries its own)', defaultText: String(JOLT_DEFAULTS.stackSize) },
  { name: 'heap-size', kind: 'size', positive: true, description: 'heap, bytes (a program linked by `zeroos linker-script` carries its own)', defaultText: String(JOLT_DEFAULTS.heapSize) },
  { name: 'max-trace-length', kind: 'count', positive: true, description: 'most trace rows (cycles) a run may take', defaultText: String(JOLT_DEFAULT_MAX_TRACE_LENGTH) },
  { name: 'memory-size', kind: 'size', positive: true, description: 'linker script only: the MEMORY length the image must fit in', defaultText: String(SPIKE_DEFAULTS.memorySize), commands: ['linker-script'] },
];

/** What a run on Jolt reads and writes (zeroos run only). */
export const JOLT_RUN_OPTIONS: readonly IntegrationOption[] = [
  { name: 'input', kind: 'file', description: 'bytes placed in the input region before start (e.g. from zeroos postcard encode)', commands: ['run'] },
  { name: 'trusted-advice', kind: 'file', description: 'bytes placed in the trusted advice region before start', commands: ['run'] },
  { name: 'untrusted-advice', kind: 'file', description: 'bytes placed in the untrusted advice region before start', commands: ['run'] },
  { name: 'output', kind: 'file', description: 'host file that receives the output bytes when the run ends (trailing zeros trimmed, as Jolt\'s host does); not --out', commands: ['run'] },
];

const num = (values: IntegrationOptionValues, key: string): number | undefined => {
  const value = values[key];
  return typeof value === 'number' ? value : undefined;
};

/** Jolt's layout for these option values and program size; a bad value is a usage error. */
export function joltLayoutFor(values: IntegrationOptionValues, programSize: number): JoltMemoryLayout {
  try {
    return joltMemoryLayout({
      programSize,
      maxInputSize: num(values, 'maxInputSize'),
      maxOutputSize: num(values, 'maxOutputSize'),
      maxTrustedAdviceSize: num(values, 'maxTrustedAdviceSize'),
      maxUntrustedAdviceSize: num(values, 'maxUntrustedAdviceSize'),
      stackSize: num(values, 'stackSize'),
      heapSize: num(values, 'heapSize'),
    });
  } catch (error) {
    if (error instanceof LayoutError) throw new IntegrationOptionError(error.message);
    throw error;
  }
}

export function joltMaxTraceLength(values: IntegrationOptionValues): number {
  return num(values, 'maxTraceLength') ?? JOLT_DEFAULT_MAX_TRACE_LENGTH;
}

const upperHex = (value: number): string => '0x' + value.toString(16).toUpperCase();

/** Jolt's layout as its MemoryLayout fields, in address order. */
export function formatJoltLayout(layout: JoltMemoryLayout, maxTraceLength: number, elf?: string): string {
  const rows: [string, string, string, string][] = [
    ['trusted advice', upperHex(layout.trustedAdviceStart), upperHex(layout.trustedAdviceEnd), formatSize(layout.maxTrustedAdviceSize)],
    ['untrusted advice', upperHex(layout.untrustedAdviceStart), upperHex(layout.untrustedAdviceEnd), formatSize(layout.maxUntrustedAdviceSize)],
    ['input', upperHex(layout.inputStart), upperHex(layout.inputEnd), formatSize(layout.maxInputSize)],
    ['output', upperHex(layout.outputStart), upperHex(layout.outputEnd), formatSize(layout.maxOutputSize)],
    ['panic', upperHex(layout.panic), upperHex(layout.termination), formatSize(8)],
    ['termination', upperHex(layout.termination), upperHex(layout.ioEnd), formatSize(8)],
    ['io_end', upperHex(layout.ioEnd), '', ''],
    ['image', upperHex(JOLT_RAM_START), upperHex(layout.stackEnd), formatSize(layout.programSize)],
    ['stack canary', upperHex(layout.stackEnd), upperHex(layout.stackEnd + 128), formatSize(128)],
    ['stack', upperHex(layout.stackEnd + 128), upperHex(layout.stackStart), formatSize(layout.stackSize)],
    ['heap', upperHex(layout.stackStart), upperHex(layout.heapEnd), formatSize(layout.heapSize)],
  ];
  const header: [string, string, string, string] = ['region', 'start', 'end', 'size'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const table = [header, ...rows].map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
  return [
    'Jolt memory layout (common/src/jolt_device.rs, MemoryLayout::new)',
    elf === undefined
      ? 'program size      0 (no ELF given: program size 0; pass the ELF to place the stack and heap after it)'
      : `program size      ${upperHex(layout.programSize)} (${formatSize(layout.programSize)}, from ${elf})`,
    `memory size       ${upperHex(layout.heapEnd - JOLT_RAM_START)} (heap_end - RAM_START)`,
    `max trace length  ${maxTraceLength}`,
    '',
    ...table,
  ].join('\n');
}

/** `zeroos layout --platform jolt [ELF]`. */
export function joltLayoutText(values: IntegrationOptionValues, program?: { readonly path: string; readonly bytes: Uint8Array }): string {
  let programSize = 0;
  let settled = values;
  if (program) {
    const elf = parseElf(program.bytes); // a file that is no RISC-V executable is a named ELF error (exit 65)
    programSize = joltProgramSize(program.bytes);
    // The stack and heap sizes the program was linked with, as a run reads them back.
    const symbols = readJoltProgram(program.bytes, elf.entry).symbols;
    const linked: Record<string, number | string | undefined> = { ...values };
    for (const [key, option, symbol] of [
      ['stackSize', 'stack-size', JOLT_STACK_SIZE_SYMBOL],
      ['heapSize', 'heap-size', JOLT_HEAP_SIZE_SYMBOL],
    ] as const) {
      const size = symbols.get(symbol);
      if (size === undefined) continue;
      const given = values[key];
      if (typeof given === 'number' && given !== size) throw new JoltSizeMismatch(option, given, symbol, size);
      linked[key] = size;
    }
    settled = linked;
  }
  return formatJoltLayout(joltLayoutFor(settled, programSize), joltMaxTraceLength(settled), program?.path);
}

/** `zeroos linker-script --platform jolt`. */
export function joltLinkerScript(values: IntegrationOptionValues): string {
  const jolt = joltLayoutFor(values, 0);
  try {
    return linkerScript({ platform: 'jolt', jolt, memorySize: num(values, 'memorySize') ?? SPIKE_DEFAULTS.memorySize });
  } catch (error) {
    if (error instanceof LayoutError) throw new IntegrationOptionError(error.message);
    throw error;
  }
}
