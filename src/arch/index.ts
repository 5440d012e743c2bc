export * from './memory/index.js';
export * from './riscv64/index.js';
