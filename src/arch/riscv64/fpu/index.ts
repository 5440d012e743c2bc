/**
 * Floating point for the F and D extensions: a software IEEE 754 implementation on raw bits
 * (softfloat.ts), the unit the instruction templates call (unit.ts) and the fcsr CSRs.
 */
export * from './softfloat.js';
export { FpUnit, type IllegalFn } from './unit.js';
export { fpCsrEntries, isFpCsrEntry, readFpCsr, writeFpCsr, CSR_FFLAGS, CSR_FRM, CSR_FCSR } from './csrs.js';
