/** CSR numbers the hart implements. */
export const CSR_CYCLE = 0xc00;
export const CSR_TIME = 0xc01;
export const CSR_INSTRET = 0xc02;
export const CSR_MCYCLE = 0xb00;
export const CSR_MINSTRET = 0xb02;
export const CSR_MSTATUS = 0x300;
export const CSR_MISA = 0x301;
export const CSR_MTVEC = 0x305;
export const CSR_MSCRATCH = 0x340;
export const CSR_MEPC = 0x341;
export const CSR_MCAUSE = 0x342;
export const CSR_MTVAL = 0x343;
export const CSR_MVENDORID = 0xf11;
export const CSR_MARCHID = 0xf12;
export const CSR_MIMPID = 0xf13;
export const CSR_MHARTID = 0xf14;

/** mcause for an environment call from M-mode. */
export const CAUSE_ECALL_M = 11;
/** mstatus after a machine trap: MPP = M (0b11 at bits 11..12), MIE = MPIE = 0. */
export const MSTATUS_AFTER_TRAP = 0x1800;

/** CSRs whose bits 11..10 are 0b11 are read-only; writing them is an illegal instruction. */
export function isReadOnlyCsr(csr: number): boolean {
  return csr >>> 10 === 3;
}
