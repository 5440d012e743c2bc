export { processModule } from './module.js';
export { ProcessSyscalls } from './syscalls.js';
export * from './threads.js';
export { IdentitySyscalls, UTSNAME } from './identity.js';
