export * from './syscalls.js';
export { timeModule } from './module.js';
