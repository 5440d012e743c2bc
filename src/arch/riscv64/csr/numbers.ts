/**
 * The numbers of the machine layer's CSR file and of machine mode: CSR addresses, privilege
 * levels, mstatus fields and exception causes (RISC-V privileged spec, version 1.12).
 */

// ------------------------------------------------------------------ CSR addresses

/** Unprivileged counters (read-only shadows; RV64 has no cycleh/timeh/instreth). */
export const CSR_CYCLE = 0xc00;
export const CSR_TIME = 0xc01;
export const CSR_INSTRET = 0xc02;
/** Machine counters (writable). */
export const CSR_MCYCLE = 0xb00;
export const CSR_MINSTRET = 0xb02;
/** Machine trap setup. */
export const CSR_MSTATUS = 0x300;
export const CSR_MISA = 0x301;
export const CSR_MIE = 0x304;
export const CSR_MTVEC = 0x305;
export const CSR_MCOUNTEREN = 0x306;
/** Machine trap handling. */
export const CSR_MSCRATCH = 0x340;
export const CSR_MEPC = 0x341;
export const CSR_MCAUSE = 0x342;
export const CSR_MTVAL = 0x343;
export const CSR_MIP = 0x344;
/** Machine information (read-only). */
export const CSR_MVENDORID = 0xf11;
export const CSR_MARCHID = 0xf12;
export const CSR_MIMPID = 0xf13;
export const CSR_MHARTID = 0xf14;

/** CSRs whose bits 11..10 are 0b11 are read-only; writing them is an illegal instruction. */
export function isReadOnlyCsr(csr: number): boolean {
  return csr >>> 10 === 3;
}

/** The lowest privilege that may access a CSR: its bits 9..8 (0 = U, 1 = S, 2 = H, 3 = M). */
export function csrMinimumPrivilege(csr: number): number {
  return (csr >>> 8) & 3;
}

// ------------------------------------------------------------------ privilege

/** Privilege levels of an M/U machine (S = 1 is not implemented, 2 is reserved). */
export const PRIV_U = 0;
export const PRIV_M = 3;
export type Privilege = typeof PRIV_U | typeof PRIV_M;

// ------------------------------------------------------------------ misa

/** MXL = 2 (XLEN 64) in misa bits 63..62. */
export const MISA_MXL_64 = 2n << 62n;

/**
 * misa for RV64 with the given extension letters ('imacu' → 0x8000000000101105): one bit per
 * letter, 'a' = bit 0. Include 'u' when the machine has user mode.
 */
export function misaFor(letters: string): bigint {
  let bits = 0n;
  for (const letter of letters.toLowerCase()) {
    const bit = letter.charCodeAt(0) - 97;
    if (bit < 0 || bit > 25) throw new RangeError(`not an extension letter: '${letter}'`);
    bits |= 1n << BigInt(bit);
  }
  return MISA_MXL_64 | bits;
}

/** misa for RV64 (MXL = 2) with A, C, I, M and U: the hart without F and D. */
export const MISA_RV64IMAC = 0x8000000000101105n;
/** misa for RV64 (MXL = 2) with A, C, D, F, I, M and U: the default hart (RV64GC). */
export const MISA_RV64IMAFDC = 0x800000000010112dn;

/** Whether misa names extension `letter`. */
export function misaHas(misa: bigint, letter: string): boolean {
  return ((misa >> BigInt(letter.toLowerCase().charCodeAt(0) - 97)) & 1n) === 1n;
}

// ------------------------------------------------------------------ mstatus

/** mstatus.MIE: machine interrupts enabled. */
export const MSTATUS_MIE = 1 << 3;
/** mstatus.MPIE: MIE before the last trap. */
export const MSTATUS_MPIE = 1 << 7;
/** mstatus.MPP (bits 12..11): the privilege before the last trap. */
export const MSTATUS_MPP_SHIFT = 11;
export const MSTATUS_MPP = 3 << MSTATUS_MPP_SHIFT;
/** mstatus.MPRV: loads and stores use MPP's privilege (no effect here: no paging, no PMP). */
export const MSTATUS_MPRV = 1 << 17;
/** mstatus.TW: WFI in U-mode may time out (never here: WFI completes at once). */
export const MSTATUS_TW = 1 << 21;
/** mstatus.UXL (bits 33..32): XLEN in U-mode; read-only 2 (64-bit) when U-mode exists. */
export const MSTATUS_UXL_SHIFT = 32n;
export const MSTATUS_UXL_64 = 2n << MSTATUS_UXL_SHIFT;

/** mstatus after a trap under Jolt's ECALL: MPP = M, MIE = MPIE = 0 (a plain write). */
export const MSTATUS_AFTER_TRAP = 0x1800;

// ------------------------------------------------------------------ mtvec

/** mtvec.MODE values (bits 1..0); exceptions go to BASE in both. */
export const MTVEC_DIRECT = 0;
export const MTVEC_VECTORED = 1;

// ------------------------------------------------------------------ exception causes (mcause, interrupt bit clear)

/** Instruction address misaligned: mtval = the target address. */
export const CAUSE_INSTRUCTION_ADDRESS_MISALIGNED = 0;
/** Illegal instruction: mtval = the instruction bits. */
export const CAUSE_ILLEGAL_INSTRUCTION = 2;
/** Breakpoint (ebreak, c.ebreak): mtval = pc. */
export const CAUSE_BREAKPOINT = 3;
/** Load address misaligned: mtval = the address. */
export const CAUSE_LOAD_ADDRESS_MISALIGNED = 4;
/** Store/AMO address misaligned: mtval = the address. */
export const CAUSE_STORE_ADDRESS_MISALIGNED = 6;
/** Environment call from U-mode: mtval = 0. */
export const CAUSE_ECALL_U = 8;
/** Environment call from M-mode: mtval = 0. */
export const CAUSE_ECALL_M = 11;
