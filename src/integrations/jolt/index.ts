export * from './postcard.js';
export { joltIntegration } from './integration.js';
export * from './describe.js';
export { JoltPlatform, JOLT_STACK_SIZE_SYMBOL, JOLT_HEAP_SIZE_SYMBOL, type JoltPlatformOptions } from './platform.js';
export { JoltDevice } from './device.js';
export { JoltRejected, JoltProgramRejected, JoltSizeMismatch, JoltInputTooLarge, JoltStackTooSmall, NotLinkedForJolt, BadSectionTable, type RejectedWord } from './errors.js';
export { readJoltProgram, joltRejectedWords, type JoltProgram, type JoltSection } from './program.js';
export { joltIsa, JOLT_REFUSALS } from './isa.js';
export {
  JoltHostServices,
  joltExtension,
  joltCustomWordProblem,
  JoltInlineNotImplemented,
  type JoltHost,
} from './instructions.js';
export { JoltCostModel, JoltTraceTooLong, joltPadded, joltMaxRows, joltRunParts } from './cost-model.js';
