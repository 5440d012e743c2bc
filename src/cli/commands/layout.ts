import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { EXIT_CODES, ZeroOSError } from '../../errors.js';
import { parseElf } from '../../platform/elf/index.js';
import {
  JOLT_DEFAULTS,
  JOLT_DEFAULT_MAX_TRACE_LENGTH,
  JOLT_RAM_START,
  joltMemoryLayout,
  joltProgramSize,
  type JoltMemoryLayout,
} from '../../platform/jolt-layout.js';
import { LayoutError, formatSize } from '../../platform/layout.js';
import { SPIKE_DEFAULTS, linkerScript, spikeMemoryLayout, type SpikeMemoryLayout } from '../../platform/linker-script.js';
import { createPlatform } from '../../platform/platforms.js';
import { writeDiagnostic } from '../host-io.js';

/** The platforms these commands describe (layouts as data: running on Jolt or Spike is another matter). */
export const LAYOUT_PLATFORMS = ['linux', 'jolt', 'spike'] as const;
type LayoutPlatform = (typeof LAYOUT_PLATFORMS)[number];

/** A user mistake on the command line: message and EXIT_CODES.usage, no stack. */
class UsageError extends ZeroOSError {
  readonly exitCode = EXIT_CODES.usage;
}

interface LayoutOptions {
  platform: LayoutPlatform;
  maxInputSize?: number;
  maxOutputSize?: number;
  maxTrustedAdviceSize?: number;
  maxUntrustedAdviceSize?: number;
  stackSize?: number;
  heapSize?: number;
  maxTraceLength?: number;
  memorySize?: number;
}

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 };

/** "4096", "0x1000", "4K", "32MiB" → bytes (0 allowed: Jolt accepts empty I/O regions). */
function parseBytes(value: string): number {
  const text = value.trim().replace(/_/g, '');
  const hexMatch = /^0x[0-9a-f]+$/i.exec(text);
  const match = /^(\d+)\s*([kmg]?)(?:i?b)?$/i.exec(text);
  const bytes = hexMatch ? Number(text) : match ? Number(match[1]) * UNITS[match[2]!.toLowerCase()]! : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new InvalidArgumentError('expected a size such as 4096, 0x1000, 64K or 32M');
  return bytes;
}

function parsePositiveBytes(value: string): number {
  const bytes = parseBytes(value);
  if (bytes === 0) throw new InvalidArgumentError('expected a positive size');
  return bytes;
}

/** Options each platform takes; any other given option is a usage error rather than silently ignored. */
const JOLT_OPTIONS = ['maxInputSize', 'maxOutputSize', 'maxTrustedAdviceSize', 'maxUntrustedAdviceSize', 'stackSize', 'heapSize', 'maxTraceLength'];
const SPIKE_OPTIONS = ['memorySize', 'stackSize', 'heapSize'];

function addMemoryOptions(command: Command): Command {
  return command
    .addOption(new Option('--platform <name>', 'platform').choices([...LAYOUT_PLATFORMS]).default('linux'))
    .addOption(new Option('--max-input-size <bytes>', `Jolt: input region (default ${JOLT_DEFAULTS.maxInputSize})`).argParser(parseBytes))
    .addOption(new Option('--max-output-size <bytes>', `Jolt: output region (default ${JOLT_DEFAULTS.maxOutputSize})`).argParser(parseBytes))
    .addOption(
      new Option('--max-trusted-advice-size <bytes>', `Jolt: trusted advice, a power of two or 0 (default ${JOLT_DEFAULTS.maxTrustedAdviceSize})`).argParser(
        parseBytes,
      ),
    )
    .addOption(
      new Option(
        '--max-untrusted-advice-size <bytes>',
        `Jolt: untrusted advice, a power of two or 0 (default ${JOLT_DEFAULTS.maxUntrustedAdviceSize})`,
      ).argParser(parseBytes),
    )
    .addOption(new Option('--stack-size <bytes>', `stack (Jolt default ${JOLT_DEFAULTS.stackSize}, Spike ${SPIKE_DEFAULTS.stackSize})`).argParser(parsePositiveBytes))
    .addOption(new Option('--heap-size <bytes>', `heap (Jolt default ${JOLT_DEFAULTS.heapSize}, Spike ${SPIKE_DEFAULTS.heapSize})`).argParser(parsePositiveBytes))
    .addOption(new Option('--max-trace-length <rows>', `Jolt: trace rows (default ${JOLT_DEFAULT_MAX_TRACE_LENGTH})`).argParser(parsePositiveBytes))
    .addOption(new Option('--memory-size <bytes>', `Spike: RAM size (default ${SPIKE_DEFAULTS.memorySize}); Jolt linker script: MEMORY length`).argParser(parsePositiveBytes));
}

