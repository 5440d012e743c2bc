import { LayoutError } from '../../platform/layout.js';
import { IntegrationOptionError } from '../options.js';
import type { Integration, IntegrationOptionValues } from '../types.js';
import { SPIKE_MEMORY_OPTIONS, spikeLayoutText, spikeLinkerScript } from './describe.js';
import { spikeModule } from './module.js';
import { SpikePlatform } from './platform.js';

const size = (values: IntegrationOptionValues, key: string): number | undefined => {
  const value = values[key];
  return typeof value === 'number' ? value : undefined;
};

/**
 * Spike with HTIF, ZeroOS's own reference platform (LayerZero-Labs/ZeroOS
 * platforms/spike-platform; riscv-software-src/riscv-isa-sim's fesvr for HTIF). A run
 * loads the program into RAM at 0x80000000, finds tohost/fromhost from its symbols and
 * serves HTIF's console and exit; `--trap host` runs a Linux user program linked for
 * Spike's layout with ZeroOS serving its syscalls, `--trap machine` the bare machine.
 */
export const spikeIntegration: Integration = {
  name: 'spike',
  summary: "Spike/HTIF, ZeroOS's reference platform: RAM at 0x80000000, tohost/fromhost console and exit",
  trapModes: ['host', 'machine'],
  options: SPIKE_MEMORY_OPTIONS,
  setup({ options, purpose, trapMode }) {
    const describe = {
      layoutText: () => spikeLayoutText(options),
      linkerScript: () => spikeLinkerScript(options),
    };
    let platform: SpikePlatform;
    try {
      platform = new SpikePlatform({
        trapMode,
        memorySize: size(options, 'memorySize'),
        stackSize: size(options, 'stackSize'),
        heapSize: size(options, 'heapSize'),
      });
    } catch (error) {
      if (error instanceof LayoutError) throw new IntegrationOptionError(error.message);
      throw error;
    }
    if (purpose === 'describe') return { platform, checkImage: (image) => platform.checkImage(image), ...describe };
    return { platform, module: spikeModule(platform), ...describe };
  },
};
