export { IoSyscalls, IOV_MAX, MAX_RW_COUNT } from './io-syscalls.js';
export { vfsModule } from './module.js';
export { StandardStreams } from './standard-streams.js';
