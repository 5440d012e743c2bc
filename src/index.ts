export { createKernel, defaultSubsystems, ZeroOS, type KernelOptions, type RunResult, type RunStats } from './zeroos.js';
export { ZeroOSError, EXIT_CODES } from './errors.js';
export * from './kernel/index.js';
export * from './arch/index.js';
export * from './platform/index.js';
export * from './subsystems/console/index.js';
export * from './subsystems/process/index.js';
export * from './subsystems/scheduler/index.js';
export * from './subsystems/vfs/index.js';
