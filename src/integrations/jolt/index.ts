export * from './postcard.js';
export { joltIntegration } from './integration.js';
export * from './describe.js';
