export * from './address-space.js';
export * from './allocators/index.js';
export { memoryModule, type MemoryModuleOptions } from './module.js';
export { MemorySyscalls } from './syscalls.js';
