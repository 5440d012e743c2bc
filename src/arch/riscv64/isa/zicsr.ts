/**
 * Zicsr: the CSR instructions. The CSR file decides what each number means and who may
 * write it (`M.csrRead` / `M.csrWrite` raise the illegal-instruction exception for an
 * unknown CSR or a write to a read-only one). The old value is read before the new one is
 * written; rs1 = x0 (or uimm = 0) for csrrs/csrrc means "no write", as the spec says.
 */
import type { Extension, InstructionDef } from './types.js';

const F3 = 0x707f;

const csr = (mnemonic: string, f3: number, format: 'csr' | 'csri', write: string): InstructionDef => ({
  mnemonic,
  match: 0x73 | (f3 << 12),
  mask: F3,
  format,
  writesRd: true,
  interpretOnly: true,
  semantics: `M.csrRead($imm, left, $pc, $raw, $len); v = M.cl; w = M.ch; ${write}`,
});

const WRITE = 'M.csrWrite($imm, t, u, left, $pc, $raw, $len);';

export const ZICSR: Extension = {
  name: 'zicsr',
  instructions: [
    csr('csrrw', 1, 'csr', `t = $rs1; u = $rs1h; ${WRITE}`),
    csr('csrrs', 2, 'csr', `if ($rs1n !== 0) { t = v | $rs1; u = w | $rs1h; ${WRITE} }`),
    csr('csrrc', 3, 'csr', `if ($rs1n !== 0) { t = v & ~$rs1; u = w & ~$rs1h; ${WRITE} }`),
    csr('csrrwi', 5, 'csri', `t = $uimm; u = 0; ${WRITE}`),
    csr('csrrsi', 6, 'csri', `if ($uimm !== 0) { t = v | $uimm; u = w; ${WRITE} }`),
    csr('csrrci', 7, 'csri', `if ($uimm !== 0) { t = v & ~$uimm; u = w; ${WRITE} }`),
  ],
};
