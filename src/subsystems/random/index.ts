export { SeededRandom } from './generator.js';
export { randomModule } from './module.js';
export { RandomSyscalls } from './syscalls.js';
