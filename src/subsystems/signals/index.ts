export * from './signals.js';
export { signalsModule } from './module.js';
export { SignalSyscalls } from './syscalls.js';
