export { spikeIntegration } from './integration.js';
export * from './describe.js';
