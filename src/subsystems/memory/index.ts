export * from './address-space.js';
export * from './allocators/index.js';
export { memoryModule, type MemoryModuleOptions } from './module.js';
export { MEMORY_OPTIONS, type MemoryOptions } from './options.js';
export { MemorySyscalls } from './syscalls.js';
