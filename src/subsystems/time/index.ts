export * from './syscalls.js';
export * from './timers.js';
export * from './timer-syscalls.js';
export { timeModule } from './module.js';
