export { MemoryLayout, LayoutError, formatSize, ADDRESS_LIMIT, type MemoryRegion, type RegionSpec } from './layout.js';
export * from './elf/index.js';
export {
  AT,
  CLOCK_TICKS_PER_SECOND,
  InitialStackOverflow,
  BadProcessArgument,
  atRandomBytes,
  buildInitialStack,
  type InitialStack,
  type InitialStackSpec,
} from './initial-stack.js';
export * from './linux/index.js';
export {
  joltMemoryLayout,
  JOLT_RAM_START,
  JOLT_STACK_CANARY_SIZE,
  JOLT_DEFAULTS,
  type JoltMemoryConfig,
  type JoltMemoryLayout,
} from './jolt-layout.js';
