import { IntegrationOptionError } from '../options.js';
import type { Integration } from '../types.js';
import { SPIKE_MEMORY_OPTIONS, spikeLayoutText, spikeLinkerScript } from './describe.js';

/** Spike with HTIF, ZeroOS's own reference platform (LayerZero-Labs/ZeroOS platforms/spike-platform). */
export const spikeIntegration: Integration = {
  name: 'spike',
  summary: "Spike/HTIF, ZeroOS's reference platform: RAM at 0x80000000, tohost/fromhost console and exit",
  trapModes: ['host', 'machine'],
  options: SPIKE_MEMORY_OPTIONS,
  setup({ options, purpose }) {
    if (purpose === 'run') throw new IntegrationOptionError('running on spike is not available in this build: zeroos layout and linker-script describe it');
    return {
      platform: undefined as never,
      layoutText: () => spikeLayoutText(options),
      linkerScript: () => spikeLinkerScript(options),
    };
  },
};
