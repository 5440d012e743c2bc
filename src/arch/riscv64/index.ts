export * from './types.js';
export { RiscvHart, type RiscvHartOptions, type ExecutionEngine, TLB_SIZE } from './hart.js';
export { MAX_BLOCK } from './translator.js';
export * from './csr.js';
export { decode, OP_NAMES } from './decoder.js';
