/**
 * fflags (0x001), frm (0x002) and fcsr (0x003): user-mode CSRs over the fcsr fields kept in
 * HartState (so thread context switches carry them). Writes keep only the defined bits
 * (fflags: 5, frm: 3, fcsr: 8); an invalid frm may be written and read back, and makes the
 * next dynamic-rounding instruction illegal, as the spec says.
 *
 * mstatus.FS is not modelled: the FPU is always on (it reads as Off in mstatus, and no
 * instruction traps for it), which is what a user-mode program observes as "enabled".
 */
import type { CsrEntry } from '../csr/index.js';
import type { HartState } from '../state.js';

export const CSR_FFLAGS = 0x001;
export const CSR_FRM = 0x002;
export const CSR_FCSR = 0x003;

/** fflags, frm or fcsr (by number) as the CSR reads it. */
export function readFpCsr(state: HartState, csr: number): number {
  return csr === CSR_FFLAGS ? state.fflags : csr === CSR_FRM ? state.frm : (state.frm << 5) | state.fflags;
}

/** Writes fflags, frm or fcsr (by number): the defined bits of `value` (its low 8 bits are all that count). */
export function writeFpCsr(state: HartState, csr: number, value: number): void {
  if (csr === CSR_FFLAGS) state.fflags = value & 0x1f;
  else if (csr === CSR_FRM) state.frm = value & 7;
  else {
    state.fflags = value & 0x1f;
    state.frm = (value >> 5) & 7;
  }
}

/** The entries `fpCsrEntries` made: a compiled block may do their Zicsr accesses itself (FpUnit.csr). */
const FP_ENTRIES = new WeakSet<CsrEntry>();

/** Whether `entry` is one of the FP unit's own fflags/frm/fcsr entries (not an integration's replacement). */
export function isFpCsrEntry(entry: CsrEntry | undefined): boolean {
  return entry !== undefined && FP_ENTRIES.has(entry);
}

export function fpCsrEntries(state: HartState): CsrEntry[] {
  const entries: CsrEntry[] = [CSR_FFLAGS, CSR_FRM, CSR_FCSR].map((number) => ({
    number,
    name: number === CSR_FFLAGS ? 'fflags' : number === CSR_FRM ? 'frm' : 'fcsr',
    read: () => BigInt(readFpCsr(state, number)),
    write: (v: bigint) => writeFpCsr(state, number, Number(v & 0xffn)),
  }));
  for (const entry of entries) FP_ENTRIES.add(entry);
  return entries;
}
