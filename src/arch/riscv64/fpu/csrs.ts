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

export function fpCsrEntries(state: HartState): CsrEntry[] {
  return [
    { number: CSR_FFLAGS, name: 'fflags', read: () => BigInt(state.fflags), write: (v) => (state.fflags = Number(v & 0x1fn)) },
    { number: CSR_FRM, name: 'frm', read: () => BigInt(state.frm), write: (v) => (state.frm = Number(v & 0x7n)) },
    {
      number: CSR_FCSR,
      name: 'fcsr',
      read: () => BigInt((state.frm << 5) | state.fflags),
      write: (v) => {
        state.fflags = Number(v & 0x1fn);
        state.frm = Number((v >> 5n) & 0x7n);
      },
    },
  ];
}
