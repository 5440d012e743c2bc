export { spikeIntegration } from './integration.js';
export * from './describe.js';
export { SpikePlatform, spikeKernelLayout, spikeRunLayout, type SpikeRunConfig, type SpikeProgramInfo } from './platform.js';
export { HtifHost, type HtifAddresses, type HtifCounts, type HtifHostServices } from './htif.js';
export { spikeModule, spikeReport, SPIKE_INTERLEAVE } from './module.js';
export { elfSymbols } from './elf-symbols.js';
export * from './errors.js';
