/**
 * Zicsr: the CSR instructions. The CSR file (csr/) decides what each number means and who
 * may access it; an access it refuses is an illegal instruction. The old value is read
 * before the new one is written; rs1 = x0 (or uimm = 0) for csrrs/csrrc means "no write",
 * as the spec says.
 */
import type { Extension, InstructionDef } from './types.js';

const csr = (mnemonic: string, f3: number, format: 'csr' | 'csri', call: string): InstructionDef => ({
  mnemonic,
  match: 0x73 | (f3 << 12),
  mask: 0x707f,
  format,
  writesRd: true,
  interpretOnly: true,
  semantics: `M.csr(${call}, $left, $pc, $raw, $len); v = M.cl; w = M.ch;`,
});

export const ZICSR: Extension = {
  name: 'zicsr',
  instructions: [
    csr('csrrw', 1, 'csr', '0, $imm, $rs1, $rs1h, true'),
    csr('csrrs', 2, 'csr', '1, $imm, $rs1, $rs1h, $rs1n !== 0'),
    csr('csrrc', 3, 'csr', '2, $imm, $rs1, $rs1h, $rs1n !== 0'),
    csr('csrrwi', 5, 'csri', '0, $imm, $uimm, 0, true'),
    csr('csrrsi', 6, 'csri', '1, $imm, $uimm, 0, $uimm !== 0'),
    csr('csrrci', 7, 'csri', '2, $imm, $uimm, 0, $uimm !== 0'),
  ],
};
