import { LayoutError, formatSize } from '../../platform/layout.js';
import { SPIKE_DEFAULTS, linkerScript, spikeMemoryLayout, type SpikeMemoryLayout } from '../../platform/linker-script.js';
import { IntegrationOptionError } from '../options.js';
import { spikeKernelLayout } from './platform.js';
import type { IntegrationOption, IntegrationOptionValues } from '../types.js';

/** ZeroOS's Spike build options (crates/zeroos-build/src/cmds/build.rs defaults). */
export const SPIKE_MEMORY_OPTIONS: readonly IntegrationOption[] = [
  { name: 'memory-size', kind: 'size', positive: true, description: 'RAM at 0x80000000, bytes', defaultText: String(SPIKE_DEFAULTS.memorySize) },
  { name: 'stack-size', kind: 'size', positive: true, description: 'stack at the top of RAM, bytes', defaultText: String(SPIKE_DEFAULTS.stackSize) },
  { name: 'heap-size', kind: 'size', positive: true, description: 'heap below the stack and its guard page, bytes', defaultText: String(SPIKE_DEFAULTS.heapSize) },
];

const num = (values: IntegrationOptionValues, key: string): number | undefined => {
  const value = values[key];
  return typeof value === 'number' ? value : undefined;
};

export function spikeLayoutFor(values: IntegrationOptionValues): SpikeMemoryLayout {
  try {
    return spikeMemoryLayout({ memorySize: num(values, 'memorySize'), stackSize: num(values, 'stackSize'), heapSize: num(values, 'heapSize') });
  } catch (error) {
    if (error instanceof LayoutError) throw new IntegrationOptionError(error.message);
    throw error;
  }
}

const upperHex = (value: number): string => '0x' + value.toString(16).toUpperCase();

export function spikeLayoutText(values: IntegrationOptionValues): string {
  const layout = spikeLayoutFor(values);
  return [
    'ZeroOS Spike layout (platforms/spike-platform/src/linker.ld.template; tohost/fromhost follow .bss)',
    `memory size       ${upperHex(layout.memorySize)} (${formatSize(layout.memorySize)})`,
    '',
    layout.layout.toTable(),
    '',
    ...spikeRunNotes(layout),
  ].join('\n');
}

/** How `zeroos run --platform spike` uses the layout, in each trap mode. */
function spikeRunNotes(layout: SpikeMemoryLayout): string[] {
  const run = spikeKernelLayout(layout);
  const brk = run.get('heap')!;
  const mmap = run.get('mmap');
  return [
    `run, --trap host     brk in [${upperHex(brk.start)}, ${upperHex(brk.end)})` +
      (mmap ? `, mmap in [${upperHex(mmap.start)}, ${upperHex(mmap.end)})` : ', no room for mmap') +
      `, the Linux initial stack below ${upperHex(layout.stackTop)}`,
    'run, --trap machine  all of RAM read-write-execute, pc = e_entry, t0 = e_entry, other registers 0; HTIF at the ELF\'s tohost/fromhost',
  ];
}

export function spikeLinkerScript(values: IntegrationOptionValues): string {
  return linkerScript({ platform: 'spike', spike: spikeLayoutFor(values) });
}
