import { IntegrationOptionError } from '../options.js';
import type { Integration } from '../types.js';
import { JOLT_MEMORY_OPTIONS, joltLayoutText, joltLinkerScript } from './describe.js';

/** Jolt (a16z/jolt): its MemoryConfig layout, I/O regions, outcomes, CSR limits, custom instructions and trace-row cost. */
export const joltIntegration: Integration = {
  name: 'jolt',
  summary: "Jolt (a16z/jolt ff9f8c13): Jolt's memory layout and I/O regions, termination and panic words, ISA limits, custom instructions, trace rows as cycles",
  trapModes: ['host', 'machine'],
  options: JOLT_MEMORY_OPTIONS,
  setup({ options, purpose }) {
    if (purpose === 'run') throw new IntegrationOptionError('running on jolt is not available in this build: zeroos layout and linker-script describe it');
    return {
      platform: undefined as never,
      layoutText: (program) => joltLayoutText(options, program),
      linkerScript: () => joltLinkerScript(options),
    };
  },
};