function checkOptions(options: LayoutOptions, allowed: readonly string[], command: string): void {
  for (const [key, value] of Object.entries(options)) {
    if (key === 'platform' || value === undefined || allowed.includes(key)) continue;
    const flag = '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
    throw new UsageError(`${flag} does not apply to \`zeroos ${command} --platform ${options.platform}\``);
  }
}

/** Layout errors from option values (an advice size that is not a power of two) are the user's to fix. */
function asUsage<T>(compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof LayoutError) throw new UsageError(error.message);
    throw error;
  }
}

function jolt(options: LayoutOptions, programSize: number): JoltMemoryLayout {
  return asUsage(() =>
    joltMemoryLayout({
      programSize,
      maxInputSize: options.maxInputSize,
      maxOutputSize: options.maxOutputSize,
      maxTrustedAdviceSize: options.maxTrustedAdviceSize,
      maxUntrustedAdviceSize: options.maxUntrustedAdviceSize,
      stackSize: options.stackSize,
      heapSize: options.heapSize,
    }),
  );
}

function spike(options: LayoutOptions): SpikeMemoryLayout {
  return asUsage(() => spikeMemoryLayout({ memorySize: options.memorySize, stackSize: options.stackSize, heapSize: options.heapSize }));
}

const upperHex = (value: number): string => '0x' + value.toString(16).toUpperCase();

function readProgramSize(path: string): number {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  parseElf(bytes); // a file that is no RISC-V executable is a named ELF error (exit 65)
  return joltProgramSize(bytes);
}

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

function formatSpikeLayout(layout: SpikeMemoryLayout): string {
  return [
    "ZeroOS Spike layout (platforms/spike-platform/src/linker.ld.template; tohost/fromhost follow .bss)",
    `memory size       ${upperHex(layout.memorySize)} (${formatSize(layout.memorySize)})`,
    '',
    layout.layout.toTable(),
  ].join('\n');
}

export function addLayoutCommands(program: Command): void {
  addMemoryOptions(
    program
      .command('layout')
      .description("print a platform's memory layout (for Jolt, of the program ELF when given)")
      .argument('[elf]', 'Jolt: the program whose size places the stack and heap'),
  ).action((elf: string | undefined, options: LayoutOptions) => {
    let text: string;
    if (options.platform === 'jolt') {
      checkOptions(options, JOLT_OPTIONS, 'layout');
      const layout = jolt(options, elf === undefined ? 0 : readProgramSize(elf));
      text = formatJoltLayout(layout, options.maxTraceLength ?? JOLT_DEFAULT_MAX_TRACE_LENGTH, elf);
    } else {
      if (elf !== undefined) throw new UsageError(`an ELF argument applies to --platform jolt only`);
      if (options.platform === 'spike') {
        checkOptions(options, SPIKE_OPTIONS, 'layout');
        text = formatSpikeLayout(spike(options));
      } else {
        checkOptions(options, [], 'layout');
        text = createPlatform('linux').layout.toTable();
      }
    }
    writeDiagnostic(1, new TextEncoder().encode(text + '\n'));
  });

  addMemoryOptions(program.command('linker-script').description('print a GNU ld script that links a program for a platform\'s layout')).action(
    (options: LayoutOptions) => {
      let script: string;
      if (options.platform === 'jolt') {
        checkOptions(options, [...JOLT_OPTIONS, 'memorySize'], 'linker-script');
        script = asUsage(() => linkerScript({ platform: 'jolt', jolt: jolt(options, 0), memorySize: options.memorySize ?? SPIKE_DEFAULTS.memorySize }));
      } else if (options.platform === 'spike') {
        checkOptions(options, SPIKE_OPTIONS, 'linker-script');
        script = linkerScript({ platform: 'spike', spike: spike(options) });
      } else {
        throw new UsageError('Linux programs link with the toolchain\'s own script: linker-script takes --platform jolt or spike');
      }
      writeDiagnostic(1, new TextEncoder().encode(script));
    },
  );
}
